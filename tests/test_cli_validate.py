"""`casebook validate | list | conditions`: exit codes, a folder of good and broken files, and the list outputs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from builders import CONDITION_IDS, small_cases, small_conditions, write_casebook

import casebook
from casebook.cli import main

INVALID = Path(__file__).parent / "data" / "invalid"
VALID_CASES = {c["id"]: c for c in small_cases()}

# One broken file per problem of issue 2: fixture, where it goes in the folder, the line printed under the file name.
MIXED = [
    ("broken-comma--syntax-error.json", "vignettes", "  line 7, column 3: invalid JSON: Expecting ',' delimiter"),
    ("no-diagnosis--missing-required-field.json", "vignettes", "  $: missing required field 'diagnosis'"),
    (
        "age-in-words--wrong-type.json",
        "vignettes",
        "  $.patient.age: should be a whole number, not a string ('fifty-two')",
    ),
    ("unknown-diagnosis--unknown-condition-id.json", "vignettes", "  $.diagnosis: unknown condition 'dvtt'"),
    (
        "dvt-after-flight--duplicate-id.json",
        ".",
        "  $.id: the id 'dvt-after-flight' is already used by cases/vignettes/dvt-after-flight.json, which keeps it: "
        "this file is left out",
    ),
]


def run(*args: str) -> subprocess.CompletedProcess:
    """Run `python -m casebook ARGS` in a fresh interpreter, as a teacher would."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "casebook", *args], capture_output=True, text=True, timeout=120, env=env
    )


