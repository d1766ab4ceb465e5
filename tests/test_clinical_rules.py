"""The clinical review's rules (issue 10): data tests over the raw bundled files, the acceptance test through the
command line, and how the model, loader and feedback treat the new fields."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from builders import make_achilles_case, make_calf_tear_case, small_cases, small_conditions, write_casebook, write_json

import casebook
from casebook import feedback, validation

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"


def read(path: Path) -> dict:
    """A raw JSON file as written (not what the loader kept)."""
    return json.loads(path.read_text(encoding="utf-8"))


BANK = read(CASES / "questions.json")
CONDITIONS = {p.stem: read(p) for p in sorted((CASES / "conditions").glob("*.json"))}
CASE_FILES = {p.stem: read(p) for p in sorted((CASES / "vignettes").glob("*.json"))}
RED_FLAG_QUESTIONS = {q["id"]: q for q in BANK["questions"] if q["red_flag"]}
DEFAULTS = {
    "examination": {e["id"]: e["default_finding"] for e in BANK["examinations"]},
    "investigations": {i["id"]: i["default_result"] for i in BANK["investigations"]},
}


def texts(value: str | dict | None) -> dict[str, str]:
    """A raw LocalText value as {language: text} ({} when absent)."""
    if value is None:
        return {}
    return {"en": value} if isinstance(value, str) else dict(value)


def normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


def run_validate(folder: Path) -> subprocess.CompletedProcess:
    """`python -m casebook validate FOLDER` in a fresh interpreter, as a teacher runs it."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "casebook", "validate", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def problem_lines(output: str, file_name: str) -> list[str]:
    """The problem lines the validate report prints under one file name (up to the next file name)."""
    lines = output.splitlines()
    if file_name not in lines:
        return []
    block = []
    for line in lines[lines.index(file_name) + 1 :]:
        if not line.startswith(" "):
            break
        block.append(line)
    return block


# ---------------------------------------------------------------- data tests over the bundled files


@pytest.mark.parametrize("condition_id", sorted(CONDITIONS))
def test_every_bundled_condition_declares_both_abnormal_finding_lists(condition_id):
    """Each condition text states its abnormal examination items and investigations explicitly (an empty list is a
    decision the author made, not a field forgotten)."""
    assert sorted(CONDITIONS[condition_id].get("abnormal_findings", {})) == ["examination", "investigations"]


@pytest.mark.parametrize("question_id", sorted(RED_FLAG_QUESTIONS))
def test_every_red_flag_question_has_english_giveaway_words(question_id):
    """Each red-flag question of the bank lists the English words that would give it away in a complaint."""
    words = RED_FLAG_QUESTIONS[question_id].get("giveaway_words", {})
    assert [w for w in words.get("en", []) if w.strip()] != []


@pytest.mark.parametrize("case_id", sorted(CASE_FILES))
def test_no_bundled_case_leaves_an_abnormal_item_to_the_bank_default(case_id):
    """Every item abnormal in the case's diagnosis has the case's own finding, and not the bank's normal text."""
    case = CASE_FILES[case_id]
    abnormal = CONDITIONS[case["diagnosis"]].get("abnormal_findings", {})
    left_to_default = [
        item
        for key in ("examination", "investigations")
        for item in abnormal.get(key, [])
        if item not in case.get(key, {})
        or normalised(texts(case[key][item])["en"]) == normalised(texts(DEFAULTS[key][item])["en"])
    ]
    assert left_to_default == []


@pytest.mark.parametrize("case_id", sorted(CASE_FILES))
def test_every_bundled_case_grades_its_condition_s_unsafe_steps_unsafe(case_id):
    """Every step the diagnosis's condition text calls unsafe is listed under the case's next_steps.unsafe."""
    case = CASE_FILES[case_id]
    unsafe_here = {s["step"] for s in case["next_steps"].get("unsafe", [])}
    always_unsafe = [s["step"] for s in CONDITIONS[case["diagnosis"]].get("unsafe_steps", [])]
    assert [step for step in always_unsafe if step not in unsafe_here] == []


@pytest.mark.parametrize("case_id", sorted(c for c, d in CASE_FILES.items() if d.get("red_flag_case")))
def test_no_red_flag_case_gives_a_red_flag_key_question_away(case_id):
    """In a red-flag case, the title, patient line and complaint hold none of its red-flag key questions' giveaways."""
    case = CASE_FILES[case_id]
    shown = {
        "title": case["title"],
        "occupation": case["patient"].get("occupation"),
        "activity": case["patient"].get("activity"),
        "presenting_complaint": case["presenting_complaint"],
    }
    found = [
        (field, lang, qid, word)
        for qid in case["key_questions"]
        if qid in RED_FLAG_QUESTIONS
        for field, value in shown.items()
        for lang, text in texts(value).items()
        for word in validation.giveaway_words_in(text, RED_FLAG_QUESTIONS[qid].get("giveaway_words", {}).get(lang, []))
    ]
    assert found == []


