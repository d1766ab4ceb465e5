"""The progress store: a student's submitted attempts in SQLite (stdlib), with alias, export and import."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STORE_FILE = "progress.sqlite"
ALIAS_MAX = 40
BUSY_TIMEOUT_MS = 30_000
LIST_SEPARATOR = ";"

# Ordered schema migrations: entry i brings the database from user_version i to i + 1. Append, never edit.
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
)
SCHEMA_VERSION = len(MIGRATIONS)

# Fields every attempt record must have, with their types (what analytics and the UI rely on).
REQUIRED_FIELDS: dict[str, tuple[type, ...]] = {
    "attempt_id": (str,),
    "alias": (str,),
    "case_id": (str,),
    "correct_diagnosis": (str,),
    "submitted_at": (int, float),
    "differential": (list,),
    "verdict": (str,),
}
LIST_FIELDS = ("asked", "examined", "investigated", "differential", "missed_key_questions", "missed_red_flags")
SCORE_FIELDS = ("thoroughness", "efficiency", "diagnosis", "next_step")
# One CSV row per attempt; list fields are joined with LIST_SEPARATOR, scores get a column each, events are left out.
CSV_COLUMNS = (
    "attempt_id",
    "alias",
    "case_id",
    "correct_diagnosis",
    "started_at",
    "submitted_at",
    "seconds",
    "asked",
    "examined",
    "investigated",
    "differential",
    "confidence",
    "next_step",
    "reasoning",
    "verdict",
    "next_step_verdict",
    *(f"score_{s}" for s in SCORE_FIELDS),
    "missed_key_questions",
    "missed_red_flags",
    "unsafe_step",
    "demo",
)


class ProgressStoreError(RuntimeError):
    """The progress file cannot be used and must not be moved aside (for example, written by a newer casebook)."""


@dataclass(frozen=True)
class RecordProblem:
    """One unusable line or row in an attempts file: which file, which line (1-based; 0 = whole file), what is wrong."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


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
        raise ValueError("An alias must be text.")
    alias = value.strip()
    if not alias:
        raise ValueError(f"Choose an alias of 1 to {ALIAS_MAX} characters (a nickname is enough).")
    if len(alias) > ALIAS_MAX:
        raise ValueError(f"An alias can be at most {ALIAS_MAX} characters long; this one has {len(alias)}.")
    if not alias.isprintable():
        raise ValueError("An alias can only contain printable characters (no tabs or line breaks).")
    return alias


def check_record(obj: Any) -> str | None:
    """Why ``obj`` is not a usable attempt record, or None when it is."""
    if not isinstance(obj, dict):
        return f"expected an attempt record (a JSON object), found {type(obj).__name__}"
    missing = [k for k in REQUIRED_FIELDS if k not in obj]
    if missing:
        return "missing field(s): " + ", ".join(missing)
    for key, types in REQUIRED_FIELDS.items():
        value = obj[key]
        if isinstance(value, bool) or not isinstance(value, types):
            return f"field '{key}' should be {' or '.join(t.__name__ for t in types)}, found {type(value).__name__}"
    if not obj["attempt_id"].strip() or not obj["case_id"].strip():
        return "fields 'attempt_id' and 'case_id' must not be empty"
    for key in LIST_FIELDS:
        if key in obj and not (isinstance(obj[key], list) and all(isinstance(x, str) for x in obj[key])):
            return f"field '{key}' should be a list of ids"
    if "events" in obj and not isinstance(obj["events"], list):
        return "field 'events' should be a list"
    return None


_FORMULA_STARTS = ("=", "+", "-", "@")


def record_to_row(record: dict) -> dict[str, Any]:
    """An attempt record as one flat CSV row (list fields joined, scores spread over columns)."""
    row: dict[str, Any] = {}
    scores = record.get("scores") or {}
    for col in CSV_COLUMNS:
        if col.startswith("score_"):
            value = scores.get(col[len("score_") :], "")
        else:
            value = record.get(col, "")
        if col in LIST_FIELDS:
            value = LIST_SEPARATOR.join(value or [])
        elif isinstance(value, bool):
            value = "true" if value else "false"
        elif value is None:
            value = ""
        elif isinstance(value, str) and value.startswith(_FORMULA_STARTS):
            value = "'" + value  # a spreadsheet must not run student text as a formula; row_to_record removes the quote
        row[col] = value
    return row


def _number(text: str) -> float | int | None:
    if text == "":
        return None
    value = float(text)
    return int(value) if value.is_integer() and "." not in text and "e" not in text.lower() else value


