"""`casebook play`: the notebook's feedback from an answers file, and clear errors for bad files."""

from __future__ import annotations

import json
import subprocess
import sys

import casebook
from casebook.cli import main

BOOK = casebook.load()
CASE_ID = "dvt-after-long-flight"


def write(tmp_path, data, name="answers.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return str(path)


def test_play_prints_the_same_feedback_as_the_session(tmp_path, capsys):
    """The text printed equals the session feedback's text for the same actions."""
    from casebook.session import CaseSession

    answers = {
        "asked": ["q_swelling", "q_immobilisation"],
        "examined": ["ex_calf_circumference"],
        "differential": ["dvt", "gastrocnemius_tear"],
        "confidence": 75,
        "next_step": "ns_same_day",
    }
    assert main(["play", CASE_ID, "--answers", write(tmp_path, answers)]) == 0
    s = CaseSession(BOOK, CASE_ID)
    s.ask("q_swelling")
    s.ask("q_immobilisation")
    s.examine("ex_calf_circumference")
    s.diagnose(["dvt", "gastrocnemius_tear"], 75)
    s.decide("ns_same_day")
    expected = s.submit().as_text()
    assert capsys.readouterr().out.split("\n", 2)[2].rstrip("\n") == expected


def test_play_json_format_carries_verdict_scores_and_safety(tmp_path, capsys):
    """--format json gives machine-readable verdicts, scores and safety facts (a look-alike and an unsafe step)."""
    case = BOOK.cases[CASE_ID]
    lookalike, unsafe = case.differential[0].condition, case.unsafe_steps[0].step
    answers = {"asked": [], "differential": [lookalike], "confidence": 50, "next_step": unsafe}
    assert main(["play", CASE_ID, "--answers", write(tmp_path, answers), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["verdict"], out["next_step_verdict"], out["unsafe_step"], out["scores"]["thoroughness"]) == (
        "wrong",
        "unsafe",
        True,
        0.0,
    )


def test_unknown_ids_are_reported_all_at_once(tmp_path, capsys):
    """Every unknown id in the answers file is reported with its JSON path; exit 1."""
    answers = {
        "asked": ["q_swelling", "q_made_up"],
        "examined": ["ex_nothing"],
        "differential": ["gout"],
        "next_step": "ns_pray",
    }
    assert main(["play", CASE_ID, "--answers", write(tmp_path, answers)]) == 1
    err = capsys.readouterr().err
    for line in (
        '$.asked[1]: unknown question "q_made_up"',
        '$.examined[0]: unknown examination item "ex_nothing"',
        '$.differential[0]: unknown condition "gout"',
        '$.next_step: unknown next step "ns_pray"',
    ):
        assert line in err


def test_unknown_case_and_missing_file_are_usage_errors(tmp_path, capsys):
    """A case id that does not exist, or an answers file that is missing, exits 2 with a message."""
    assert main(["play", "no-such-case", "--answers", write(tmp_path, {})]) == 2
    assert "no case with id 'no-such-case'" in capsys.readouterr().err
    assert main(["play", CASE_ID, "--answers", str(tmp_path / "missing.json")]) == 2
    assert "no such answers file" in capsys.readouterr().err


def test_broken_answers_json_reports_line_and_column_without_traceback(tmp_path):
    """Invalid JSON in the answers file gives line and column, never a traceback."""
    path = write(tmp_path, '{"asked": ["q_swelling",]}')
    r = subprocess.run(
        [sys.executable, "-m", "casebook", "play", CASE_ID, "--answers", path], capture_output=True, text=True
    )
    assert r.returncode == 1
    assert "line 1, column 25: invalid JSON: Expecting value" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


def test_reasoning_in_the_answers_file_is_echoed_in_the_feedback(tmp_path):
    """A paper answer's reasoning is printed beside the deciding findings; a non-text reasoning is a clear problem."""
    path = write(
        tmp_path, {"differential": ["dvt"], "next_step": "ns_same_day", "reasoning": "One swollen calf after a flight."}
    )
    r = subprocess.run(
        [sys.executable, "-m", "casebook", "play", CASE_ID, "--answers", path], capture_output=True, text=True
    )
    assert r.returncode == 0
    assert "You wrote: “One swollen calf after a flight.”" in r.stdout
    bad = write(tmp_path, {"differential": ["dvt"], "next_step": "ns_same_day", "reasoning": 42})
    r = subprocess.run(
        [sys.executable, "-m", "casebook", "play", CASE_ID, "--answers", bad], capture_output=True, text=True
    )
    assert r.returncode == 1 and "$.reasoning: should be text" in r.stderr
