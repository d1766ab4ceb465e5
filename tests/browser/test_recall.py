"""JupyterLab in Chromium: take a history in your own words (issue 15), read which key questions were found unaided."""

from __future__ import annotations

import pytest
import recall_examples
from playwright.sync_api import expect

from casebook.i18n import format_percent

from .helpers import (
    artefact_folder,
    check_accessible,
    check_case_page,
    decide_by_clicking,
    open_in_lab,
    right_verdict,
    write_notebook,
)

pytestmark = pytest.mark.browser

READY = "recall start page ready"


def recall_start_page(folder, name: str = "recall-start.ipynb"):
    """A start page on a throw-away progress store (the server's own store keeps its menu mode for other tests)."""
    return write_notebook(
        folder / name,
        [
            """
import tempfile
from pathlib import Path

import casebook
from casebook.progress import ProgressStore
from casebook.ui import StartPage

book = casebook.load()
start = StartPage(book, ProgressStore(Path(tempfile.mkdtemp()) / "progress.sqlite"))
start
""",
            f'print("{READY}")',
        ],
    )


def ask_in_own_words(app, text: str, answer: str) -> None:
    """Type a question into the recall box, press Enter, and wait for the patient's answer in the transcript."""
    box = app.locator(".cb-recall-input input")
    box.fill(text)
    box.press("Enter")
    expect(app.locator(".cb-transcript-box")).to_contain_text(" ".join(answer.split()))
    expect(box).to_have_value("")


def test_type_two_questions_open_the_list_submit_and_read_what_was_found_unaided(
    page, shots, request, lab, scratch, book, dvt_case
):
    """On the start page choose 'Ask in my own words', type two questions (the patient answers each), open the
    question list, ask one more from it, submit: the expert path separates the two found unaided from the one asked
    from the list, and axe-core finds no serious or critical violation with the recall box on the page."""
    first, second = recall_examples.clear_key_questions(book, dvt_case.id)[:2]
    from_list = next(q for q in dvt_case.key_questions if q not in (first["expected"], second["expected"]))
    notebook = recall_start_page(scratch)
    open_in_lab(page, lab, notebook, done_text=READY)
    start = page.locator(".cb-start").first
    cases = start.locator(".cb-case-list select")
    labels = cases.evaluate("s => [...s.options].map(o => o.value)")
    cases.select_option(value=next(label for label in labels if label.startswith(dvt_case.title.en)))
    start.get_by_label("Ask in my own words").check()
    start.locator(".cb-play").click()
    app = start.locator(".cb-app").first
    expect(app.locator(".cb-recall-input input")).to_be_visible()
    expect(app.locator(".cb-question-list")).to_be_hidden()
    shots("recall-box")
    for example in (first, second):
        ask_in_own_words(app, example["text"], dvt_case.answers[example["expected"]].text.en)
    question = book.bank.questions[second["expected"]].text.en
    expect(app.locator(".cb-recall-status")).to_contain_text(f"Understood as: “{question}”")
    expect(app.locator(".cb-transcript-box")).to_contain_text(f"“{first['text']}” → ")
    check_accessible(page, "recall-box", artefact_folder(request.node.name))
    app.locator(".cb-show-questions").click()
    expect(app.locator(".cb-question-list")).to_be_visible()
    app.locator(f".cb-q-{from_list}").click()
    total = len(book.bank.questions)
    expect(app.locator(".cb-question-counter")).to_contain_text(f"Questions asked: 3 of {total} · found unaided: 2")
    shots("list-opened")
    step = book.bank.next_steps[dvt_case.correct_steps[0].step].text.en
    decide_by_clicking(app, book.conditions[dvt_case.diagnosis].name.en, step)
    check_case_page(page, app, right_verdict(book, dvt_case))
    panel = app.locator(".cb-feedback-panel")
    key = dvt_case.key_questions
    n = len(key)
    expect(panel).to_contain_text(f"Expert path: 2 of {n} key questions found unaided, 1 more from the question list")
    for qid, how in ((first["expected"], "found unaided"), (second["expected"], "found unaided")):
        expect(panel).to_contain_text(f"{key.index(qid) + 1}. ✓ {how}: {book.bank.questions[qid].text.en}")
    listed = book.bank.questions[from_list].text.en
    expect(panel).to_contain_text(f"{key.index(from_list) + 1}. ✓ asked from the question list: {listed}")
    expect(panel).to_contain_text(f"Recall thoroughness {format_percent(round(100 * 2 / n))}")
    panel.scroll_into_view_if_needed()
    shots("feedback")
    check_accessible(page, "recall-feedback", artefact_folder(request.node.name))
