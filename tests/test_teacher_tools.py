"""Handouts and seminar steps: what a teacher prints and projects."""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

import pytest

import casebook
from casebook.cli import main
from casebook.handout import handout_html
from casebook.loading import bundled_cases_dir, case_files
from casebook.seminar import seminar_steps
from casebook.ui.seminar_view import SeminarView

BOOK = casebook.load()
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "case_id", sorted(json.loads(p.read_text(encoding="utf-8"))["id"] for p in case_files(bundled_cases_dir()))
)
def test_student_handout_hides_the_answer_and_answer_key_shows_it(case_id):
    """The student version never names the diagnosis; the answer key names it with the feedback and teaching points."""
    case = BOOK.cases[case_id]
    name = BOOK.conditions[case.diagnosis].name.en
    student = handout_html(BOOK, case)
    key = handout_html(BOOK, case, answer_key=True)
    assert escape(name) not in student and name not in student and "Your answer" in student
    assert f"Answer: {escape(name)}" in key and "Teaching points" in key and "Feedback" in key
    assert case.presenting_complaint.en.replace("'", "&#x27;").replace('"', "&quot;") in student


def test_handout_command_writes_the_file(tmp_path, capsys):
    """`casebook handout CASE --answer-key --out FILE` writes a page and says where."""
    out = tmp_path / "key.html"
    assert main(["handout", "dvt-after-long-flight", "--answer-key", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert capsys.readouterr().out.strip() == f"Wrote answer key for dvt-after-long-flight to {out}"


def test_seminar_reveals_complaint_then_each_key_answer_then_the_answer():
    """Steps come in teaching order: complaint, key answers in the expert's order, findings, answer, feedback."""
    case = BOOK.cases["dvt-after-long-flight"]
    steps = seminar_steps(BOOK, case)
    kinds = [s.kind for s in steps]
    assert kinds[0] == "complaint" and kinds[-2:] == ["answer", "feedback"]
    assert kinds.count("history") == len(case.key_questions)
    first_q = BOOK.bank.questions[case.key_questions[0]].text.en
    assert first_q in steps[1].html


def test_seminar_view_next_back_and_start_over():
    """Next reveals one more step, Back hides it, Start over returns to the complaint; Next stops at the end."""
    view = SeminarView(BOOK, "dvt-after-long-flight")
    count = lambda: view.stage.value.count('class="cb-seminar-step')  # noqa: E731
    view.next.click()
    view.next.click()
    assert count() == 3
    view.back.click()
    assert count() == 2
    for _ in range(100):
        view.next.click()
    assert count() == len(view.steps) and view.next.disabled
    assert "Side by side" in view.stage.value
    view.restart.click()
    assert count() == 1 and view.back.disabled


def test_readme_worked_example_validates(tmp_path):
    """The worked example case in the README passes `casebook validate` against the bundled bank and conditions."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)\n```", readme, re.S).group(1)
    folder = tmp_path / "my-cases"
    folder.mkdir()
    (folder / "calf-after-squash.json").write_text(example, encoding="utf-8")
    book = casebook.load(folder)
    assert [str(p) for p in book.problems] == []
    assert list(book.cases) == ["calf-after-squash"]


def test_comparison_html_puts_each_item_on_its_own_line_and_escapes_text():
    """Listed items become separate lines (never a literal backslash-n) and every cell and label is escaped."""
    import pandas as pd

    from casebook.compare import comparison_html

    frame = pd.DataFrame({"A <b>": ["one\ntwo"], "B": ["<script>x</script>"]}, index=["Key <i>features</i>"])
    html = comparison_html(frame)
    assert "<td>one<br>two</td>" in html and "\\n" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html
    assert '<th scope="col">A &lt;b&gt;</th>' in html and '<th scope="row">Key &lt;i&gt;features&lt;/i&gt;</th>' in html
