"""`casebook new`, `casebook schema` and `casebook ids`: starting a case, editor schemas, looking ids up (issue 12)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import casebook
from casebook import validation
from casebook.authoring import REWRITE, TODO, schema_files
from casebook.cli import main
from casebook.loading import validate_file

BOOK = casebook.load()
TEACHER = Path(__file__).parent / "data" / "teacher"
SCHEMAS = {kind: path.resolve() for kind, path in schema_files().items()}


def strings(node: Any, path: str = "$") -> list[tuple[str, str]]:
    """(JSON path, string) of every string in a JSON value, in file order (paths as validate writes them)."""
    if isinstance(node, str):
        return [(path, node)]
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    out = []
    for key, value in items:
        out += strings(value, validation.json_path([*_parts(path), key]))
    return out


def _parts(path: str) -> list:
    """The keys and indexes of a simple JSON path written by validation.json_path ('$.a.b[2]')."""
    parts: list = []
    for piece in path[1:].replace("[", ".[").split("."):
        if piece.startswith("["):
            parts.append(int(piece[1:-1]))
        elif piece:
            parts.append(piece)
    return parts


def placeholders(data: dict) -> list[str]:
    """JSON paths of the texts in ``data`` that still begin with TODO (found here, independently of the validator)."""
    return [path for path, text in strings(data) if path != "$.$schema" and text.startswith("TODO")]


def fill(data: dict, rewrite_only: bool = False) -> dict:
    """``data`` with every placeholder replaced: by a made-up numbered text, or (``rewrite_only``) by the text it
    quotes, as a teacher who only deleted the marker would."""
    counter = iter(range(10_000))

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, str) and node.startswith(REWRITE) and rewrite_only:
            return node.removeprefix(REWRITE)
        if isinstance(node, str) and node.startswith(TODO):
            return f"Written by the teacher, text number {next(counter)}."
        return node

    return walk(data)


def new(tmp_path: Path, *args: str, case_id: str = "my-case") -> tuple[int, Path]:
    """Run `casebook new CASE_ID ARGS --out tmp_path/my-cases`; the exit code and the file's path."""
    out = tmp_path / "my-cases"
    return main(["new", case_id, *args, "--out", str(out)]), out / f"{case_id}.json"


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def resolve_schema(path: Path) -> Path:
    """Where an editor (VS Code) finds a file's "$schema": relative to the file's folder."""
    return (path.parent / read(path)["$schema"]).resolve()


# ---------------------------------------------------------------- casebook new


def test_new_writes_a_case_with_every_answer_and_the_diagnosis_rules_in_place(tmp_path, capsys):
    """A new DVT case answers every bank question, states every abnormal item and grades each always-unsafe step
    unsafe, all with placeholders."""
    code, path = new(tmp_path, "--diagnosis", "dvt")
    assert code == 0
    data = read(path)
    dvt = BOOK.conditions["dvt"]
    assert list(data["answers"]) == list(BOOK.bank.questions)
    assert set(dvt.abnormal_examination) <= set(data["examination"])
    assert set(dvt.abnormal_investigations) <= set(data["investigations"])
    unsafe = {s["step"]: s["why"] for s in data["next_steps"]["unsafe"]}
    assert set(unsafe) >= {s.step for s in dvt.unsafe_steps}
    assert all(why.startswith(TODO) for why in unsafe.values())
    assert capsys.readouterr().out.splitlines()[0] == (
        f"Wrote {path}: a case of {dvt.name.en} with {len(placeholders(data))} placeholders to fill."
    )


def test_validate_lists_each_placeholder_with_its_json_path_and_nothing_else(tmp_path):
    """`validate FILE` on a fresh case reports exactly its placeholders, each at its JSON path."""
    _, path = new(tmp_path, "--diagnosis", "gastrocnemius_tear")
    problems = validate_file(path)
    assert [p.json_path for p in problems] == placeholders(read(path))
    assert {p.message.split(":")[0] for p in problems} == {"still a placeholder"}
    assert problems[0].hint.startswith("replace it with your own text: ")


def test_a_placeholder_hint_says_what_belongs_there(tmp_path):
    """The hint for a placeholder answer quotes the schema's description of an answer and offers removing it."""
    _, path = new(tmp_path, "--diagnosis", "gastrocnemius_tear")
    hint = next(p.hint for p in validate_file(path) if p.json_path == "$.answers.q_onset.text")
    description = validation.field_description("case", ["answers", "q_onset", "text"])
    assert hint == (
        f"replace it with your own text: {description[0].lower()}{description[1:]} "
        "Or remove this answer: the student then reads the bank's default answer."
    )


