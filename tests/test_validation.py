"""Validation messages: each broken fixture file (NAME--expected-problem.json) gives its one user-facing problem."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from builders import (
    CONDITION_IDS,
    bank,
    make_achilles_case,
    make_calf_tear_case,
    make_case,
    make_condition,
    small_cases,
    write_json,
)

import casebook
from casebook import validation
from casebook.cli import main
from casebook.loading import validate_file

INVALID = Path(__file__).parent / "data" / "invalid"
FIXTURES = sorted(p.name for p in INVALID.glob("*.json"))
VALID_CASE_IDS = {c["id"] for c in small_cases()}
CASE_FIELDS = "$schema, answers, diagnosis, differential, difficulty, examination, id"

# The clinical rules (issue 10) need conditions and a bank that use the new fields, written here rather than taken from
# the bundled content: every fixture is copied into the small casebook with these added (see rules_cases_dir).
ABNORMAL = {"examination": ["ex_calf_squeeze", "ex_tiptoe"], "investigations": ["inv_ultrasound_soft"]}
UNSAFE_IN_CALF_TEAR = [{"step": "ns_reassure", "why": "A torn muscle needs a plan for the first days."}]
GIVEAWAY_QUESTION = "q_swelling"
GIVEAWAY_WORDS = {"en": ["swollen", "puffy"], "nb": ["hoven"]}
BANK = bank()
EXAM_DEFAULT = {e["id"]: e["default_finding"] for e in BANK["examinations"]}
QUESTION_TEXT = {q["id"]: q["text"] for q in BANK["questions"]}


def en(value: str | dict) -> str:
    """The English of a LocalText value from a raw JSON file."""
    return value if isinstance(value, str) else value["en"]


def in_lang(value: str | dict, lang: str) -> str:
    """A LocalText value from a raw JSON file in ``lang``, falling back to English as the casebook does."""
    return value.get(lang, value["en"]) if isinstance(value, dict) else value


# fixture file -> (folder it is copied into, JSON path, message, how to fix). The file is copied as NAME.json;
# "." is the top of the cases folder. A hint ending in "..." is compared as a prefix.
EXPECTED: dict[str, tuple[str, str, str, str]] = {
    # -- reading the file
    "broken-comma--syntax-error.json": (
        "vignettes",
        "line 7, column 3",
        "invalid JSON: Expecting ',' delimiter",
        "add a comma between items, or close a string or bracket opened earlier",
    ),
    "blank--empty-file.json": ("vignettes", "", "the file is empty", "write a JSON object, or delete the file"),
    "latin1--not-utf8.json": (
        "vignettes",
        "line 9, column 17",
        "the file is not UTF-8 text: byte 0xE9 at byte 228 of the file is not a UTF-8 character "
        "(in Latin-1 or Windows-1252 it is 'é')",
        "save the file as UTF-8 (in VS Code: click the encoding in the status bar, then 'Save with Encoding', 'UTF-8')",
    ),
    # -- schema pass
    "no-diagnosis--missing-required-field.json": (
        "vignettes",
        "$",
        "missing required field 'diagnosis'",
        'add "diagnosis" (The condition id of the correct diagnosis.)',
    ),
    "age-in-words--wrong-type.json": (
        "vignettes",
        "$.patient.age",
        "should be a whole number, not a string ('fifty-two')",
        "write a whole number here",
    ),
    "list-instead-of-object--wrong-type.json": (
        "vignettes",
        "$",
        "should be an object, not a list ([])",
        "write an object here",
    ),
    "version-two--bad-schema-version.json": (
        "vignettes",
        "$.schema_version",
        "schema_version 2 is not supported: this casebook reads version 1",
        'set "schema_version": 1 and check the file against the current format',
    ),
    "with-notes--unknown-property.json": (
        "vignettes",
        "$",
        "unknown field 'notes'",
        f"remove it or fix its spelling; allowed fields here: {CASE_FIELDS}...",
    ),
    "easy--not-allowed-value.json": (
        "vignettes",
        "$.difficulty",
        "'easy' is not an allowed value",
        'use one of: "introductory", "intermediate", "advanced"',
    ),
    "Calf-Case--invalid-identifier.json": (
        "vignettes",
        "$.id",
        "'Calf-Case' is not a valid identifier",
        "use lower-case letters, digits, '_' or '-' (start with a letter or digit, at most 64 characters)",
    ),
    "empty-title--empty-text.json": ("vignettes", "$.title", "is empty", "write some text here"),
    "one-look-alike--too-few-items.json": (
        "vignettes",
        "$.differential",
        "has 1 item(s); at least 2 needed",
        "give at least 2",
    ),
    "age-200--out-of-range.json": ("vignettes", "$.patient.age", "200 is out of range", "use a value ≤ 110"),
    "sciatica--missing-required-field.json": (
        "conditions",
        "$",
        "missing required field 'tell_apart'",
        'add "tell_apart" (How to tell it apart from each usual look-alike: one entry per look-alike condition.)',
    ),
    "sciatica--not-allowed-region.json": (
        "conditions",
        "$.regions[0]",
        "'knee' is not an allowed value",
        'use one of: "calf", "shin", "achilles_heel", "whole_leg", "feet", "back_to_leg", "outer_leg"',
    ),
    # -- ids and file names
    "dvt-after-flight--duplicate-id.json": (
        ".",
        "$.id",
        "the id 'dvt-after-flight' is already used by cases/vignettes/dvt-after-flight.json, which keeps it: "
        "this file is left out",
        'give each case vignette its own id (rename the file and its "id"), or delete one of the two files',
    ),
    "misnamed--id-not-file-name.json": (
        "vignettes",
        "$.id",
        "the id 'calf-pain-after-flight' does not match the file name 'misnamed.json'",
        'rename the file to \'calf-pain-after-flight.json\' or set "id": "misnamed"',
    ),
    # -- cross-reference pass: cases
    "unknown-diagnosis--unknown-condition-id.json": (
        "vignettes",
        "$.diagnosis",
        "unknown condition 'dvtt'",
        "did you mean 'dvt'?",
    ),
    "unknown-look-alike--unknown-condition-id.json": (
        "vignettes",
        "$.differential[1].condition",
        "unknown condition 'achilles_ruptur'",
        "did you mean 'achilles_rupture'?",
    ),
    "diagnosis-in-differential--diagnosis-in-own-differential.json": (
        "vignettes",
        "$.differential[2].condition",
        "the diagnosis is listed in its own differential",
        "list only look-alikes other than the diagnosis",
    ),
    "unknown-question--unknown-question-id.json": (
        "vignettes",
        "$.answers.q_swollen",
        "unknown question 'q_swollen'",
        "did you mean 'q_swelling'?",
    ),
    "snap-maybe--unknown-answer-choice.json": (
        "vignettes",
        "$.answers.q_snap.options[0]",
        "question 'q_snap' has no answer choice 'maybe'",
        "use one of: yes, no",
    ),
    "snap-yes-and-no--too-many-answer-choices.json": (
        "vignettes",
        "$.answers.q_snap.options",
        "question 'q_snap' takes one answer choice, 2 given",
        "keep the one choice that fits best",
    ),
    "unknown-exam--unknown-examination-item.json": (
        "vignettes",
        "$.examination.ex_calf_circumferense",
        "unknown examination item 'ex_calf_circumferense'",
        "did you mean 'ex_calf_circumference'?",
    ),
    "onset-unanswered--key-question-not-answered.json": (
        "vignettes",
        "$.key_questions[2]",
        "key question 'q_onset' is not answered in this case",
        "add an answer for 'q_onset' under \"answers\"",
    ),
    "onset-as-red-flag--red-flag-question-not-red-flag-in-bank.json": (
        "vignettes",
        "$.red_flag_questions[2]",
        "question 'q_onset' is not a red-flag question in the bank",
        'list only questions marked "red_flag": true, or mark it so in questions.json',
    ),
    "immobilisation-unanswered--red-flag-question-not-answered.json": (
        "vignettes",
        "$.red_flag_questions[1]",
        "red-flag question 'q_immobilisation' is not answered in this case",
        "add an answer for 'q_immobilisation' under \"answers\"",
    ),
    "not-a-feature--key-finding-not-a-key-feature.json": (
        "vignettes",
        "$.key_findings[0].feature",
        "'swollen_calf' is not a key feature of 'dvt'",
        "use one of: main_feature, second_feature",
    ),
    "both-legs-dvt--defining-answer-contradiction.json": (
        "vignettes",
        "$.answers.q_both_legs.options",
        "the answer contradicts the diagnosis 'dvt': a deep vein thrombosis swells one leg.",
        "answer with 'one', or change the diagnosis",
    ),
    "unknown-step--unknown-next-step.json": (
        "vignettes",
        "$.next_steps.correct[0].step",
        "unknown next step 'ns_same_dya'",
        "did you mean 'ns_same_day'?",
    ),
    "step-twice--step-judged-twice.json": (
        "vignettes",
        "$.next_steps.acceptable[0].step",
        "next step 'ns_same_day' is already judged 'correct'",
        "judge each next step once",
    ),
    "red-flag-self-care--red-flag-case-non-urgent-step.json": (
        "vignettes",
        "$.next_steps.correct[0].step",
        "a red-flag case's correct next step must be urgent, but 'ns_self_care' is 'routine'",
        'choose a same-day or emergency step, or set "red_flag_case": false',
    ),
    "unknown-lookalike-case--unknown-lookalike-case.json": (
        "vignettes",
        "$.lookalike_cases[0]",
        "unknown case 'calf-tear-tenis'",
        "did you mean 'calf-tear-tennis'?",
    ),
    "same-diagnosis-lookalike--lookalike-case-same-diagnosis.json": (
        "vignettes",
        "$.lookalike_cases[0]",
        "case 'dvt-after-flight' has the same diagnosis",
        "a look-alike case must have a different diagnosis",
    ),
    "cramp-case--look-alike-without-tell-apart.json": (
        "vignettes",
        "$.differential[0].condition",
        "look-alike 'achilles_rupture' has no tell-apart text: "
        "neither 'exercise_cramp' nor 'achilles_rupture' says how to tell them apart",
        'add {"condition": "achilles_rupture", "text": "..."} under "tell_apart" '
        "in the condition text of 'exercise_cramp'",
    ),
    # -- clinical rules (issue 10): cases
    "achilles-no-squeeze--abnormal-finding-left-to-default.json": (
        "vignettes",
        "$.examination",
        "'ex_calf_squeeze' is abnormal in 'achilles_rupture', but this case leaves it to the bank's normal default "
        f"({json.dumps(en(EXAM_DEFAULT['ex_calf_squeeze']), ensure_ascii=False)})",
        'add "ex_calf_squeeze": "<what the student finds in this patient>" under "examination"',
    ),
    "calf-tear-reassure-correct--condition-unsafe-step-graded-correct.json": (
        "vignettes",
        "$.next_steps.correct[1].step",
        f"'ns_reassure' is unsafe in every case of 'gastrocnemius_tear' ({UNSAFE_IN_CALF_TEAR[0]['why']}), "
        "but this case grades it 'correct'",
        'move it under next_steps.unsafe, or take it out of "unsafe_steps" in the condition text of '
        "'gastrocnemius_tear'",
    ),
    "calf-tear-reassure-ungraded--condition-unsafe-step-not-graded.json": (
        "vignettes",
        "$.next_steps",
        f"'ns_reassure' is unsafe in every case of 'gastrocnemius_tear' ({UNSAFE_IN_CALF_TEAR[0]['why']}), "
        "but this case does not grade it",
        'list it under next_steps.unsafe: {"step": "ns_reassure", "why": "<why it is unsafe for this patient>"}',
    ),
    "swollen-calf--red-flag-giveaway-in-complaint.json": (
        "vignettes",
        "$.presenting_complaint",
        f"the presenting complaint gives away the red-flag question '{GIVEAWAY_QUESTION}' "
        f'({json.dumps(en(QUESTION_TEXT[GIVEAWAY_QUESTION]), ensure_ascii=False)}): it says "swollen"',
        f"leave it for the student to ask: move it into the answer to '{GIVEAWAY_QUESTION}'",
    ),
    "not-indicated-twice--step-judged-twice.json": (
        "vignettes",
        "$.next_steps.not_indicated[0].step",
        "next step 'ns_same_day' is already judged 'correct'",
        "judge each next step once",
    ),
    "gp-review-not-indicated--red-flag-case-step-delays-urgent-care.json": (
        "vignettes",
        "$.next_steps.not_indicated[0].step",
        "a red-flag case needs urgent care, so 'ns_gp_review' ('routine') delays it and cannot be graded "
        "'not_indicated'",
        'move it under "next_steps.unsafe" (a step that delays urgent care is unsafe), or set "red_flag_case": false',
    ),
    # -- cross-reference pass: conditions
    "sciatica--unknown-tell-apart-condition.json": (
        "conditions",
        "$.tell_apart[0].condition",
        "unknown condition 'piriformis_syndrome'",
        "no known id is close to 'piriformis_syndrome': run `casebook ids --kind condition` to see all 5",
    ),
    "sciatica--own-look-alike.json": (
        "conditions",
        "$.tell_apart[1].condition",
        "a condition cannot be its own look-alike",
        "name a different condition",
    ),
    "sciatica--unknown-defining-question.json": (
        "conditions",
        "$.defining_answers[0].question",
        "unknown question 'q_back_pian'",
        "did you mean 'q_back_pain'?",
    ),
    "sciatica--unknown-defining-answer-choice.json": (
        "conditions",
        "$.defining_answers[0].options[0]",
        "question 'q_back_pain' has no answer choice 'often'",
        "use one of: yes, no",
    ),
    "sciatica--unknown-abnormal-finding.json": (
        "conditions",
        "$.abnormal_findings.examination[1]",
        "unknown examination item 'ex_nuero_power'",
        "did you mean 'ex_neuro_power'?",
    ),
    "sciatica--abnormal-finding-in-wrong-list.json": (
        "conditions",
        "$.abnormal_findings.examination[1]",
        "'inv_mri_back' is an investigation, not an examination item",
        'move it under "investigations"',
    ),
    "sciatica--unknown-unsafe-step.json": (
        "conditions",
        "$.unsafe_steps[0].step",
        "unknown next step 'ns_reasure'",
        "did you mean 'ns_reassure'?",
    ),
    "sciatica--unsafe-step-listed-twice.json": (
        "conditions",
        "$.unsafe_steps[1].step",
        "next step 'ns_reassure' is listed twice",
        "remove the repeated entry",
    ),
}


def add_clinical_rules(folder: Path) -> Path:
    """Give a small casebook the clinical rules' data: abnormal findings for the Achilles rupture (stated by its
    case), an always-unsafe step for the calf tear (graded unsafe by its case), giveaway words for a red-flag
    question."""
    achilles = folder / "conditions" / "achilles_rupture.json"
    write_json(achilles, {**json.loads(achilles.read_text(encoding="utf-8")), "abnormal_findings": ABNORMAL})
    tear = folder / "conditions" / "gastrocnemius_tear.json"
    write_json(tear, {**json.loads(tear.read_text(encoding="utf-8")), "unsafe_steps": UNSAFE_IN_CALF_TEAR})
    questions = json.loads((folder / "questions.json").read_text(encoding="utf-8"))
    for q in questions["questions"]:
        if q["id"] == GIVEAWAY_QUESTION:
            q["giveaway_words"] = GIVEAWAY_WORDS
    write_json(folder / "questions.json", questions)
    case = make_achilles_case(
        examination={item: f"Abnormal: {item}." for item in ABNORMAL["examination"]},
        investigations={item: f"Abnormal: {item}." for item in ABNORMAL["investigations"]},
    )
    tear_case = make_calf_tear_case()
    tear_case["next_steps"]["unsafe"] = [{"step": UNSAFE_IN_CALF_TEAR[0]["step"], "why": "He needs a plan."}]
    for data in (case, tear_case):
        write_json(folder / "vignettes" / f"{data['id']}.json", data)
    return folder


@pytest.fixture
def rules_cases_dir(tmp_cases_dir: Path) -> Path:
    """The small casebook with the clinical rules' data added (see add_clinical_rules); still free of problems."""
    return add_clinical_rules(tmp_cases_dir)


