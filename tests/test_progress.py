"""The progress store: alias, saving attempts, damaged files, two writers at once, export and import."""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from builders import attempt_json, make_record

from casebook import attempts, progress
from casebook.attempts import AttemptRecord, RecordProblem, read_attempts
from casebook.progress import SCHEMA_VERSION, ImportResult, ProgressStore, ProgressStoreError

V1 = Path(__file__).resolve().parent / "data" / "v1"  # files written before records had a version (never edited)


class SubmittedSession:
    """Stands in for a submitted CaseSession: only attempt_record() is used by the store."""

    def __init__(self, record: AttemptRecord):
        self.record = record

    def attempt_record(self) -> AttemptRecord:
        return self.record


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    """An empty store in a temporary folder, closed after the test."""
    s = ProgressStore(tmp_path / "progress.sqlite")
    yield s
    s.close()


def test_default_location_is_casebook_home(tmp_path, monkeypatch):
    """Without a path the store lives at $CASEBOOK_HOME/progress.sqlite, and the folder is created."""
    home = tmp_path / "new" / "home"
    monkeypatch.setenv("CASEBOOK_HOME", str(home))
    s = ProgressStore()
    assert s.path == home / "progress.sqlite"
    assert s.path.is_file() and s.recovered is None
    s.close()


def test_fresh_store_uses_wal_and_the_latest_schema(store):
    """A new file is in WAL mode with user_version equal to the number of migrations."""
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(progress.MIGRATIONS)
    conn.close()


def test_alias_is_stripped_saved_and_kept_after_reopening(tmp_path):
    """Setting the alias strips spaces; a new store on the same file reads it back."""
    s = ProgressStore(tmp_path / "p.sqlite")
    assert s.alias is None
    s.alias = "  calf-detective  "
    s.close()
    again = ProgressStore(tmp_path / "p.sqlite")
    assert again.alias == "calf-detective"
    again.close()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("   ", "Choose an alias of 1 to 40 characters (a nickname is enough)."),
        ("x" * 41, "An alias can be at most 40 characters long; this one has 41."),
        ("tab\there", "An alias can only contain printable characters (no tabs or line breaks)."),
        (None, "An alias must be text."),
    ],
    ids=["empty", "too-long", "tab", "not-text"],
)
def test_bad_alias_is_refused_with_a_clear_message(store, value, message):
    """An unusable alias raises ValueError with the message the alias box shows, and the old alias stays."""
    store.alias = "kept"
    with pytest.raises(ValueError) as err:
        store.alias = value
    assert str(err.value) == message
    assert store.alias == "kept"


def test_save_attempt_is_idempotent_and_keeps_the_record_with_its_events(store):
    """Saving the same attempt twice stores it once; attempts() returns the record exactly as saved, events included."""
    record = make_record(1)
    assert store.save_attempt(record) is True
    assert store.save_attempt(record) is False
    assert store.attempts() == [record]


def test_attempts_are_oldest_first_and_filtered_by_alias(store):
    """attempts() orders by submission time and filters by alias; done_case_ids() lists the cases attempted."""
    store.save_attempt(make_record(3, alias="b", case_id="case-0"))
    store.save_attempt(make_record(1, alias="a", case_id="case-1"))
    store.save_attempt(make_record(2, alias="a", case_id="case-2"))
    assert [r.attempt_id for r in store.attempts()] == ["att-0001", "att-0002", "att-0003"]
    assert [r.attempt_id for r in store.attempts("a")] == ["att-0001", "att-0002"]
    assert store.done_case_ids("a") == {"case-1", "case-2"}
    assert store.done_case_ids() == {"case-0", "case-1", "case-2"}


def test_record_session_uses_the_store_alias_when_the_session_has_none(store):
    """A session without an alias is saved under the store's alias; a session's own alias wins."""
    store.alias = "me"
    assert store.record_session(SubmittedSession(make_record(1, alias=""))) is True
    store.record_session(SubmittedSession(make_record(2, alias="someone")))
    assert [(r.attempt_id, r.alias) for r in store.attempts()] == [("att-0001", "me"), ("att-0002", "someone")]


