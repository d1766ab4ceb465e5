"""A teacher's own cases (issue 12): folders added to the bundled cases everywhere, id clashes, one-run validation."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from builders import make_case, write_casebook, write_json

import casebook
from casebook import validation
from casebook.authoring import ID_KINDS
from casebook.cli import build_parser, main
from casebook.loading import bundled_cases_dir, teacher_folders

TEACHER = Path(__file__).parent / "data" / "teacher"
ONE_CASE = TEACHER / "one-case"  # one case file, nothing else
NEW_CONDITION = TEACHER / "new-condition"  # a condition of its own and a case of it
BUNDLED = casebook.load(bundled_cases_dir())
TEACHER_CASE = json.loads(next(ONE_CASE.glob("*.json")).read_text(encoding="utf-8"))
NEW_CONDITION_ID = next((NEW_CONDITION / "conditions").glob("*.json")).stem
NEW_CONDITION_CASE = json.loads(next(NEW_CONDITION.glob("*.json")).read_text(encoding="utf-8"))


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`python -m casebook ARGS` in a fresh interpreter, with ``env`` added to the environment."""
    full = {k: v for k, v in os.environ.items() if k != "CASEBOOK_CASES"}
    full |= {"PYTHONIOENCODING": "utf-8", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "casebook", *args], capture_output=True, text=True, timeout=120, env=full
    )


@pytest.fixture
def teacher_env(monkeypatch: pytest.MonkeyPatch):
    """Sets CASEBOOK_CASES for one test (restored afterwards)."""

    def set_folders(*folders: Path) -> None:
        monkeypatch.setenv("CASEBOOK_CASES", os.pathsep.join(str(f) for f in folders))

    return set_folders


def copy_case(case: dict, folder: Path, **changes) -> Path:
    """Write a copy of a case dict, with top-level changes, as FOLDER/<id>.json."""
    data = {**case, **changes}
    return write_json(folder / f"{data['id']}.json", data)


# ---------------------------------------------------------------- casebook.load() and CASEBOOK_CASES


def test_the_fixture_folder_holds_only_one_case_file():
    """The one-case fixture is what a new teacher writes: one case file, no bank, no conditions."""
    assert [p.name for p in ONE_CASE.iterdir()] == [f"{TEACHER_CASE['id']}.json"]


def test_a_folder_with_only_one_case_file_validates(capsys):
    """`casebook validate FOLDER` on the one-case folder exits 0 and says it holds one valid case."""
    assert main(["validate", str(ONE_CASE)]) == 0
    out = capsys.readouterr().out
    assert f"{ONE_CASE} (added cases): 1 valid case(s), 0 valid condition(s)" in out.splitlines()
    assert out.splitlines()[-1] == "All valid."


def test_load_with_casebook_cases_holds_the_teacher_case_and_every_bundled_case(teacher_env):
    """With CASEBOOK_CASES set, casebook.load() holds the teacher's case and every bundled case, and no problem."""
    teacher_env(ONE_CASE)
    book = casebook.load()
    assert [str(p) for p in book.problems] == []
    assert set(book.cases) == set(BUNDLED.cases) | {TEACHER_CASE["id"]}
    assert book.folder_of(TEACHER_CASE["id"]).path == str(ONE_CASE)
    assert book.folder_of(next(iter(BUNDLED.cases))).bundled is True


def test_casebook_cases_takes_several_folders_and_a_new_condition(teacher_env):
    """Two folders separated by os.pathsep are both added; a teacher's condition file adds a condition."""
    teacher_env(ONE_CASE, NEW_CONDITION)
    book = casebook.load()
    assert [str(p) for p in book.problems] == []
    assert set(book.cases) - set(BUNDLED.cases) == {TEACHER_CASE["id"], NEW_CONDITION_CASE["id"]}
    assert set(book.conditions) == set(BUNDLED.conditions) | {NEW_CONDITION_ID}
    assert [f.path for f in book.folders] == [str(bundled_cases_dir()), str(ONE_CASE), str(NEW_CONDITION)]
    assert book.folders[2].conditions == (NEW_CONDITION_ID,)


def test_teacher_folders_splits_on_the_path_separator_and_skips_empty_parts():
    """CASEBOOK_CASES 'a<sep><sep>b<sep>' names the two folders a and b."""
    assert teacher_folders(f"a{os.pathsep}{os.pathsep}b{os.pathsep}") == [Path("a"), Path("b")]