def place(fixture: str, cases_dir: Path) -> Path:
    """Copy a fixture into a cases folder as NAME.json, where its expectation says; returns the new path."""
    where = EXPECTED[fixture][0]
    dest = cases_dir / where / (fixture.split("--")[0] + ".json")
    shutil.copyfile(INVALID / fixture, dest)
    return dest


def assert_is_expected_problem(fixture: str, problems: list[casebook.Problem], file: str) -> None:
    """The problems are exactly the fixture's one expected problem (hint compared as a prefix when it ends in '...')."""
    _, path, message, hint = EXPECTED[fixture]
    assert [(p.file, p.json_path, p.message) for p in problems] == [(file, path, message)]
    if hint.endswith("..."):
        assert problems[0].hint.startswith(hint[:-3])
    else:
        assert problems[0].hint == hint


def test_every_fixture_has_an_expected_problem():
    """Each file in tests/data/invalid has an expected problem here, and each expectation has its file."""
    assert sorted(EXPECTED) == FIXTURES


def test_fixture_names_follow_the_name_problem_pattern():
    """Fixture files are named NAME--expected-problem.json."""
    assert [f for f in FIXTURES if f.count("--") != 1 or not f.split("--")[1][:-5]] == []


def test_the_small_casebook_is_valid(tmp_cases_dir):
    """The folder the fixtures are copied into has no problem of its own."""
    book = casebook.load(tmp_cases_dir)
    assert [str(p) for p in book.problems] == []
    assert set(book.cases) == VALID_CASE_IDS
    assert set(book.conditions) == set(CONDITION_IDS)


