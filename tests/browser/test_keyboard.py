"""Keyboard only, in Voila: Tab / Shift+Tab to reach controls, Space and Enter to press, arrow keys in the drop-downs."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import PLAY_NOTEBOOK, check_case_page, choose_by_keyboard, open_in_voila, tab_to

pytestmark = pytest.mark.browser


def test_play_a_case_with_the_keyboard_alone(page, shots, voila, book, dvt_case):
    """Every key question, the diagnosis, the next step and Submit are reached and pressed by keys alone; the feedback shows the right verdict."""
    open_in_voila(page, voila, PLAY_NOTEBOOK)
    app = page.locator(".cb-app").first
    counter = app.locator(".cb-question-counter")
    pressed = {"Tab": 0, "Shift+Tab": 0}
    for n, qid in enumerate(dvt_case.key_questions, 1):  # in the expert's order, so the focus moves both ways
        for key, times in tab_to(page, app.locator(f".cb-q-{qid}")).items():
            pressed[key] += times
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
    page.keyboard.press("Enter")
    check_case_page(page, app, "Diagnosis: right. This is Deep vein thrombosis (DVT).")
    app.locator(".cb-feedback-panel").scroll_into_view_if_needed()
    shots("feedback")
    assert "Next step: right (Same-day medical assessment)" in app.locator(".cb-feedback-panel").inner_text()