def test_a_missing_folder_in_casebook_cases_is_a_problem_not_a_crash(teacher_env, tmp_path):
    """A CASEBOOK_CASES folder that does not exist is reported; the bundled and the other folders still load."""
    teacher_env(tmp_path / "nowhere", ONE_CASE)
    book = casebook.load()
    assert [(p.file, p.message) for p in book.problems] == [
        (str(tmp_path / "nowhere"), "CASEBOOK_CASES names this folder, but it is not a folder")
    ]
    assert TEACHER_CASE["id"] in book.cases and set(BUNDLED.cases) <= set(book.cases)


def test_load_of_one_explicit_folder_still_gives_that_folder_only():
    """load(FOLDER) keeps its meaning for existing callers: its cases, with the bundled bank and conditions."""
    book = casebook.load(ONE_CASE)
    assert list(book.cases) == [TEACHER_CASE["id"]]
    assert set(book.conditions) == set(BUNDLED.conditions)


def test_a_list_of_folders_is_added_to_the_bundled_cases():
    """load([A, B]) (what a repeated --cases gives) is the bundled cases plus A and B."""
    book = casebook.load([ONE_CASE, NEW_CONDITION])
    assert set(book.cases) == set(BUNDLED.cases) | {TEACHER_CASE["id"], NEW_CONDITION_CASE["id"]}


def test_a_folder_with_its_own_bank_is_used_instead_of_the_bundled_cases(tmp_cases_dir):
    """A folder that brings its own questions.json is a casebook of its own: the bundled cases are not added to it."""
    book = casebook.load([tmp_cases_dir])
    assert set(book.cases) == {c.stem for c in (tmp_cases_dir / "vignettes").glob("*.json")}
    assert book.root == str(tmp_cases_dir) and book.folders[0].own_bank is True


def test_a_second_question_bank_is_a_problem_naming_the_bank_in_use(tmp_cases_dir, tmp_path):
    """Two folders with a questions.json each: the second bank is reported as not read, naming the one in use."""
    other = write_casebook(tmp_path / "other", [], [])
    book = casebook.load(tmp_cases_dir, other)
    assert [(p.file, p.message) for p in book.problems] == [
        (
            "other/questions.json",
            "a second question bank: this casebook uses cases/questions.json, so this file is not read",
        )
    ]


# ---------------------------------------------------------------- id clashes


def test_a_teacher_case_with_a_bundled_id_is_a_problem_and_the_bundled_case_keeps_it(tmp_path, teacher_env):
    """A teacher's case named like a bundled case is reported, naming the bundled file that keeps the id."""
    taken = next(iter(BUNDLED.cases.values()))
    folder = tmp_path / "mine"
    copy_case(TEACHER_CASE, folder, id=taken.id)
    teacher_env(folder)
    book = casebook.load()
    assert [(p.file, p.json_path, p.message) for p in book.problems] == [
        (
            f"mine/{taken.id}.json",
            "$.id",
            f"the id '{taken.id}' is already used by {taken.file}, which keeps it: this file is left out",
        )
    ]
    assert book.cases[taken.id] == BUNDLED.cases[taken.id]


def test_a_teacher_condition_with_a_bundled_id_is_a_problem_and_the_bundled_text_keeps_it(tmp_path):
    """A teacher's condition file with a bundled condition's id is reported and left out; the bundled text stays."""
    taken = next(iter(BUNDLED.conditions))
    folder = tmp_path / "mine"
    source = NEW_CONDITION / "conditions" / f"{NEW_CONDITION_ID}.json"
    write_json(folder / "conditions" / f"{taken}.json", {**json.loads(source.read_text(encoding="utf-8")), "id": taken})
    book = casebook.load([folder])
    assert [(p.file, p.message) for p in book.problems] == [
        (
            f"mine/conditions/{taken}.json",
            f"the id '{taken}' is already used by cases/conditions/{taken}.json, which keeps it: this file is left out",
        )
    ]
    assert book.conditions[taken] == BUNDLED.conditions[taken]


