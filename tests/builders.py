"""Builders of valid condition and case dicts and of whole cases folders, for tests and benchmarks."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BUNDLED_BANK = REPO / "cases" / "questions.json"

# The conditions of the small test casebook: each names only the others as look-alikes.
CONDITION_IDS = ("dvt", "gastrocnemius_tear", "achilles_rupture", "exercise_cramp")

# Answers the default case (a DVT) gives; every other bank question gets its first answer choice.
CASE_ANSWERS = {
    "q_both_legs": ("Only the right one.", ["one"]),
    "q_swelling": ("Yes, the calf looks puffy.", ["yes"]),
    "q_immobilisation": ("Yes, an eleven-hour flight.", ["yes"]),
    "q_onset": ("It crept up over a day.", ["gradual_days"]),
    "q_snap": ("No.", ["no"]),
}


def bank() -> dict:
    """The bundled question bank as a dict (a fresh copy on every call)."""
    return json.loads(BUNDLED_BANK.read_text(encoding="utf-8"))


def answer_every_question(specific: dict[str, tuple[str, list[str]]] | None = None) -> dict[str, dict]:
    """An answer for every question of the bundled bank: ``specific`` ones as given, the rest its first choice."""
    specific = {**CASE_ANSWERS, **(specific or {})}
    answers: dict[str, dict] = {}
    for q in bank()["questions"]:
        if q["id"] in specific:
            text, options = specific[q["id"]]
            answers[q["id"]] = {"text": text, "options": list(options)} if options else {"text": text}
        elif q.get("options"):
            answers[q["id"]] = {"text": f"My answer to {q['id']}.", "options": [q["options"][0]["id"]]}
        else:
            answers[q["id"]] = {"text": f"My answer to {q['id']}."}
    return answers


def make_condition(**overrides: Any) -> dict:
    """A valid condition dict; ``overrides`` replace top-level fields (tell_apart names the other test conditions)."""
    cid = overrides.get("id", "dvt")
    data: dict[str, Any] = {
        "$schema": "../../casebook/schemas/condition.schema.json",
        "schema_version": 1,
        "id": cid,
        "name": f"Condition {cid}",
        "category": "vascular" if cid == "dvt" else "musculoskeletal",
        "regions": ["calf"],
        "summary": f"A made-up summary of {cid} for the tests.",
        "who_and_triggers": ["Adults of any age."],
        "key_features": [
            {"id": "main_feature", "text": "The main feature."},
            {"id": "second_feature", "text": "A second feature."},
        ],
        "exam_findings": ["A finding on examination."],
        "investigations": ["Usually none are needed."],
        "management": ["Rest and review."],
        "red_flags": [],
        "tell_apart": [
            {"condition": other, "text": f"How {cid} differs from {other}."} for other in CONDITION_IDS if other != cid
        ],
        "sources": [{"document": "general", "section": "made-up test content"}],
    }
    if cid == "dvt":
        data["defining_answers"] = [
            {"question": "q_both_legs", "options": ["one"], "why": "a deep vein thrombosis swells one leg."}
        ]
    data.update(copy.deepcopy(overrides))
    return data


def make_case(**overrides: Any) -> dict:
    """A valid case dict (by default a red-flag DVT case answering every bank question); ``overrides`` replace keys."""
    data: dict[str, Any] = {
        "$schema": "../../casebook/schemas/case.schema.json",
        "schema_version": 1,
        "id": "dvt-after-flight",
        "title": "A tight calf after a long flight",
        "difficulty": "introductory",
        "setting": "gp",
        "patient": {"name": "Ingrid", "age": 52, "sex": "female"},
        "presenting_complaint": "My right calf has ached since yesterday.",
        "answers": answer_every_question(),
        "diagnosis": "dvt",
        "differential": [
            {"condition": "gastrocnemius_tear", "why_less_likely": "There was no sudden moment of pain."},
            {"condition": "achilles_rupture", "why_less_likely": "There was no snap."},
        ],
        "key_questions": ["q_swelling", "q_both_legs", "q_onset", "q_immobilisation"],
        "red_flag_questions": ["q_swelling", "q_immobilisation"],
        "key_findings": [{"feature": "main_feature", "elicited_by": ["q_swelling", "ex_calf_circumference"]}],
        "next_steps": {
            "correct": [{"step": "ns_same_day", "why": "A suspected clot is assessed today."}],
            "unsafe": [{"step": "ns_self_care", "why": "Self-care misses a clot."}],
        },
        "red_flag_case": True,
        "teaching_points": ["One swollen calf after a long journey is a clot until shown otherwise."],
        "sources": [{"document": "general", "section": "made-up test content"}],
    }
    data.update(copy.deepcopy(overrides))
    return data


def make_calf_tear_case(**overrides: Any) -> dict:
    """A valid non-urgent case of a calf muscle tear (a second diagnosis for the small casebook)."""
    fields: dict[str, Any] = {
        "id": "calf-tear-tennis",
        "title": "A kick in the calf at tennis",
        "setting": "sports_clinic",
        "patient": {"age": 41, "sex": "male"},
        "presenting_complaint": "I felt a kick in my calf as I ran for a ball.",
        "answers": answer_every_question(
            {"q_onset": ("All at once, as I pushed off.", ["acute_loading"]), "q_immobilisation": ("No.", ["no"])}
        ),
        "diagnosis": "gastrocnemius_tear",
        "differential": [
            {"condition": "dvt", "why_less_likely": "The pain began at one moment during a push-off."},
            {"condition": "achilles_rupture", "why_less_likely": "He can stand on tiptoe."},
        ],
        "key_questions": ["q_onset", "q_snap", "q_tiptoe"],
        "red_flag_questions": ["q_tiptoe"],
        "next_steps": {
            "correct": [{"step": "ns_self_care", "why": "Offload, cool and compress."}],
            "unsafe": [{"step": "ns_reassure", "why": "He needs a plan."}],
        },
        "red_flag_case": False,
        "teaching_points": ["A kick in the calf during a push-off is a calf muscle tear."],
    }
    fields.update(overrides)
    return make_case(**fields)


def make_achilles_case(**overrides: Any) -> dict:
    """A valid urgent case of an Achilles rupture (a third diagnosis for the small casebook)."""
    fields: dict[str, Any] = {
        "id": "achilles-snap",
        "title": "A snap at the back of the ankle",
        "difficulty": "intermediate",
        "setting": "emergency",
        "patient": {"age": 38, "sex": "female"},
        "presenting_complaint": "Something snapped at the back of my ankle when I jumped.",
        "answers": answer_every_question(
            {
                "q_snap": ("Yes, a loud snap.", ["yes"]),
                "q_tiptoe": ("No, I cannot.", ["cannot"]),
                "q_immobilisation": ("No.", ["no"]),
            }
        ),
        "diagnosis": "achilles_rupture",
        "differential": [
            {"condition": "gastrocnemius_tear", "why_less_likely": "The pain is at the tendon, not in the muscle."},
            {"condition": "dvt", "why_less_likely": "It began with a snap."},
        ],
        "key_questions": ["q_snap", "q_tiptoe"],
        "red_flag_questions": ["q_tiptoe"],
        "next_steps": {"correct": [{"step": "ns_same_day", "why": "A rupture is treated early."}]},
        "red_flag_case": True,
        "lookalike_cases": ["calf-tear-tennis"],
        "teaching_points": ["Cannot stand on tiptoe after a snap: think of an Achilles rupture."],
    }
    fields.update(overrides)
    return make_case(**fields)


def small_conditions() -> list[dict]:
    """The conditions of the small test casebook; exercise_cramp and achilles_rupture say nothing about each other."""
    conditions = [make_condition(id=cid) for cid in CONDITION_IDS]
    for cond in conditions:
        cond["tell_apart"] = [
            t for t in cond["tell_apart"] if {cond["id"], t["condition"]} != {"exercise_cramp", "achilles_rupture"}
        ]
    return conditions


def small_cases() -> list[dict]:
    """The cases of the small test casebook: three diagnoses, two of them urgent."""
    return [make_case(), make_calf_tear_case(), make_achilles_case()]


def write_json(path: Path, data: Any) -> Path:
    """Write ``data`` as indented UTF-8 JSON, creating the folder; returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def small_bank() -> dict:
    """The bundled bank without giveaway words, so no builder case trips the giveaway rule whatever words the bundled
    bank lists (tests of that rule add their own)."""
    data = bank()
    for question in data["questions"]:
        question.pop("giveaway_words", None)
    return data


