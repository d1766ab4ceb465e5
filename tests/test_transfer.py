"""Taking progress along: export in one home, import in another; every kind of bad file refused or skipped clearly."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from builders import attempt_json, make_record

from casebook import attempts, environment, handin, transfer
from casebook.attempts import RecordProblem, RecordVersionError
from casebook.cli import main
from casebook.console import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from casebook.progress import ProgressStore
from casebook.transfer import MAX_IMPORT_BYTES, ImportReport, import_bytes, import_path, size_text

V1 = Path(__file__).resolve().parent / "data" / "v1"


@pytest.fixture
def store(tmp_path: Path):
    """An empty store with the alias 'me', closed after the test."""
    with ProgressStore(tmp_path / "store" / "progress.sqlite") as s:
        s.alias = "me"
        yield s


def mine(*numbers: int, alias: str = "me") -> list:
    """The typed records numbered ``numbers`` under ``alias``."""
    return [make_record(n, alias=alias) for n in numbers]


def jsonl(records) -> bytes:
    """Records as the bytes of a JSON Lines file."""
    return "".join(attempts.jsonl_line(r) for r in records).encode("utf-8")


def csv_text(records, delimiter: str = ",", rename=None, order=None) -> str:
    """Records as CSV text, as a spreadsheet might save them: another delimiter, renamed or reordered columns."""
    out = io.StringIO(newline="")
    attempts.write_csv(out, records)
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    header = [(rename or {}).get(h, h) for h in rows[0]]
    columns = order(header) if order else list(range(len(header)))
    again = io.StringIO(newline="")
    writer = csv.writer(again, delimiter=delimiter)
    for row in [header, *rows[1:]]:
        writer.writerow([row[i] for i in columns])
    return again.getvalue()


def stored(store: ProgressStore) -> list:
    """Every record in the store, oldest first."""
    return store.attempts()


# ---------------------------------------------------------------- the round trip (the "must show")


def run(home: Path, *argv: str, monkeypatch) -> int:
    """Run `casebook ARGV` with CASEBOOK_HOME=home; its exit code."""
    monkeypatch.setenv("CASEBOOK_HOME", str(home))
    return main(list(argv))


def test_export_in_one_home_and_import_in_a_fresh_one_brings_every_attempt_back(tmp_path, monkeypatch, capsys):
    """casebook export in one home, casebook import in a fresh one: every record equal, field for field and event for
    event; importing the same file again adds 0 and says so."""
    first, second = tmp_path / "first", tmp_path / "second"
    with ProgressStore(first / "progress.sqlite") as s:
        s.import_records(mine(1, 2, 3))
        expected = s.attempts()
    out = tmp_path / "progress.jsonl"
    assert run(first, "export", "--out", str(out), monkeypatch=monkeypatch) == EXIT_OK
    assert capsys.readouterr().out == f"Wrote 3 attempts to {out} (JSON Lines).\n"
    assert run(second, "import", str(out), monkeypatch=monkeypatch) == EXIT_OK
    said = capsys.readouterr().out.splitlines()
    assert said[0] == f"{out}: 3 attempts added, 0 already there, 0 lines skipped"
    with ProgressStore(second / "progress.sqlite") as s:
        assert s.attempts() == expected and s.alias == "me"
    assert run(second, "import", str(out), monkeypatch=monkeypatch) == EXIT_OK
    assert capsys.readouterr().out == f"{out}: 0 attempts added, 3 already there, 0 lines skipped\n"
    with ProgressStore(second / "progress.sqlite") as s:
        assert s.count() == 3


def test_a_csv_export_imports_every_field_but_the_events(tmp_path, monkeypatch, capsys):
    """A CSV export (by its suffix) imported elsewhere gives the same records, without the events CSV leaves out."""
    first, second = tmp_path / "first", tmp_path / "second"
    with ProgressStore(first / "progress.sqlite") as s:
        s.import_records(mine(1, 2))
    out = tmp_path / "progress.csv"
    assert run(first, "export", "--out", str(out), "--alias", "me", monkeypatch=monkeypatch) == EXIT_OK
    assert capsys.readouterr().out == f"Wrote 2 attempts of me to {out} (CSV).\n"
    assert run(second, "import", str(out), monkeypatch=monkeypatch) == EXIT_OK
    with ProgressStore(second / "progress.sqlite") as s:
        assert s.attempts() == [replace(r, events=None) for r in mine(1, 2)]


def test_export_bytes_are_the_files_the_store_writes(tmp_path, store):
    """The download's bytes equal the store's own JSON Lines and CSV exports, and count the attempts."""
    store.import_records([*mine(1, 2), make_record(3, alias="other")])
    for fmt, write in (("jsonl", store.export_jsonl), ("csv", store.export_csv)):
        path = tmp_path / f"x.{fmt}"
        assert write(path, alias="me") == 2
        assert transfer.export_bytes(store, fmt, "me") == (path.read_bytes(), 2)
    assert transfer.export_bytes(store)[1] == 3


def test_download_names_carry_a_safe_alias_and_the_date():
    """The file name holds the alias reduced to letters, digits, '-' and '_', then the date and the suffix."""
    import datetime as dt

    day = dt.date(2026, 3, 9)
    assert (
        transfer.download_name("Åse <Ødegård>/../x", "jsonl", day) == "casebook-progress-Åse-Ødegård-x-2026-03-09.jsonl"
    )
    assert transfer.download_name(None, "csv", day) == "casebook-progress-2026-03-09.csv"
    assert transfer.download_name("../..", "csv", day) == "casebook-progress-2026-03-09.csv"


# ---------------------------------------------------------------- nothing stored is lost or changed


def test_an_import_never_changes_an_attempt_already_stored(store):
    """A file holding another version of a stored attempt (same id) counts it as already there and leaves it alone."""
    original = make_record(1, alias="me")
    store.save_attempt(original)
    changed = replace(original, verdict="wrong", reasoning="rewritten")
    report = import_bytes(store, "x.jsonl", jsonl([changed, make_record(2, alias="me")]))
    assert (report.added, report.duplicates, report.ok) == (1, 1, True)
    assert stored(store) == [original, make_record(2, alias="me")]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.jsonl", b""),
        ("spaces.jsonl", b"\n \n\t\n"),
        ("bom.csv", b"\xef\xbb\xbf"),
        ("photo.jsonl", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("book.csv", b"PK\x03\x04" + b"\x00" * 40),
        ("latin.csv", "alias,case_id\nÅse,dvt\n".encode("cp1252")),
        ("notes.txt", b"hello"),
        ("class.xlsx", b"PK\x03\x04"),
        ("broken.jsonl", b"{}\n[1, 2]\nnot json\n"),
        ("header-only.csv", ",".join(attempts.csv_columns()).encode() + b"\n"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_refused_file_changes_nothing_and_gets_a_sentence(store, name, data):
    """Every refused file leaves the store as it was (its attempts and its alias) and gets a sentence naming it."""
    store.save_attempt(make_record(1, alias="me"))
    report = import_bytes(store, name, data)
    assert name in report.refused
    assert (report.added, report.duplicates, report.ok) == (0, 0, False)
    assert stored(store) == [make_record(1, alias="me")] and store.alias == "me"


def test_an_empty_file_says_it_holds_no_attempts(store):
    """0 bytes: the sentence says the file is empty and how to get a good one."""
    assert import_bytes(store, "p.jsonl", b"").refused == (
        "p.jsonl is empty: it holds no attempts. Download your progress again and import the new file."
    )


def test_a_file_over_the_limit_is_refused_from_its_size_before_reading(tmp_path, store, monkeypatch):
    """A 50 MB file is refused with its size and the limit in the sentence, and its content is never read."""
    big = tmp_path / "big.jsonl"
    with open(big, "wb") as f:
        f.truncate(50 * 1024 * 1024)  # a sparse file: 50 MiB on paper, nothing on disk
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    report = import_path(store, big)
    assert report.refused == (
        f"{big} is 52.4 MB; the casebook imports progress files of up to {size_text(MAX_IMPORT_BYTES)} (about 2,000 "
        "attempts), so it was not read. Is it the right file? A file from 'Download my progress' is much smaller."
    )
    assert size_text(MAX_IMPORT_BYTES) == "5 MB" and stored(store) == []


def test_the_limit_holds_about_the_attempts_the_sentence_promises():
    """MAX_IMPORT_BYTES holds at least ATTEMPTS_PER_LIMIT attempts of the test records (with their events)."""
    per_attempt = len(jsonl([make_record(1)]))
    assert per_attempt * transfer.ATTEMPTS_PER_LIMIT <= MAX_IMPORT_BYTES < per_attempt * 4 * transfer.ATTEMPTS_PER_LIMIT


def test_uploaded_bytes_over_the_limit_are_refused_too(store):
    """Bytes already in memory (an upload) over the limit are refused without being parsed."""
    report = import_bytes(store, "x.jsonl", b"{" * (MAX_IMPORT_BYTES + 1))
    assert report.refused.startswith(f"x.jsonl is {size_text(MAX_IMPORT_BYTES + 1)};")


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        (
            "photo.jsonl",
            b"\xff\xd8\xff\xe0\x00\x10JFIF",
            "photo.jsonl is not a text file (it looks like a picture, a document or another binary file): import the "
            ".jsonl or .csv file that 'Download my progress' made.",
        ),
        (
            "book.csv",
            b"PK\x03\x04rest",
            "book.csv is a spreadsheet workbook or another zipped file, not a progress file: save it from your "
            "spreadsheet as 'CSV UTF-8' and import that file.",
        ),
        (
            "class.xlsx",
            b"",
            "class.xlsx is a spreadsheet workbook, not a progress file: save it from your spreadsheet as 'CSV UTF-8' "
            "and import that file.",
        ),
        (
            "notes.txt",
            b"",
            "notes.txt is not a progress file: the casebook imports .jsonl and .csv files, as 'Download my progress' "
            "and 'casebook export' make them.",
        ),
        (
            "ansi.csv",
            "alias\nÅse\n".encode("cp1252"),
            "ansi.csv is not saved as UTF-8 text (invalid continuation byte at byte 6). If a spreadsheet saved it, "
            "save it again as 'CSV UTF-8'; or import the .jsonl file that 'Download my progress' made.",
        ),
    ],
    ids=["binary", "zipped", "workbook", "other-suffix", "not-utf8"],
)
def test_a_file_of_the_wrong_kind_is_named_for_what_it_is(store, name, data, expected):
    """Binary, zipped, workbook, other suffix, other encoding: each sentence says what the file is and what to do."""
    assert import_bytes(store, name, data).refused == expected


# ---------------------------------------------------------------- broken lines, newer versions


def test_broken_lines_are_listed_with_their_numbers_and_the_rest_imported(store):
    """Three good lines around two broken ones: 3 added, 2 skipped, each with its line number and what is wrong."""
    lines = [attempts.jsonl_line(r) for r in mine(1, 2, 3)]
    data = (lines[0] + "{oops\n" + lines[1] + "\n" + '"just text"\n' + lines[2]).encode()
    report = import_bytes(store, "x.jsonl", data)
    assert report.counts() == "3 attempts added, 0 already there, 2 lines skipped"
    assert report.problem_lines() == [
        "line 2: not valid JSON: the record is cut off after 5 characters",
        "line 5: expected an attempt record (a JSON object), found 'just text'",
    ]
    assert stored(store) == mine(1, 2, 3) and not report.ok


def test_the_notebook_lists_five_problems_then_and_n_more(store):
    """Eight broken lines and a good one: five are listed, then 'and 3 more lines'; the command line lists all eight."""
    data = jsonl(mine(1)) + b"nope\n" * 8
    report = import_bytes(store, "x.jsonl", data)
    assert report.problem_lines()[-1] == "and 3 more lines" and len(report.problem_lines()) == 6
    assert [line.split(":")[0] for line in report.problem_lines(limit=None)] == [f"line {n}" for n in range(2, 10)]


def test_counts_are_singular_for_one():
    """One of each reads '1 attempt added, 1 already there, 1 line skipped'."""
    report = ImportReport("x", added=1, duplicates=1, problems=[RecordProblem("x", 2, "bad")])
    assert report.counts() == "1 attempt added, 1 already there, 1 line skipped"


def test_a_file_whose_every_line_is_broken_is_refused_and_its_lines_listed(store):
    """No usable line: the sentence asks whether it is a progress file, and each line's problem is still listed."""
    report = import_bytes(store, "x.jsonl", b"{}\n[1]\n")
    assert report.refused == (
        "None of the 2 lines of x.jsonl holds a usable attempt, so nothing was imported: "
        "is it a casebook progress file?"
    )
    assert [p.line for p in report.problems] == [1, 2]