def test_the_small_casebook_with_the_clinical_rules_is_valid(rules_cases_dir):
    """With abnormal findings, an always-unsafe step and giveaway words added, the small casebook is still clean."""
    book = casebook.load(rules_cases_dir)
    assert [str(p) for p in book.problems] == []
    assert book.conditions["achilles_rupture"].abnormal_examination == tuple(ABNORMAL["examination"])
    assert book.bank.questions[GIVEAWAY_QUESTION].words_for("giveaway_words", "nb") == tuple(GIVEAWAY_WORDS["nb"])


@pytest.mark.parametrize("fixture", FIXTURES)
def test_loading_reports_the_fixture_problem_and_keeps_the_valid_files(fixture, rules_cases_dir):
    """Loading a folder with one broken file gives that file's expected problem; every valid file still loads."""
    dest = place(fixture, rules_cases_dir)
    book = casebook.load(rules_cases_dir)
    assert_is_expected_problem(fixture, list(book.problems), str(dest.relative_to(rules_cases_dir.parent)))
    assert set(book.cases) == VALID_CASE_IDS
    assert set(book.conditions) == set(CONDITION_IDS)


@pytest.mark.parametrize("fixture", FIXTURES)
def test_validate_file_reports_the_same_problem(fixture, rules_cases_dir):
    """Validating the broken file alone gives the same problem as loading its folder."""
    dest = place(fixture, rules_cases_dir)
    assert_is_expected_problem(fixture, validate_file(dest), str(dest.relative_to(rules_cases_dir.parent)))