def test_an_incomplete_record_is_refused_with_the_missing_fields(store):
    """import_records() names the fields a JSON record lacks instead of storing half an attempt; save_attempt() takes
    only typed records."""
    record = attempt_json(1)
    del record["case_id"], record["verdict"]
    result = store.import_records([record])
    assert result == ImportResult(0, 0, [RecordProblem("(records)", 1, "missing field(s): case_id, verdict")])
    with pytest.raises(TypeError, match="^save_attempt\\(\\) takes an AttemptRecord, not dict$"):
        store.save_attempt(record)
    assert store.attempts() == []


def _filled_store_file(path: Path, attempts: int = 300) -> bytes:
    s = ProgressStore(path)
    s.import_records(make_record(n) for n in range(attempts))
    s.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path.read_bytes()


def _expected_message(path: Path, aside: Path, reason: str) -> str:
    return (
        f"Your progress file {path} could not be read ({reason}). It was moved to {aside} (kept, not deleted) "
        f"and a fresh progress file was started at {path}."
    )


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        ("garbage", "file is not a database"),
        ("truncated", "database disk image is malformed"),
    ],
)
def test_a_damaged_file_is_moved_aside_with_a_message_and_a_fresh_store_works(tmp_path, damage, reason):
    """Garbage bytes or a truncated file: the file is renamed progress.sqlite.corrupt-<time> unchanged, the message
    names both files, and the new store saves."""
    path = tmp_path / "progress.sqlite"
    if damage == "garbage":
        original = bytes(range(256)) * 40
        path.write_bytes(original)
    else:
        full = _filled_store_file(path)
        original = full[: len(full) // 2]
        path.write_bytes(original)
    s = ProgressStore(path)
    asides = sorted(tmp_path.glob("progress.sqlite.corrupt-*"))
    assert [a.name for a in asides if not a.name.endswith(("-wal", "-shm"))] == [asides[0].name]
    assert asides[0].read_bytes() == original
    assert s.recovered == _expected_message(path, asides[0], reason)
    assert s.attempts() == []
    assert s.save_attempt(make_record(1)) is True
    assert ProgressStore(path).attempts() == [make_record(1)]


def test_a_healthy_file_is_not_moved_aside(tmp_path):
    """Reopening a good store keeps every attempt and reports no recovery."""
    path = tmp_path / "progress.sqlite"
    _filled_store_file(path, attempts=5)
    s = ProgressStore(path)
    assert s.recovered is None and len(s.attempts()) == 5
    assert list(tmp_path.glob("*.corrupt-*")) == []


def test_a_file_from_a_newer_casebook_is_left_untouched(tmp_path):
    """A schema version above the known ones raises ProgressStoreError and neither moves nor changes the file."""
    path = tmp_path / "progress.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(ProgressStoreError) as err:
        ProgressStore(path)
    assert "written by a newer version of the casebook" in str(err.value)
    assert path.read_bytes() == before and list(tmp_path.glob("*.corrupt-*")) == []


def _writer(path: str, start: int, count: int, barrier) -> None:
    barrier.wait()
    s = ProgressStore(path)
    for n in range(start, start + count):
        s.save_attempt(make_record(n, alias=f"writer-{start}"))
    s.close()


def test_two_processes_writing_at_once_lose_no_attempt(tmp_path):
    """Two processes open the same new file at the same moment and save 200 attempts each: all 400 are there."""
    path = str(tmp_path / "progress.sqlite")
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_writer, args=(path, start, 200, barrier)) for start in (0, 1000)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0]
    s = ProgressStore(path)
    ids = {r.attempt_id for r in s.attempts()}
    assert len(ids) == 400
    assert ids == {f"att-{n:04d}" for n in [*range(200), *range(1000, 1200)]}
    assert s.recovered is None


def test_export_then_import_round_trip_gives_identical_attempts_without_duplicates(tmp_path, store):
    """JSONL export into a new store gives the same records; importing the file again adds nothing."""
    records = [make_record(n, alias="a" if n % 2 else "b") for n in range(1, 8)]
    store.import_records(records)
    out = tmp_path / "export" / "mine.jsonl"
    assert store.export_jsonl(out) == 7
    other = ProgressStore(tmp_path / "other.sqlite")
    first = other.import_file(out)
    assert (first.added, first.duplicates, first.problems) == (7, 0, [])
    assert other.attempts() == store.attempts() == records
    second = other.import_file(out)
    assert (second.added, second.duplicates, second.problems) == (0, 7, [])
    assert len(other.attempts()) == 7
    assert str(second) == "0 attempt(s) added, 7 already there"