def test_a_file_from_a_newer_casebook_says_update(store):
    """Every line of a newer record version: refused, naming the versions and saying to update the casebook."""
    newest = attempts.RECORD_VERSION
    data = jsonl([]) + json.dumps({**attempt_json(1, alias="me"), "record_version": newest + 1}).encode() + b"\n"
    report = import_bytes(store, "new.jsonl", data)
    assert report.refused == (
        f"new.jsonl was made by a newer casebook (record version {newest + 1}; this casebook reads versions 1 to "
        f"{newest}): update the casebook to import it; nothing was imported."
    )
    assert str(RecordVersionError(newest + 1, newest)).startswith("written by a newer casebook")


def test_newer_lines_among_good_ones_are_skipped_with_a_note_to_update(store):
    """One newer line beside a good one: the good one is added, the newer one skipped, and the note says update."""
    newer = {**attempt_json(2, alias="me"), "record_version": attempts.RECORD_VERSION + 1}
    report = import_bytes(store, "x.jsonl", jsonl(mine(1)) + json.dumps(newer).encode() + b"\n")
    assert (report.added, report.skipped) == (1, 1)
    assert report.notes() == ["1 line was made by a newer casebook: update the casebook to import it."]


def test_version_1_hand_ins_still_import_through_the_upload(tmp_path):
    """The version-1 JSONL and CSV fixtures import in full through the upload core (any alias)."""
    for name in ("attempts.jsonl", "attempts.csv"):
        with ProgressStore(tmp_path / name / "progress.sqlite") as s:
            report = import_path(s, V1 / name, any_alias=True)
            assert (report.added, report.skipped, report.refused) == (4, 0, "")