def test_between_two_teacher_folders_the_first_named_keeps_the_id(tmp_path):
    """The same case id in two teacher folders: the folder named first keeps it, the second file is reported."""
    first, second = tmp_path / "first", tmp_path / "second"
    copy_case(TEACHER_CASE, first)
    copy_case(TEACHER_CASE, second, title="Another title")
    book = casebook.load([second, first])
    assert [(p.file, p.message.split(", which")[0]) for p in book.problems] == [
        (
            f"first/{TEACHER_CASE['id']}.json",
            f"the id '{TEACHER_CASE['id']}' is already used by second/{TEACHER_CASE['id']}.json",
        )
    ]
    assert book.cases[TEACHER_CASE["id"]].title.en == "Another title"


# ---------------------------------------------------------------- commands


def test_play_works_on_the_teacher_case_through_casebook_cases(tmp_path):
    """`casebook play` with CASEBOOK_CASES set plays the teacher's case and prints its feedback."""
    answers = write_json(
        tmp_path / "answers.json",
        {
            "asked": TEACHER_CASE["key_questions"],
            "differential": [TEACHER_CASE["diagnosis"]],
            "confidence": 80,
            "next_step": TEACHER_CASE["next_steps"]["correct"][0]["step"],
        },
    )
    result = run("play", TEACHER_CASE["id"], "--answers", str(answers), env={"CASEBOOK_CASES": str(ONE_CASE)})
    assert result.returncode == 0, result.stderr
    name = BUNDLED.condition_name(TEACHER_CASE["diagnosis"], "en", in_sentence=True)
    assert result.stdout.splitlines()[0] == f"Case {TEACHER_CASE['id']}: {TEACHER_CASE['title']}"
    assert f"[ok] Diagnosis: right. This is {name}." in result.stdout.splitlines()


def test_list_takes_cases_more_than_once(capsys):
    """`casebook list --cases A --cases B` lists the bundled cases and both folders' cases."""
    assert main(["list", "--format", "json", "--cases", str(ONE_CASE), "--cases", str(NEW_CONDITION)]) == 0
    ids = {row["id"] for row in json.loads(capsys.readouterr().out)}
    assert ids == set(BUNDLED.cases) | {TEACHER_CASE["id"], NEW_CONDITION_CASE["id"]}


def test_list_table_shows_setting_ids(capsys):
    """The `list` table shows each case's setting by name and by the id a case file uses."""
    assert main(["list", "--cases", str(ONE_CASE)]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith(TEACHER_CASE["id"] + " "))
    assert row.rstrip().endswith(f"{casebook.model.SETTINGS[TEACHER_CASE['setting']]} ({TEACHER_CASE['setting']})")


def test_handout_of_a_teacher_case(tmp_path, capsys):
    """`casebook handout` writes the teacher's case when its folder is given with --cases."""
    out = tmp_path / "case.html"
    assert main(["handout", TEACHER_CASE["id"], "--cases", str(ONE_CASE), "--out", str(out)]) == 0
    assert TEACHER_CASE["title"] in out.read_text(encoding="utf-8")


def commands_reading_cases() -> dict[str, argparse.Action]:
    """{sub-command: its --cases option} for every sub-command that has one."""
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    found = {}
    for name, parser in sub.choices.items():
        for action in parser._actions:
            if "--cases" in action.option_strings:
                found[name] = action
    return found


@pytest.mark.parametrize("command", ["list", "conditions", "play", "handout", "report", "new", "ids"])
def test_every_command_reading_cases_takes_cases_more_than_once(command):
    """The listed commands have a --cases option that may be given more than once."""
    action = commands_reading_cases().get(command)
    assert action is not None, f"`casebook {command}` has no --cases"
    assert isinstance(action, argparse._AppendAction)


def test_report_reads_names_from_the_teacher_folders(tmp_path):
    """`casebook report --cases A --cases B` parses both folders into one list."""
    args = build_parser().parse_args(["report", str(tmp_path), "--cases", "a", "--cases", "b"])
    assert args.cases == ["a", "b"]


# ---------------------------------------------------------------- validation in one run


def test_a_schema_problem_and_an_unknown_condition_are_reported_in_one_run(tmp_path):
    """A case with a wrongly typed age and an unknown diagnosis gets both problems from one `validate`."""
    folder = tmp_path / "mine"
    patient = {**TEACHER_CASE["patient"], "age": "fifty-eight"}
    path = copy_case(TEACHER_CASE, folder, patient=patient, diagnosis="shin_splint")
    book = casebook.load([folder])
    assert [(p.file, p.json_path, p.message) for p in book.problems] == [
        (f"mine/{path.name}", "$.patient.age", "should be a whole number, not a string ('fifty-eight')"),
        (f"mine/{path.name}", "$.diagnosis", "unknown condition 'shin_splint'"),
    ]
    assert book.problems[1].hint == "did you mean 'shin_splints'?"