def test_export_for_one_alias_only(tmp_path, store):
    """export_jsonl(alias=...) writes only that student's attempts, each line at the newest record version."""
    store.import_records([make_record(1, alias="a"), make_record(2, alias="b")])
    out = tmp_path / "a.jsonl"
    assert store.export_jsonl(out, alias="a") == 1
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(line["alias"], line["record_version"]) for line in lines] == [("a", attempts.RECORD_VERSION)]


def test_csv_export_has_one_row_per_attempt_with_lists_joined(tmp_path, store):
    """export_csv writes the header and one row per attempt; list fields are joined with ';' and scores get columns."""
    records = [make_record(1), make_record(2, leading="gastrocnemius_tear", unsafe_step=True)]
    store.import_records(records)
    out = tmp_path / "mine.csv"
    assert store.export_csv(out) == 2
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["attempt_id"] for r in rows] == [r.attempt_id for r in records]
    assert [r["asked"] for r in rows] == [";".join(r.asked) for r in records]
    assert [r["differential"] for r in rows] == [";".join(r.differential) for r in records]
    assert [r["score_diagnosis"] for r in rows] == [str(r.scores["diagnosis"]) for r in records]
    assert [r["unsafe_step"] for r in rows] == ["false", "true"]
    assert [r["record_version"] for r in rows] == [str(attempts.RECORD_VERSION)] * 2


def test_csv_import_restores_the_records_without_events(tmp_path, store):
    """A CSV export imported elsewhere gives the same attempts, except the events CSV leaves out."""
    store.import_records([make_record(1), make_record(2)])
    out = tmp_path / "mine.csv"
    store.export_csv(out)
    other = ProgressStore(tmp_path / "other.sqlite")
    assert other.import_file(out).added == 2
    assert other.attempts() == [replace(make_record(n), events=None) for n in (1, 2)]


def test_import_reports_bad_lines_with_their_numbers_and_keeps_the_good_ones(tmp_path, store):
    """Malformed lines are listed with line number and reason; valid lines around them are imported; nothing raises."""
    good = json.dumps(attempt_json(1))
    missing = json.dumps({k: v for k, v in attempt_json(2).items() if k != "alias"})
    lines = [good, "", "{not json}", json.dumps([1, 2]), missing, good[:40], json.dumps(attempt_json(3))]
    path = tmp_path / "hand-in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = store.import_file(path)
    assert (result.added, result.duplicates) == (2, 0)
    assert [(p.line, p.message) for p in result.problems] == [
        (3, "not valid JSON (Expecting property name enclosed in double quotes at column 2)"),
        (4, "expected an attempt record (a JSON object), found a list"),
        (5, "missing field(s): alias"),
        (6, "not valid JSON: the record is cut off after 40 characters"),
    ]
    assert (
        str(result.problems[0])
        == f"{path}, line 3: not valid JSON (Expecting property name enclosed in double quotes at column 2)"
    )
    assert str(result) == "2 attempt(s) added, 0 already there, 4 line(s) skipped"


def test_import_of_an_unreadable_file_is_a_reported_problem(tmp_path, store):
    """A missing file or one that is not UTF-8 gives one problem for the whole file (line 0), not an exception."""
    binary = tmp_path / "photo.jsonl"
    binary.write_bytes(b"\xff\xd8\xff\xe0 not text")
    assert store.import_file(binary) == ImportResult(
        0, 0, [RecordProblem(str(binary), 0, "not a UTF-8 text file (invalid start byte at byte 0)")]
    )
    missing = tmp_path / "nope.jsonl"
    result = store.import_file(missing)
    assert [(p.line, p.message) for p in result.problems] == [(0, "cannot be read (No such file or directory)")]


def test_every_write_is_one_transaction(store, monkeypatch):
    """An import that fails halfway leaves no attempt of it behind (the transaction is rolled back)."""
    records = [make_record(1), make_record(2), make_record(3)]
    calls = []
    real_insert = ProgressStore._insert

    def insert(self, conn, record):
        calls.append(record.attempt_id)
        if len(calls) == 2:
            raise sqlite3.OperationalError("disk I/O error (simulated)")
        return real_insert(self, conn, record)

    monkeypatch.setattr(ProgressStore, "_insert", insert)
    with pytest.raises(sqlite3.OperationalError):
        store.import_records(records)
    assert store.attempts() == []