@pytest.mark.parametrize("fixture", FIXTURES)
def test_cli_prints_file_path_message_and_hint(fixture, rules_cases_dir, capsys):
    """`casebook validate FILE` exits 1 and prints the file, then 'PATH: message' and 'how to fix: hint' lines."""
    dest = place(fixture, rules_cases_dir)
    _, path, message, hint = EXPECTED[fixture]
    assert main(["validate", str(dest)]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] in (str(dest), str(dest.relative_to(rules_cases_dir.parent)))
    assert lines[1] == f"  {path or '(whole file)'}: {message}"
    assert lines[2].startswith(f"    how to fix: {hint.removesuffix('...')}")
    assert out.rstrip().endswith("1 problem(s) in 1 file(s)")
    assert "Traceback" not in out


def test_bank_with_unknown_topic_stops_loading_with_a_clear_problem(tmp_cases_dir):
    """A question naming an unknown topic makes the bank unusable: CaseError names the question, topic and choices."""
    data = bank()
    data["questions"][0]["topic"] = "wherever"
    write_json(tmp_cases_dir / "questions.json", data)
    with pytest.raises(casebook.CaseError) as info:
        casebook.load(tmp_cases_dir)
    topics = ", ".join(sorted(t["id"] for t in data["topics"]))
    first = data["questions"][0]["id"]
    assert [(p.file, p.json_path, p.message, p.hint) for p in info.value.problems] == [
        (
            "cases/questions.json",
            "$.questions[0].topic",
            f"question '{first}' names unknown topic 'wherever'",
            f"use one of: {topics}",
        )
    ]


