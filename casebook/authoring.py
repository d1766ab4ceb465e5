"""What a teacher writes cases with: `casebook new`, `schema`, `ids`, and the report `casebook validate` prints."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from . import validation
from .console import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, add_cases_option, format_problems, load_or_report, table
from .loading import BANK_FILE, CASES_DIR, CONDITIONS_DIR, load, validate_file
from .model import SETTINGS, Case, Casebook, CaseError, Condition, Problem, Text

CASE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")  # the schemas' Id pattern
ID_KINDS = ("question", "exam", "investigation", "step", "condition", "feature", "setting")
TODO = validation.PLACEHOLDER + ": "
REWRITE = TODO + "rewrite in your own words: "
# ---------------------------------------------------------------- casebook validate


def run_validate(paths: Sequence[str], strict: bool = False) -> int:
    """Check folders and files (none: the bundled cases and $CASEBOOK_CASES); print every problem, the warnings, one
    line per folder with the path of each file that has problems, and a total. Exit 1 on problems (and, with
    ``strict``, on warnings)."""
    for raw in paths:
        if not Path(raw).exists():
            print(f"casebook validate: no such file or folder: {raw}", file=sys.stderr)
            return EXIT_USAGE
    problems: list[Problem] = []
    warnings: list[Problem] = []
    summary: list[str] = []
    folders = [p for p in paths if Path(p).is_dir()]
    # A folder with its own question bank is a casebook of its own; the others are checked together, added to the
    # bundled cases, as the notebooks and commands would use them.
    own = [f for f in folders if (Path(f) / BANK_FILE).is_file()]
    added = [f for f in folders if f not in own]
    runs: list[tuple[Sequence[str] | str | None, str]] = [(f, f) for f in own]
    if added:
        runs.append((added, ", ".join(added)))
    if not paths:
        runs.append((None, "the bundled cases"))
    for selection, label in runs:
        try:
            book = load(selection)
        except CaseError as e:
            problems += e.problems
            summary.append(f"{label}: cannot be loaded")
            continue
        problems += book.problems
        warnings += teacher_warnings(book)
        for folder in book.folders:
            summary.append(folder.summary(len(book.bank.questions)))
            summary += [f"  {path}" for path in folder.problem_files]
    for raw in paths:
        if Path(raw).is_file():
            found = validate_file(Path(raw), warnings)
            problems += found
            summary.append(f"{raw}: {'valid' if not found else f'{len(found)} problem(s)'}")
    if problems:
        print(format_problems(problems))
        print()
    if warnings:
        rule = "counted as problems with --strict" if strict else "the cases still load; --strict fails on them"
        print(f"Warnings ({rule}):")
        print(format_problems(warnings))
        print()
    for line in summary:
        print(line)
    files = len({p.file for p in problems})
    said = f", {len(warnings)} warning(s)" if warnings else ""
    print(f"{len(problems)} problem(s) in {files} file(s){said}" if problems else f"All valid{said}.")
    return EXIT_PROBLEMS if problems or (strict and warnings) else EXIT_OK


def teacher_warnings(book: Casebook) -> list[Problem]:
    """Copied-text warnings for every case not bundled with the casebook (the bundled ones are reviewed apart)."""
    bundled = {c for f in book.folders if f.bundled for c in f.cases}
    return validation.copied_text_warnings(book.cases, book.conditions, [c for c in book.cases if c not in bundled])


# ---------------------------------------------------------------- casebook ids


def id_rows(book: Casebook, kind: str | None = None) -> list[dict[str, str]]:
    """The ids a case file may use, with their text and what else an author needs (choices, urgency, ...)."""
    bank = book.bank
    rows: list[dict[str, str]] = []
    if kind in (None, "question"):
        for q in bank.questions.values():
            detail = f"topic {q.topic}" + (", red flag" if q.red_flag else "")
            if q.options:
                detail += "; choices: " + " | ".join(o.id for o in q.options) + (" (several)" if q.multiple else "")
            rows.append({"kind": "question", "id": q.id, "text": q.text.en, "detail": detail})
    if kind in (None, "exam"):
        for e in bank.examinations.values():
            detail = e.category + (", red flag" if e.red_flag else "")
            rows.append({"kind": "exam", "id": e.id, "text": e.text.en, "detail": detail})
    if kind in (None, "investigation"):
        for i in bank.investigations.values():
            rows.append({"kind": "investigation", "id": i.id, "text": i.text.en, "detail": i.category})
    if kind in (None, "step"):
        for s in bank.next_steps.values():
            rows.append({"kind": "step", "id": s.id, "text": s.text.en, "detail": f"{s.urgency}, {s.category}"})
    if kind in (None, "condition"):
        for c in book.conditions.values():
            features = ", ".join(f.id for f in c.key_features)
            rows.append({"kind": "condition", "id": c.id, "text": c.name.en, "detail": f"key features: {features}"})
    if kind in (None, "feature"):
        for c in book.conditions.values():
            for f in c.key_features:
                rows.append({"kind": "feature", "id": f.id, "text": f.text.en, "detail": f"of {c.id}"})
    if kind in (None, "setting"):
        for sid, name in SETTINGS.items():
            rows.append({"kind": "setting", "id": sid, "text": name, "detail": ""})
    return rows


def _cmd_ids(args: argparse.Namespace) -> int:
    book = load_or_report(args.cases)
    if book is None:
        return EXIT_PROBLEMS
    rows = id_rows(book, args.kind)
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK
    columns = ["id", "text", "detail"] if args.kind else ["kind", "id", "text", "detail"]
    print(table(rows, columns))
    print(f"\n{len(rows)} id(s)" + (f" of kind {args.kind}" if args.kind else ""))
    return EXIT_OK


# ---------------------------------------------------------------- casebook schema


def schema_files() -> dict[str, Path]:
    """{kind: path} of the installed JSON Schemas."""
    folder = Path(str(resources.files("casebook.schemas")))
    return {kind: folder / name for kind, name in validation.SCHEMA_FILES.items()}


def copy_schemas(out: Path) -> list[Path]:
    """Copy the three schemas into ``out`` (created); the written paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for source in schema_files().values():
        shutil.copyfile(source, out / source.name)
        written.append(out / source.name)
    return written