def test_casebook_home_defaults_under_the_user_data_folder(monkeypatch, tmp_path):
    """Without $CASEBOOK_HOME the folder is ~/.local/share/casebook."""
    monkeypatch.delenv("CASEBOOK_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert progress.casebook_home() == tmp_path / ".local" / "share" / "casebook"
    assert os.path.isdir(tmp_path / ".local" / "share" / "casebook")


def test_migrations_run_in_order_on_an_older_file_and_keep_the_data(tmp_path, monkeypatch):
    """A file at schema 1 gets a newly appended migration on opening: user_version goes up and the attempts stay."""
    path = tmp_path / "progress.sqlite"
    s = ProgressStore(path)
    s.save_attempt(make_record(1))
    s.close()
    monkeypatch.setattr(
        progress, "MIGRATIONS", (*progress.MIGRATIONS, "CREATE TABLE notes (attempt_id TEXT, note TEXT);\n")
    )
    again = ProgressStore(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'notes'").fetchone() == ("notes",)
    conn.close()
    assert again.attempts() == [make_record(1)]


def test_a_damaged_file_that_cannot_be_moved_aside_leaves_a_working_session_store(tmp_path, monkeypatch):
    """When renaming fails the file is left alone, the message says attempts last only this session, and saving
    still works."""
    path = tmp_path / "progress.sqlite"
    path.write_bytes(b"not a database at all" * 100)

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(progress.os, "replace", refuse)
    s = ProgressStore(path)
    assert s.recovered == (
        f"Your progress file {path} could not be read (file is not a database) "
        "and could not be moved aside (Permission denied). "
        "Attempts are kept only until this notebook is closed; ask for help to repair the file."
    )
    assert path.read_bytes() == b"not a database at all" * 100
    assert s.save_attempt(make_record(1)) is True and len(s.attempts()) == 1


def test_csv_export_defuses_spreadsheet_formulas_and_import_restores_the_text(tmp_path, store):
    """An alias such as '=HYPERLINK(...)' is written with a leading quote (no formula in a spreadsheet) and read back
    unchanged."""
    alias = '=HYPERLINK("http://x.example","click")'
    store.save_attempt(make_record(1, alias=alias))
    out = tmp_path / "mine.csv"
    store.export_csv(out)
    with open(out, newline="", encoding="utf-8") as f:
        assert next(csv.DictReader(f))["alias"] == "'" + alias
    other = ProgressStore(tmp_path / "other.sqlite")
    other.import_file(out)
    assert other.attempts()[0].alias == alias


def v1_lines() -> list[dict]:
    """The version-1 JSONL hand-in fixture, line by line, as plain JSON (not through the casebook)."""
    return [json.loads(line) for line in (V1 / "attempts.jsonl").read_text(encoding="utf-8").splitlines()]


def test_a_version_1_progress_file_is_read_in_full(tmp_path):
    """A progress.sqlite written before records had a version: every attempt, every field and every event is read."""
    path = tmp_path / "progress.sqlite"
    shutil.copyfile(V1 / "progress.sqlite", path)
    store = ProgressStore(path)
    assert store.recovered is None and store.alias == "Åse Ødegård"
    saved = store.attempts()
    expected = v1_lines()  # the store's own JSONL export, written by the same casebook
    assert len(saved) == len(expected) == 4
    for record, line in zip(saved, expected, strict=True):
        written = record.to_json()
        assert {k: written[k] for k in line} == line
        added_by_upgrades = set(attempts.upgrade(line)) - set(line)  # the fields later record versions brought
        assert set(written) - set(line) <= {"record_version", "demo", "reasoning"} | added_by_upgrades
        assert written["record_version"] == attempts.RECORD_VERSION
    assert store.attempts("Zoë 李 «calf»") == [saved[1]]
    assert store.done_case_ids() == {line["case_id"] for line in expected}
    store.close()


def test_a_version_1_progress_file_keeps_working_and_exports_the_newest_version(tmp_path):
    """New attempts join the version-1 ones in the same file; the export holds all of them at the newest version."""
    path = tmp_path / "progress.sqlite"
    shutil.copyfile(V1 / "progress.sqlite", path)
    store = ProgressStore(path)
    before = store.attempts()
    assert store.save_attempt(make_record(1, alias=store.alias)) is True
    out = tmp_path / "hand-in.jsonl"
    assert store.export_jsonl(out) == 5
    store.close()
    again = [record for _, record, _ in read_attempts(out)]
    assert again == [*before, make_record(1, alias="Åse Ødegård")]
    assert {json.loads(line)["record_version"] for line in out.read_text(encoding="utf-8").splitlines()} == {
        attempts.RECORD_VERSION
    }


@pytest.mark.parametrize("name", ["attempts.jsonl", "attempts.csv"])
def test_version_1_hand_ins_import_in_full(store, name):
    """The version-1 JSONL and CSV hand-ins import every attempt; CSV gives the same records without the events."""
    result = store.import_file(V1 / name)
    assert (result.added, result.duplicates, result.problems) == (4, 0, [])
    imported = store.attempts()
    from_jsonl = [AttemptRecord.from_json(line) for line in v1_lines()]
    expected = from_jsonl if name.endswith(".jsonl") else [replace(r, events=None) for r in from_jsonl]
    assert imported == expected
    assert imported[0].reasoning == v1_lines()[0]["reasoning"] and "\n" in imported[0].reasoning
    assert imported[1].reasoning.startswith("=") and imported[3].demo is True


def test_a_hand_in_line_from_a_newer_casebook_is_a_problem_and_the_rest_import(tmp_path, store):
    """A record of a version this casebook does not know is reported on its line (update the casebook), not guessed."""
    newer = {**attempt_json(2), "record_version": attempts.RECORD_VERSION + 1}
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps(attempt_json(1)) + "\n" + json.dumps(newer) + "\n", encoding="utf-8")
    result = store.import_file(path)
    assert (result.added, [(p.line, p.message) for p in result.problems]) == (
        1,
        [
            (
                2,
                f"written by a newer casebook (record version {attempts.RECORD_VERSION + 1}; this casebook reads "
                f"versions 1 to {attempts.RECORD_VERSION}): update the casebook to read it",
            )
        ],
    )


def test_a_stored_record_from_a_newer_casebook_raises_a_clear_error_and_changes_nothing(tmp_path):
    """A store row this casebook cannot read raises ProgressStoreError naming the attempt; the file is untouched."""
    path = tmp_path / "progress.sqlite"
    s = ProgressStore(path)
    s.save_attempt(make_record(1))
    s.close()
    conn = sqlite3.connect(path)
    body = json.dumps({**attempt_json(1), "record_version": attempts.RECORD_VERSION + 1})
    conn.execute("UPDATE attempts SET record = ?", (body,))
    conn.commit()
    conn.close()
    store = ProgressStore(path)
    before = path.read_bytes()
    with pytest.raises(ProgressStoreError) as err:
        store.attempts()
    assert str(err.value).startswith(f"The progress file {path} holds attempt att-0001 that this casebook cannot read")
    assert "written by a newer casebook" in str(err.value) and path.read_bytes() == before
    store.close()


def test_record_session_hands_every_attempt_in_on_a_class_server(tmp_path, store, monkeypatch):
    """With a hand-in folder for this student, each saved session rewrites the hand-in file with every attempt; a
    student without a folder there hands in nothing."""
    from casebook import handin

    monkeypatch.setenv(handin.HANDIN_ENV, str(tmp_path / "hand-in"))
    monkeypatch.setenv(handin.USER_ENV, "alice")
    (tmp_path / "hand-in" / "alice").mkdir(parents=True)
    store.record_session(SubmittedSession(make_record(1, alias="a")))
    store.record_session(SubmittedSession(make_record(2, alias="a")))
    handed = tmp_path / "hand-in" / "alice" / handin.HANDIN_FILE
    assert (
        [record for _, record, _ in read_attempts(handed)]
        == store.attempts()
        == [make_record(n, alias="a") for n in (1, 2)]
    )
    monkeypatch.setenv(handin.USER_ENV, "bob")
    store.record_session(SubmittedSession(make_record(3, alias="b")))
    assert sorted(p.name for p in (tmp_path / "hand-in").iterdir()) == ["alice"]
