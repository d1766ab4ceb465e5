"""Validation messages: each broken fixture file (named NAME--expected-problem.json) gives its one user-facing problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from builders import CONDITION_IDS, bank, make_case, make_condition, small_cases, write_json

import casebook
from casebook import validation
from casebook.cli import main
from casebook.loading import validate_file

INVALID = Path(__file__).parent / "data" / "invalid"
FIXTURES = sorted(p.name for p in INVALID.glob("*.json"))
VALID_CASE_IDS = {c["id"] for c in small_cases()}
CASE_FIELDS = "$schema, answers, diagnosis, differential, difficulty, examination, id"

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
        "",
        "the file is not UTF-8 text (bad byte at position 228)",
        "save the file as UTF-8",
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
        "the id 'dvt-after-flight' is already used by cases/vignettes/dvt-after-flight.json",
        "give each case vignette a unique id",
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
        "did you mean 'ns_same_day' or 'ns_self_care'?",
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
        "look-alike 'achilles_rupture' has no tell-apart text: neither 'exercise_cramp' nor 'achilles_rupture' says how to tell them apart",
        'add {"condition": "achilles_rupture", "text": "..."} under "tell_apart" in the condition text of \'exercise_cramp\'',
    ),
    # -- cross-reference pass: conditions
    "sciatica--unknown-tell-apart-condition.json": (
        "conditions",
        "$.tell_apart[0].condition",
        "unknown condition 'piriformis_syndrome'",
        "use an existing id (5 known), e.g. achilles_rupture, dvt, exercise_cramp, gastrocnemius_tear, sciatica",
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
}


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


@pytest.mark.parametrize("fixture", FIXTURES)
def test_loading_reports_the_fixture_problem_and_keeps_the_valid_files(fixture, tmp_cases_dir):
    """Loading a folder with one broken file gives that file's expected problem; every valid case and condition still loads."""
    dest = place(fixture, tmp_cases_dir)
    book = casebook.load(tmp_cases_dir)
    assert_is_expected_problem(fixture, list(book.problems), str(dest.relative_to(tmp_cases_dir.parent)))
    assert set(book.cases) == VALID_CASE_IDS
    assert set(book.conditions) == set(CONDITION_IDS)


@pytest.mark.parametrize("fixture", FIXTURES)
def test_validate_file_reports_the_same_problem(fixture, tmp_cases_dir):
    """Validating the broken file alone gives the same problem as loading its folder."""
    dest = place(fixture, tmp_cases_dir)
    assert_is_expected_problem(fixture, validate_file(dest), str(dest.relative_to(tmp_cases_dir.parent)))


@pytest.mark.parametrize("fixture", FIXTURES)
def test_cli_prints_file_path_message_and_hint(fixture, tmp_cases_dir, capsys):
    """`casebook validate FILE` exits 1 and prints the file, then 'PATH: message' and 'how to fix: hint' lines."""
    dest = place(fixture, tmp_cases_dir)
    _, path, message, hint = EXPECTED[fixture]
    assert main(["validate", str(dest)]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] in (str(dest), str(dest.relative_to(tmp_cases_dir.parent)))
    assert lines[1] == f"  {path or '(whole file)'}: {message}"
    assert lines[2].startswith(f"    how to fix: {hint.removesuffix('...')}")
    assert out.rstrip().endswith("1 problem(s) in 1 file(s)")
    assert "Traceback" not in out


def test_bank_with_unknown_topic_stops_loading_with_a_clear_problem(tmp_cases_dir):
    """A question naming a topic that does not exist makes the bank unusable: CaseError names the question, topic and choices."""
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
