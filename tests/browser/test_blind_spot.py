"""The suite is not blind: widget callbacks broken on purpose are caught by the same checks the play tests use."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import (
    PLAY_NOTEBOOK,
    check_case_page,
    copy_notebook,
    open_in_lab,
    play_expert_by_clicking,
    right_verdict,
)

pytestmark = pytest.mark.browser

BROKEN = "deliberately broken (browser-suite blind-spot test)"
# name: (cell appended to a copy of 01-play-a-case, the sentence the error log must show, the check that must fail)
BREAKS = {
    "submit-raises": (
        f"def _broken(*args, **kwargs):\n    raise RuntimeError({BROKEN!r})\n\n"
        "app.session.submit = _broken  # Submit's callback now raises\nprint('callback is now broken')",
        "Something went wrong while submitting.",
        "cb-feedback-panel",  # no feedback appears
    ),
    "saving-raises": (
        f"def _broken(*args, **kwargs):\n    raise RuntimeError({BROKEN!r})\n\n"
        "app.on_submit.append(_broken)  # feedback still appears, saving fails\nprint('callback is now broken')",
        "Something went wrong while saving your attempt.",
        "cb-error-log",  # the feedback is there, the error log is not empty
    ),
}


@pytest.mark.parametrize("breakage", list(BREAKS))
def test_a_broken_callback_is_caught_in_lab(breakage, page, shots, lab, scratch, book, dvt_case):
    """With a callback raising after Submit, the error log shows a plain sentence (the traceback behind "Details")
    and check_case_page (used by every play test) fails."""
    cell, logged, failing_check = BREAKS[breakage]
    notebook = copy_notebook(PLAY_NOTEBOOK, scratch, extra_cells=[cell], name=f"lab-broken-{breakage}.ipynb")
    open_in_lab(page, lab, notebook, done_text="callback is now broken")
    app = page.locator(".cb-app").first
    play_expert_by_clicking(app, book, dvt_case)
    log = app.locator(".cb-error-log")
    expect(log).to_contain_text(logged)
    expect(log).to_be_visible()
    assert "RuntimeError" not in log.inner_text()  # the student reads a sentence, not an exception
    log.get_by_text("Details for your teacher").click()
    expect(log.locator("pre")).to_contain_text(f"RuntimeError: {BROKEN}")
    log.scroll_into_view_if_needed()
    shots("error-log-shows-the-exception")
    if failing_check == "cb-error-log":  # only the error-log part of the check can catch this one
        expect(app.locator(".cb-feedback-panel")).to_contain_text(right_verdict(book, dvt_case))
    with pytest.raises(AssertionError, match=failing_check):
        check_case_page(page, app, right_verdict(book, dvt_case), timeout=3_000)
