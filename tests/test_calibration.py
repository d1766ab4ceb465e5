"""Confidence calibration (issue 15): the sentence after each case, and the calibration curve over many attempts."""

from __future__ import annotations

import matplotlib
import pytest
from builders import make_record
from matplotlib.figure import Figure

import casebook
from casebook import analytics, plots
from casebook.feedback import CALIBRATION_MARGIN, CALIBRATION_TITLES, MATCHED, OVER, UNDER, calibration, evaluate

matplotlib.use("Agg")
BOOK = casebook.load()
CASES = sorted(BOOK.cases)


def findings_brought_out(case, done) -> list[str]:
    """The case's key findings elicited by something in ``done``, in the case's words (else the feature's), as the
    calibration sentence names them (trailing full stop dropped)."""
    out = []
    for kf in case.key_findings:
        if any(i in done for i in kf.elicited_by):
            feature = BOOK.conditions[case.diagnosis].feature(kf.feature)
            said = (kf.text.en if kf.text else "") or (feature.text.en if feature else "")
            if said and said.rstrip(" .") not in out:
                out.append(said.rstrip(" ."))
    return out


def calibration_item(case, asked, examined, differential, confidence):
    fb = evaluate(BOOK, case, asked, examined, (), differential, case.correct_steps[0].step, confidence=confidence)
    items = fb.section("calibration")
    assert len(items) <= 1
    return items[0] if items else None