# ---------------------------------------------------------------- spreadsheets


def test_a_csv_a_spreadsheet_saved_is_read_by_column_name(store):
    """Semicolons, columns renamed by case and spacing, moved columns, a BOM, decimal commas and SANN/USANN: every
    attempt reads as exported."""
    records = [replace(r, scores={**r.scores, "diagnosis": 0.75}) for r in mine(1, 2)]
    records[1] = replace(records[1], unsafe_step=True, submitted_at=records[1].submitted_at + 0.25)
    text = csv_text(
        records,
        delimiter=";",
        rename={"attempt_id": "Attempt ID", "case_id": " case-id ", "unsafe_step": "Unsafe step"},
        order=lambda header: list(reversed(range(len(header)))),
    )
    when = str(records[1].submitted_at)
    text = text.replace("0.75", "0,75").replace(when, when.replace(".", ","))
    text = text.replace(";false;", ";USANN;").replace(";true;", ";SANN;")
    assert "0,75" in text and when.replace(".", ",") in text and "SANN" in text
    report = import_bytes(store, "from-excel.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert (report.counts(), report.refused) == ("2 attempts added, 0 already there, 0 lines skipped", "")
    assert stored(store) == [replace(r, events=None) for r in records]


def test_a_csv_missing_a_column_names_it_and_the_columns_found(store):
    """A renamed required column is named as missing, with the columns the file has, and nothing is imported."""
    text = csv_text(mine(1), rename={"case_id": "Case"})
    report = import_bytes(store, "edited.csv", text.encode())
    assert report.refused.startswith(
        "edited.csv is not a casebook progress CSV: it has no column case_id (its columns: attempt_id, alias, Case,"
    )
    assert report.refused.endswith(
        "A spreadsheet may have renamed or deleted it: put it back under this name in the first row, or import the "
        "file that 'Download my progress' made."
    )


def test_spreadsheet_rows_padded_with_empty_cells_are_read_and_overlong_ones_skipped(store):
    """Empty cells a spreadsheet adds after the last column are ignored; a row with extra values is skipped."""
    lines = csv_text(mine(1, 2, 3)).splitlines()
    lines[1] += ",,,"
    lines[3] += ",surprise"
    report = import_bytes(store, "x.csv", ("\n".join(lines) + "\n").encode())
    columns = len(attempts.csv_columns())
    assert (report.added, [(p.line, p.message) for p in report.problems]) == (
        2,
        [(4, f"row has {columns + 1} values, expected {columns} (one per column)")],
    )
    assert [r.attempt_id for r in stored(store)] == [r.attempt_id for r in mine(1, 2)]


def test_a_true_false_word_the_casebook_does_not_know_is_a_problem_not_false(store):
    """'maybe' in a true/false column is a skipped line naming the column, never read as false."""
    text = csv_text(mine(1)).replace(",false,", ",maybe,", 1)
    report = import_bytes(store, "x.csv", text.encode())
    assert [p.message for p in report.problems] == ["column 'unsafe_step' should be true or false, found 'maybe'"]


# ---------------------------------------------------------------- another student's file


def test_attempts_under_another_alias_are_left_out_with_a_way_to_import_them(store):
    """A classmate's attempts are counted, named and left out; the note says how to import them anyway."""
    report = import_bytes(store, "x.jsonl", jsonl([*mine(1), *mine(2, 3, alias="kim")]))
    assert (report.added, report.left_out, report.ok) == (1, {"kim": 2}, False)
    assert report.notes(include_hint="tick the box") == [
        "2 attempts under another alias ('kim') were left out: your alias is 'me'.",
        "If they are yours, save that alias as yours first, or tick the box.",
    ]
    assert stored(store) == mine(1)


def test_with_any_alias_they_are_imported_under_the_alias_they_carry(store):
    """Asked for, another alias's attempts are imported unchanged (never renamed) and the note says whose they are."""
    report = import_bytes(store, "x.jsonl", jsonl(mine(2, alias="kim")), any_alias=True)
    assert (report.added, report.other_aliases, report.ok) == (1, {"kim": 1}, True)
    assert report.notes() == [
        "1 imported attempt keeps its other alias ('kim'); My progress shows the attempts of your alias."
    ]
    assert stored(store) == mine(2, alias="kim") and store.alias == "me"


def test_a_store_without_an_alias_takes_the_alias_of_the_file(tmp_path):
    """A fresh store (no alias yet) and a file of one alias: the alias becomes the student's and everything imports."""
    with ProgressStore(tmp_path / "progress.sqlite") as fresh:
        report = import_bytes(fresh, "x.jsonl", jsonl(mine(1, 2, alias="calf-detective")))
        assert (report.added, report.adopted_alias, fresh.alias, report.ok) == (
            2,
            "calf-detective",
            "calf-detective",
            True,
        )
        assert report.notes() == ["Your alias is now calf-detective, the alias the attempts in this file carry."]


def test_a_store_without_an_alias_and_a_file_of_several_leaves_them_out(tmp_path):
    """No alias yet and a file of two aliases: nothing is guessed; the note asks to save an alias first."""
    with ProgressStore(tmp_path / "progress.sqlite") as fresh:
        report = import_bytes(fresh, "x.jsonl", jsonl([*mine(1, alias="a"), *mine(2, alias="b")]))
        assert (report.added, report.left_out, fresh.alias) == (0, {"a": 1, "b": 1}, None)
        assert report.notes(include_hint="tick the box") == [
            "2 attempts were left out: they are saved under 'a', 'b' and you have no alias yet.",
            "Save your alias first, or tick the box.",
        ]


def test_a_blank_alias_in_a_csv_row_is_the_students(store):
    """A CSV row whose alias cell is empty is imported under the student's alias."""
    text = csv_text(mine(1)).replace(",me,", ",,", 1)
    report = import_bytes(store, "x.csv", text.encode())
    assert report.ok and [r.alias for r in stored(store)] == ["me"]


# ---------------------------------------------------------------- the command line's exit codes


def test_import_exit_codes_follow_validate(tmp_path, monkeypatch, capsys):
    """0 all imported, 1 a line skipped or a file refused (the others still import), 2 a file that does not exist."""
    good = tmp_path / "good.jsonl"
    good.write_bytes(jsonl(mine(1)))
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(jsonl(mine(2)) + b"nope\n")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    home = tmp_path / "home"
    assert run(home, "import", str(good), monkeypatch=monkeypatch) == EXIT_OK
    assert run(home, "import", str(tmp_path / "missing.jsonl"), str(good), monkeypatch=monkeypatch) == EXIT_USAGE
    assert capsys.readouterr().err == f"casebook import: no such file: {tmp_path / 'missing.jsonl'}\n"
    assert run(home, "import", str(tmp_path), monkeypatch=monkeypatch) == EXIT_USAGE
    assert run(home, "import", str(broken), str(empty), monkeypatch=monkeypatch) == EXIT_PROBLEMS
    assert capsys.readouterr().out.splitlines() == [
        f"{broken}: 1 attempt added, 0 already there, 1 line skipped",
        "  line 2: not valid JSON (Expecting value at column 1)",
        f"{empty}: refused: {empty} is empty: it holds no attempts. Download your progress again and import the new "
        "file.",
        "In all: 1 attempt added, 0 already there, 1 line skipped; 1 file refused",
    ]
    assert run(home, "import", monkeypatch=monkeypatch) == EXIT_USAGE  # no file at all: argparse refuses


def test_import_of_another_alias_exits_1_unless_any_alias(tmp_path, monkeypatch, capsys):
    """Attempts left out make the import exit 1 with the --any-alias hint; with --any-alias it exits 0."""
    home = tmp_path / "home"
    with ProgressStore(home / "progress.sqlite") as s:
        s.alias = "me"
    theirs = tmp_path / "theirs.jsonl"
    theirs.write_bytes(jsonl(mine(1, alias="kim")))
    assert run(home, "import", str(theirs), monkeypatch=monkeypatch) == EXIT_PROBLEMS
    assert capsys.readouterr().out.splitlines()[-1] == (
        "  If they are yours, save that alias as yours first, or run the command again with --any-alias."
    )
    assert run(home, "import", "--any-alias", str(theirs), monkeypatch=monkeypatch) == EXIT_OK


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["--out", "{tmp}/x.txt"], EXIT_USAGE, "should end in .jsonl or .csv"),
        (["--out", "{tmp}/x.csv", "--format", "jsonl"], EXIT_USAGE, "ends in .csv but --format is jsonl"),
        (["--out", "{tmp}/x.jsonl", "--alias", "nobody"], EXIT_USAGE, "no attempts of alias 'nobody'"),
        (["--out", "{tmp}/x.jsonl", "--format", "xml"], EXIT_USAGE, "invalid choice: 'xml'"),
    ],
    ids=["suffix", "format-mismatch", "unknown-alias", "bad-format"],
)
def test_export_bad_usage_exits_2_and_says_why(tmp_path, monkeypatch, capsys, argv, code, message):
    """A name casebook import would not read, a format that contradicts it, an alias without attempts: exit 2."""
    home = tmp_path / "home"
    with ProgressStore(home / "progress.sqlite") as s:
        s.import_records(mine(1))
    argv = [a.format(tmp=tmp_path) for a in argv]
    assert run(home, "export", *argv, monkeypatch=monkeypatch) == code
    assert message in capsys.readouterr().err
    assert not list(tmp_path.glob("x.*"))


