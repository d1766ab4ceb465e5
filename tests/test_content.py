"""Consistency of the bundled clinical content, checked on the raw files in cases/ (issue: clinical content).

The checks are parametrized over the files on disk, not over what the loader kept, so a case or condition that fails
to load fails its own test instead of silently dropping out; each per-file check reads the file's raw JSON, and every
expectation comes from the case, condition and bank files themselves.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import casebook
from casebook.model import URGENT_LEVELS

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"
CASE_FILES = sorted((CASES / "vignettes").glob("*.json")) + sorted(
    p for p in CASES.glob("*.json") if p.name != "questions.json"
)
CONDITION_FILES = sorted((CASES / "conditions").glob("*.json"))
BANK_FILE = CASES / "questions.json"
SOURCE_DOCUMENTS = {"leg_pain_guide", "nerve_article"}  # the two source documents in /work/shared/seeds
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


def raw(path: Path) -> Any:
    """A content file's JSON, read with json alone (a file that is not JSON fails the test that reads it)."""
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def readable(path: Path) -> dict:
    """A content file's JSON object, or {} when it cannot be read (its own load test reports why)."""
    try:
        data = raw(path)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def en(value: Any) -> str:
    """The English of a text field: plain text, or the "en" entry of a {"en": ..., "nb": ...} object."""
    return value if isinstance(value, str) else value.get("en", "") if isinstance(value, dict) else ""


def cases() -> list[dict]:
    return [readable(p) for p in CASE_FILES]


def conditions() -> dict[str, dict]:
    return {c["id"]: c for c in map(readable, CONDITION_FILES) if "id" in c}


def bank() -> dict:
    return readable(BANK_FILE)


def bank_ids(section: str) -> dict[str, dict]:
    return {item["id"]: item for item in bank().get(section, [])}


def file_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


BOOK = casebook.load()
RED_FLAG_CASE_FILES = [p for p in CASE_FILES if readable(p).get("red_flag_case") is True]


# ------------------------------------------------------------------ every file loads


@pytest.mark.parametrize("path", [*CASE_FILES, *CONDITION_FILES, BANK_FILE], ids=file_id)
def test_every_content_file_loads_without_a_problem(path):
    """Each file in cases/ is valid JSON, has no problem in `casebook validate` and is in the loaded casebook."""
    data = raw(path)
    problems = [str(p) for p in BOOK.problems if Path(p.file).parts[-2:] == path.parts[-2:]]
    assert problems == []
    if path in CASE_FILES:
        assert data["id"] in BOOK.cases
    elif path in CONDITION_FILES:
        assert data["id"] in BOOK.conditions
    else:
        assert set(BOOK.bank.questions) == {q["id"] for q in data["questions"]}


def test_bundled_content_is_valid():
    """`casebook validate` finds no problem in the bundled content, and every file on disk was loaded."""
    assert [str(p) for p in BOOK.problems] == []
    assert (len(BOOK.cases), len(BOOK.conditions)) == (len(CASE_FILES), len(CONDITION_FILES))


def test_the_load_check_can_fail(tmp_path):
    """A case file the loader refuses is missing from the casebook, which the per-file check above would report."""
    data = raw(CASE_FILES[0])
    folder = tmp_path / "cases"
    (folder / "vignettes").mkdir(parents=True)
    (folder / "conditions").mkdir()
    (folder / "questions.json").write_bytes(BANK_FILE.read_bytes())
    for path in CONDITION_FILES:
        (folder / "conditions" / path.name).write_bytes(path.read_bytes())
    del data["diagnosis"]
    (folder / "vignettes" / CASE_FILES[0].name).write_text(json.dumps(data), encoding="utf-8")
    broken = casebook.load(folder)
    assert data["id"] not in broken.cases and broken.problems


# ------------------------------------------------------------------ the whole collection


def test_at_least_34_cases_over_17_conditions():
    """At least 34 case files over at least 17 condition files, every condition the diagnosis of some case."""
    assert len(CASE_FILES) >= 34
    assert len(CONDITION_FILES) >= 17
    assert len({c.get("diagnosis") for c in cases()}) >= 17


def test_every_condition_is_the_diagnosis_of_at_least_two_cases():
    """Each condition file is used as the diagnosis of two or more case files."""
    counts = Counter(c.get("diagnosis") for c in cases())
    assert {cid: counts[cid] for cid in conditions() if counts[cid] < 2} == {}


def test_every_clinical_map_condition_is_present():
    """The 17 conditions of the clinical map's tables all have a condition file."""
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
    assert expected - set(conditions()) == set()


def test_every_condition_encodes_defining_answers():
    """Every condition file states at least one defining answer, so the contradiction check has something to check."""
    assert [cid for cid, c in conditions().items() if not c.get("defining_answers")] == []


def test_at_least_eight_red_flag_cases():
    """At least eight case files carry a red flag."""
    assert len(RED_FLAG_CASE_FILES) >= 8


def test_every_differential_lookalike_has_a_tell_apart_entry():
    """Each look-alike in a case's differential has a 'how to tell apart' entry in the diagnosis's condition file."""
    conds = conditions()
    missing = sorted(
        {
            (c["diagnosis"], d["condition"])
            for c in cases()
            for d in c.get("differential", [])
            if d["condition"] not in {t["condition"] for t in conds.get(c.get("diagnosis"), {}).get("tell_apart", [])}
        }
    )
    assert missing == []


