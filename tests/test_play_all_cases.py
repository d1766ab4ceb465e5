"""Every bundled case played by a scripted expert and by scripted novices, through the session engine."""

from __future__ import annotations

import json

import pytest

import casebook
from casebook.loading import bundled_cases_dir, case_files
from casebook.session import CaseSession

BOOK = casebook.load()
# The ids of the case files on disk, not of the cases the loader kept: a case that fails to load fails here by name.
CASES = sorted(json.loads(p.read_text(encoding="utf-8"))["id"] for p in case_files(bundled_cases_dir()))


def expert(case_id: str) -> CaseSession:
    """Key questions in the expert's order, the red-flag questions, the examinations behind the key findings, the right
    answers."""
    case = BOOK.cases[case_id]
    s = CaseSession(BOOK, case)
    for q in [*case.key_questions, *case.red_flag_questions]:
        s.ask(q)
    for kf in case.key_findings:
        for item in kf.elicited_by:
            if item in BOOK.bank.examinations:
                s.examine(item)
    s.diagnose([case.diagnosis], 90)
    s.decide(case.correct_steps[0].step)
    s.submit()
    return s


@pytest.mark.parametrize("case_id", CASES)
def test_expert_gets_full_marks_and_no_safety_flags(case_id):
    """An expert who follows the key questions and chooses right gets a right verdict, full thoroughness, no safety
    flag."""
    fb = expert(case_id).feedback
    assert (fb.verdict, fb.scores.thoroughness, fb.scores.diagnosis, fb.scores.next_step) == ("correct", 1.0, 1.0, 1.0)
    assert fb.safety_flags == []
    assert fb.section("safety")[0].level == "good"
    assert fb.section("expert_path")[0].title == "Expert path: you asked every key question"


@pytest.mark.parametrize("case_id", CASES)
def test_novice_choosing_the_lookalike_is_told_why_it_fits_less_well(case_id):
    """A novice who picks the case's first look-alike reads the right condition, why theirs fits less well and the
    tell-apart text."""
    case = BOOK.cases[case_id]
    wrong = case.differential[0]
    s = CaseSession(BOOK, case)
    s.ask(case.key_questions[0])
    s.diagnose([wrong.condition], 60)
    s.decide(case.correct_steps[0].step)
    fb = s.submit()
    text = fb.as_text()
    right_name = BOOK.condition_name(case.diagnosis, "en", in_sentence=True)
    assert fb.verdict == "wrong"
    assert f"Diagnosis: not right. This is {right_name}." in text
    assert f"Why {BOOK.condition_name(wrong.condition, 'en', in_sentence=True)} fits less well" in text
    assert wrong.why_less_likely.en in text
    apart = BOOK.conditions[case.diagnosis].how_to_tell_from(wrong.condition)
    assert apart is not None and apart.en in text


@pytest.mark.parametrize("case_id", CASES)
def test_novice_asking_nothing_sees_every_key_question_missed(case_id):
    """With no questions asked, the expert path lists every key question as missed, in the expert's order, and
    thoroughness is 0."""
    case = BOOK.cases[case_id]
    s = CaseSession(BOOK, case)
    s.diagnose([case.diagnosis], 50)
    s.decide(case.correct_steps[0].step)
    fb = s.submit()
    path = fb.section("expert_path")[0]
    expected = [f"{n}. ✗ missed: {BOOK.bank.questions[q].text.en}" for n, q in enumerate(case.key_questions, 1)]
    assert [line.split(" — ")[0] for line in path.lines] == expected
    assert (fb.scores.thoroughness, fb.scores.efficiency) == (0.0, 0.0)
    assert list(fb.missed_key_questions) == list(case.key_questions)
    assert list(fb.missed_red_flags) == list(case.red_flag_questions)


RED_FLAG_CASES = [c for c in CASES if c in BOOK.cases and BOOK.cases[c].red_flag_case]


@pytest.mark.parametrize("case_id", RED_FLAG_CASES)
def test_unsafe_next_step_on_a_red_flag_case_is_flagged_apart_from_the_score(case_id):
    """Choosing an unsafe step on a red-flag case raises a safety flag with the case's reason; the diagnosis score
    stays."""
    case = BOOK.cases[case_id]
    assert case.unsafe_steps, f"{case_id} is a red-flag case without unsafe steps"
    unsafe = case.unsafe_steps[0]
    s = CaseSession(BOOK, case)
    s.diagnose([case.diagnosis], 80)
    s.decide(unsafe.step)
    fb = s.submit()
    assert fb.unsafe_step is True
    assert fb.scores.diagnosis == 1.0 and fb.scores.next_step == 0.0
    assert f"Unsafe next step: {BOOK.bank.next_steps[unsafe.step].text.en}. {unsafe.why.en}" in fb.safety_flags


def test_there_are_red_flag_cases_to_play():
    """The red-flag parametrisation is not empty (it would silently test nothing)."""
    assert len(RED_FLAG_CASES) >= 8