def write_casebook(folder: Path, conditions: Iterable[dict], cases: Iterable[dict]) -> Path:
    """Write a full cases folder: small_bank() as questions.json, conditions/<id>.json and vignettes/<id>.json."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    write_json(folder / "questions.json", small_bank())
    for cond in conditions:
        write_json(folder / "conditions" / f"{cond['id']}.json", cond)
    for case in cases:
        write_json(folder / "vignettes" / f"{case['id']}.json", case)
    return folder


def attempt_json(
    n: int = 1,
    *,
    alias: str = "student-a",
    case_id: str = "case-a",
    diagnosis: str = "dvt",
    leading: str | None = None,
    **overrides: Any,
) -> dict:
    """An attempt record's JSON object as a version-1 hand-in line holds it (no record_version), events included.

    The one record builder of the tests: attempt ``n`` starts n hours after a fixed time and takes ten minutes; the
    leading diagnosis (default: the right one) decides the verdict and the diagnosis score; ``overrides`` replace
    fields.
    """
    leading = leading or diagnosis
    right = leading == diagnosis
    verdict = "correct" if right else "correct_not_leading"
    start = 1_790_000_000.0 + 3600 * n
    record: dict[str, Any] = {
        "attempt_id": f"att-{n:04d}",
        "alias": alias,
        "case_id": case_id,
        "correct_diagnosis": diagnosis,
        "started_at": start,
        "submitted_at": start + 600,
        "seconds": 600.0,
        "asked": ["q_swelling", "q_onset", "q_injury"],
        "examined": [],
        "investigated": [],
        "differential": [leading] if right else [leading, diagnosis],
        "confidence": 60,
        "next_step": "ns_same_day",
        "reasoning": "",
        "verdict": verdict,
        "next_step_verdict": "correct",
        "scores": {"thoroughness": 1.0, "efficiency": 1.0, "diagnosis": 1.0 if right else 0.5, "next_step": 1.0},
        "missed_key_questions": [],
        "missed_red_flags": [],
        "unsafe_step": False,
        "events": [
            {"kind": "start", "at": start, "item": case_id},
            {"kind": "ask", "at": start + 10.0, "item": "q_swelling"},
            {"kind": "diagnose", "at": start + 500.0, "item": leading, "data": {"confidence": 60}},
            {"kind": "submit", "at": start + 600, "item": case_id, "data": {"verdict": verdict}},
        ],
    }
    record.update(copy.deepcopy(overrides))
    return record


def make_record(n: int = 1, **fields: Any):
    """The typed AttemptRecord of ``attempt_json(n, **fields)``: what the session produces and the store keeps."""
    from casebook.attempts import AttemptRecord

    return AttemptRecord.from_json(attempt_json(n, **fields))


def write_jsonl(path: Path, lines: Iterable[dict | str]) -> Path:
    """A JSON Lines hand-in: each dict as one JSON line, each string written as it is (for broken lines)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines)
    path.write_text(text, encoding="utf-8")
    return path