def schema_reference(folder: Path, kind: str = "case") -> str:
    """What a file in ``folder`` puts under "$schema": a path relative to the folder, to a copy made by `casebook
    schema` (in the folder, its schemas/, or either of those one or two levels up), else to the installed schema."""
    name = validation.SCHEMA_FILES[kind]
    folder = folder.resolve()
    for up in (folder, *list(folder.parents)[:2]):
        for candidate in (up / name, up / "schemas" / name):
            if candidate.is_file():
                return Path(os.path.relpath(candidate, folder)).as_posix()
    installed = schema_files()[kind].resolve()
    try:
        return Path(os.path.relpath(installed, folder)).as_posix()
    except ValueError:  # another drive (Windows): a file URI still works, but only on this machine
        return installed.as_uri()


def _cmd_schema(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.name in (CASES_DIR, CONDITIONS_DIR):
        print(
            f"casebook schema: the casebook reads every .json file in a '{out.name}' folder as a {out.name[:-1]}; "
            "write the schemas to a folder of their own, e.g. my-cases/schemas",
            file=sys.stderr,
        )
        return EXIT_USAGE
    written = copy_schemas(out)
    print(f"Wrote {len(written)} schemas to {out}:")
    for path in written:
        print(f"  {path}")
    print(
        'In a case file in FOLDER, set "$schema" to the path of case.schema.json relative to FOLDER '
        "(casebook new does this for you)."
    )
    return EXIT_OK


# ---------------------------------------------------------------- casebook new


def _todo(what: str) -> str:
    return TODO + what


def _rewrite(text: Text | None, what: str) -> str:
    """A placeholder that keeps an existing text as a starting point, or says what to write."""
    return REWRITE + text.en if text is not None and text.en else _todo(what)


def _model_case(book: Casebook, diagnosis: str, source: Case | None) -> Case | None:
    """The case whose structure a new case of ``diagnosis`` starts from: the source case if it has the same
    diagnosis, else the first case of that diagnosis."""
    if source is not None and source.diagnosis == diagnosis:
        return source
    return next((c for c in book.cases.values() if c.diagnosis == diagnosis), None)


def new_case(book: Casebook, case_id: str, diagnosis: str, source: Case | None = None, schema_ref: str = "") -> dict:
    """A case file for a teacher to complete: every text a "TODO: ..." placeholder (starting from ``source``'s texts
    when given), every bank question answered, every abnormal finding of the diagnosis present, its always-unsafe
    steps graded unsafe. Structure (look-alikes, key questions and findings, next steps) comes from a case of the
    same diagnosis when there is one; `casebook validate` lists each placeholder still to fill."""
    cond = book.conditions[diagnosis]
    model = _model_case(book, diagnosis, source)
    same = source if source is not None and source.diagnosis == diagnosis else None
    bank = book.bank
    name = cond.name.en
    data: dict[str, Any] = {"$schema": schema_ref or schema_reference(Path.cwd()), "schema_version": 1, "id": case_id}
    shape = source or model
    data["title"] = _rewrite(source.title if source else None, "a short title that does not give the diagnosis away")
    data["difficulty"] = shape.difficulty if shape else "introductory"
    data["setting"] = shape.setting if shape else "gp"
    patient: dict[str, Any] = {
        "name": _todo("a made-up first name (and check age and sex below)"),
        "age": shape.patient.age if shape else 40,
        "sex": shape.patient.sex if shape else "female",
    }
    for key in ("occupation", "activity"):
        value = getattr(source.patient, key) if source else None
        if value is not None:
            patient[key] = _rewrite(value, f"the patient's {key}")
    data["patient"] = patient
    data["presenting_complaint"] = _rewrite(
        source.presenting_complaint if source else None, "what the patient says first, in their own words"
    )
    defining = {d.question: d.options for d in cond.defining_answers}
    answers: dict[str, dict] = {}
    for q in bank.questions.values():
        given = source.answers.get(q.id) if source else None
        choices = ", ".join(o.id for o in q.options)
        what = f"the patient's answer to “{q.text.en}”" + (f" (choices: {choices})" if choices else "")
        answer: dict[str, Any] = {"text": _rewrite(given.text if given else None, what)}
        options: tuple[str, ...] = ()
        for case in (source, model):
            if case is not None and q.id in case.answers and case.answers[q.id].options:
                options = case.answers[q.id].options
                break
        if q.id in defining and (not options or not set(options) <= set(defining[q.id])):
            options = defining[q.id][:1]
        if options:
            answer["options"] = list(options)
        answers[q.id] = answer
    data["answers"] = answers
    for key, abnormal, table_ in (
        ("examination", cond.abnormal_examination, bank.examinations),
        ("investigations", cond.abnormal_investigations, bank.investigations),
    ):
        stated: dict[str, str] = {}
        own = getattr(source, key) if source else {}
        for item_id in table_:
            if item_id in abnormal:
                what = f"what the student finds in this patient (abnormal in {name})"
                if key == "investigations":
                    what = f"the result in this patient (abnormal in {name})"
                stated[item_id] = _rewrite(own.get(item_id), what)
            elif item_id in own:
                stated[item_id] = _rewrite(own[item_id], "")
        data[key] = stated
    data["diagnosis"] = diagnosis
    data["differential"] = _differential(book, cond, model, same)
    key_questions = list(model.key_questions) if model else _key_questions(book, cond)
    data["key_questions"] = key_questions
    data["red_flag_questions"] = list(model.red_flag_questions) if model else []
    if model:
        findings = [{"feature": k.feature, "elicited_by": list(k.elicited_by)} for k in model.key_findings]
        for finding, k in zip(findings, model.key_findings, strict=True):
            if same is not None and k.text is not None:
                finding["text"] = _rewrite(k.text, "")
    else:
        findings = [{"feature": cond.key_features[0].id, "elicited_by": key_questions[:1]}]
    data["key_findings"] = findings
    data["next_steps"] = _next_steps(book, cond, model, same)
    data["red_flag_case"] = model.red_flag_case if model else False
    data["teaching_points"] = [_todo("a point to take away"), _todo("another point (two to four in all)")]
    data["sources"] = [
        {
            "document": "general",
            "section": _todo("where the facts come from: a source document and its section, or 'general' and the fact"),
        }
    ]
    return data


def _differential(book: Casebook, cond: Condition, model: Case | None, same: Case | None) -> list[dict]:
    why = f"why it fits this patient less well than {cond.name.en}"
    if model is not None:
        return [
            {"condition": d.condition, "why_less_likely": _rewrite(d.why_less_likely if same else None, why)}
            for d in model.differential
        ]
    ids = [t.condition for t in cond.tell_apart if t.condition in book.conditions and t.condition != cond.id][:3]
    ids += [c for c in book.conditions if c != cond.id and c not in ids][: max(0, 2 - len(ids))]
    return [{"condition": c, "why_less_likely": _todo(why)} for c in ids]


def _key_questions(book: Casebook, cond: Condition) -> list[str]:
    ids = list(dict.fromkeys(d.question for d in cond.defining_answers if d.question in book.bank.questions))
    ids += [q for q in book.bank.questions if q not in ids][: max(0, 2 - len(ids))]
    return ids


def _next_steps(book: Casebook, cond: Condition, model: Case | None, same: Case | None) -> dict[str, list[dict]]:
    unsafe_ids = {s.step for s in cond.unsafe_steps}
    graded: dict[str, list[dict]] = {"correct": [], "acceptable": [], "unsafe": [], "not_indicated": []}
    whys = {
        "correct": "why this is the best next step for this patient",
        "acceptable": "why it is reasonable but not the best",
        "unsafe": "why it is unsafe for this patient",
        "not_indicated": "why it is not needed for this patient",
    }
    if model is not None:
        for verdict, steps in model.judged_steps():
            for s in steps:
                if s.step not in unsafe_ids or verdict == "unsafe":
                    graded[verdict].append({"step": s.step, "why": _rewrite(s.why if same else None, whys[verdict])})
    else:
        best = next(s for s in book.bank.next_steps if s not in unsafe_ids)
        graded["correct"].append(
            {"step": best, "why": _todo("choose the best next step (`casebook ids --kind step`) and say why")}
        )
    listed = {s["step"] for s in graded["unsafe"]}
    graded["unsafe"] += [
        {"step": s.step, "why": _todo(f"{whys['unsafe']} (unsafe in every case of {cond.name.en})")}
        for s in cond.unsafe_steps
        if s.step not in listed
    ]
    return {verdict: steps for verdict, steps in graded.items() if steps or verdict == "correct"}


def _cmd_new(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if not CASE_ID.match(args.case_id):
        print(
            f"casebook new: '{args.case_id}' is not a valid case id: use lower-case letters, digits, '_' or '-' "
            "(start with a letter or digit, at most 64 characters)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    folders = list(args.cases or [])
    if out.is_dir() and not any(Path(f).resolve() == out.resolve() for f in folders):
        folders.append(str(out))
    book = load_or_report(folders or None)
    if book is None:
        return EXIT_PROBLEMS
    if args.diagnosis not in book.conditions:
        hint = validation._did_you_mean(args.diagnosis, set(book.conditions), "condition")
        print(f"casebook new: unknown condition '{args.diagnosis}' ({hint})", file=sys.stderr)
        return EXIT_USAGE
    source = None
    if args.source:
        source = book.cases.get(args.source)
        if source is None:
            hint = validation._did_you_mean(args.source, set(book.cases), "case")
            print(f"casebook new: no case with id '{args.source}' to start from ({hint})", file=sys.stderr)
            return EXIT_USAGE
    path = out / f"{args.case_id}.json"
    if args.case_id in book.cases and not (args.force and Path(book.cases[args.case_id].file).name == path.name):
        print(
            f"casebook new: the id '{args.case_id}' is already used by {book.cases[args.case_id].file}; "
            "choose another id",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if path.exists() and not args.force:
        print(f"casebook new: {path} already exists (use --force to replace it)", file=sys.stderr)
        return EXIT_USAGE
    out.mkdir(parents=True, exist_ok=True)
    data = new_case(book, args.case_id, args.diagnosis, source, schema_reference(out))
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    todo = len(validation.placeholder_problems(data, "case", str(path)))
    print(f"Wrote {path}: a case of {book.conditions[args.diagnosis].name.en} with {todo} placeholders to fill.")
    print(f"Replace each 'TODO: ...' text, then run: casebook validate {path}  (it lists the ones left)")
    return EXIT_OK


# ---------------------------------------------------------------- registration


def register_cli(sub) -> None:
    """Add `casebook new`, `casebook schema` and `casebook ids`."""
    p = sub.add_parser(
        "new", help="start a case file for a diagnosis: every answer present, 'TODO:' placeholders to fill"
    )
    p.add_argument("case_id", metavar="CASE_ID", help="the new case's id (also its file name)")
    p.add_argument("--diagnosis", required=True, metavar="CONDITION", help="the condition id of the case's diagnosis")
    p.add_argument(
        "--from",
        dest="source",
        metavar="EXISTING_CASE",
        help="start from this case's texts (each marked to rewrite) and, if it has the same diagnosis, its structure",
    )
    p.add_argument("--out", required=True, metavar="FOLDER", help="the folder to write CASE_ID.json into")
    p.add_argument("--force", action="store_true", help="replace CASE_ID.json when it exists")
    add_cases_option(p)
    p.set_defaults(func=_cmd_new)

    p = sub.add_parser("schema", help="copy the JSON Schemas into a folder, so editors check case files anywhere")
    p.add_argument("--out", required=True, metavar="FOLDER", help="where to write the three .schema.json files")
    p.set_defaults(func=_cmd_schema)

    p = sub.add_parser("ids", help="the ids a case file may use (questions, examinations, next steps, ...) with texts")
    p.add_argument("--kind", choices=ID_KINDS, help="only this kind of id (default: all)")
    p.add_argument("--format", choices=["table", "json"], default="table", help="output format (default: table)")
    add_cases_option(p)
    p.set_defaults(func=_cmd_ids)