def row_to_record(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row (as written by ``record_to_row``) back as an attempt record without events; ValueError when a number is bad."""
    rec: dict[str, Any] = {}
    for col in CSV_COLUMNS:
        text = (row.get(col) or "").strip()
        if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS):
            text = text[1:]
        if col.startswith("score_"):
            if text:
                try:
                    rec.setdefault("scores", {})[col[len("score_") :]] = float(text)
                except ValueError:
                    raise ValueError(f"column '{col}' should be a number, found '{text}'") from None
        elif col in LIST_FIELDS:
            rec[col] = [x for x in text.split(LIST_SEPARATOR) if x] if text else []
        elif col in ("started_at", "submitted_at", "seconds", "confidence"):
            try:
                value = _number(text)
            except ValueError:
                raise ValueError(f"column '{col}' should be a number, found '{text}'") from None
            if value is not None:
                rec[col] = value
        elif col in ("unsafe_step", "demo"):
            if text:
                rec[col] = text.lower() in ("true", "1", "yes")
        else:
            if text or col in ("alias",):
                rec[col] = text
    if "next_step" in rec and rec["next_step"] == "":
        rec["next_step"] = None
    return rec


def iter_records(path: str | os.PathLike) -> Iterator[tuple[int, dict | None, str | None]]:
    """(line number, record, problem) for every non-empty line of a JSONL file or row of a CSV file; never raises on bad content."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".csv":
            with open(path, newline="", encoding="utf-8") as f:
                reader = csv.DictReader(f)
                missing = [c for c in REQUIRED_FIELDS if c not in (reader.fieldnames or [])]
                if missing:
                    yield 1, None, "not an attempts CSV file: missing column(s) " + ", ".join(missing)
                    return
                for row in reader:
                    line = reader.line_num
                    if None in row:
                        yield (
                            line,
                            None,
                            f"row has {len(reader.fieldnames or []) + len(row[None])} values, expected {len(reader.fieldnames or [])}",
                        )
                        continue
                    try:
                        rec = row_to_record(row)
                    except ValueError as e:
                        yield line, None, str(e)
                        continue
                    problem = check_record(rec)
                    yield line, (None if problem else rec), problem
            return
        with open(path, encoding="utf-8") as f:
            for number, text in enumerate(f, start=1):
                if not text.strip():
                    continue
                text = text.strip()
                try:
                    obj = json.loads(text)
                except json.JSONDecodeError as e:
                    if text.startswith("{") and not text.endswith("}"):
                        yield number, None, f"not valid JSON: the record is cut off after {len(text)} characters"
                    else:
                        yield number, None, f"not valid JSON ({e.msg} at column {e.colno})"
                    continue
                except RecursionError:
                    yield number, None, "not valid JSON (nested too deeply)"
                    continue
                problem = check_record(obj)
                yield number, (None if problem else obj), problem
    except UnicodeDecodeError as e:
        yield 0, None, f"not a UTF-8 text file ({e.reason} at byte {e.start})"
    except OSError as e:
        yield 0, None, f"cannot be read ({e.strerror or e})"
    except csv.Error as e:
        yield 0, None, f"not a readable CSV file ({e})"


def _write_atomically(path: Path, write) -> None:
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
                    f"The progress file {self.path} cannot be opened right now ({e}); it was left untouched. Try again in a moment."
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
                f"The progress file {self.path} was written by a newer version of the casebook (schema {version}; this version knows up to "
                f"{len(MIGRATIONS)}). Update the casebook to use it; the file was left untouched."
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
            self.recovered = (
                f"Your progress file {self.path} could not be read ({reason}) and could not be moved aside ({e.strerror or e}). "
                "Attempts are kept only until this notebook is closed; ask for help to repair the file."
            )
            conn = self._connect(":memory:")
            self._migrate(conn)
            return conn
        self.recovered = (
            f"Your progress file {self.path} could not be read ({reason}). It was moved to {aside} (kept, not deleted) "
            f"and a fresh progress file was started at {self.path}."
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
                "INSERT INTO settings (key, value) VALUES ('alias', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (alias,),
            )

    # ------------------------------------------------------------ attempts

    def save_attempt(self, record: dict) -> bool:
        """Save one attempt record and its events; True when new, False when an attempt with this id is already saved."""
        problem = check_record(record)
        if problem:
            raise ValueError(f"Cannot save this attempt: {problem}.")
        with self._write() as conn:
            return self._insert(conn, record)

    def _insert(self, conn: sqlite3.Connection, record: dict) -> bool:
        body = {k: v for k, v in record.items() if k != "events"}
        cur = conn.execute(
            "INSERT OR IGNORE INTO attempts (attempt_id, alias, case_id, submitted_at, saved_at, record) VALUES (?, ?, ?, ?, ?, ?)",
            (
                record["attempt_id"],
                record["alias"],
                record["case_id"],
                float(record["submitted_at"]),
                time.time(),
                json.dumps(body, ensure_ascii=False),
            ),
        )
        if cur.rowcount != 1:
            return False
        if "events" in record:
            conn.executemany(
                "INSERT INTO events (attempt_id, seq, kind, at, item, data) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        record["attempt_id"],
                        seq,
                        str(e.get("kind", "")),
                        float(e.get("at", 0.0)),
                        str(e.get("item", "")),
                        json.dumps(e["data"], ensure_ascii=False) if "data" in e else None,
                    )
                    for seq, e in enumerate(record["events"])
                    if isinstance(e, dict)
                ],
            )
        return True

    def record_session(self, session) -> bool:
        """Save a submitted CaseSession's attempt, under the store's alias when the session has none."""
        record = session.attempt_record()
        if not record.get("alias"):
            record["alias"] = self.alias or ""
        return self.save_attempt(record)

    def attempts(self, alias: str | None = None) -> list[dict]:
        """Saved attempt records (with their events), oldest first; only ``alias``'s when given."""
        where, args = ("WHERE alias = ?", (alias,)) if alias is not None else ("", ())
        with self._lock:
            rows = self._conn.execute(
                f"SELECT attempt_id, record FROM attempts {where} ORDER BY submitted_at, rowid", args
            ).fetchall()
            events: dict[str, list[dict]] = {}
            has_events: set[str] = set()
            query = (
                "SELECT e.attempt_id, e.kind, e.at, e.item, e.data FROM events e "
                + ("JOIN attempts a ON a.attempt_id = e.attempt_id WHERE a.alias = ? " if alias is not None else "")
                + "ORDER BY e.attempt_id, e.seq"
            )
            for attempt_id, kind, at, item, data in self._conn.execute(query, args):
                has_events.add(attempt_id)
                event: dict[str, Any] = {"kind": kind, "at": at}
                if item:
                    event["item"] = item
                if data is not None:
                    event["data"] = json.loads(data)
                events.setdefault(attempt_id, []).append(event)
        out = []
        for attempt_id, body in rows:
            record = json.loads(body)
            if attempt_id in has_events or "events" in record:
                record["events"] = events.get(attempt_id, [])
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
        _write_atomically(Path(path), lambda f: f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
        return len(records)

    def export_csv(self, path: str | os.PathLike, alias: str | None = None) -> int:
        """Write the attempts as CSV, one row per attempt (list fields joined with ';', events left out); returns how many."""
        records = self.attempts(alias)

        def write(f) -> None:
            writer = csv.DictWriter(f, fieldnames=list(CSV_COLUMNS))
            writer.writeheader()
            writer.writerows(record_to_row(r) for r in records)

        _write_atomically(Path(path), write)
        return len(records)

    def import_file(self, path: str | os.PathLike) -> ImportResult:
        """Add the attempts of a JSONL (or CSV) export; attempts already saved count as duplicates; bad lines are reported, never raised."""
        result = ImportResult()
        name = str(path)
        good: list[dict] = []
        for line, record, problem in iter_records(path):
            if problem:
                result.problems.append(RecordProblem(name, line, problem))
            else:
                good.append(record)
        with self._write() as conn:
            for record in good:
                if self._insert(conn, record):
                    result.added += 1
                else:
                    result.duplicates += 1
        return result

    def import_records(self, records: Iterable[dict]) -> ImportResult:
        """Add attempt records from memory, like ``import_file``."""
        result = ImportResult()
        with self._write() as conn:
            for n, record in enumerate(records, start=1):
                problem = check_record(record)
                if problem:
                    result.problems.append(RecordProblem("(records)", n, problem))
                elif self._insert(conn, record):
                    result.added += 1
                else:
                    result.duplicates += 1
        return result


class _Transaction:
    """``with store._write() as conn``: BEGIN IMMEDIATE ... COMMIT, rolled back on error; one writer thread at a time."""

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
    'database is locked' at once instead of waiting when two processes open a new file together: retry until the busy timeout."""
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


# SQLite result codes that mean the file itself is damaged or unreadable (moved aside), as opposed to busy or locked (left alone).
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