@pytest.mark.parametrize("diagnosis", sorted(BOOK.conditions))
def test_a_new_case_with_every_placeholder_filled_is_valid(diagnosis, tmp_path):
    """For every condition, the case `new` writes passes validate once each placeholder has its text."""
    _, path = new(tmp_path, "--diagnosis", diagnosis)
    path.write_text(json.dumps(fill(read(path)), indent=2), encoding="utf-8")
    warnings: list = []
    assert [str(p) for p in validate_file(path, warnings)] == []
    assert warnings == []


def test_new_from_a_case_of_the_same_diagnosis_keeps_its_texts_to_rewrite(tmp_path):
    """--from a case of the same diagnosis: its texts come marked 'rewrite', its look-alikes and steps are kept."""
    source = BOOK.cases["gastrocnemius-tear-tennis"]
    code, path = new(tmp_path, "--diagnosis", source.diagnosis, "--from", source.id)
    assert code == 0
    data = read(path)
    assert data["presenting_complaint"] == REWRITE + source.presenting_complaint.en
    assert [d["condition"] for d in data["differential"]] == [d.condition for d in source.differential]
    assert [s["step"] for s in data["next_steps"]["correct"]] == [s.step for s in source.correct_steps]


def test_deleting_only_the_rewrite_marker_leaves_copied_text_warnings(tmp_path):
    """A teacher who only deletes 'TODO: rewrite ...' gets a valid case and copied-text warnings naming the source."""
    source = BOOK.cases["gastrocnemius-tear-tennis"]
    _, path = new(tmp_path, "--diagnosis", source.diagnosis, "--from", source.id)
    path.write_text(json.dumps(fill(read(path), rewrite_only=True), indent=2), encoding="utf-8")
    warnings: list = []
    assert [str(p) for p in validate_file(path, warnings)] == []
    assert any(w.json_path == "$.presenting_complaint" and source.file in w.message for w in warnings)


def test_new_from_a_case_of_another_diagnosis_takes_its_story_not_its_answers_key(tmp_path):
    """--from a DVT case for a calf tear: the DVT's complaint to rewrite, the calf tear's look-alikes and rules."""
    source = BOOK.cases["dvt-after-long-flight"]
    _, path = new(tmp_path, "--diagnosis", "gastrocnemius_tear", "--from", source.id)
    data = read(path)
    assert data["presenting_complaint"] == REWRITE + source.presenting_complaint.en
    assert "gastrocnemius_tear" not in [d["condition"] for d in data["differential"]]
    path.write_text(json.dumps(fill(data), indent=2), encoding="utf-8")
    assert [str(p) for p in validate_file(path)] == []


def test_new_for_a_teacher_condition_without_cases_is_valid_once_filled(tmp_path):
    """A condition with no case yet: `new` builds the structure from the condition text alone."""
    folder = tmp_path / "my-cases"
    shutil.copytree(TEACHER / "new-condition" / "conditions", folder / "conditions")
    condition = next((folder / "conditions").glob("*.json")).stem
    code, path = new(tmp_path, "--diagnosis", condition, "--cases", str(folder))
    assert code == 0
    data = read(path)
    assert {d["condition"] for d in data["differential"]} <= set(BOOK.conditions)
    path.write_text(json.dumps(fill(data), indent=2), encoding="utf-8")
    assert [str(p) for p in validate_file(path)] == []


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["Bad Id", "--diagnosis", "dvt"], "casebook new: 'Bad Id' is not a valid case id"),
        (["my-case", "--diagnosis", "dvtt"], "casebook new: unknown condition 'dvtt' (did you mean 'dvt'?)"),
        (["dvt-after-long-flight", "--diagnosis", "dvt"], "casebook new: the id 'dvt-after-long-flight' is already"),
        (["my-case", "--diagnosis", "dvt", "--from", "nope"], "casebook new: no case with id 'nope' to start from"),
    ],
    ids=["bad-id", "unknown-diagnosis", "id-in-use", "unknown-source"],
)
def test_new_refuses_bad_usage_with_a_clear_message(args, says, tmp_path, capsys):
    """A bad id, an unknown condition or source case, or an id in use exits 2 with one line saying which."""
    assert main(["new", *args, "--out", str(tmp_path / "my-cases")]) == 2
    assert capsys.readouterr().err.startswith(says)
    assert not (tmp_path / "my-cases").exists()