def test_cross_references_skip_what_the_schema_could_not_read(tmp_path):
    """An id of the wrong shape is reported once, by the schema, not again as an unknown id."""
    folder = tmp_path / "mine"
    copy_case(TEACHER_CASE, folder, diagnosis="Shin Splints")
    problems = casebook.load([folder]).problems
    assert [(p.json_path, p.message) for p in problems] == [("$.diagnosis", "'Shin Splints' is not a valid identifier")]


def test_a_missing_list_does_not_stop_the_other_checks(tmp_path):
    """A case without key_questions is told so, and its unknown next step is reported in the same run."""
    folder = tmp_path / "mine"
    data = {k: v for k, v in TEACHER_CASE.items() if k != "key_questions"}
    data["next_steps"] = {"correct": [{"step": "ns_training_chang", "why": "Less walking."}]}
    copy_case(data, folder)
    problems = casebook.load([folder]).problems
    assert [(p.json_path, p.message) for p in problems] == [
        ("$", "missing required field 'key_questions'"),
        ("$.next_steps.correct[0].step", "unknown next step 'ns_training_chang'"),
    ]


def test_validate_prints_one_line_per_folder_and_the_path_of_each_file_with_problems(tmp_path):
    """`validate A B`: a line per folder (the bundled one included) and, under it, the path of each broken file."""
    broken = tmp_path / "broken"
    path = copy_case(TEACHER_CASE, broken, id="broken-case", diagnosis="dvtt")
    result = run("validate", str(ONE_CASE), str(broken))
    lines = result.stdout.splitlines()
    assert result.returncode == 1
    summary = lines[lines.index("") + 1 :]
    assert summary == [
        f"{bundled_cases_dir()} (bundled cases): {len(BUNDLED.cases)} valid case(s), "
        f"{len(BUNDLED.conditions)} valid condition(s), {len(BUNDLED.bank.questions)} questions",
        f"{ONE_CASE} (added cases): 1 valid case(s), 0 valid condition(s)",
        f"{broken} (added cases): 0 valid case(s), 0 valid condition(s); 1 file(s) with problems",
        f"  {path}",
        "1 problem(s) in 1 file(s)",
    ]


def test_validate_with_no_path_checks_the_casebook_cases_folders():
    """`casebook validate` alone checks the bundled cases and the CASEBOOK_CASES folders."""
    result = run("validate", env={"CASEBOOK_CASES": str(ONE_CASE)})
    assert result.returncode == 0, result.stdout
    assert f"{ONE_CASE} (added cases): 1 valid case(s), 0 valid condition(s)" in result.stdout.splitlines()


# ---------------------------------------------------------------- did you mean


@pytest.mark.parametrize(
    ("name", "suggested"),
    [
        ("ns_same_dya", ["ns_same_day"]),  # two letters swapped
        ("q_swollen", ["q_swelling"]),  # a word of the question's text
        ("tear_gastrocnemius", ["gastrocnemius_tear"]),  # words in another order
        ("zzzz", []),  # nothing close: no suggestion at all
    ],
)
def test_suggestions_are_the_closest_ids_never_the_first_by_alphabet(name, suggested):
    """closest_ids ranks by spelling and shared words; with nothing close it suggests nothing."""
    texts = {k: v.text.en for k, v in BUNDLED.bank.questions.items()}
    texts |= {k: v.text.en for k, v in BUNDLED.bank.next_steps.items()}
    texts |= {k: v.name.en for k, v in BUNDLED.conditions.items()}
    assert validation.closest_ids(name, texts) == suggested


def test_with_nothing_close_the_hint_names_the_command_that_lists_the_ids():
    """An id close to nothing gets a pointer to `casebook ids --kind ...`, not a list of ids picked by alphabet."""
    hint = validation._did_you_mean("zzzz", set(BUNDLED.bank.next_steps), "step")
    assert (
        hint
        == f"no known id is close to 'zzzz': run `casebook ids --kind step` to see all {len(BUNDLED.bank.next_steps)}"
    )
    assert "step" in ID_KINDS


# ---------------------------------------------------------------- copied text (warnings)