def test_bank_with_a_repeated_id_names_both_places(tmp_cases_dir):
    """Two bank items with one id are reported at the second, naming the section of the first."""
    data = bank()
    data["examinations"][0]["id"] = data["questions"][0]["id"]
    write_json(tmp_cases_dir / "questions.json", data)
    with pytest.raises(casebook.CaseError) as info:
        casebook.load(tmp_cases_dir)
    qid = data["questions"][0]["id"]
    assert [(p.json_path, p.message) for p in info.value.problems] == [
        ("$.examinations[0].id", f"the id '{qid}' is already used in questions")
    ]


def test_a_folder_that_does_not_exist_raises_case_error(tmp_path):
    """Loading a missing folder raises CaseError saying it is not a folder."""
    with pytest.raises(casebook.CaseError) as info:
        casebook.load(tmp_path / "nowhere")
    assert [p.message for p in info.value.problems] == ["is not a folder"]


def test_every_problem_of_a_file_is_reported_together(tmp_cases_dir):
    """A case with three independent mistakes gets three problems, in file order, not just the first."""
    data = make_case(id="three-mistakes", diagnosis="dvtt")
    data["answers"]["q_swollen"] = {"text": "Yes."}
    data["next_steps"]["correct"][0]["step"] = "ns_same_dya"
    write_json(tmp_cases_dir / "vignettes" / "three-mistakes.json", data)
    book = casebook.load(tmp_cases_dir)
    assert [(p.json_path, p.message) for p in book.problems] == [
        ("$.diagnosis", "unknown condition 'dvtt'"),
        ("$.answers.q_swollen", "unknown question 'q_swollen'"),
        ("$.next_steps.correct[0].step", "unknown next step 'ns_same_dya'"),
    ]


