"""Hostile text: HTML and script payloads in every text field validate as text and render inert in JupyterLab and Voila.

The schema's decision: free text (titles, answers, feedback texts, a 20,000-character teaching point, right-to-left and
emoji text) is accepted, because it is only ever shown escaped; identifiers are rejected unless they are short slugs,
because they end up in file names, CSS classes and URLs.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

import casebook

from .helpers import (
    EMOJI_TEXT,
    HOSTILE_ALIAS,
    HOSTILE_CASES,
    INERT,
    PAYLOADS,
    REPO,
    RTL_TEXT,
    check_case_page,
    hostile_notebook,
    open_in_lab,
    open_in_voila,
    page_inertness,
    play_expert_by_clicking,
    positive_control,
    settle_images,
)

pytestmark = pytest.mark.browser

HOSTILE_CASE = "hostile-text"


def validate(*paths: Path) -> subprocess.CompletedProcess:
    """`python -m casebook validate PATH ...`, as a teacher runs it."""
    return subprocess.run(
        [sys.executable, "-m", "casebook", "validate", *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def test_hostile_folder_validates():
    """The hostile folder is valid: payloads in text fields are text, not errors (the payload repeated in every field
    is, rightly, a copied-text warning, which leaves the folder valid)."""
    result = validate(HOSTILE_CASES)
    assert result.returncode == 0, result.stdout + result.stderr
    questions = len(json.loads((HOSTILE_CASES / "questions.json").read_text(encoding="utf-8"))["questions"])
    summary, verdict = result.stdout.splitlines()[-2:]
    assert summary.endswith(f": 1 valid case(s), 3 valid condition(s), {questions} questions")
    assert re.fullmatch(r"All valid(, \d+ warning\(s\))?\.", verdict), verdict


def test_html_or_overlong_ids_are_rejected_with_a_clear_message(tmp_path):
    """An id holding HTML, or longer than 64 characters, is rejected with the file, the JSON path, what is wrong and
    how to fix it."""
    folder = tmp_path / "hostile"
    shutil.copytree(HOSTILE_CASES, folder)
    case = json.loads((folder / "vignettes" / f"{HOSTILE_CASE}.json").read_text(encoding="utf-8"))
    for file_name, bad_id in (("html-id", "<script>alert(1)</script>"), ("long-id", "a" * 65)):
        (folder / "vignettes" / f"{file_name}.json").write_text(json.dumps({**case, "id": bad_id}), encoding="utf-8")
    result = validate(folder)
    assert result.returncode == 1
    fix = (
        "    how to fix: use lower-case letters, digits, '_' or '-' "
        "(start with a letter or digit, at most 64 characters)"
    )
    expected = [
        "hostile/vignettes/html-id.json",
        "  $.id: '<script>alert(1)</script>' is not a valid identifier",
        fix,
        "hostile/vignettes/long-id.json",
        "  $.id: '" + "a" * 58 + "…" + " is not a valid identifier",
        fix,
    ]
    lines = result.stdout.splitlines()
    start = lines.index(expected[0])
    assert lines[start : start + 6] == expected
    assert re.fullmatch(r"2 problem\(s\) in 2 file\(s\)(, \d+ warning\(s\))?", lines[-1]), lines[-1]


HOSTILE_REASONING = '<script>window.__pwned=1</script> swollen <a href="javascript:window.__pwned=1">calf</a>'


def play_hostile(page, shots, start) -> None:
    """Save a hostile alias, open the hostile case from the picker, type hostile reasoning, play it, reveal its
    seminar, and check everything (bank texts included) stayed text."""
    book = casebook.load(HOSTILE_CASES)
    case = book.cases[HOSTILE_CASE]
    name = book.conditions[case.diagnosis].name.en

    start.locator(".cb-alias input").fill(HOSTILE_ALIAS)
    start.locator(".cb-alias input").press("Enter")
    start.locator(".cb-alias-save").click()
    expect(start.locator(".cb-alias-status")).to_contain_text(
        f"Saving your attempts as {HOSTILE_ALIAS} (", use_inner_text=True
    )
    expect(start.locator(".cb-alias input")).to_have_value(HOSTILE_ALIAS)
    shots("hostile-alias-saved")

    expect(start.locator(".cb-case-list select option")).to_have_count(1)
    assert PAYLOADS[0] in start.locator(".cb-case-list select option").text_content()
    start.locator(".cb-play").click()
    app = start.locator(".cb-app").first
    expect(app.locator(".cb-complaint")).to_contain_text(case.presenting_complaint.en, use_inner_text=True)
    shots("hostile-case-shown")
    # The question list (topic titles, questions) is on screen until Submit closes it: its bank text is checked here.
    expect(app.locator(".cb-topic-title").first).to_be_visible()
    listed = " ".join(app.inner_text().split())
    bank_texts = [t.title.en for t in book.bank.topics] + [book.bank.questions[q].text.en for q in case.key_questions]
    for literal in bank_texts:
        assert " ".join(literal.split()) in listed, f"bank text not shown as literal text: {literal[:80]!r}"
    app.locator(".cb-reasoning textarea").fill(HOSTILE_REASONING)
    play_expert_by_clicking(app, book, case, shots)
    check_case_page(
        page, app, f"Diagnosis: right. This is {book.condition_name(case.diagnosis, 'en', in_sentence=True)}."
    )
    app.locator(".cb-feedback-panel").scroll_into_view_if_needed()
    shots("hostile-feedback")
    # Submit closed the question, examination and investigation lists, and says so where they were.
    expect(app.locator(".cb-question-list")).to_be_hidden()
    expect(app.locator("button.cb-exam").first).to_be_hidden()
    expect(app.locator("button.cb-investigation").first).to_be_hidden()
    expect(app.locator(".cb-closed-note")).to_have_count(2)

    shown = " ".join(app.inner_text().split())
    for literal in (*PAYLOADS, RTL_TEXT, EMOJI_TEXT, " ".join(case.teaching_points[1].en.split())):
        assert literal in shown, f"not shown as literal text: {literal[:80]!r}"
    assert f"You wrote: “{HOSTILE_REASONING}”" in shown, "the student's typed reasoning is not echoed as literal text"
    for qid in case.key_questions:  # asked by play_expert_by_clicking: in the transcript after Submit
        text = " ".join(book.bank.questions[qid].text.en.split())
        assert text in shown, f"bank text not shown as literal text: {text[:80]!r}"

    seminar = page.locator(".cb-seminar").first
    progress = seminar.locator(".cb-seminar-progress")
    expect(progress).to_contain_text("Step 1 of ")
    total = int(progress.inner_text().split(" of ")[1].split(":")[0])
    for n in range(2, total + 1):
        seminar.locator(".cb-seminar-next").click()
        expect(progress).to_contain_text(f"Step {n} of {total}")
    expect(seminar.locator("table.cb-compare")).to_have_count(1)
    seminar.locator("table.cb-compare").scroll_into_view_if_needed()
    shots("hostile-seminar-revealed")
    shown = " ".join(seminar.inner_text().split())
    for literal in (*PAYLOADS, RTL_TEXT, name):
        assert literal in shown, f"not shown as literal text in the seminar: {literal[:80]!r}"
    settle_images(page)
    assert page_inertness(page) == INERT
    assert page.dialogs == []
    positive_control(page)
    assert page_inertness(page)["pwned"] == "number", "the inertness check could not see a payload that did run"


def test_hostile_text_is_inert_in_lab(page, shots, lab, scratch):
    """In JupyterLab the hostile bank, case, conditions, seminar and alias render as literal text: no script runs,
    no dialog opens."""
    notebook = hostile_notebook(scratch, "lab-hostile.ipynb")
    open_in_lab(page, lab, notebook, done_text="hostile notebook ready:")
    play_hostile(page, shots, page.locator(".cb-start").first)


def test_hostile_text_is_inert_in_voila(page, shots, voila, scratch):
    """In Voila the hostile bank, case, conditions, seminar and alias render as literal text: no script runs, no
    dialog opens."""
    notebook = hostile_notebook(scratch, "voila-hostile.ipynb")
    open_in_voila(page, voila, notebook, ready_selector=".cb-start")
    play_hostile(page, shots, page.locator(".cb-start").first)
