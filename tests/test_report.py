"""The class report and `casebook report`: tables, figures, escaped HTML, the problem report and the progress bar."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import matplotlib
import pytest
from builders import attempt_json, write_jsonl

from casebook import analytics, plots, report
from casebook.cli import main

matplotlib.use("Agg")
V1 = Path(__file__).resolve().parent / "data" / "v1"  # files written before records had a version (never edited)

TABLES = [
    "problems",
    "accuracy_by_case",
    "accuracy_by_condition",
    "confusion_matrix",
    "missed_key_questions",
    "missed_red_flags",
    "questions_per_case",
    "next_step_safety",
    "time_on_case",
    "thoroughness_by_case",
    "calibration",
]
FIGURES = [t for t in TABLES if t != "problems"]


@pytest.fixture
def hand_ins(tmp_path: Path) -> Path:
    """Two good files (one with a hostile alias and case id), a malformed line and a file that is not attempts."""
    folder = tmp_path / "hand-ins"
    folder.mkdir()
    write_jsonl(
        folder / "anna.jsonl", [attempt_json(n, alias="anna", leading=None if n % 2 else "sciatica") for n in range(4)]
    )
    hostile = attempt_json(10, alias="<script>alert(1)</script>", case_id="<b>case</b>")
    write_jsonl(folder / "eve.jsonl", [hostile, '{"attempt_id": 7}'])
    (folder / "broken.jsonl").write_text("%PDF-1.4 not an export\n")
    return folder


def test_build_report_writes_every_table_and_figure_and_lists_problems(hand_ins, tmp_path):
    """Every CSV table and PNG figure is written; problems.csv names the bad files and lines; the rest is counted."""
    summary = report.build_report(hand_ins, tmp_path / "out", on_progress=lambda d, t: None)
    assert sorted(summary.tables) == sorted(TABLES) and sorted(summary.figures) == sorted(FIGURES)
    for name in TABLES:
        assert (tmp_path / "out" / f"{name}.csv").is_file()
    for name in FIGURES:
        assert (tmp_path / "out" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with open(tmp_path / "out" / "problems.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows == [
        {"file": "broken.jsonl", "line": "1", "message": "not valid JSON (Expecting value at column 1)"},
        {
            "file": "eve.jsonl",
            "line": "2",
            "message": "missing field(s): alias, case_id, correct_diagnosis, submitted_at, differential, verdict",
        },
    ]
    assert (summary.files, summary.attempts, summary.students, summary.cases, summary.accuracy) == (3, 5, 2, 2, 0.6)
    assert str(summary).splitlines()[:3] == [
        f"Read 5 attempts by 2 students on 2 cases from 3 files in {hand_ins}.",
        "Right leading diagnosis: 60.0% of attempts.",
        "2 problems in 2 files were skipped (listed in problems.csv).",
    ]


def test_accuracy_csv_matches_the_records(hand_ins, tmp_path):
    """accuracy_by_case.csv agrees with counting the good records by hand."""
    report.build_report(hand_ins, tmp_path / "out", on_progress=lambda d, t: None)
    with open(tmp_path / "out" / "accuracy_by_case.csv", newline="") as f:
        rows = {r["case_id"]: r for r in csv.DictReader(f)}
    assert (rows["case-a"]["attempts"], rows["case-a"]["correct"], rows["case-a"]["accuracy"]) == ("4", "2", "0.5")
    assert (rows["<b>case</b>"]["attempts"], rows["<b>case</b>"]["correct"]) == ("1", "1")


def test_index_html_escapes_student_text(hand_ins, tmp_path):
    """An alias or case id holding HTML reaches index.html only escaped."""
    summary = report.build_report(hand_ins, tmp_path / "out", on_progress=lambda d, t: None)
    html = summary.index.read_text()
    assert "<b>case</b>" not in html and "&lt;b&gt;case&lt;/b&gt;" in html
    assert "<script>" not in html
    assert '<img src="accuracy_by_case.png"' in html
    assert "eve.jsonl, line 2: missing field(s): alias" in html


def test_large_folders_show_a_text_progress_bar_on_stderr(tmp_path, capsys):
    """Reading 50 or more files draws a progress bar on stderr that ends at 100%."""
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(report.LARGE_FOLDER):
        write_jsonl(folder / f"s{n:03d}.jsonl", [attempt_json(n, alias=f"s{n}")])
    report.build_report(folder, tmp_path / "out")
    err = capsys.readouterr().err
    assert err.endswith(
        f"\rreading files {report.LARGE_FOLDER}/{report.LARGE_FOLDER} [{'#' * report.BAR_WIDTH}] 100%\n"
    )
    assert f"\rreading files 1/{report.LARGE_FOLDER} [" in err


def test_small_folders_show_no_progress_bar():
    """Below LARGE_FOLDER files the bar stays silent."""
    out = io.StringIO()
    bar = report.TextProgress(out)
    for done in range(1, 4):
        bar(done, 3)
    assert out.getvalue() == ""


def test_cli_report_exits_0_and_writes_png_and_csv(hand_ins, tmp_path, capsys):
    """`casebook report FOLDER --out DIR` exits 0, prints the summary and lists skipped lines on stderr."""
    code = main(["report", str(hand_ins), "--out", str(tmp_path / "rep")])
    out, err = capsys.readouterr()
    assert code == 0
    assert (tmp_path / "rep" / "confusion_matrix.png").is_file() and (
        tmp_path / "rep" / "accuracy_by_case.csv"
    ).is_file()
    assert out.startswith("Read 5 attempts by 2 students on 2 cases from 3 files")
    assert "skipped: broken.jsonl, line 1: not valid JSON (Expecting value at column 1)" in err.splitlines()


def test_cli_report_on_a_missing_folder_exits_2(tmp_path, capsys):
    """A folder that does not exist is bad usage: exit 2 and a one-line message."""
    assert main(["report", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err == f"casebook report: no such folder: {tmp_path / 'nope'}\n"


def test_cli_report_runs_as_a_program_on_the_demo_class(tmp_path):
    """`python -m casebook report` over the shipped demo folder exits 0 and names the planted problems."""
    from casebook.demo import BROKEN_FILE, demo_folder

    done = subprocess.run(
        [sys.executable, "-m", "casebook", "report", str(demo_folder()), "--out", str(tmp_path / "r")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert f"skipped: {BROKEN_FILE}, line 1: not valid JSON (Expecting value at column 1)" in done.stderr
    assert "skipped: demo-student-13.jsonl, line " in done.stderr
    assert len(list((tmp_path / "r").glob("*.png"))) == len(FIGURES)


@pytest.mark.parametrize("empty", [False, True], ids=["with-data", "empty"])
def test_every_plot_returns_its_axes_with_a_title(hand_ins, empty):
    """Each plot function draws on the Axes it is given (Agg) and returns it, also for empty tables."""
    from matplotlib.figure import Figure

    df, _ = analytics.read_folder(hand_ins)
    if empty:
        df = df.iloc[0:0]
    tables = report.class_tables(df, [])
    own = analytics.attempts_over_time(df)
    cases = [
        (plots.accuracy_by_case, tables["accuracy_by_case"]),
        (plots.accuracy_by_condition, tables["accuracy_by_condition"]),
        (plots.confusion_matrix, tables["confusion_matrix"]),
        (plots.missed_questions, tables["missed_key_questions"]),
        (plots.questions_per_case, tables["questions_per_case"]),
        (plots.next_step_safety, tables["next_step_safety"]),
        (plots.time_on_case, tables["time_on_case"]),
        (plots.thoroughness_by_case, tables["thoroughness_by_case"]),
        (plots.calibration, tables["calibration"]),
        (plots.attempts_over_time, own),
        (plots.scores_by_condition, analytics.scores_by_condition(df)),
    ]
    for draw, table in cases:
        ax = Figure().add_subplot()
        assert draw(table, ax=ax) is ax
        assert ax.get_title()


def test_cli_report_on_a_folder_without_attempts_exits_1_but_still_writes_the_report(tmp_path, capsys):
    """No readable attempt: exit 1, 'No attempts could be read.', and empty tables and figures are still written."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "oops.jsonl").write_text("hello\n")
    assert main(["report", str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 1
    out, err = capsys.readouterr()
    assert "No attempts could be read." in out.splitlines()
    assert err == "skipped: oops.jsonl, line 1: not valid JSON (Expecting value at column 1)\n"
    assert len(list((tmp_path / "out").glob("*.png"))) == len(FIGURES) and (tmp_path / "out" / "index.html").is_file()


@pytest.mark.parametrize("name", ["attempts.jsonl", "attempts.csv"])
def test_cli_report_reads_a_version_1_hand_in_in_full(tmp_path, capsys, name):
    """`casebook report` over a hand-in written before records had a version counts every attempt and every field."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / name).write_bytes((V1 / name).read_bytes())
    assert main(["report", str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 0
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in (V1 / "attempts.jsonl").read_text(encoding="utf-8").splitlines()]
    students, cases = len({r["alias"] for r in lines}), len({r["case_id"] for r in lines})
    assert err == "" and out.startswith(
        f"Read {len(lines)} attempts by {students} students on {cases} cases from 1 file in"
    )
    with open(tmp_path / "out" / "accuracy_by_case.csv", newline="", encoding="utf-8") as f:
        by_case = {row["case_id"]: row for row in csv.DictReader(f)}
    for case_id in {r["case_id"] for r in lines}:
        tries = [r for r in lines if r["case_id"] == case_id]
        assert (by_case[case_id]["attempts"], by_case[case_id]["correct"]) == (
            str(len(tries)),
            str(sum(r["verdict"] == "correct" for r in tries)),
        )
    with open(tmp_path / "out" / "missed_red_flags.csv", newline="", encoding="utf-8") as f:
        missed = {row["question_id"]: int(row["missed"]) for row in csv.DictReader(f)}
    assert missed == dict(Counter(q for r in lines for q in r["missed_red_flags"]))
    with open(tmp_path / "out" / "time_on_case.csv", newline="", encoding="utf-8") as f:
        minutes = {row["case_id"]: float(row["max_minutes"]) for row in csv.DictReader(f)}
    assert minutes == {c: round(max(r["seconds"] for r in lines if r["case_id"] == c) / 60, 1) for c in minutes}


def test_a_time_beyond_the_calendar_is_no_time_and_the_report_is_written(tmp_path):
    """A hand-in whose start or submit time is far beyond what a date can hold (1e25 s) is read with no time there;
    the report is written (it stopped with an OutOfBoundsDatetime error)."""
    folder = tmp_path / "hand-ins"
    write_jsonl(
        folder / "a.jsonl",
        [attempt_json(1), {**attempt_json(2), "started_at": 1e25}, {**attempt_json(3), "submitted_at": -(10**30)}],
    )
    df, problems = analytics.read_folder(folder)
    assert problems == [] and len(df) == 3
    assert df["started_at"].isna().tolist() == [False, True, False]
    assert df["submitted_at"].isna().tolist() == [False, False, True]
    summary = report.build_report(folder, tmp_path / "out", on_progress=lambda d, n: None, workers=0)
    assert summary.attempts == 3 and summary.index.is_file()
