"""Feedback never announces a list it then leaves empty (issue 12), whatever the case and whatever the student did."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from builders import small_cases, small_conditions, write_casebook

import casebook
from casebook.feedback import Feedback, evaluate

TEACHER = Path(__file__).parent / "data" / "teacher"
BUNDLED = casebook.load()
TEACHER_BOOK = casebook.load([TEACHER / "one-case", TEACHER / "new-condition"])
# A heading or line that ends in ':' (or ': .') announces something; it must be followed by it.
ANNOUNCES = re.compile(r":\s*[.;,]?\s*$")
MAY_BE_SHORT = {"safety"}  # "Safety: no red flag missed and a safe next step" stands alone


def empty_lists(fb: Feedback) -> list[str]:
    """Each place where the feedback announces a list (or a label) and gives nothing after it."""
    found = []
    for item in fb.items:
        if not item.lines and (ANNOUNCES.search(item.title) or item.section not in MAY_BE_SHORT):
            found.append(f"{item.section}: '{item.title}' has no lines")
        for line in item.lines:
            if not line.strip() or ANNOUNCES.search(line):
                found.append(f"{item.section}: '{item.title}' has the line {line!r}")
    return found


def answer_patterns(book: casebook.Casebook, case: casebook.Case) -> list[tuple]:
    """Many ways to answer a case: nothing to everything asked, no / right / wrong / unknown diagnoses, every step."""
    bank = book.bank
    examined = tuple(i for kf in case.key_findings for i in kf.elicited_by if i in bank.examinations)
    asked = [(), case.key_questions[:1], case.key_questions, tuple(bank.questions)]
    wrong = case.differential[0].condition
    differentials = [(), (case.diagnosis,), (wrong, case.diagnosis), (wrong,), ("not_a_condition",)]
    steps = list(dict.fromkeys([s.step for _, graded in case.judged_steps() for s in graded] + list(bank.next_steps)))
    reasoning = ["", "I went by the story."]
    patterns = []
    for (a, d, r), step in zip(
        itertools.product(asked, differentials, reasoning), itertools.cycle(steps), strict=False
    ):
        patterns.append((a, examined if a else (), d, step, r))
    patterns += [(case.key_questions, examined, (case.diagnosis,), s, "Because.") for s in steps]
    return patterns


# How the history was taken and how sure the student was: menu mode without a confidence (as before issue 15), recall
# mode with half the questions found unaided, and confidences from none to full (the calibration sentence).
HOW = [("menu", None), ("recall", 90), ("menu", 10), ("recall", 50), ("menu", 100), ("recall", 0)]


def check_book(book: casebook.Casebook) -> list[str]:
    """Every empty list in the feedback on every case of ``book`` under every answer pattern."""
    found = []
    for case in book.cases.values():
        patterns = answer_patterns(book, case)
        for (asked, examined, differential, step, reasoning), (mode, confidence) in zip(
            patterns, itertools.cycle(HOW), strict=False
        ):
            unaided = asked[: len(asked) // 2] if mode == "recall" else ()
            fb = evaluate(
                book,
                case,
                asked,
                examined,
                (),
                differential,
                step,
                reasoning=reasoning,
                mode=mode,
                asked_unaided=unaided,
                confidence=confidence,
            )
            found += [f"{case.id} ({differential}, {step}, {mode}, {confidence}): {e}" for e in empty_lists(fb)]
    return found


def test_the_check_finds_an_announced_list_with_nothing_after_it():
    """The check itself fails on a heading with a colon and nothing after it (so the tests below can fail)."""
    case = next(iter(BUNDLED.cases.values()))
    fb = evaluate(BUNDLED, case, (), (), (), (case.diagnosis,), case.correct_steps[0].step)
    broken = Feedback(
        fb.case_id,
        fb.verdict,
        fb.next_step_verdict,
        fb.scores,
        (*fb.items, type(fb.items[0])("reasoning", "info", "Heading", ("The deciding findings: ",))),
        (),
        (),
        False,
    )
    assert empty_lists(broken) == ["reasoning: 'Heading' has the line 'The deciding findings: '"]


def test_no_bundled_case_feedback_has_an_empty_list():
    """Every bundled case, answered in many ways, gets feedback without an announced list left empty."""
    assert check_book(BUNDLED) == []


def test_no_builder_case_feedback_has_an_empty_list(tmp_path):
    """The builders' cases (key findings without their own text) get feedback without an empty list."""
    book = casebook.load(write_casebook(tmp_path / "cases", small_conditions(), small_cases()))
    assert [k.text for c in book.cases.values() for k in c.key_findings] == [None] * sum(
        len(c.key_findings) for c in book.cases.values()
    )
    assert check_book(book) == []


def test_no_teacher_case_feedback_has_an_empty_list():
    """The teacher fixtures (a new condition among them) get feedback without an empty list."""
    assert set(TEACHER_BOOK.cases) > set(BUNDLED.cases)
    assert check_book(TEACHER_BOOK) == []


@pytest.mark.parametrize("book", [BUNDLED, TEACHER_BOOK], ids=["bundled", "teacher"])
def test_written_reasoning_sits_beside_the_deciding_findings(book):
    """With written reasoning, the deciding findings are the key findings' own texts, else their key features'."""
    for case in book.cases.values():
        cond = book.conditions[case.diagnosis]
        fb = evaluate(book, case, (), (), (), (case.diagnosis,), case.correct_steps[0].step, reasoning="Mine.")
        expected = list(
            dict.fromkeys(k.text.en if k.text else cond.feature(k.feature).text.en for k in case.key_findings)
        )
        assert fb.section("reasoning")[0].lines == (
            "You wrote: “Mine.”",
            "The deciding findings: " + " ".join(expected),
        )


def test_a_teacher_case_without_key_finding_texts_names_its_features_with_written_reasoning():
    """The one-case fixture gives no key finding a text: the deciding findings are its diagnosis's feature texts."""
    case = next(c for c in TEACHER_BOOK.cases.values() if c.file.startswith("one-case/"))
    assert all(k.text is None for k in case.key_findings)
    cond = TEACHER_BOOK.conditions[case.diagnosis]
    fb = evaluate(TEACHER_BOOK, case, (), (), (), (case.diagnosis,), case.correct_steps[0].step, reasoning="Shins.")
    line = fb.section("reasoning")[0].lines[1]
    assert line == "The deciding findings: " + " ".join(cond.feature(k.feature).text.en for k in case.key_findings)