def test_builders_make_schema_valid_data():
    """make_condition and make_case give data that passes the shipped schemas (so the fixtures break one thing only)."""
    assert validation.schema_problems(make_condition(), "condition", "c.json") == []
    assert validation.schema_problems(make_case(), "case", "k.json") == []


def test_builder_cases_answer_every_bank_question():
    """The builders' cases answer every question of the bundled bank, like the bundled cases."""
    ids = {q["id"] for q in bank()["questions"]}
    assert [c["id"] for c in small_cases() if set(c["answers"]) != ids] == []


# ---------------------------------------------------------------- clinical rules (issue 10), beyond the fixtures


@pytest.mark.parametrize(
    ("text", "words", "found"),
    [
        ("I can't pee since this morning.", ["pee"], ["pee"]),
        ("Peeing is hard.", ["pee"], ["pee"]),
        ("I lost speed on the hills.", ["pee"], []),
        ("Numbness in the SADDLE area.", ["saddle"], ["saddle"]),
        ("Saddle\n  numbness and a weak bladder.", ["saddle numb", "bladder", "bowel"], ["saddle numb", "bladder"]),
        ("Leggen er hoven.", ["hoven"], ["hoven"]),
        ("A blister on the sole.", ["", "  "], []),
    ],
)
def test_giveaway_words_match_case_insensitively_at_the_start_of_a_word(text, words, found):
    """giveaway_words_in finds words and phrases that begin a word of the text, in any case, never inside a word."""
    assert validation.giveaway_words_in(text, words) == found


