"""JupyterLab in Chromium: run the play-a-case notebook and play a whole case by clicking."""

from __future__ import annotations

import pytest

from .helpers import PLAY_NOTEBOOK, check_case_page, copy_notebook, open_in_lab, play_expert_by_clicking

pytestmark = pytest.mark.browser

DVT_RIGHT = "Diagnosis: right. This is Deep vein thrombosis (DVT)."


def test_play_a_case_in_lab(page, shots, lab, scratch, book, dvt_case):
    """Run All on a copy of 01-play-a-case, click the key questions, diagnosis and next step: the page shows the right feedback and no error."""
    notebook = copy_notebook(PLAY_NOTEBOOK, scratch, name="lab-01-play-a-case.ipynb")
    open_in_lab(page, lab, notebook, done_text="Novice feedback checked:")
    app = page.locator(".cb-app").first
    app.scroll_into_view_if_needed()
    shots("case-shown")
    assert f"Diagnosis: right. This is {book.conditions[dvt_case.diagnosis].name.en}." == DVT_RIGHT
    play_expert_by_clicking(app, book, dvt_case, shots)
    check_case_page(page, app, DVT_RIGHT)
    app.locator(".cb-feedback-panel").scroll_into_view_if_needed()
    shots("feedback")
    assert "Expert path: you asked every key question" in app.locator(".cb-feedback-panel").inner_text()
