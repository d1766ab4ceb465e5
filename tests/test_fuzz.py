"""Property tests: arbitrary JSON and bytes give a valid result or clear Problems, never an unexpected exception."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from builders import CONDITION_IDS, bank, make_case, make_condition, small_conditions, write_casebook
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import casebook
from casebook.answers import answers_problems, play_answers
from casebook.cli import main
from casebook.loading import read_json, validate_file
from casebook.model import Casebook, Problem

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALID_CASE_IDS = {"dvt-after-flight"}  # the fuzz folder holds one valid case, to keep each example fast
BANK = bank()
ID_POOL = sorted(
    {q["id"] for q in BANK["questions"]}
    | {o["id"] for q in BANK["questions"] for o in q.get("options", [])}
    | {e["id"] for e in BANK["examinations"]}
    | {i["id"] for i in BANK["investigations"]}
    | {s["id"] for s in BANK["next_steps"]}
    | set(CONDITION_IDS)
    | VALID_CASE_IDS
    | {"fuzz", "main_feature", "second_feature"}
)

# Integers stay far below Python's 4,300-digit limit for int(str) and text holds no lone surrogates:
# both have their own tests below.
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(ID_POOL)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8) | st.sampled_from(ID_POOL), inner, max_size=4)
    ),
    max_leaves=12,
)


def paths_of(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key/index path inside a JSON value (its containers' members), for targeted mutations."""
    out = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, value in items:
        out.append((*prefix, key))
        out += paths_of(value, (*prefix, key))
    return out


CASE_PATHS = paths_of(make_case(id="fuzz"))
CONDITION_PATHS = paths_of(make_condition(id="fuzz_condition"))


@st.composite
def mutated(draw: st.DrawFn, base: dict, paths: list[tuple]) -> dict:
    """A valid document with one member replaced by an arbitrary JSON value, or deleted."""
    data = json.loads(json.dumps(base))
    path = draw(st.sampled_from(paths))
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(json_values)
    return data


@st.composite
def spliced_bytes(draw: st.DrawFn) -> bytes:
    """A valid case file's bytes with a random stretch replaced by random bytes (near-miss syntax errors)."""
    raw = (json.dumps(make_case(id="fuzz"), indent=2) + "\n").encode()
    start = draw(st.integers(0, len(raw)))
    end = draw(st.integers(start, min(len(raw), start + 8)))
    return raw[:start] + draw(st.binary(max_size=4)) + raw[end:]


file_contents = st.binary(max_size=300) | spliced_bytes() | json_values.map(lambda v: json.dumps(v).encode())


@pytest.fixture(scope="module")
def cases_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small valid cases folder (four conditions, one case) for every example (each writes only its own file)."""
    return write_casebook(tmp_path_factory.mktemp("fuzz") / "cases", small_conditions(), [make_case()])


@pytest.fixture(scope="module")
def book(cases_dir: Path) -> Casebook:
    """The small casebook, loaded once."""
    return casebook.load(cases_dir)


def check_folder(cases_dir: Path, path: Path) -> Casebook:
    """Load the folder holding ``path`` and check the property: the other files load, ``path`` loads or has problems."""
    loaded = casebook.load(cases_dir)
    assert isinstance(loaded, Casebook)
    assert all(isinstance(p, Problem) and p.message and isinstance(p.json_path, str) for p in loaded.problems)
    assert VALID_CASE_IDS <= set(loaded.cases)
    name = str(path.relative_to(cases_dir.parent))
    doc_id = path.stem
    is_loaded = doc_id in loaded.cases or doc_id in loaded.conditions
    has_problem = any(p.file == name for p in loaded.problems)
    assert is_loaded != has_problem, f"{name}: loaded={is_loaded}, problems={[str(p) for p in loaded.problems]}"
    return loaded


def write(path: Path, content: bytes | Any) -> Path:
    """Write bytes as they are, anything else as JSON."""
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    return path


@contextlib.contextmanager
def placed(path: Path, content: bytes | Any) -> Iterator[Path]:
    """A file in the shared fuzz folder for one example, removed afterwards so the next example starts clean."""
    try:
        yield write(path, content)
    finally:
        path.unlink(missing_ok=True)


@FAST
@given(content=file_contents)
def test_read_json_returns_data_or_problems(cases_dir, content):
    """read_json never raises: it returns parsed data and no problem, or None and problems with a message and hint."""
    data, problems = read_json(write(cases_dir / "scratch.json", content))
    if problems:
        assert data is None
        assert all(p.message and p.hint for p in problems)


@FAST
@given(content=file_contents)
@example(content=b"\xef\xbb\xbf{}")
@example(content=b"[" * 5000)
@example(content=b'{"id": "fuzz", "title": NaN}')
def test_any_bytes_as_a_case_file_load_or_give_problems(cases_dir, content):
    """Any bytes in a case file: the folder still loads, other cases are kept, and the file is loaded or reported."""
    with placed(cases_dir / "vignettes" / "fuzz.json", content) as path:
        check_folder(cases_dir, path)


@FAST
@given(data=mutated(make_case(id="fuzz"), CASE_PATHS))
def test_mutated_case_loads_or_gives_problems(cases_dir, data):
    """A valid case with one field replaced or removed is either still valid or reported, never a crash."""
    with placed(cases_dir / "vignettes" / "fuzz.json", data) as path:
        check_folder(cases_dir, path)


@FAST
@given(data=mutated(make_case(id="fuzz"), CASE_PATHS))
@example(
    data=make_case(
        id="fuzz",
        diagnosis=5,
        key_questions=[None, "q_swelling"],
        next_steps={"correct": [{"step": ["ns_same_day"], "why": "Today."}]},
    )
)
def test_problems_of_a_mutated_case_never_name_an_unreadable_stand_in(cases_dir, data):
    """The cross-reference checks run on files with schema problems, but never report the '' that stands in for an
    id the schema pass could not read (issue 12: all problems in one run, none of them noise)."""
    with placed(cases_dir / "vignettes" / "fuzz.json", data) as path:
        loaded = check_folder(cases_dir, path)
        written = "''" in json.dumps(data).replace('""', "''")  # an empty string the file itself holds may be quoted
        assert written or [str(p) for p in loaded.problems if "''" in p.message] == []


@FAST
@given(data=mutated(make_condition(id="fuzz_condition"), CONDITION_PATHS) | json_values)
def test_mutated_condition_loads_or_gives_problems(cases_dir, data):
    """A condition file with one field changed (or any JSON value) is either valid or reported, never a crash."""
    with placed(cases_dir / "conditions" / "fuzz_condition.json", data) as path:
        check_folder(cases_dir, path)


@settings(FAST, max_examples=25)
@given(content=file_contents | mutated(make_case(id="fuzz"), CASE_PATHS))
def test_validate_file_returns_problems(cases_dir, content):
    """validate_file on any file content returns a list of Problems (empty only when the file is a valid case)."""
    with placed(cases_dir / "vignettes" / "fuzz.json", content) as path:
        problems = validate_file(path)
        assert isinstance(problems, list) and all(isinstance(p, Problem) and p.message for p in problems)
        assert (problems == []) == ("fuzz" in casebook.load(cases_dir).cases)


@st.composite
def plausible_answers(draw: st.DrawFn) -> dict:
    """An answers file built from real and made-up ids: it reaches the session's own checks."""
    ids = st.sampled_from(ID_POOL) | st.text(max_size=6)
    data: dict[str, Any] = {}
    for key, strategy in (
        ("asked", st.lists(ids, max_size=5)),
        ("examined", st.lists(ids, max_size=3)),
        ("investigations", st.lists(ids, max_size=3)),
        ("differential", st.lists(st.sampled_from(CONDITION_IDS) | ids, max_size=4)),
        ("confidence", st.integers(-5, 105) | json_values),
        ("next_step", st.sampled_from([s["id"] for s in BANK["next_steps"]]) | json_values),
    ):
        if draw(st.integers(0, 5)):
            data[key] = draw(strategy)
    return data