def write_and_load(folder: Path, data: dict) -> list[casebook.Problem]:
    """Write one case into the folder's vignettes and return the problems loading reports."""
    write_json(folder / "vignettes" / f"{data['id']}.json", data)
    return list(casebook.load(folder).problems)


def test_giveaway_in_the_title_and_in_a_translation_uses_that_language_s_words(rules_cases_dir):
    """An English giveaway in the title is reported at $.title; a Norwegian one at $.presenting_complaint.nb."""
    data = make_case(
        id="puffy-calf",
        title="A puffy calf after a long flight",
        presenting_complaint={"en": "My right calf has ached since yesterday.", "nb": "Leggen er hoven og vond."},
    )
    problems = write_and_load(rules_cases_dir, data)
    question = QUESTION_TEXT[GIVEAWAY_QUESTION]
    assert [(p.json_path, p.message) for p in problems] == [
        (
            "$.title",
            f"the title gives away the red-flag question '{GIVEAWAY_QUESTION}' "
            f'({json.dumps(en(question), ensure_ascii=False)}): it says "puffy"',
        ),
        (
            "$.presenting_complaint.nb",
            f"the presenting complaint gives away the red-flag question '{GIVEAWAY_QUESTION}' "
            f'({json.dumps(in_lang(question, "nb"), ensure_ascii=False)}): it says "hoven"',
        ),
    ]


def test_english_giveaway_words_do_not_apply_to_another_language(rules_cases_dir):
    """An English giveaway word inside Norwegian text is not checked against the English list."""
    data = make_case(id="swollen-nb", presenting_complaint={"en": "My calf aches.", "nb": "Swollen leggen verker."})
    assert write_and_load(rules_cases_dir, data) == []


def test_giveaway_in_a_patient_line_is_reported_there(rules_cases_dir):
    """A giveaway word in the patient's occupation or activity is reported at that field."""
    data = make_case(id="puffy-job", patient={"age": 52, "sex": "female", "activity": "Walks with puffy ankles"})
    problems = write_and_load(rules_cases_dir, data)
    assert [(p.json_path, p.hint) for p in problems] == [
        ("$.patient.activity", f"leave it for the student to ask: move it into the answer to '{GIVEAWAY_QUESTION}'")
    ]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (
            {"red_flag_case": False, "next_steps": {"correct": [{"step": "ns_self_care", "why": "Rest."}]}},
            "not red-flag",
        ),
        ({"key_questions": ["q_both_legs", "q_onset", "q_immobilisation"]}, "not a key question"),
    ],
    ids=["not-a-red-flag-case", "not-a-key-question"],
)
def test_giveaway_words_only_count_for_red_flag_key_questions_of_red_flag_cases(change, why, rules_cases_dir):
    """The giveaway rule leaves a complaint alone in a case without red flag, or when the question is not key."""
    data = make_case(id="swollen-ok", presenting_complaint="My calf is swollen.", **change)
    assert [str(p) for p in write_and_load(rules_cases_dir, data)] == [], why