@pytest.fixture(scope="module")
def mixed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small valid casebook plus five broken files, one problem each (shared by this module's tests, unchanged)."""
    folder = write_casebook(tmp_path_factory.mktemp("mixed") / "cases", small_conditions(), small_cases())
    for fixture, where, _ in MIXED:
        shutil.copyfile(INVALID / fixture, folder / where / (fixture.split("--")[0] + ".json"))
    return folder


@pytest.fixture(scope="module")
def mixed_validate(mixed_dir: Path) -> subprocess.CompletedProcess:
    """`python -m casebook validate` run once on the mixed folder."""
    return run("validate", str(mixed_dir))


def broken_name(fixture: str, where: str) -> str:
    """How the report names a broken file: relative to the folder that holds the cases folder."""
    return str(Path("cases") / where / (fixture.split("--")[0] + ".json")).replace("/./", "/")


def test_mixed_folder_exits_1_and_names_every_broken_file_with_its_problem(mixed_validate):
    """Issue 2: validate exits 1, and each broken file is printed with its problem on the next line."""
    result = mixed_validate
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    for fixture, where, problem_line in MIXED:
        name = broken_name(fixture, where)
        assert name in lines, f"{name} not named"
        assert lines[lines.index(name) + 1] == problem_line
    assert lines[-1] == f"{len(MIXED)} problem(s) in {len(MIXED)} file(s)"


def test_mixed_folder_prints_no_traceback(mixed_validate):
    """Issue 2: a folder of broken files gives messages, never a Python traceback."""
    result = mixed_validate
    assert "Traceback" not in result.stdout
    assert "Traceback" not in result.stderr
    assert result.stderr == ""


def test_mixed_folder_still_loads_every_valid_case(mixed_dir):
    """Issue 2: casebook.load returns every valid case of the folder and one problem per broken file."""
    book = casebook.load(mixed_dir)
    assert set(book.cases) == set(VALID_CASES)
    assert sorted(p.file for p in book.problems) == sorted(broken_name(f, w) for f, w, _ in MIXED)


def test_mixed_folder_summary_counts_the_valid_cases(mixed_dir, mixed_validate):
    """The summary line gives the folder's valid cases and conditions, then the path of each broken file under it."""
    lines = mixed_validate.stdout.splitlines()
    where = next(i for i, line in enumerate(lines) if line.startswith(f"{mixed_dir} (its own question bank): "))
    assert lines[where].startswith(
        f"{mixed_dir} (its own question bank): {len(VALID_CASES)} valid case(s), "
        f"{len(CONDITION_IDS)} valid condition(s), "
    )
    assert lines[where].endswith(f"; {len(MIXED)} file(s) with problems")
    listed = lines[where + 1 : where + 1 + len(MIXED)]
    assert sorted(listed) == sorted(f"  {mixed_dir.parent / broken_name(f, w)}" for f, w, _ in MIXED)


def test_syntax_error_reports_line_and_column(tmp_cases_dir):
    """A missing comma is reported with its line and column and a hint about commas."""
    bad = tmp_cases_dir / "vignettes" / "bad.json"
    bad.write_text('{\n  "id": "bad"\n  "title": "x"\n}\n', encoding="utf-8")
    result = run("validate", str(bad))
    assert result.returncode == 1
    assert "  line 3, column 3: invalid JSON: Expecting ',' delimiter" in result.stdout.splitlines()
    assert (
        "    how to fix: add a comma between items, or close a string or bracket opened earlier"
        in result.stdout.splitlines()
    )


def test_valid_folder_exits_0(tmp_cases_dir):
    """A valid folder exits 0 and says so."""
    result = run("validate", str(tmp_cases_dir))
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "All valid."


def test_valid_single_file_exits_0(tmp_cases_dir):
    """A single valid case file exits 0 and is called valid."""
    path = tmp_cases_dir / "vignettes" / "dvt-after-flight.json"
    assert main(["validate", str(path)]) == 0


def test_missing_path_is_bad_usage(tmp_path):
    """A path that does not exist exits 2 (through `python -m casebook`) with a one-line message on stderr."""
    result = run("validate", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"casebook validate: no such file or folder: {tmp_path / 'nowhere'}"
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args, says",
    [
        (["--no-such-option"], "unrecognized arguments: --no-such-option"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["list", "--format", "xml"], "invalid choice: 'xml'"),
        (["play", "dvt-after-flight"], "the following arguments are required: --answers"),
    ],
    ids=["bad-option", "bad-command", "bad-format", "missing-answers"],
)
def test_bad_usage_exits_2_with_argparse_message(args, says, capsys):
    """Unknown options and commands, a bad --format and a missing required option exit 2 with argparse's message."""
    assert main(args) == 2
    err = capsys.readouterr().err
    assert says in err
    assert err.startswith("usage: casebook")


def test_no_command_prints_help_and_exits_2(capsys):
    """`casebook` alone prints the help (listing the commands) and exits 2."""
    assert main([]) == 2
    assert "validate" in capsys.readouterr().out


def test_list_json_gives_every_case_with_its_fields(tmp_cases_dir, capsys):
    """`list --format json` prints one object per valid case: id, title, diagnosis, difficulty, setting, red flag."""
    assert main(["list", "--format", "json", "--cases", str(tmp_cases_dir)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {
            "id": c["id"],
            "title": c["title"],
            "diagnosis": c["diagnosis"],
            "difficulty": c["difficulty"],
            "setting": c["setting"],
            "red_flag": c["red_flag_case"],
        }
        for c in sorted(VALID_CASES.values(), key=lambda c: c["id"])
    ]


def test_list_table_has_header_rows_and_total(tmp_cases_dir, capsys):
    """`list` prints a table with a header, one row per case (setting spelled out) and a total line."""
    assert main(["list", "--cases", str(tmp_cases_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["id", "title", "diagnosis", "difficulty", "setting", "red_flag"]
    assert set(lines[1]) == {"-", " "}
    row = next(line for line in lines if line.startswith("calf-tear-tennis "))
    assert "A kick in the calf at tennis" in row and "Sports clinic" in row
    assert row.rstrip().endswith("Sports clinic (sports_clinic)")
    assert next(line for line in lines if line.startswith("dvt-after-flight ")).rstrip().endswith("yes")
    assert (
        lines[-1] == f"{len(VALID_CASES)} cases over {len({c['diagnosis'] for c in VALID_CASES.values()})} conditions"
    )


def test_list_with_broken_files_lists_the_valid_cases_and_points_to_validate(mixed_dir, capsys):
    """`list` on a mixed folder shows the valid cases and tells on stderr how many problems kept files out."""
    assert main(["list", "--format", "json", "--cases", str(mixed_dir)]) == 0
    out, err = capsys.readouterr()
    assert [r["id"] for r in json.loads(out)] == sorted(VALID_CASES)
    assert err.strip() == f"({len(MIXED)} problem(s) kept some files out: run 'casebook validate')"


def test_conditions_json_gives_ids_names_and_case_counts(tmp_cases_dir, capsys):
    """`conditions --format json` lists each condition with its name, category and number of cases."""
    assert main(["conditions", "--format", "json", "--cases", str(tmp_cases_dir)]) == 0
    rows = json.loads(capsys.readouterr().out)
    diagnoses = [c["diagnosis"] for c in VALID_CASES.values()]
    assert {r["id"]: (r["name"], r["cases"]) for r in rows} == {
        cid: (f"Condition {cid}", diagnoses.count(cid)) for cid in CONDITION_IDS
    }


def test_conditions_table_has_header_and_total(tmp_cases_dir, capsys):
    """`conditions` prints a table with a header, a row per condition and a total line."""
    assert main(["conditions", "--cases", str(tmp_cases_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["id", "name", "category", "cases"]
    assert sorted(line.split()[0] for line in lines[2:-2]) == sorted(CONDITION_IDS)
    assert lines[-1] == f"{len(CONDITION_IDS)} conditions"


def test_list_on_a_folder_without_usable_bank_exits_1_with_the_problem(tmp_cases_dir, capsys):
    """`list` on a folder whose questions.json is broken prints the bank problem and exits 1."""
    (tmp_cases_dir / "questions.json").write_text("{", encoding="utf-8")
    assert main(["list", "--cases", str(tmp_cases_dir)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[:2] == [
        "cases/questions.json",
        "  line 1, column 2: invalid JSON: Expecting property name enclosed in double quotes",
    ]