def test_an_achilles_rupture_case_without_an_abnormal_finding_fails_validate_naming_it(tmp_path):
    """Issue 10's acceptance test: copies of a bundled Achilles-rupture case, each without one finding the condition
    text calls abnormal (ex_calf_squeeze among them), make `casebook validate` exit 1 and name the missing item."""
    abnormal = CONDITIONS["achilles_rupture"].get("abnormal_findings", {})
    items = [(key, item) for key in ("examination", "investigations") for item in abnormal.get(key, [])]
    assert "ex_calf_squeeze" in [item for _, item in items]
    original = next(d for d in CASE_FILES.values() if d["diagnosis"] == "achilles_rupture")
    folder = tmp_path / "my-cases"
    for key, item in items:
        copy = json.loads(json.dumps(original))
        copy["id"] = f"copy-without-{item.replace('_', '-')}"
        copy["lookalike_cases"] = []  # a folder of one's own holds only these copies
        del copy[key][item]
        write_json(folder / "vignettes" / f"{copy['id']}.json", copy)
    result = run_validate(folder)
    assert result.returncode == 1, result.stdout + result.stderr
    named = {}
    for key, item in items:
        copy_name = str(Path("my-cases") / "vignettes" / f"copy-without-{item.replace('_', '-')}.json")
        lines = problem_lines(result.stdout, copy_name)
        named[item] = any(line.startswith(f"  $.{key}: '{item}' is abnormal in 'achilles_rupture'") for line in lines)
    assert named == {item: True for _, item in items}


# ---------------------------------------------------------------- the same through the command line, builder data


def test_validate_names_an_abnormal_item_the_case_leaves_out(tmp_path):
    """With a condition text (written by the builders) naming abnormal items, `casebook validate` exits 1 and names
    each item a case leaves to the bank default, reading the ids from the condition file it wrote."""
    conditions = small_conditions()
    achilles = next(c for c in conditions if c["id"] == "achilles_rupture")
    achilles["abnormal_findings"] = {"examination": ["ex_calf_squeeze", "ex_tiptoe"]}
    cases = [c for c in small_cases() if c["diagnosis"] != "achilles_rupture"]
    cases.append(make_achilles_case(lookalike_cases=[], examination={"ex_tiptoe": "Cannot rise on tiptoe."}))
    folder = write_casebook(tmp_path / "cases", conditions, cases)
    listed = read(folder / "conditions" / "achilles_rupture.json")["abnormal_findings"]["examination"]
    result = run_validate(folder)
    assert result.returncode == 1
    lines = problem_lines(result.stdout, str(Path("cases") / "vignettes" / f"{cases[-1]['id']}.json"))
    missing = [item for item in listed if item not in cases[-1]["examination"]]
    assert [line.split("'")[1] for line in lines if line.startswith("  $.examination: ")] == missing
    assert result.stdout.splitlines()[-1] == "1 problem(s) in 1 file(s)"


# ---------------------------------------------------------------- model and loader