def copied_from_bundled(run_of: int) -> tuple[str, str]:
    """A bundled case's presenting complaint cut to ``run_of`` words, and that case's file."""
    case = next(c for c in BUNDLED.cases.values() if len(c.presenting_complaint.en.split()) >= 10)
    return " ".join(case.presenting_complaint.en.split()[:run_of]), case.file


def test_a_case_repeating_eight_words_of_another_case_gets_a_warning_not_a_problem(tmp_path):
    """Eight words in a row of a bundled case in a teacher's complaint: a warning naming the place; exit 0."""
    words, source = copied_from_bundled(8)
    folder = tmp_path / "mine"
    copy_case(TEACHER_CASE, folder, presenting_complaint=words + " And then it got worse.")
    result = run("validate", str(folder))
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    where = lines.index(f"mine/{TEACHER_CASE['id']}.json")
    assert lines[where - 1].startswith("Warnings (")
    assert lines[where + 1].startswith(
        f"  $.presenting_complaint: repeats 8 words in a row of {source} ($.presenting_complaint): "
    )
    assert lines[-1] == "All valid, 1 warning(s)."
    assert run("validate", "--strict", str(folder)).returncode == 1


def test_seven_words_in_a_row_are_not_a_copy(tmp_path):
    """Seven words of another case in a row do not make a warning."""
    words, _ = copied_from_bundled(7)
    folder = tmp_path / "mine"
    copy_case(TEACHER_CASE, folder, presenting_complaint=words + " And then it got worse.")
    book = casebook.load([folder])
    assert validation.copied_text_warnings(book.cases, book.conditions, [TEACHER_CASE["id"]]) == []


def test_the_teacher_fixtures_copy_no_text():
    """The fixture cases, written for these tests, repeat no run of eight words of any bundled text."""
    book = casebook.load([ONE_CASE, NEW_CONDITION])
    checked = [TEACHER_CASE["id"], NEW_CONDITION_CASE["id"]]
    assert [str(w) for w in validation.copied_text_warnings(book.cases, book.conditions, checked)] == []


# ---------------------------------------------------------------- a file that is not UTF-8


def test_a_file_that_is_not_utf8_gives_line_and_column_of_the_bad_byte(tmp_path):
    """A Latin-1 'é' on line 3 is reported at its line and column, with the byte offset in the message."""
    folder = tmp_path / "mine"
    folder.mkdir()
    raw = b'{\n  "id": "latin",\n  "title": "Ren\xe9e"\n}\n'
    (folder / "latin.json").write_bytes(raw)
    [problem] = casebook.load([folder]).problems
    assert (problem.json_path, problem.message) == (
        "line 3, column 16",
        f"the file is not UTF-8 text: byte 0xE9 at byte {raw.index(0xE9)} of the file is not a UTF-8 character "
        "(in Latin-1 or Windows-1252 it is 'é')",
    )


def test_a_byte_order_mark_does_not_shift_the_reported_place(tmp_path):
    """With a UTF-8 byte order mark in front, the bad byte's line, column and offset are still those of the file."""
    folder = tmp_path / "mine"
    folder.mkdir()
    raw = b'\xef\xbb\xbf{"id": "x\xff"}'
    (folder / "bom.json").write_bytes(raw)
    [problem] = casebook.load([folder]).problems
    assert problem.json_path == "line 1, column 10"
    assert f"at byte {raw.index(0xFF)} of the file" in problem.message


# ---------------------------------------------------------------- the builders' casebook still loads alone


def test_make_case_in_a_folder_of_its_own_uses_the_bundled_conditions(tmp_path):
    """A builder case alone in a folder is checked against the bundled conditions (the DVT's rules included)."""
    folder = tmp_path / "mine"
    copy_case(make_case(id="builder-dvt"), folder)
    book = casebook.load([folder])
    assert {p.file for p in book.problems} == {"mine/builder-dvt.json"}  # the bundled DVT asks more of its cases
    assert set(BUNDLED.cases) <= set(book.cases)


def test_schema_copies_in_a_teacher_folder_are_not_read_as_cases(tmp_path, capsys):
    """`casebook schema --out FOLDER` beside the case files adds no case and no problem."""
    folder = tmp_path / "mine"
    shutil.copytree(ONE_CASE, folder)
    assert main(["schema", "--out", str(folder)]) == 0
    book = casebook.load([folder])
    assert [str(p) for p in book.problems] == [] and TEACHER_CASE["id"] in book.cases