def test_export_of_an_empty_store_writes_nothing_and_exits_1(tmp_path, monkeypatch, capsys):
    """No attempts saved yet: nothing is written, the message says to play a case first, exit 1."""
    assert (
        run(tmp_path / "home", "export", "--out", str(tmp_path / "x.jsonl"), monkeypatch=monkeypatch) == EXIT_PROBLEMS
    )
    assert "nothing written (play a case first)" in capsys.readouterr().out
    assert not (tmp_path / "x.jsonl").exists()


# ---------------------------------------------------------------- where progress is kept


@pytest.mark.parametrize(
    ("variables", "place"),
    [
        ({}, "local"),
        ({"BINDER_LAUNCH_HOST": "https://mybinder.org/"}, "binder"),
        ({"BINDER_REQUEST": "v2/gh/x/y/main", "JUPYTERHUB_USER": "jovyan"}, "binder"),
        ({"JUPYTERHUB_USER": "kim"}, "hub"),
        ({"JUPYTERHUB_API_URL": "http://127.0.0.1:8081/hub/api"}, "hub"),
        ({"BINDER_LAUNCH_HOST": "  ", "JUPYTERHUB_USER": ""}, "local"),
    ],
    ids=["own-computer", "binder", "binder-is-a-hub-too", "hub-user", "hub-api", "blank"],
)
def test_where_reads_the_environment(variables, place):
    """Binder's variables win over JupyterHub's (Binder runs on JupyterHub); blank values count as unset."""
    assert environment.where(variables) == place