def test_loader_builds_the_new_condition_bank_and_case_fields(tmp_cases_dir):
    """abnormal_findings, unsafe_steps, the word lists and next_steps.not_indicated reach the model intact."""
    cond_path = tmp_cases_dir / "conditions" / "gastrocnemius_tear.json"
    cond = read(cond_path)
    cond["abnormal_findings"] = {"examination": ["ex_palpation_calf"], "investigations": ["inv_ultrasound_soft"]}
    cond["unsafe_steps"] = [{"step": "ns_reassure", "why": {"en": "It needs a plan.", "nb": "Trenger en plan."}}]
    write_json(cond_path, cond)
    bank = read(tmp_cases_dir / "questions.json")
    bank["questions"][0].update(
        giveaway_words={"en": ["a", "b"]}, phrasings={"nb": ["c"]}, keywords={"en": ["d"], "da": ["e"]}
    )
    write_json(tmp_cases_dir / "questions.json", bank)
    case = make_calf_tear_case(
        examination={"ex_palpation_calf": "A tender dent."},
        investigations={"inv_ultrasound_soft": "A tear in the muscle."},
        next_steps={
            "correct": [{"step": "ns_self_care", "why": "Offload."}],
            "unsafe": [{"step": "ns_reassure", "why": "He needs a plan."}],
            "not_indicated": [{"step": "ns_imaging", "why": "The story and examination are enough."}],
        },
    )
    write_json(tmp_cases_dir / "vignettes" / f"{case['id']}.json", case)
    book = casebook.load(tmp_cases_dir)
    assert [str(p) for p in book.problems] == []
    tear = book.conditions["gastrocnemius_tear"]
    assert (tear.abnormal_examination, tear.abnormal_investigations) == (
        ("ex_palpation_calf",),
        ("inv_ultrasound_soft",),
    )
    assert [(s.step, s.why.get("nb")) for s in tear.unsafe_steps] == [("ns_reassure", "Trenger en plan.")]
    question = book.bank.questions[bank["questions"][0]["id"]]
    assert [question.words_for(kind, lang) for kind, lang in [("giveaway_words", "en"), ("phrasings", "nb")]] == [
        ("a", "b"),
        ("c",),
    ]
    assert (question.words_for("keywords", "da"), question.words_for("keywords", "nb")) == (("e",), ())
    with pytest.raises(TypeError):
        question.keywords["en"] = ("changed",)  # type: ignore[index]
    loaded = book.cases[case["id"]]
    assert [s.step for s in loaded.not_indicated_steps] == ["ns_imaging"]
    assert [(v, w.en if w else None) for v, w in map(loaded.judge_step, ["ns_imaging", "ns_nerve_tests"])] == [
        ("not_indicated", "The story and examination are enough."),
        ("not_indicated", None),
    ]


def test_words_for_refuses_an_unknown_list():
    """words_for names the three word lists when asked for another."""
    question = next(iter(casebook.load().bank.questions.values()))
    with pytest.raises(ValueError) as err:
        question.words_for("giveaways", "en")
    assert str(err.value) == "unknown word list 'giveaways': use one of giveaway_words, phrasings, keywords"


# ---------------------------------------------------------------- feedback on a not-indicated step


@pytest.fixture
def not_indicated_book(tmp_cases_dir: Path) -> casebook.Casebook:
    """The small casebook whose calf-tear case lists imaging as not indicated, with a reason."""
    case = make_calf_tear_case(
        next_steps={
            "correct": [{"step": "ns_self_care", "why": "Offload, cool and compress."}],
            "unsafe": [{"step": "ns_reassure", "why": "He needs a plan."}],
            "not_indicated": [{"step": "ns_imaging", "why": "The story and examination are enough here."}],
        }
    )
    write_json(tmp_cases_dir / "vignettes" / f"{case['id']}.json", case)
    return casebook.load(tmp_cases_dir)


def judge(book: casebook.Casebook, step: str) -> feedback.Feedback:
    """Feedback on the calf-tear case for a student who diagnoses it right and chooses ``step``."""
    case = book.cases["calf-tear-tennis"]
    return feedback.evaluate(book, case, case.key_questions, (), (), [case.diagnosis], step)


def test_a_not_indicated_step_shows_its_reason_without_a_safety_event(not_indicated_book):
    """Choosing a step the case lists as not indicated shows the case's reason at level 'partial', scores 0 for the
    step, and leaves the safety section good."""
    fb = judge(not_indicated_book, "ns_imaging")
    case = not_indicated_book.cases["calf-tear-tennis"]
    item = fb.section("next_step")[0]
    chosen = not_indicated_book.bank.next_steps["ns_imaging"].text.en
    assert (item.level, item.title, item.lines[0]) == (
        "partial",
        f"Next step: not needed here ({chosen})",
        case.not_indicated_steps[0].why.en,
    )
    assert (fb.next_step_verdict, fb.scores.next_step, fb.unsafe_step) == ("not_indicated", 0.0, False)
    assert [i.level for i in fb.section("safety")] == ["good"]


def test_an_unlisted_step_still_reads_as_not_the_right_choice(not_indicated_book):
    """A step the case does not grade gets no reason and stays at level 'bad', as before."""
    fb = judge(not_indicated_book, "ns_nerve_tests")
    item = fb.section("next_step")[0]
    chosen = not_indicated_book.bank.next_steps["ns_nerve_tests"].text.en
    assert (item.level, item.title) == ("bad", f"Next step: not the right choice here ({chosen})")
    assert item.lines[0].startswith("Best: ")


def test_an_unsafe_step_keeps_its_safety_warning(not_indicated_book):
    """A step graded unsafe is still a safety event, reported in the safety section."""
    fb = judge(not_indicated_book, "ns_reassure")
    assert (fb.unsafe_step, fb.section("safety")[0].level, fb.section("next_step")[0].level) == (True, "warning", "bad")
