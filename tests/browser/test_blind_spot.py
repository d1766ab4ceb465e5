"""The suite is not blind: widget callbacks broken on purpose are caught by the same checks the play tests use."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import PLAY_NOTEBOOK, check_case_page, copy_notebook, open_in_lab, play_expert_by_clicking

pytestmark = pytest.mark.browser

BROKEN = "deliberately broken (browser-suite blind-spot test)"
DVT_RIGHT = "Diagnosis: right. This is Deep vein thrombosis (DVT)."

# name: (cell appended to a copy of 01-play-a-case, what the error log must show, the check that must fail)
BREAKS = {
    "submit-raises": (
        f"def _broken(*args, **kwargs):\n    raise RuntimeError({BROKEN!r})\n\napp.session.submit = _broken  # Submit's callback now raises\nprint('callback is now broken')",
        f"Something went wrong in submitting: RuntimeError: {BROKEN}",
        "cb-feedback-panel",  # no feedback appears
    ),
    "saving-raises": (
        f"def _broken(*args, **kwargs):\n    raise RuntimeError({BROKEN!r})\n\napp.on_submit.append(_broken)  # feedback still appears, saving fails\nprint('callback is now broken')",
        f"Something went wrong in saving your attempt: RuntimeError: {BROKEN}",
        "cb-error-log",  # the feedback is there, the error log is not empty
    ),
}


@pytest.mark.parametrize("breakage", list(BREAKS))
def test_a_broken_callback_is_caught_in_lab(breakage, page, shots, lab, scratch, book, dvt_case):
    """With a callback raising after Submit, the error log shows the exception and check_case_page (used by every play test) fails."""
    cell, logged, failing_check = BREAKS[breakage]
    notebook = copy_notebook(PLAY_NOTEBOOK, scratch, extra_cells=[cell], name=f"lab-broken-{breakage}.ipynb")
    open_in_lab(page, lab, notebook, done_text="callback is now broken")
    app = page.locator(".cb-app").first
    play_expert_by_clicking(app, book, dvt_case)
    log = app.locator(".cb-error-log")
    expect(log).to_have_text(logged)
    expect(log).to_be_visible()
    log.scroll_into_view_if_needed()
    shots("error-log-shows-the-exception")
    if failing_check == "cb-error-log":  # only the error-log part of the check can catch this one
        expect(app.locator(".cb-feedback-panel")).to_contain_text(DVT_RIGHT)
    with pytest.raises(AssertionError, match=failing_check):
        check_case_page(page, app, DVT_RIGHT, timeout=3_000)