@pytest.fixture
def clean_env(monkeypatch):
    """No Binder, JupyterHub or hand-in variable from the machine running the tests."""
    import os

    for key in list(os.environ):
        if key.startswith(("BINDER_", "JUPYTERHUB_")) or key == handin.HANDIN_ENV:
            monkeypatch.delenv(key)
    return monkeypatch


def test_the_note_on_binder_says_download_before_closing_and_upload_next_time(clean_env):
    """On Binder the note names both controls; on one's own computer there is no note."""
    assert environment.progress_note() is None
    clean_env.setenv("BINDER_REF_URL", "https://github.com/x/y/tree/main")
    note = environment.progress_note()
    assert "thrown away when you close the tab" in note
    assert "'Download my progress'" in note and "'Upload progress'" in note


def test_the_note_on_a_hub_says_progress_stays_and_is_handed_in_only_with_a_folder(clean_env, tmp_path):
    """On a hub: progress stays in your home; the hand-in sentence only when the class server has a folder for you."""
    clean_env.setenv("JUPYTERHUB_USER", "kim")
    kept = environment.progress_note()
    assert kept == (
        "You are on a JupyterHub server: your progress is kept in your home folder on the server and is still there "
        "when you log in again."
    )
    clean_env.setenv(handin.HANDIN_ENV, str(tmp_path))
    assert environment.progress_note() == kept  # no folder for kim (the teacher's case)
    (tmp_path / "kim").mkdir()
    assert environment.progress_note().startswith(kept + " Each attempt you submit is also handed in to your teacher")
    clean_env.setenv("JUPYTERHUB_USER", "../kim")  # not a folder name: nothing is handed in
    assert environment.progress_note() == kept


def test_transfer_and_environment_load_no_widget_library():
    """The export/import core and the environment check import neither ipywidgets nor IPython."""
    code = (
        "import sys, casebook.transfer, casebook.environment\n"
        "print(sorted(k for k in sys.modules if k.split('.')[0] in ('ipywidgets', 'IPython')))"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"
