"""Consistency of the bundled clinical content (issue: clinical content)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import casebook

ROOT = Path(__file__).resolve().parent.parent
BOOK = casebook.load()
CASES = sorted(BOOK.cases)
GUIDE_OPTIONS = {
    1: 7,
    2: 2,
    3: 4,
    4: 3,
    5: 5,
    6: 4,
    7: 7,
    8: 4,
    9: 5,
    10: 3,
}  # the leg-pain guide's 10 question groups: 44 answer options


def test_bundled_content_is_valid():
    """`casebook validate` finds no problem in the bundled content."""
    assert [str(p) for p in BOOK.problems] == []


def test_at_least_34_cases_over_17_conditions():
    """At least 34 cases over at least 17 conditions."""
    assert len(BOOK.cases) >= 34
    assert len(BOOK.conditions) >= 17
    assert len({c.diagnosis for c in BOOK.cases.values()}) >= 17


def test_every_condition_is_the_diagnosis_of_at_least_two_cases():
    """Each condition text is used as the diagnosis of two or more cases."""
    counts = Counter(c.diagnosis for c in BOOK.cases.values())
    assert {cid: counts[cid] for cid in BOOK.conditions if counts[cid] < 2} == {}


def test_every_clinical_map_condition_is_present():
    """The 17 conditions of the clinical map's tables all have a condition text."""
    expected = {
        "restless_legs",
        "exercise_cramp",
        "achilles_tendinopathy",
        "shin_splints",
        "achilles_rupture",
        "gastrocnemius_tear",
        "chronic_compartment",
        "acute_tendinitis",
        "dvt",
        "stress_fracture",
        "popliteal_entrapment",
        "growing_pains",
        "claudication",
        "sciatica",
        "diabetic_neuropathy",
        "b12_neuropathy",
        "peroneal_entrapment",
    }
    assert expected - set(BOOK.conditions) == set()


@pytest.mark.parametrize("case_id", CASES)
def test_case_answers_every_question_in_the_bank(case_id):
    """Bundled cases answer every question of the bank, with answer choices where the question has them."""
    case = BOOK.cases[case_id]
    assert sorted(set(BOOK.bank.questions) - set(case.answers)) == []
    assert sorted(q for q, a in case.answers.items() if BOOK.bank.questions[q].options and not a.options) == []


@pytest.mark.parametrize("case_id", CASES)
def test_case_key_findings_are_key_features_of_its_condition(case_id):
    """Every key finding of a case names a key feature of the diagnosis's condition text."""
    case = BOOK.cases[case_id]
    features = {f.id for f in BOOK.conditions[case.diagnosis].key_features}
    assert [k.feature for k in case.key_findings if k.feature not in features] == []


@pytest.mark.parametrize("case_id", CASES)
def test_case_answers_do_not_contradict_the_defining_features(case_id):
    """No answer picks a choice outside its diagnosis's defining answers (e.g. a DVT in both legs)."""
    case = BOOK.cases[case_id]
    bad = [
        d.question
        for d in BOOK.conditions[case.diagnosis].defining_answers
        if not set(case.answers[d.question].options) <= set(d.options)
    ]
    assert bad == []


def test_every_condition_encodes_defining_answers():
    """Every condition states at least one defining answer, so the contradiction check has something to check."""
    assert [c.id for c in BOOK.conditions.values() if not c.defining_answers] == []


@pytest.mark.parametrize("case_id", CASES)
def test_case_shape(case_id):
    """A differential of 3-5 look-alikes, 2-4 teaching points, key questions answered, a source cited."""
    case = BOOK.cases[case_id]
    assert 3 <= len(case.differential) <= 5
    assert 2 <= len(case.teaching_points) <= 4
    assert case.sources


@pytest.mark.parametrize("case_id", [c for c in CASES if BOOK.cases[c].red_flag_case])
def test_red_flag_case_correct_next_step_is_urgent(case_id):
    """Every correct next step of a red-flag case is urgent or an emergency."""
    case = BOOK.cases[case_id]
    assert [s.step for s in case.correct_steps if not BOOK.bank.next_steps[s.step].is_urgent] == []


def test_at_least_eight_red_flag_cases():
    """At least eight cases carry a red flag."""
    assert sum(c.red_flag_case for c in BOOK.cases.values()) >= 8


def test_every_differential_lookalike_has_a_tell_apart_entry():
    """Each look-alike named in a case's differential has a 'how to tell apart' entry in the diagnosis's condition text."""
    missing = sorted(
        {
            (c.diagnosis, d.condition)
            for c in BOOK.cases.values()
            for d in c.differential
            if BOOK.conditions[c.diagnosis].how_to_tell_from(d.condition) is None
        }
    )
    assert missing == []


