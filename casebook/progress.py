"""The progress store: a student's submitted attempts in SQLite (stdlib), with alias, export and import."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from .attempts import MODES, AttemptRecord, Event, RecordError, RecordProblem, read_attempts, write_csv, write_jsonl
from .handin import hand_in
from .i18n import LANGUAGES, M_

STORE_FILE = "progress.sqlite"
ALIAS_MAX = 40
BUSY_TIMEOUT_MS = 30_000

# Ordered schema migrations: entry i brings the database from user_version i to i + 1. Append, never edit.
# The attempts table keeps each record's JSON object (any record version: rows are upgraded when read) without its
# events, which have a table of their own; a record that had an events list (even an empty one) keeps "events": [].
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE attempts (
        attempt_id   TEXT PRIMARY KEY,
        alias        TEXT NOT NULL,
        case_id      TEXT NOT NULL,
        submitted_at REAL NOT NULL,
        saved_at     REAL NOT NULL,
        record       TEXT NOT NULL            -- the attempt record as JSON, without its events
    );
    CREATE INDEX attempts_by_alias ON attempts (alias, submitted_at);
    CREATE TABLE events (
        attempt_id TEXT NOT NULL REFERENCES attempts (attempt_id),
        seq        INTEGER NOT NULL,
        kind       TEXT NOT NULL,
        at         REAL NOT NULL,
        item       TEXT NOT NULL DEFAULT '',
        data       TEXT,                      -- JSON object or NULL
        PRIMARY KEY (attempt_id, seq)
    );
    """,
    # 2: attempt records of version 2 (free recall: casebook/attempts.py UPGRADES). The tables stay as they are; the
    # step raises the file's version, so a casebook that reads records up to version 1 refuses the file on opening
    # instead of failing at its first version-2 attempt.
    "-- no statement: the records' own version changed\n",
)
SCHEMA_VERSION = len(MIGRATIONS)


class ProgressStoreError(RuntimeError):
    """The progress file cannot be used and must not be moved aside (for example, written by a newer casebook)."""


@dataclass
class ImportResult:
    """What an import did: attempts added, attempts already there, and the lines that could not be used."""

    added: int = 0
    duplicates: int = 0
    problems: list[RecordProblem] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"{self.added} attempt(s) added, {self.duplicates} already there"
        return text + (f", {len(self.problems)} line(s) skipped" if self.problems else "")


def casebook_home() -> Path:
    """The per-user data folder: $CASEBOOK_HOME, else ~/.local/share/casebook (created when missing)."""
    home = Path(os.environ.get("CASEBOOK_HOME") or Path.home() / ".local" / "share" / "casebook").expanduser()
    home.mkdir(parents=True, exist_ok=True)
    return home


def validate_alias(value: object) -> str:
    """The alias stripped of surrounding spaces; ValueError with a message for the student when it is not usable."""
    if not isinstance(value, str):
        raise ValueError(M_("An alias must be text."))
    alias = value.strip()
    if not alias:
        raise ValueError(M_("Choose an alias of 1 to {max} characters (a nickname is enough).", max=ALIAS_MAX))
    if len(alias) > ALIAS_MAX:
        raise ValueError(
            M_("An alias can be at most {max} characters long; this one has {n}.", max=ALIAS_MAX, n=len(alias))
        )
    if not alias.isprintable():
        raise ValueError(M_("An alias can only contain printable characters (no tabs or line breaks)."))
    return alias


