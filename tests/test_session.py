"""The session engine: actions, events, errors a student can meet, and the attempt record."""

from __future__ import annotations

import itertools

import pytest

import casebook
from casebook.attempts import AttemptRecord
from casebook.session import CaseSession, SessionError

BOOK = casebook.load()
CASE_ID = "dvt-after-long-flight"


def session(**kwargs) -> CaseSession:
    ticks = itertools.count(1000.0, 2.5)
    return CaseSession(BOOK, CASE_ID, clock=lambda: next(ticks), **kwargs)


def test_asking_reveals_the_case_answer_and_logs_a_timestamped_event():
    """ask() returns the patient's own answer and logs an 'ask' event with the clock's time."""
    s = session()
    assert s.ask("q_swelling") == BOOK.cases[CASE_ID].answers["q_swelling"].text.en
    assert [(e.kind, e.item, e.at) for e in s.events] == [("start", CASE_ID, 1000.0), ("ask", "q_swelling", 1002.5)]


def test_asking_twice_is_logged_twice_but_counted_once():
    """Repeating a question repeats the answer; the asked list (and the efficiency score) counts it once."""
    s = session()
    s.ask("q_onset")
    s.ask("q_onset")
    assert s.asked == ["q_onset"]
    assert [e.kind for e in s.events].count("ask") == 2


def test_examination_and_investigation_show_case_findings_or_the_normal_default():
    """A finding the case gives is shown; an item the case leaves out shows the bank's normal finding."""
    s = session()
    assert s.examine("ex_calf_circumference") == BOOK.cases[CASE_ID].examination["ex_calf_circumference"].en
    assert s.examine("ex_neuro_reflexes") == BOOK.bank.examinations["ex_neuro_reflexes"].default_finding.en
    assert s.investigate("inv_ultrasound_veins") == BOOK.cases[CASE_ID].investigations["inv_ultrasound_veins"].en


@pytest.mark.parametrize(
    ("ranked", "confidence", "message"),
    [
        ([], 50, "Choose at least one diagnosis."),
        (["dvt", "sciatica", "claudication", "restless_legs"], 50, "Choose at most 3 diagnoses."),
        (["dvt", "dvt"], 50, "Each diagnosis can be listed only once."),
        (["gout"], 50, "Unknown condition 'gout'."),
        (["dvt"], 101, "Confidence must be a whole number from 0 to 100."),
        (["dvt"], True, "Confidence must be a whole number from 0 to 100."),
    ],
)
def test_diagnose_rejects_bad_input_with_a_clear_message(ranked, confidence, message):
    """A bad differential or confidence raises SessionError with a message the student can act on."""
    with pytest.raises(SessionError) as err:
        session().diagnose(ranked, confidence)
    assert str(err.value) == message


def test_submit_needs_a_diagnosis_and_a_next_step():
    """Submitting too early tells the student what is missing."""
    s = session()
    with pytest.raises(SessionError, match="^Choose your diagnosis \\(at least one\\) before submitting.$"):
        s.submit()
    s.diagnose(["dvt"], 70)
    with pytest.raises(SessionError, match="^Choose a next step before submitting.$"):
        s.submit()


def test_after_submit_the_case_is_locked_until_restart():
    """No action changes a submitted attempt; Restart starts a new attempt with a new id."""
    s = session()
    s.diagnose(["dvt"], 70)
    s.decide("ns_same_day")
    s.submit()
    with pytest.raises(SessionError, match="already submitted"):
        s.ask("q_onset")
    first_id = s.attempt_id
    s.restart()
    assert (s.submitted, s.asked, s.differential, s.attempt_id != first_id) == (False, [], (), True)
    assert [e.kind for e in s.events] == ["start", "restart"]


def test_attempt_record_holds_what_the_progress_store_needs():
    """The attempt record carries the actions, verdicts, scores, safety facts and the events."""
    s = session(alias="calf-detective")
    s.ask("q_swelling")
    s.diagnose(["gastrocnemius_tear", "dvt"], 40)
    s.decide("ns_self_care")
    s.submit()
    r = s.attempt_record()
    assert (r.alias, r.case_id, r.correct_diagnosis, r.verdict, r.next_step_verdict, r.unsafe_step) == (
        "calf-detective",
        CASE_ID,
        "dvt",
        "correct_not_leading",
        "unsafe",
        True,
    )
    assert r.seconds == 10.0 and r.scores["diagnosis"] == 0.5
    assert r.missed_red_flags == tuple(q for q in BOOK.cases[CASE_ID].red_flag_questions if q != "q_swelling")
    assert [e.kind for e in r.events] == ["start", "ask", "diagnose", "decide", "submit"]
    assert AttemptRecord.from_json(r.to_json()) == r


def test_listeners_receive_every_event():
    """A subscribed listener sees each action as it happens."""
    s = session()
    seen = []
    s.subscribe(lambda e: seen.append(e.kind))
    s.ask("q_onset")
    s.examine("ex_inspection")
    assert seen == ["ask", "examine"]


def test_answers_come_in_the_session_language():
    """A session in Norwegian gets the patient's Norwegian answer, read from the case file."""
    s = CaseSession(BOOK, CASE_ID, lang="nb")
    assert s.ask("q_swelling") == BOOK.cases[CASE_ID].answers["q_swelling"].text.get("nb")
    assert s.ask("q_swelling") != BOOK.cases[CASE_ID].answers["q_swelling"].text.en


def test_a_language_without_a_translation_falls_back_to_english():
    """A language the content does not have (here 'fr') falls back to English text rather than failing."""
    s = CaseSession(BOOK, CASE_ID, lang="fr")
    assert s.ask("q_swelling") == BOOK.cases[CASE_ID].answers["q_swelling"].text.en