def test_at_least_five_lookalike_pairs_with_different_diagnoses():
    """At least five look-alike case pairs, linked both ways, each pair with different diagnoses."""
    pairs = {frozenset((c.id, o)) for c in BOOK.cases.values() for o in c.lookalike_cases}
    one_way = sorted(
        tuple(sorted(p))
        for p in pairs
        if not all(other in BOOK.cases[me].lookalike_cases for me, other in (tuple(p), tuple(p)[::-1]))
    )
    assert one_way == []
    assert len({frozenset(BOOK.cases[x].diagnosis for x in p) for p in pairs}) >= 5


def test_cases_vary_in_setting_difficulty_and_patient():
    """The cases use every setting and difficulty, both sexes, children and older adults."""
    cases = list(BOOK.cases.values())
    assert {c.setting for c in cases} == {"gp", "physiotherapy", "sports_clinic", "emergency"}
    assert {c.difficulty for c in cases} == {"introductory", "intermediate", "advanced"}
    assert {c.patient.sex for c in cases} == {"female", "male"}
    assert min(c.patient.age for c in cases) < 16 and max(c.patient.age for c in cases) >= 65


def test_the_bank_covers_all_44_answer_options_of_the_leg_pain_guide():
    """Each of the 44 answer options of the guide's doctor's questions maps to exactly one answer choice in the bank."""
    mapped = Counter(o.guide_option for q in BOOK.bank.questions.values() for o in q.options if o.guide_option)
    expected = {f"{g}.{n}" for g, count in GUIDE_OPTIONS.items() for n in range(1, count + 1)}
    assert sum(GUIDE_OPTIONS.values()) == 44
    assert set(mapped) == expected
    assert [k for k, v in mapped.items() if v != 1] == []


def test_the_bank_has_the_nerve_documents_questions():
    """The nerve article's questions are in the bank, the safety ones marked red-flag."""
    qs = BOOK.bank.questions
    for qid in (
        "q_pain_character",
        "q_numbness",
        "q_weakness",
        "q_night_pain",
        "q_radiation",
        "q_both_feet",
        "q_diabetes",
        "q_b12_fatigue",
        "q_bladder_bowel",
        "q_foot_drop",
        "q_provoking",
        "q_medicines_toxins",
        "q_recent_infection",
    ):
        assert qid in qs
    assert {q for q in ("q_bladder_bowel", "q_foot_drop", "q_weakness", "q_swelling") if qs[q].red_flag} == {
        "q_bladder_bowel",
        "q_foot_drop",
        "q_weakness",
        "q_swelling",
    }


def test_every_condition_and_case_cites_a_source_document():
    """Every condition and case cites at least one of the two source documents (not only 'general')."""
    docs = {"leg_pain_guide", "nerve_article"}
    assert [c.id for c in BOOK.conditions.values() if not {s.document for s in c.sources} & docs] == []
    assert [c.id for c in BOOK.cases.values() if not {s.document for s in c.sources} & docs] == []


def test_case_titles_do_not_give_the_diagnosis_away():
    """No case title contains its condition's name."""
    leaks = [
        c.id
        for c in BOOK.cases.values()
        if BOOK.conditions[c.diagnosis].name.en.split(" (")[0].lower() in c.title.en.lower()
    ]
    assert leaks == []


def test_content_is_written_in_own_words():
    """The shared overlap tool finds no 8-word passage copied from the source documents."""
    candidates = [Path(os.environ["SEED_OVERLAP_TOOL"])] if os.environ.get("SEED_OVERLAP_TOOL") else []
    candidates += [up / "shared" / "tools" / "seed_overlap.py" for up in ROOT.parents] + [
        Path("/work/shared/tools/seed_overlap.py")
    ]
    tool = next((c for c in candidates if c.is_file()), None)
    if tool is None:
        pytest.fail(
            "the source-overlap tool ../shared/tools/seed_overlap.py was not found; set SEED_OVERLAP_TOOL to its path"
        )
    result = subprocess.run([sys.executable, str(tool), str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]


def test_every_data_file_names_its_schema():
    """Every JSON file in cases/ names its schema with a relative path that exists."""
    bad = []
    for path in (ROOT / "cases").rglob("*.json"):
        ref = json.loads(path.read_text(encoding="utf-8")).get("$schema", "")
        if not ref or re.match(r"^[a-z]+://", ref) or not (path.parent / ref).resolve().exists():
            bad.append(str(path.relative_to(ROOT)))
    assert bad == []