def _write_atomically(path: Path, write: Callable[[TextIO], object]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            write(f)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


class ProgressStore:
    """Submitted attempts and the student's alias in one SQLite file (WAL mode, every write in a transaction)."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else casebook_home() / STORE_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.recovered: str | None = None
        self._lock = threading.RLock()
        try:
            self._conn = self._open()
        except (sqlite3.DatabaseError, OSError) as e:  # a ProgressStoreError (newer file) passes through untouched
            if not _is_damage(e):
                raise ProgressStoreError(
                    M_(
                        "The progress file {path} cannot be opened right now ({reason}); it was left untouched. "
                        "Try again in a moment.",
                        path=str(self.path),
                        reason=str(e),
                    )
                ) from e
            self._conn = self._recover(e)

    # ------------------------------------------------------------ opening, checking, migrating

    def _connect(self, target: str) -> sqlite3.Connection:
        conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return conn

    def _open(self) -> sqlite3.Connection:
        conn = self._connect(str(self.path))
        try:
            self._check_version(conn)  # before anything writes: a newer casebook's file stays untouched
            _enable_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            check = conn.execute("PRAGMA quick_check").fetchall()
            if [r[0] for r in check] != ["ok"]:
                raise _IntegrityError("the integrity check failed: " + "; ".join(str(r[0]) for r in check[:3]))
            self._migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _check_version(self, conn: sqlite3.Connection) -> int:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise ProgressStoreError(
                M_(
                    "The progress file {path} was written by a newer version of the casebook (schema {version}; "
                    "this version knows up to {known}). Update the casebook to use it; the file was left untouched.",
                    path=str(self.path),
                    version=version,
                    known=len(MIGRATIONS),
                )
            )
        return version

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Apply the migrations the file has not had yet, in order, in one transaction."""
        version = self._check_version(conn)
        if version == len(MIGRATIONS):
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have migrated in the meantime.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number in range(version, len(MIGRATIONS)):
                for statement in _statements(MIGRATIONS[number]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _recover(self, error: Exception) -> sqlite3.Connection:
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        reason = str(error) or type(error).__name__
        try:
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                extra = self.path.with_name(self.path.name + suffix)
                if extra.exists():
                    os.replace(extra, aside.with_name(aside.name + suffix))
        except OSError as e:
            self.recovered = M_(
                "Your progress file {path} could not be read ({reason}) and could not be moved aside ({why}). "
                "Attempts are kept only until this notebook is closed; ask for help to repair the file.",
                path=str(self.path),
                reason=reason,
                why=str(e.strerror or e),
            )
            conn = self._connect(":memory:")
            self._migrate(conn)
            return conn
        self.recovered = M_(
            "Your progress file {path} could not be read ({reason}). It was moved to {aside} (kept, not deleted) "
            "and a fresh progress file was started at {path}.",
            path=str(self.path),
            reason=reason,
            aside=str(aside),
        )
        return self._open()

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self):
        return _Transaction(self._conn, self._lock)

    # ------------------------------------------------------------ alias

    @property
    def alias(self) -> str | None:
        """The student's alias, or None when none is set."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM settings WHERE key = 'alias'").fetchone()
        return row[0] if row else None

    @alias.setter
    def alias(self, value: str) -> None:
        alias = validate_alias(value)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES ('alias', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (alias,),
            )

    @property
    def history_mode(self) -> str | None:
        """How the student chose to take the history last time ('menu' or 'recall'), or None when never chosen."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM settings WHERE key = 'history_mode'").fetchone()
        return row[0] if row and row[0] in MODES else None

    @history_mode.setter
    def history_mode(self, value: str) -> None:
        if value not in MODES:
            raise ValueError(f"The history mode is one of {', '.join(MODES)}, not {value!r}.")
        with self._write() as conn:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES ('history_mode', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (value,),
            )

    @property
    def language(self) -> str | None:
        """The language the student chose with the start page's switch ('en', 'nb' or 'da'), or None when never
        chosen (kept with the alias in the settings; every notebook reads it through i18n.preferred_language)."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM settings WHERE key = 'language'").fetchone()
        return row[0] if row and row[0] in LANGUAGES else None

    @language.setter
    def language(self, value: str) -> None:
        if value not in LANGUAGES:
            raise ValueError(f"The language is one of {', '.join(LANGUAGES)}, not {value!r}.")
        with self._write() as conn:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES ('language', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (value,),
            )

    # ------------------------------------------------------------ attempts

    def save_attempt(self, record: AttemptRecord) -> bool:
        """Save one attempt record and its events; True when new, False when an attempt with its id is saved already."""
        if not isinstance(record, AttemptRecord):
            raise TypeError(f"save_attempt() takes an AttemptRecord, not {type(record).__name__}")
        with self._write() as conn:
            return self._insert(conn, record)

    def _insert(self, conn: sqlite3.Connection, record: AttemptRecord) -> bool:
        body = record.to_json(events=False)
        if record.events is not None:
            body["events"] = []  # the events are in their own table; this says the record had an events list
        cur = conn.execute(
            "INSERT OR IGNORE INTO attempts (attempt_id, alias, case_id, submitted_at, saved_at, record) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                record.attempt_id,
                record.alias,
                record.case_id,
                float(record.submitted_at),
                time.time(),
                json.dumps(body, ensure_ascii=False),
            ),
        )
        if cur.rowcount != 1:
            return False
        if record.events:
            conn.executemany(
                "INSERT INTO events (attempt_id, seq, kind, at, item, data) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        record.attempt_id,
                        seq,
                        e.kind,
                        float(e.at),
                        e.item,
                        json.dumps(dict(e.data), ensure_ascii=False) if e.data else None,
                    )
                    for seq, e in enumerate(record.events)
                ],
            )
        return True

    def record_session(self, session) -> bool:
        """Save a submitted CaseSession's attempt, under the store's alias when the session has none; True when new.

        On a class server with a hand-in folder for this student ($CASEBOOK_HANDIN_DIR) every attempt is then handed
        in to the teacher (``handin.hand_in``; HandInError, saying the attempt itself is saved, when that fails).
        """
        record: AttemptRecord = session.attempt_record()
        if not record.alias:
            record = replace(record, alias=self.alias or "")
        new = self.save_attempt(record)
        hand_in(self)
        return new

    def attempts(self, alias: str | None = None) -> list[AttemptRecord]:
        """Saved attempt records (with their events), oldest first; only ``alias``'s when given.

        Rows written by earlier casebooks are upgraded on the way in; a row from a newer casebook raises
        ProgressStoreError (its records cannot be read here, and nothing is changed).
        """
        where, args = ("WHERE alias = ?", (alias,)) if alias is not None else ("", ())
        with self._lock:
            rows = self._conn.execute(
                f"SELECT attempt_id, record FROM attempts {where} ORDER BY submitted_at, rowid", args
            ).fetchall()
            events: dict[str, list[Event]] = {}
            query = (
                "SELECT e.attempt_id, e.kind, e.at, e.item, e.data FROM events e "
                + ("JOIN attempts a ON a.attempt_id = e.attempt_id WHERE a.alias = ? " if alias is not None else "")
                + "ORDER BY e.attempt_id, e.seq"
            )
            for attempt_id, kind, at, item, data in self._conn.execute(query, args):
                event = Event(kind, at, item or "", json.loads(data) if data is not None else {})
                events.setdefault(attempt_id, []).append(event)
        out = []
        for attempt_id, body in rows:
            obj = json.loads(body)
            listed = isinstance(obj, dict) and obj.pop("events", None) is not None  # "events": [] marks a list
            had_events = listed or attempt_id in events
            try:
                record = AttemptRecord.from_json(obj, events=False)
            except RecordError as e:
                raise ProgressStoreError(
                    M_(
                        "The progress file {path} holds attempt {id} that this casebook cannot read ({reason}); "
                        "the file was left untouched.",
                        path=str(self.path),
                        id=attempt_id,
                        reason=e.args[0] if len(e.args) == 1 else str(e),
                    )
                ) from e
            if had_events:
                record = replace(record, events=tuple(events.get(attempt_id, ())))
            out.append(record)
        return out

    def done_case_ids(self, alias: str | None = None) -> set[str]:
        """Ids of the cases with at least one submitted attempt (``alias``'s only when given)."""
        where, args = ("WHERE alias = ?", (alias,)) if alias is not None else ("", ())
        with self._lock:
            return {r[0] for r in self._conn.execute(f"SELECT DISTINCT case_id FROM attempts {where}", args)}

    def count(self, alias: str | None = None) -> int:
        """How many attempts are saved (``alias``'s only when given)."""
        where, args = ("WHERE alias = ?", (alias,)) if alias is not None else ("", ())
        with self._lock:
            return self._conn.execute(f"SELECT COUNT(*) FROM attempts {where}", args).fetchone()[0]

    # ------------------------------------------------------------ export and import

    def export_jsonl(self, path: str | os.PathLike, alias: str | None = None) -> int:
        """Write the attempts (``alias``'s only when given) as JSON Lines, one attempt per line; returns how many."""
        records = self.attempts(alias)
        _write_atomically(Path(path), lambda f: write_jsonl(f, records))
        return len(records)

    def export_csv(self, path: str | os.PathLike, alias: str | None = None) -> int:
        """Write the attempts as CSV, one row per attempt (lists joined with ';', events left out); returns how many."""
        records = self.attempts(alias)
        _write_atomically(Path(path), lambda f: write_csv(f, records))
        return len(records)

    def import_file(self, path: str | os.PathLike) -> ImportResult:
        """Add the attempts of a JSONL (or CSV) hand-in, of any record version this casebook knows.

        Attempts already saved count as duplicates; unusable lines (bad JSON, a bad field, a record from a newer
        casebook) are reported in the result, never raised.
        """
        result = ImportResult()
        name = str(path)
        good: list[AttemptRecord] = []
        for line, record, problem in read_attempts(path):
            if record is None:
                result.problems.append(RecordProblem(name, line, problem or ""))
            else:
                good.append(record)
        self._add(good, result)
        return result

    def import_records(self, records: Iterable[AttemptRecord | Mapping[str, Any]]) -> ImportResult:
        """Add attempt records from memory, like ``import_file``; JSON objects are upgraded and checked on the way."""
        result = ImportResult()
        good: list[AttemptRecord] = []
        for n, record in enumerate(records, start=1):
            if isinstance(record, AttemptRecord):
                good.append(record)
                continue
            try:
                good.append(AttemptRecord.from_json(dict(record) if isinstance(record, Mapping) else record))
            except RecordError as e:
                result.problems.append(RecordProblem("(records)", n, e.args[0] if len(e.args) == 1 else str(e)))
        self._add(good, result)
        return result

    def _add(self, records: list[AttemptRecord], result: ImportResult) -> None:
        """Insert ``records`` in one transaction, counting the new ones and the duplicates into ``result``."""
        with self._write() as conn:
            for record in records:
                if self._insert(conn, record):
                    result.added += 1
                else:
                    result.duplicates += 1


class _Transaction:
    """``with store._write() as conn``: BEGIN IMMEDIATE ... COMMIT, rolled back on error; one writing thread at once."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.RLock):
        self.conn, self.lock = conn, lock

    def __enter__(self) -> sqlite3.Connection:
        self.lock.acquire()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.lock.release()
            raise
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self.conn.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.lock.release()


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL mode (persistent). Switching needs a moment with no other connection, and SQLite reports
    'database is locked' at once instead of waiting when two processes open a new file together: retry until the busy
    timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            if (
                conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
                or conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
            ):
                return
        except sqlite3.OperationalError as e:
            if (
                getattr(e, "sqlite_errorname", "").split("_")[1:2] not in (["BUSY"], ["LOCKED"])
                or time.monotonic() > deadline
            ):
                raise
        if time.monotonic() > deadline:
            raise sqlite3.OperationalError("database is locked (could not switch to WAL mode)")
        time.sleep(delay)  # back off before retrying; SQLite gives no event to wait on here
        delay = min(delay * 2, 0.1)


# SQLite result codes that mean the file itself is damaged or unreadable (moved aside), as opposed to busy or locked
# (left alone).
_DAMAGE_CODES = {
    "SQLITE_CORRUPT",
    "SQLITE_NOTADB",
    "SQLITE_CANTOPEN",
    "SQLITE_IOERR",
    "SQLITE_PERM",
    "SQLITE_READONLY",
    "SQLITE_FORMAT",
    "SQLITE_EMPTY",
}


class _IntegrityError(sqlite3.DatabaseError):
    """PRAGMA quick_check found damage."""


def _is_damage(error: Exception) -> bool:
    if isinstance(error, (_IntegrityError, OSError)):
        return True
    name = getattr(error, "sqlite_errorname", "") or ""
    return any(name == code or name.startswith(code + "_") for code in _DAMAGE_CODES)


def _statements(script: str) -> list[str]:
    """The statements of a migration script (split on ';' at line ends; migrations hold no ';' inside strings)."""
    return [s.strip() for s in script.split(";\n") if s.strip() and not s.strip().startswith("--")]