def test_at_least_five_lookalike_pairs_with_different_diagnoses():
    """At least five look-alike case pairs, linked both ways, each pair with different diagnoses."""
    by_id = {c["id"]: c for c in cases() if "id" in c}
    pairs = {frozenset((c["id"], other)) for c in by_id.values() for other in c.get("lookalike_cases", [])}
    one_way = sorted(
        tuple(sorted(p))
        for p in pairs
        if not all(b in by_id.get(a, {}).get("lookalike_cases", []) for a, b in (tuple(p), tuple(p)[::-1]))
    )
    assert one_way == []
    assert len({frozenset(by_id[x]["diagnosis"] for x in p) for p in pairs}) >= 5


def test_cases_vary_in_setting_difficulty_and_patient():
    """The case files use every setting and difficulty, both sexes, children and older adults."""
    all_cases = cases()
    assert {c["setting"] for c in all_cases} == {"gp", "physiotherapy", "sports_clinic", "emergency"}
    assert {c["difficulty"] for c in all_cases} == {"introductory", "intermediate", "advanced"}
    assert {c["patient"]["sex"] for c in all_cases} == {"female", "male"}
    ages = [c["patient"]["age"] for c in all_cases]
    assert min(ages) < 16 and max(ages) >= 65


def test_the_bank_covers_all_44_answer_options_of_the_leg_pain_guide():
    """Each of the 44 answer options of the guide's doctor's questions maps to exactly one answer choice in the bank."""
    mapped = Counter(
        o["guide_option"] for q in bank()["questions"] for o in q.get("options", []) if o.get("guide_option")
    )
    expected = {f"{g}.{n}" for g, count in GUIDE_OPTIONS.items() for n in range(1, count + 1)}
    assert sum(GUIDE_OPTIONS.values()) == 44
    assert set(mapped) == expected
    assert [k for k, v in mapped.items() if v != 1] == []


def test_the_bank_has_the_nerve_documents_questions():
    """The nerve article's questions are in the bank, the safety ones marked red-flag."""
    questions = bank_ids("questions")
    nerve = {
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
    }
    assert nerve - set(questions) == set()
    safety = {"q_bladder_bowel", "q_foot_drop", "q_weakness", "q_swelling"}
    assert {q for q in safety if questions[q].get("red_flag") is True} == safety


def test_every_condition_and_case_cites_a_source_document():
    """Every condition and case file cites at least one of the two source documents (not only 'general')."""
    for group in (conditions().values(), cases()):
        assert [c["id"] for c in group if not {s["document"] for s in c.get("sources", [])} & SOURCE_DOCUMENTS] == []


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


@pytest.mark.parametrize("path", sorted(CASES.rglob("*.json")), ids=lambda p: p.relative_to(CASES).as_posix())
def test_every_data_file_names_its_schema(path):
    """Every JSON file in cases/ names its schema with a relative path that exists."""
    ref = raw(path).get("$schema", "")
    assert ref and not re.match(r"^[a-z]+://", ref) and (path.parent / ref).resolve().is_file()


# ------------------------------------------------------------------ each case file


@pytest.mark.parametrize("path", CASE_FILES, ids=file_id)
def test_case_answers_every_question_in_the_bank(path):
    """A bundled case answers every question of the bank, with answer choices where the question has them."""
    answers = raw(path)["answers"]
    questions = bank_ids("questions")
    assert sorted(set(questions) - set(answers)) == []
    assert sorted(q for q, a in answers.items() if questions.get(q, {}).get("options") and not a.get("options")) == []


@pytest.mark.parametrize("path", CASE_FILES, ids=file_id)
def test_case_key_findings_are_key_features_of_its_condition(path):
    """Every key finding of a case names a key feature of its diagnosis's condition file."""
    case = raw(path)
    features = {f["id"] for f in conditions()[case["diagnosis"]]["key_features"]}
    assert [k["feature"] for k in case.get("key_findings", []) if k["feature"] not in features] == []


@pytest.mark.parametrize("path", CASE_FILES, ids=file_id)
def test_case_answers_do_not_contradict_the_defining_features(path):
    """No answer picks a choice outside its diagnosis's defining answers (e.g. a DVT in both legs)."""
    case = raw(path)
    defining = conditions()[case["diagnosis"]].get("defining_answers", [])
    bad = [
        d["question"]
        for d in defining
        if not set(case["answers"][d["question"]].get("options", [])) <= set(d["options"])
    ]
    assert bad == []


@pytest.mark.parametrize("path", CASE_FILES, ids=file_id)
def test_case_shape(path):
    """A differential of 3-5 look-alikes, 2-4 teaching points, a source cited."""
    case = raw(path)
    assert 3 <= len(case["differential"]) <= 5
    assert 2 <= len(case["teaching_points"]) <= 4
    assert case["sources"]


@pytest.mark.parametrize("path", CASE_FILES, ids=file_id)
def test_case_title_does_not_give_the_diagnosis_away(path):
    """A case title does not contain its condition's name (the part before any bracket)."""
    case = raw(path)
    name = en(conditions()[case["diagnosis"]]["name"]).split(" (")[0].lower()
    assert name and name not in en(case["title"]).lower()


@pytest.mark.parametrize("path", RED_FLAG_CASE_FILES, ids=file_id)
def test_red_flag_case_correct_next_step_is_urgent(path):
    """Every correct next step of a red-flag case is urgent or an emergency in the bank."""
    steps = bank_ids("next_steps")
    correct = [s["step"] for s in raw(path)["next_steps"]["correct"]]
    assert correct and [s for s in correct if steps[s]["urgency"] not in URGENT_LEVELS] == []
