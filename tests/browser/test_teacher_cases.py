"""A teacher's own cases in JupyterLab (issue 12): with CASEBOOK_CASES set, the start notebook offers and plays them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

import casebook
from casebook.model import SETTINGS

from .helpers import (
    REPO,
    Server,
    check_case_page,
    copy_notebook,
    open_in_lab,
    play_expert_by_clicking,
    right_verdict,
    start_lab,
)

pytestmark = pytest.mark.browser

START_NOTEBOOK = "notebooks/00-start-here.ipynb"
TEACHER_FOLDER = (REPO / "tests" / "data" / "teacher" / "one-case").resolve()
REASONING = "An ache along both shins after far more walking than usual."


@pytest.fixture(scope="module")
def teacher_lab(server_home: Path) -> Iterator[Server]:
    """JupyterLab started with CASEBOOK_CASES naming the one-case fixture folder (by its full path), as a teacher
    would set it before `make lab`; stopped by process id at the end."""
    before = os.environ.get("CASEBOOK_CASES")
    os.environ["CASEBOOK_CASES"] = str(TEACHER_FOLDER)  # start_lab hands os.environ to the server and its kernels
    try:
        server = start_lab(server_home / "lab-teacher")
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    finally:
        if before is None:
            del os.environ["CASEBOOK_CASES"]
        else:
            os.environ["CASEBOOK_CASES"] = before
    yield server
    server.stop()


def test_start_notebook_offers_the_teacher_case_and_plays_it_to_feedback(page, shots, teacher_lab, scratch):
    """Run All on a copy of the start notebook with CASEBOOK_CASES set: the picker lists the teacher's case among
    the bundled ones, and clicking through it gives the right feedback with the deciding findings, and no error."""
    book = casebook.load([TEACHER_FOLDER])
    bundled = casebook.load(casebook.bundled_cases_dir())
    [case_id] = set(book.cases) - set(bundled.cases)
    case = book.cases[case_id]
    condition = book.conditions[case.diagnosis]

    notebook = copy_notebook(START_NOTEBOOK, scratch, name="lab-teacher-start-here.ipynb")
    open_in_lab(page, teacher_lab, notebook, done_text=f"Self-test passed: {len(bundled.cases) + 1} cases")
    start = page.locator(".cb-start").first
    start.scroll_into_view_if_needed()
    label = f"{case.title.en} — {case.difficulty}, {SETTINGS[case.setting]}"
    options = start.locator(".cb-case-list select option")
    expect(options).to_have_count(len(bundled.cases) + 1)
    expect(options.filter(has_text=case.title.en)).to_have_count(1)
    start.locator(".cb-case-list select").select_option(label=label)
    shots("teacher-case-chosen")

    start.locator(".cb-play").click()
    app = start.locator(".cb-app").first
    expect(app.locator(".cb-complaint")).to_contain_text(case.presenting_complaint.en, use_inner_text=True)
    app.locator(".cb-reasoning textarea").fill(REASONING)
    play_expert_by_clicking(app, book, case, shots)
    check_case_page(page, app, right_verdict(book, case))
    panel = app.locator(".cb-feedback-panel")
    panel.scroll_into_view_if_needed()
    shots("teacher-case-feedback")
    shown = " ".join(panel.inner_text().split())
    assert f"You wrote: “{REASONING}”" in shown
    first_feature = condition.feature(case.key_findings[0].feature).text.en
    assert f"The deciding findings: {' '.join(first_feature.split())}" in shown
