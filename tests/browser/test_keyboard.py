"""Keyboard only, in Voila: Tab / Shift+Tab to reach controls, Space and Enter to press, arrows in the drop-downs."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import (
    PLAY_NOTEBOOK,
    check_case_page,
    choose_by_keyboard,
    contrast_on_white,
    focus_outline,
    open_in_voila,
    right_verdict,
    tab_to,
)

pytestmark = pytest.mark.browser

# From the first diagnosis drop-down to Submit: second, third, confidence, next step, reasoning, Submit.
TABS_FROM_DIAGNOSIS_TO_SUBMIT = 6


def assert_visible_focus(page) -> None:
    """The focused control has a solid outline at least 2 px wide with a contrast of at least 3:1 on white."""
    outline = focus_outline(page)
    assert outline["style"] == "solid" and outline["width"] >= 2, outline
    assert contrast_on_white(outline["rgb"]) >= 3, outline


def test_play_a_case_with_the_keyboard_alone(page, shots, voila, book, dvt_case):
    """Skip to diagnosis, every key question, the diagnosis, the next step and Submit are reached and pressed by keys
    alone, each with a visible focus outline; after Submit the focus is on the feedback, which shows the verdict."""
    open_in_voila(page, voila, PLAY_NOTEBOOK)
    app = page.locator(".cb-app").first
    first_diagnosis = app.locator(".cb-diagnosis-1 select")

    # The skip control comes before the question list and moves the focus past it.
    skip = app.locator(".cb-skip")
    tab_to(page, skip)
    expect(skip).to_be_focused()
    assert_visible_focus(page)
    page.keyboard.press("Enter")
    expect(first_diagnosis).to_be_focused()
    assert_visible_focus(page)
    assert tab_to(page, app.locator(".cb-submit")) == {"Tab": TABS_FROM_DIAGNOSIS_TO_SUBMIT, "Shift+Tab": 0}

    counter = app.locator(".cb-question-counter")
    pressed = {"Tab": 0, "Shift+Tab": 0}
    for n, qid in enumerate(dvt_case.key_questions, 1):  # in the expert's order, so the focus moves both ways
        for key, times in tab_to(page, app.locator(f".cb-q-{qid}")).items():
            pressed[key] += times
        assert_visible_focus(page)
        page.keyboard.press("Space")
        expect(counter).to_contain_text(f"Questions asked: {n} of {len(book.bank.questions)}")
    expect(app.locator(".cb-transcript-box")).to_contain_text(dvt_case.answers[dvt_case.key_questions[-1]].text.en)
    assert pressed["Tab"] > 0 and pressed["Shift+Tab"] > 0, pressed
    shots("questions-asked-by-keyboard")
    choose_by_keyboard(page, app, "cb-diagnosis-1", book.conditions[dvt_case.diagnosis].name.en)
    choose_by_keyboard(page, app, "cb-next-step", book.bank.next_steps[dvt_case.correct_steps[0].step].text.en)
    shots("decision-by-keyboard")
    submit = app.locator(".cb-submit")
    tab_to(page, submit)
    expect(submit).to_be_focused()
    assert_visible_focus(page)
    page.keyboard.press("Enter")
    check_case_page(page, app, right_verdict(book, dvt_case))
    # Submit is disabled now; the focus went to the feedback instead of dropping to the page body.
    expect(app.locator(".cb-feedback-summary")).to_be_focused()
    expect(app.locator(".cb-feedback-summary")).to_contain_text("Feedback: your leading diagnosis is right")
    assert_visible_focus(page)
    shots("feedback-focused")
    step = book.bank.next_steps[dvt_case.correct_steps[0].step].text.en
    assert f"Next step: right ({step})" in app.locator(".cb-feedback-panel").inner_text()