def test_each_abnormal_item_left_to_default_is_its_own_problem_in_condition_order(rules_cases_dir):
    """A case of the Achilles rupture that states no abnormal item gets one problem per item, examination first."""
    data = make_achilles_case(id="achilles-bare")
    problems = write_and_load(rules_cases_dir, data)
    expected = [("$.examination", item) for item in ABNORMAL["examination"]]
    expected += [("$.investigations", item) for item in ABNORMAL["investigations"]]
    assert [(p.json_path, p.message.split("'")[1]) for p in problems] == expected
    assert problems[-1].hint == 'add "inv_ultrasound_soft": "<the result in this patient>" under "investigations"'


def test_an_abnormal_item_that_copies_the_bank_default_is_a_problem(rules_cases_dir):
    """Writing the bank's normal finding word for word (case and spacing aside) counts as leaving it to the default."""
    default = en(EXAM_DEFAULT["ex_calf_squeeze"])
    data = make_achilles_case(
        id="achilles-copied-default",
        examination={"ex_calf_squeeze": "  " + default.upper(), "ex_tiptoe": "Cannot rise on tiptoe."},
        investigations={"inv_ultrasound_soft": "A gap in the tendon."},
    )
    problems = write_and_load(rules_cases_dir, data)
    assert [(p.json_path, p.message, p.hint) for p in problems] == [
        (
            "$.examination.ex_calf_squeeze",
            "'ex_calf_squeeze' is abnormal in 'achilles_rupture', but this case gives the bank's normal default word "
            f"for word ({json.dumps(default, ensure_ascii=False)})",
            "write what the student finds in this patient",
        )
    ]


def test_unsafe_step_of_the_condition_graded_acceptable_or_not_indicated_is_a_problem_at_that_grade(rules_cases_dir):
    """A calf-tear case grading the condition's unsafe step 'not_indicated' is told so at that grade's path."""
    step = UNSAFE_IN_CALF_TEAR[0]["step"]
    data = make_calf_tear_case(
        id="calf-tear-not-indicated",
        next_steps={
            "correct": [{"step": "ns_self_care", "why": "Offload, cool and compress."}],
            "not_indicated": [{"step": step, "why": "Not needed."}],
        },
    )
    problems = write_and_load(rules_cases_dir, data)
    assert [(p.json_path, p.message.rsplit(", ", 1)[-1]) for p in problems] == [
        ("$.next_steps.not_indicated[0].step", "but this case grades it 'not_indicated'")
    ]


def test_a_non_urgent_acceptable_step_in_a_red_flag_case_is_a_problem(rules_cases_dir):
    """In a red-flag case a routine step graded 'acceptable' delays urgent care: it must be graded unsafe."""
    data = make_case(
        id="acceptable-gp",
        next_steps={
            "correct": [{"step": "ns_same_day", "why": "Today."}],
            "acceptable": [{"step": "ns_gp_review", "why": "Later."}],
        },
    )
    problems = write_and_load(rules_cases_dir, data)
    assert [(p.json_path, p.message) for p in problems] == [
        (
            "$.next_steps.acceptable[0].step",
            "a red-flag case needs urgent care, so 'ns_gp_review' ('routine') delays it and cannot be graded "
            "'acceptable'",
        )
    ]


def test_a_word_list_key_that_is_not_a_language_code_is_reported():
    """Giveaway words under 'EN' (upper case) are rejected with the language-code message."""
    data = bank()
    data["questions"][0]["giveaway_words"] = {"EN": ["pee"]}
    assert [(p.json_path, p.message, p.hint) for p in validation.schema_problems(data, "bank", "q.json")] == [
        (
            "$.questions[0].giveaway_words",
            "'EN' is not a language code",
            'use a lower-case ISO 639 code such as "en", "nb" or "da"',
        )
    ]
