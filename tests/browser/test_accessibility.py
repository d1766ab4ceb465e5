"""axe-core 4.14 in Chromium on the casebook's own content: no serious or critical violation on any page.

Scope: axe runs on the casebook's containers only (.cb-start, .cb-app, .cb-seminar, .cb-compare-box, .cb-export-box,
.cb-alias-box). JupyterLab's and Voila's own page chrome (menus, toolbars, the page frame, notebook output that is
not a casebook view) is not ours and is left out on purpose. Moderate and minor findings are written to
test-output/browser/<test>/axe-<page>.json for review but do not fail the test.
"""

from __future__ import annotations

import pytest
import recall_examples
from playwright.sync_api import expect

from .helpers import (
    PLAY_NOTEBOOK,
    artefact_folder,
    ask_by_clicking,
    check_accessible,
    check_case_page,
    decide_by_clicking,
    open_in_voila,
    right_verdict,
    write_notebook,
)

pytestmark = pytest.mark.browser

START_NOTEBOOK = "notebooks/00-start-here.ipynb"
PROGRESS_NOTEBOOK = "notebooks/student/04-my-progress.ipynb"


def test_start_page_has_no_serious_violation(page, request, voila):
    """The start page (alias box, download and upload, picker) and the case it opens pass axe-core without a serious or
    critical finding."""
    open_in_voila(page, voila, START_NOTEBOOK, ready_selector=".cb-start .cb-picker")
    expect(page.locator(".cb-start .cb-transfer-box .cb-upload")).to_be_visible()
    folder = artefact_folder(request.node.name)
    check_accessible(page, "start-page", folder)
    start = page.locator(".cb-start").first
    start.locator(".cb-play").click()
    expect(start.locator(".cb-app .cb-question").first).to_be_visible()
    check_accessible(page, "start-page-with-case", folder)


def test_voila_pages_have_one_main_landmark_holding_the_casebook(page, voila, voila_seminar):
    """Served with the casebook's Voila template, a page has exactly one main landmark and the casebook is inside it."""
    for server, notebook, selector in ((voila, PLAY_NOTEBOOK, ".cb-app"), (voila_seminar, None, ".cb-seminar")):
        open_in_voila(page, server, notebook, ready_selector=selector)
        main = page.locator("main, [role=main]")
        expect(main).to_have_count(1)
        expect(main.locator(selector).first).to_be_visible()


def test_played_case_with_feedback_has_no_serious_violation(page, request, voila, book, dvt_case):
    """A case in Voila passes axe-core without a serious or critical finding mid-play (asked questions marked, which
    checks their colours while the buttons are enabled) and with its feedback shown."""
    open_in_voila(page, voila, PLAY_NOTEBOOK)
    app = page.locator(".cb-app").first
    folder = artefact_folder(request.node.name)
    ask_by_clicking(app, dvt_case.key_questions, len(book.bank.questions))
    expect(app.locator(".cb-question.cb-asked")).to_have_count(len(dvt_case.key_questions))
    check_accessible(page, "case-mid-play", folder)
    step = book.bank.next_steps[dvt_case.correct_steps[0].step].text.en
    decide_by_clicking(app, book.conditions[dvt_case.diagnosis].name.en, step)
    check_case_page(page, app, right_verdict(book, dvt_case))
    check_accessible(page, "case-with-feedback", folder)


def test_my_progress_has_no_serious_violation(page, request, voila):
    """The My progress page's casebook widgets (the export box with its download and upload) pass axe-core without a
    serious or critical finding."""
    open_in_voila(page, voila, PROGRESS_NOTEBOOK, ready_selector=".cb-export-box .cb-upload")
    check_accessible(page, "my-progress", artefact_folder(request.node.name))


def test_seminar_has_no_serious_violation(page, request, voila_seminar):
    """The Voila seminar, every step revealed, passes axe-core without a serious or critical finding."""
    open_in_voila(page, voila_seminar, None, ready_selector=".cb-seminar")
    seminar = page.locator(".cb-seminar").first
    folder = artefact_folder(request.node.name)
    check_accessible(page, "seminar-first-step", folder)
    progress = seminar.locator(".cb-seminar-progress")
    expect(progress).to_contain_text("Step 1 of ")
    total = int(progress.inner_text().split(" of ")[1].split(":")[0])
    for n in range(2, total + 1):
        seminar.locator(".cb-seminar-next").click()
        expect(progress).to_contain_text(f"Step {n} of {total}")
    check_accessible(page, "seminar-all-steps", folder)


def test_recall_box_and_recall_seminar_have_no_serious_violation(page, request, voila, scratch, book, dvt_case):
    """Free recall (issue 15) passes axe-core without a serious or critical finding: the question box with an answer
    and offered choices, an unanswered question, the opened question list, and the seminar's class-asks step."""
    unclear = recall_examples.typed_with(book, "ambiguous")
    off_bank = recall_examples.typed_with(book, "none")
    notebook = write_notebook(
        scratch / "a11y-recall.ipynb",
        [
            f"""
import casebook
from casebook.ui import CaseApp
from casebook.ui.seminar_view import SeminarView

book = casebook.load()
CaseApp(book, {dvt_case.id!r}, mode="recall")
""",
            f"SeminarView(book, {dvt_case.id!r}, mode='recall').widget",
        ],
    )
    open_in_voila(page, voila, notebook, ready_selector=".cb-seminar")
    folder = artefact_folder(request.node.name)
    app = page.locator(".cb-app").first
    box = app.locator(".cb-recall-input input")
    for text in (off_bank["text"], unclear["text"]):
        box.fill(text)
        box.press("Enter")
        expect(box).to_have_value("")
    expect(app.locator(".cb-choice-none")).to_be_visible()
    expect(app.locator(".cb-transcript-box")).to_contain_text(off_bank["text"])
    check_accessible(page, "recall-choices", folder)
    app.locator(".cb-show-questions").click()
    expect(app.locator(".cb-question-list")).to_be_visible()
    check_accessible(page, "recall-list-open", folder)
    seminar = page.locator(".cb-seminar").first
    seminar.locator(".cb-seminar-next").click()
    asked = seminar.locator(".cb-recall-input input")
    asked.fill(recall_examples.clear_key_questions(book, dvt_case.id)[0]["text"])
    asked.press("Enter")
    expect(seminar.locator(".cb-seminar-stage")).to_contain_text("The class's questions (1)")
    check_accessible(page, "recall-seminar", folder)
