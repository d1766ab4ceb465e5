"""Voila in Chromium: the play-a-case notebook as an app, and the seminar's step-by-step reveal."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import (
    PLAY_NOTEBOOK,
    check_case_page,
    check_no_errors,
    open_in_voila,
    play_expert_by_clicking,
    right_verdict,
)

pytestmark = pytest.mark.browser


def test_play_a_case_in_voila(page, shots, voila, book, dvt_case):
    """Voila renders 01-play-a-case; clicking through the DVT case shows the right feedback and no error."""
    open_in_voila(page, voila, PLAY_NOTEBOOK)
    app = page.locator(".cb-app").first
    shots("case-shown")
    expect(app.locator(".cb-complaint")).to_contain_text(dvt_case.presenting_complaint.en)
    play_expert_by_clicking(app, book, dvt_case, shots)
    check_case_page(page, app, right_verdict(book, dvt_case))
    app.locator(".cb-feedback-panel").scroll_into_view_if_needed()
    shots("feedback")


def expected_reveal(book, case) -> list[tuple[str, str]]:
    """(step kind, text that step shows) in the order a seminar reveals them, derived from the case itself."""
    steps = [("complaint", case.presenting_complaint.en)]
    for n, qid in enumerate(case.key_questions, 1):
        steps.append(("history", f"Q{n}. {book.bank.questions[qid].text.en}"))
    if any(e in book.bank.examinations for e in case.examination):
        steps.append(("examination", "Examination"))
    if any(i in book.bank.investigations for i in case.investigations):
        steps.append(("investigation", "Investigations"))
    steps.append(("answer", f"Diagnosis: {book.conditions[case.diagnosis].name.en}"))
    steps.append(("feedback", "Feedback"))
    steps.append(("compare", "Side by side"))
    return steps


def test_seminar_reveals_step_by_step_in_voila(page, shots, voila_seminar, book, dvt_case):
    """Served as `make seminar` serves it, Next reveals one step at a time: complaint first, each key answer in turn,
    the diagnosis and the comparison only at the end."""
    open_in_voila(page, voila_seminar, None, ready_selector=".cb-seminar")
    seminar = page.locator(".cb-seminar").first
    seminar.locator(".cb-seminar-case select").select_option(value=dvt_case.title.en)
    expected = expected_reveal(book, dvt_case)
    stage, progress, revealed = (
        seminar.locator(".cb-seminar-stage"),
        seminar.locator(".cb-seminar-progress"),
        seminar.locator(".cb-seminar-step"),
    )
    expect(stage).to_contain_text(dvt_case.presenting_complaint.en)
    diagnosis_text = expected[-3][1]
    for n, (kind, text) in enumerate(expected, 1):
        if n > 1:
            seminar.locator(".cb-seminar-next").click()
        expect(progress).to_contain_text(f"Step {n} of {len(expected)}")
        expect(revealed).to_have_count(n)
        expect(revealed.nth(n - 1)).to_have_class(f"cb-seminar-step cb-step-{kind}")
        expect(revealed.nth(n - 1)).to_contain_text(text)
        if kind == "history":
            qid = dvt_case.key_questions[int(text[1 : text.index(".")]) - 1]
            expect(revealed.nth(n - 1)).to_contain_text(dvt_case.answers[qid].text.en)
        shown = stage.inner_text()
        assert (diagnosis_text in shown) == (kind in ("answer", "feedback", "compare")), (
            f"step {n} ({kind}): the diagnosis is {'missing' if diagnosis_text not in shown else 'shown too early'}"
        )
        expect(stage.locator("table.cb-compare")).to_have_count(1 if kind == "compare" else 0)
        revealed.nth(n - 1).scroll_into_view_if_needed()
        shots(f"step-{kind}")
    expect(seminar.locator(".cb-seminar-next")).to_be_disabled()
    check_no_errors(page, seminar)


def test_seminar_keeps_the_keyboard_focus_after_the_last_step(page, voila_seminar):
    """Pressing Enter on Next at the last step disables Next and moves the focus to Start over, not the page body;
    Enter on Back at the second step moves it to Next."""
    open_in_voila(page, voila_seminar, None, ready_selector=".cb-seminar")
    seminar = page.locator(".cb-seminar").first
    progress, nxt = seminar.locator(".cb-seminar-progress"), seminar.locator(".cb-seminar-next")
    expect(progress).to_contain_text("Step 1 of ")
    total = int(progress.inner_text().split(" of ")[1].split(":")[0])
    nxt.focus()
    for n in range(2, total + 1):
        expect(nxt).to_be_focused()
        page.keyboard.press("Enter")
        expect(progress).to_contain_text(f"Step {n} of {total}")
    expect(nxt).to_be_disabled()
    expect(seminar.locator(".cb-seminar-restart")).to_be_focused()
    page.keyboard.press("Enter")
    expect(progress).to_contain_text(f"Step 1 of {total}")
    nxt.focus()
    page.keyboard.press("Enter")
    expect(progress).to_contain_text(f"Step 2 of {total}")
    seminar.locator(".cb-seminar-back").focus()
    page.keyboard.press("Enter")
    expect(progress).to_contain_text(f"Step 1 of {total}")
    expect(nxt).to_be_focused()
