"""JupyterLab in Chromium: run the play-a-case notebook and play a whole case by clicking."""

from __future__ import annotations

import pytest

from .helpers import (
    PLAY_NOTEBOOK,
    artefact_folder,
    check_accessible,
    check_case_page,
    copy_notebook,
    open_in_lab,
    play_expert_by_clicking,
    right_verdict,
)

pytestmark = pytest.mark.browser


def test_play_a_case_in_lab(page, shots, request, lab, scratch, book, dvt_case):
    """Run All on a copy of 01-play-a-case, click the key questions, diagnosis and next step: the page shows the right
    feedback, no error, and axe-core finds no serious or critical violation in the casebook's content."""
    notebook = copy_notebook(PLAY_NOTEBOOK, scratch, name="lab-01-play-a-case.ipynb")
    open_in_lab(page, lab, notebook, done_text="Novice feedback checked:")
    app = page.locator(".cb-app").first
    app.scroll_into_view_if_needed()
    shots("case-shown")
    play_expert_by_clicking(app, book, dvt_case, shots)
    check_case_page(page, app, right_verdict(book, dvt_case))
    app.locator(".cb-feedback-panel").scroll_into_view_if_needed()
    shots("feedback")
    assert "Expert path: you asked every key question" in app.locator(".cb-feedback-panel").inner_text()
    check_accessible(page, "lab-played-case", artefact_folder(request.node.name))