@FAST
@given(data=json_values | plausible_answers())
def test_answers_problems_returns_problems_for_any_json(book, data):
    """answers_problems accepts any JSON value and returns Problems, each with a JSON path and a hint."""
    problems = answers_problems(data, book, "answers.json")
    assert all(isinstance(p, Problem) and p.json_path.startswith("$") and p.hint for p in problems)


@FAST
@given(content=file_contents | plausible_answers() | json_values)
def test_play_answers_gives_feedback_or_problems(book, cases_dir, content):
    """play_answers on any answers file gives feedback and no problem, or problems and no feedback; never raises."""
    path = write(cases_dir / "answers.json", content)
    feedback, problems, session = play_answers(book, "dvt-after-flight", path)
    assert (feedback is None) == bool(problems)
    assert (session is None) == bool(problems)
    if feedback is not None:
        assert feedback.as_text()


@settings(max_examples=2, deadline=None)
@given(content=file_contents | plausible_answers())
@example(content=b"\xff\xfe not json")
@example(content={"asked": ["q_swelling"], "differential": ["dvt"], "confidence": 70, "next_step": "ns_same_day"})
def test_play_command_never_prints_a_traceback(tmp_path_factory, content):
    """`python -m casebook play CASE --answers FILE` on random files exits 0, 1 or 2 without a traceback."""
    path = write(tmp_path_factory.mktemp("answers") / "answers.json", content)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [sys.executable, "-m", "casebook", "play", "dvt-after-long-flight", "--answers", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode in (0, 1, 2)


# ---------------------------------------------------------------- inputs that once crashed the loader or the CLI

HUGE_INT = "9" * 5000  # beyond Python's default limit for int(str): json.loads raises ValueError, not JSONDecodeError


def test_a_huge_number_is_a_problem_not_a_crash(cases_dir):
    """A number with 5,000 digits in a case file is reported as a problem of that file."""
    with placed(
        cases_dir / "vignettes" / "fuzz.json", f'{{"id": "fuzz", "schema_version": {HUGE_INT}}}'.encode()
    ) as path:
        check_folder(cases_dir, path)


def test_a_lone_surrogate_escape_prints_no_traceback(cases_dir, capsys):
    """A "\\ud800" escape in a case file is reported by `casebook validate`, and printing it does not crash."""
    with placed(
        cases_dir / "vignettes" / "fuzz.json", b'{"id": "fuzz", "patient": {"age": ["\\ud800"], "sex": "male"}}'
    ):
        env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        result = subprocess.run(
            [sys.executable, "-m", "casebook", "validate", str(cases_dir)],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert "Traceback" not in result.stdout + result.stderr
        assert result.returncode == 1


def test_main_in_process_survives_a_bad_answers_file(cases_dir, capsys):
    """`casebook play` in-process with a non-object answers file exits 1 with the problem on stderr."""
    path = write(cases_dir / "answers.json", [1, 2])
    assert main(["play", "dvt-after-flight", "--answers", str(path), "--cases", str(cases_dir)]) == 1
    assert capsys.readouterr().err.splitlines()[1] == "  $: should be a JSON object, not list"