def test_new_never_overwrites_without_force(tmp_path, capsys):
    """A second `new` to the same file exits 2 and leaves the file as it was; --force replaces it."""
    _, path = new(tmp_path, "--diagnosis", "dvt")
    path.write_text("{}", encoding="utf-8")
    assert new(tmp_path, "--diagnosis", "dvt")[0] == 2
    assert path.read_text(encoding="utf-8") == "{}"
    assert "already exists (use --force to replace it)" in capsys.readouterr().err
    assert new(tmp_path, "--diagnosis", "dvt", "--force")[0] == 0
    assert read(path)["diagnosis"] == "dvt"


# ---------------------------------------------------------------- "$schema" and casebook schema


def test_schema_reference_of_a_new_case_resolves_to_the_installed_schema(tmp_path):
    """Without copied schemas, "$schema" is a path relative to the file that reaches the installed case schema."""
    _, path = new(tmp_path, "--diagnosis", "dvt")
    ref = read(path)["$schema"]
    assert not ref.startswith("/") and resolve_schema(path) == SCHEMAS["case"]


def test_schema_copies_the_three_schemas_and_new_points_at_the_copy(tmp_path, capsys):
    """`casebook schema --out my-cases/schemas` writes the three schemas; a new case then names the copy."""
    assert main(["schema", "--out", str(tmp_path / "my-cases" / "schemas")]) == 0
    for kind, source in SCHEMAS.items():
        copy = tmp_path / "my-cases" / "schemas" / source.name
        assert copy.read_bytes() == source.read_bytes(), kind
    _, path = new(tmp_path, "--diagnosis", "dvt")
    assert read(path)["$schema"] == "schemas/case.schema.json"
    assert resolve_schema(path) == (tmp_path / "my-cases" / "schemas" / "case.schema.json").resolve()


def test_a_schema_copy_one_folder_up_is_found(tmp_path):
    """Schemas copied beside the cases folder (teaching/schemas for teaching/my-cases) are named relatively."""
    assert main(["schema", "--out", str(tmp_path / "schemas")]) == 0
    _, path = new(tmp_path, "--diagnosis", "dvt")
    assert read(path)["$schema"] == "../schemas/case.schema.json"
    assert resolve_schema(path).is_file()


def test_schema_refuses_a_folder_the_loader_reads_as_cases(tmp_path, capsys):
    """Schemas written into a vignettes/ folder would be read as cases: exit 2 with the reason."""
    assert main(["schema", "--out", str(tmp_path / "vignettes")]) == 2
    assert "write the schemas to a folder of their own" in capsys.readouterr().err
    assert not (tmp_path / "vignettes").exists()


# ---------------------------------------------------------------- casebook ids


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("question", {k: v.text.en for k, v in BOOK.bank.questions.items()}),
        ("exam", {k: v.text.en for k, v in BOOK.bank.examinations.items()}),
        ("investigation", {k: v.text.en for k, v in BOOK.bank.investigations.items()}),
        ("step", {k: v.text.en for k, v in BOOK.bank.next_steps.items()}),
        ("condition", {k: v.name.en for k, v in BOOK.conditions.items()}),
        ("setting", dict(casebook.model.SETTINGS)),
    ],
)
def test_ids_lists_every_id_of_a_kind_with_its_text(kind, expected, capsys):
    """`casebook ids --kind KIND --format json` gives every id of that kind with its text, in the bank's order."""
    assert main(["ids", "--kind", kind, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["text"]) for r in rows] == list(expected.items())


def test_ids_shows_answer_choices_and_urgency(capsys):
    """A question's row lists its answer choices; a next step's row its urgency."""
    assert main(["ids", "--format", "json"]) == 0
    rows = {(r["kind"], r["id"]): r["detail"] for r in json.loads(capsys.readouterr().out)}
    question = next(q for q in BOOK.bank.questions.values() if q.options)
    assert " | ".join(o.id for o in question.options) in rows[("question", question.id)]
    step = next(iter(BOOK.bank.next_steps.values()))
    assert rows[("step", step.id)].startswith(step.urgency)


def test_ids_table_has_a_header_and_a_count(capsys):
    """The table form has the column names, a rule, a row per id and the count."""
    assert main(["ids", "--kind", "step"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["id", "text", "detail"]
    assert lines[-1] == f"{len(BOOK.bank.next_steps)} id(s) of kind step"


def test_ids_includes_a_teacher_condition(capsys):
    """With --cases, a teacher's new condition is listed among the condition ids."""
    folder = TEACHER / "new-condition"
    assert main(["ids", "--kind", "condition", "--format", "json", "--cases", str(folder)]) == 0
    ids = [r["id"] for r in json.loads(capsys.readouterr().out)]
    assert ids == list(BOOK.conditions) + [p.stem for p in (folder / "conditions").glob("*.json")]