def everything_for_findings(case) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every key question asked and every item that brings out a key finding done: (asked, examined)."""
    items = [i for kf in case.key_findings for i in kf.elicited_by]
    asked = tuple(dict.fromkeys([*case.key_questions, *(i for i in items if i in BOOK.bank.questions)]))
    return asked, tuple(dict.fromkeys(i for i in items if i in BOOK.bank.examinations))


@pytest.mark.parametrize("case_id", CASES)
def test_over_confidence_names_the_diagnosis_and_the_first_key_question_missed(case_id):
    """Sure and wrong: over-confident, the history pointed to the case's diagnosis, and the first key question not
    asked is named with why it matters (all read from the case and the bank)."""
    case = BOOK.cases[case_id]
    wrong = case.differential[0].condition
    asked = case.key_questions[:1]
    item = calibration_item(case, asked, (), (wrong,), 90)
    name = BOOK.condition_name(case.diagnosis, "en", in_sentence=True)
    assert (item.level, item.title) == ("bad", CALIBRATION_TITLES[OVER])
    assert item.lines[0].startswith(
        f"You were 90 % sure and your leading diagnosis was wrong: the history pointed to {name}"
    )
    missed = next((q for q in case.key_questions if q not in asked), None)
    if missed is not None:
        question = BOOK.bank.questions[missed]
        assert item.lines[0].endswith(f"you missed the key question “{question.text.en}”.")
        if question.hint:
            assert item.lines[-1] == f"Why that question matters: {question.hint.en}"
    found = findings_brought_out(case, asked)
    if found:
        assert f"What you found that points to {name}: {'; '.join(found[:3])}." in item.lines


@pytest.mark.parametrize("case_id", CASES)
def test_under_confidence_names_the_findings_that_were_enough(case_id):
    """Unsure but right, with the key findings brought out: under-confident, and the findings are named."""
    case = BOOK.cases[case_id]
    asked, examined = everything_for_findings(case)
    found = findings_brought_out(case, {*asked, *examined})
    item = calibration_item(case, asked, examined, (case.diagnosis,), 30)
    if not found:  # a case without key findings the student can bring out: nothing to be sure of
        assert item.title == CALIBRATION_TITLES[MATCHED]
        return
    name = BOOK.condition_name(case.diagnosis, "en", in_sentence=True)
    assert (item.level, item.title) == ("partial", CALIBRATION_TITLES[UNDER])
    assert item.lines == (
        "You were 30 % sure and right: your findings were enough to be more confident.",
        f"What you found that points to {name}: {'; '.join(found[:3])}.",
    )


@pytest.mark.parametrize("case_id", CASES)
def test_well_calibrated_attempts_are_said_to_be_in_step(case_id):
    """Sure and right with findings, or unsure and wrong: in step with the outcome, said in one sentence."""
    case = BOOK.cases[case_id]
    asked, examined = everything_for_findings(case)
    right = calibration_item(case, asked, examined, (case.diagnosis,), 85)
    wrong = calibration_item(case, asked, examined, (case.differential[0].condition,), 20)
    assert right.title == wrong.title == CALIBRATION_TITLES[MATCHED]
    if findings_brought_out(case, {*asked, *examined}):
        assert right.level == "good"
        assert right.lines[0] == "You were 85 % sure and right, and your findings back that confidence."
    assert wrong.lines[0].startswith(
        "You were only 20 % sure and your leading diagnosis was wrong, so your doubt was fair"
    )


def test_no_confidence_no_calibration_sentence():
    """Without a confidence (an old caller of evaluate) the feedback has no calibration item."""
    case = BOOK.cases[CASES[0]]
    assert calibration_item(case, (), (), (case.diagnosis,), None) is None


def test_right_but_unsure_with_nothing_found_is_not_called_under_confident():
    """Right and unsure without a single key finding brought out: being unsure was fair (in step, not under)."""
    case = BOOK.cases[CASES[0]]
    item = calibration_item(case, (), (), (case.diagnosis,), 30)
    assert item.title == CALIBRATION_TITLES[MATCHED] and item.level == "info"


@pytest.mark.parametrize(
    ("confidence", "correct", "found", "expected"),
    [
        (CALIBRATION_MARGIN + 1, False, True, OVER),
        (CALIBRATION_MARGIN, False, True, MATCHED),
        (CALIBRATION_MARGIN - 1, True, True, UNDER),
        (CALIBRATION_MARGIN, True, True, MATCHED),
        (CALIBRATION_MARGIN - 1, True, False, MATCHED),
        (0, False, False, MATCHED),
        (100, True, False, MATCHED),
        (None, True, True, None),
    ],
)
def test_the_margin_between_over_in_step_and_under(confidence, correct, found, expected):
    """An even chance is the line: above it and wrong is over, below it and right (with findings) is under."""
    assert calibration(confidence, correct, found) == expected


# ---------------------------------------------------------------- over many attempts

# (confidence, right?) of a made-up student's attempts, and what each confidence bin should count.
ATTEMPTS = [
    (10, False),
    (15, True),
    (30, False),
    (40, True),
    (55, True),
    (60, False),
    (85, True),
    (90, False),
    (100, True),
]
EXPECTED_BINS = {"0-20 %": (2, 1), "20-40 %": (1, 0), "40-60 %": (2, 2), "60-80 %": (1, 0), "80-100 %": (3, 2)}


def records(attempts):
    """Attempt records with the given confidences, right (leading = diagnosis) or not (a look-alike leads)."""
    return [
        make_record(n, confidence=c, leading=None if right else "sciatica") for n, (c, right) in enumerate(attempts, 1)
    ]


def test_the_calibration_table_counts_attempts_and_right_ones_per_bin():
    """Each bin counts the attempts whose confidence falls in it (100 in the last bin) and the right ones."""
    table = analytics.calibration_table(analytics.records_frame(records(ATTEMPTS)))
    got = {row.bin: (row.attempts, row.correct) for row in table.itertuples()}
    assert got == EXPECTED_BINS
    by_bin = table.set_index("bin")
    assert by_bin.loc["80-100 %", "accuracy"] == round(2 / 3, 3)
    assert by_bin.loc["80-100 %", "mean_confidence"] == round((85 + 90 + 100) / 3, 1)


def test_attempts_without_a_confidence_are_left_out_and_empty_bins_stay():
    """A record without confidence is not counted; bins nobody used keep a row with 0 attempts."""
    table = analytics.calibration_table(
        analytics.records_frame(records([(90, True)]) + [make_record(9, confidence=None)])
    )
    assert list(table["attempts"]) == [0, 0, 0, 0, 1]
    assert table["accuracy"].isna().sum() == 4


@pytest.mark.parametrize(
    ("attempts", "start"),
    [
        ([(90, False)] * 4 + [(90, True)], "Over-confident: you were 90 % sure on average, but your leading diagnosis "
         "was right in 20 % of 5 attempts (70 points less)."),
        ([(30, True)] * 5, "Under-confident: you were 30 % sure on average, but your leading diagnosis was right in "
         "100 % of 5 attempts (70 points more): trust your findings more."),
        ([(60, True)] * 3 + [(60, False)] * 2, "Confidence in step with accuracy: you were 60 % sure on average and "
         "your leading diagnosis was right in 60 % of 5 attempts."),
        ([(90, False)] * 4, "Too few attempts to judge confidence yet: 4 attempts with a confidence, 5 needed."),
    ],
    ids=["over", "under", "in-step", "too-few"],
)  # fmt: skip
def test_the_calibration_summary_names_over_or_under_confidence_with_its_figures(attempts, start):
    """One sentence names over-confidence, under-confidence or confidence in step, with mean confidence and accuracy."""
    assert analytics.calibration_summary(analytics.records_frame(records(attempts))) == start


def test_the_class_summary_speaks_of_the_class():
    """For the dashboard the sentence is about the class, with the same figures."""
    df = analytics.records_frame(records([(90, False)] * 5))
    assert analytics.calibration_summary(df, who="class") == (
        "Over-confident: the class was 90 % sure on average, but the leading diagnosis was right in 0 % of 5 attempts "
        "(90 points less)."
    )


def test_the_calibration_curve_shows_a_count_for_every_bin_with_attempts():
    """The plot draws on the given Axes, writes n=<attempts> over each bin used, and nothing for empty bins."""
    table = analytics.calibration_table(analytics.records_frame(records(ATTEMPTS)))
    ax = Figure().add_subplot()
    assert plots.calibration(table, ax) is ax
    assert sorted(t.get_text() for t in ax.texts) == sorted(f"n={n}" for n, _ in EXPECTED_BINS.values())
    empty = analytics.calibration_table(analytics.records_frame([]))
    ax = Figure().add_subplot()
    assert plots.calibration(empty, ax) is ax and [t.get_text() for t in ax.texts] == ["no attempts"]
