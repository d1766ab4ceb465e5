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
from .console import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    add_cases_option,
    add_lang_option,
    command_translator,
    format_problems,
    load_or_report,
    table,
)
from .i18n import Translator, as_translator
from .loading import BANK_FILE, CASES_DIR, CONDITIONS_DIR, load, validate_file
from .model import SETTINGS, Case, Casebook, CaseError, Condition, Problem, Text

CASE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")  # the schemas' Id pattern
ID_KINDS = ("question", "exam", "investigation", "step", "condition", "feature", "setting")
TODO = validation.PLACEHOLDER + ": "
REWRITE = TODO + "rewrite in your own words: "  # (English; `casebook new --lang` writes the instruction translated)
# ---------------------------------------------------------------- casebook validate


def run_validate(paths: Sequence[str], strict: bool = False, lang: str | Translator | None = "en") -> int:
    """Check folders and files (none: the bundled cases and $CASEBOOK_CASES); print every problem, the warnings, one
    line per folder with the path of each file that has problems, and a total, in ``lang``. Exit 1 on problems (and,
    with ``strict``, on warnings)."""
    t = as_translator(lang)
    for raw in paths:
        if not Path(raw).exists():
            print(t("casebook validate: no such file or folder: {path}").format(path=raw), file=sys.stderr)
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
        runs.append((None, t("the bundled cases")))
    for selection, label in runs:
        try:
            book = load(selection)
        except CaseError as e:
            problems += e.problems
            summary.append(t("{folder}: cannot be loaded").format(folder=label))
            continue
        problems += book.problems
        warnings += teacher_warnings(book)
        for folder in book.folders:
            summary.append(folder.summary(len(book.bank.questions), t))
            summary += [f"  {path}" for path in folder.problem_files]
    for raw in paths:
        if Path(raw).is_file():
            found = validate_file(Path(raw), warnings)
            problems += found
            verdict = (
                t.ngettext("{n} problem(s)", "{n} problem(s)", len(found)).format(n=len(found)) if found else t("valid")
            )
            summary.append(t("{file}: {verdict}").format(file=raw, verdict=verdict))
    if problems:
        print(format_problems(problems, t))
        print()
    if warnings:
        print(
            t("Warnings (counted as problems with --strict):")
            if strict
            else t("Warnings (the cases still load; --strict fails on them):")
        )
        print(format_problems(warnings, t))
        print()
    for line in summary:
        print(line)
    print(_total(t, len(problems), len({p.file for p in problems}), len(warnings)))
    return EXIT_PROBLEMS if problems or (strict and warnings) else EXIT_OK


def _total(t: Translator, problems: int, files: int, warnings: int) -> str:
    """The last line of `casebook validate`: how many problems in how many files (and warnings), or all valid."""
    if not problems:
        if not warnings:
            return t("All valid.")
        return t.ngettext("All valid, {n} warning(s).", "All valid, {n} warning(s).", warnings).format(n=warnings)
    counted = t.ngettext("{n} problem(s)", "{n} problem(s)", problems).format(n=problems)
    in_files = t.ngettext("{n} file(s)", "{n} file(s)", files).format(n=files)
    if not warnings:
        return t("{problems} in {files}").format(problems=counted, files=in_files)
    said = t.ngettext("{n} warning(s)", "{n} warning(s)", warnings).format(n=warnings)
    return t("{problems} in {files}, {warnings}").format(problems=counted, files=in_files, warnings=said)


def teacher_warnings(book: Casebook) -> list[Problem]:
    """Copied-text warnings for every case not bundled with the casebook (the bundled ones are reviewed apart)."""
    bundled = {c for f in book.folders if f.bundled for c in f.cases}
    return validation.copied_text_warnings(book.cases, book.conditions, [c for c in book.cases if c not in bundled])


# ---------------------------------------------------------------- casebook ids


def id_rows(book: Casebook, kind: str | None = None, lang: str | Translator | None = "en") -> list[dict[str, str]]:
    """The ids a case file may use, with their text and what else an author needs (choices, urgency, ...), the
    texts and details in ``lang``."""
    t = as_translator(lang)
    code = t.lang
    bank = book.bank
    rows: list[dict[str, str]] = []
    if kind in (None, "question"):
        for q in bank.questions.values():
            detail = (
                t("topic {topic}, red flag").format(topic=q.topic)
                if q.red_flag
                else t("topic {topic}").format(topic=q.topic)
            )
            if q.options:
                choices = " | ".join(o.id for o in q.options)
                detail += (t("; choices: {choices} (several)") if q.multiple else t("; choices: {choices}")).format(
                    choices=choices
                )
            rows.append({"kind": "question", "id": q.id, "text": q.text.get(code), "detail": detail})
    if kind in (None, "exam"):
        for e in bank.examinations.values():
            detail = t("{category}, red flag").format(category=e.category) if e.red_flag else e.category
            rows.append({"kind": "exam", "id": e.id, "text": e.text.get(code), "detail": detail})
    if kind in (None, "investigation"):
        for i in bank.investigations.values():
            rows.append({"kind": "investigation", "id": i.id, "text": i.text.get(code), "detail": i.category})
    if kind in (None, "step"):
        for s in bank.next_steps.values():
            rows.append({"kind": "step", "id": s.id, "text": s.text.get(code), "detail": f"{s.urgency}, {s.category}"})
    if kind in (None, "condition"):
        for c in book.conditions.values():
            features = ", ".join(f.id for f in c.key_features)
            detail = t("key features: {features}").format(features=features)
            rows.append({"kind": "condition", "id": c.id, "text": c.name.get(code), "detail": detail})
    if kind in (None, "feature"):
        for c in book.conditions.values():
            for f in c.key_features:
                detail = t("of {condition}").format(condition=c.id)
                rows.append({"kind": "feature", "id": f.id, "text": f.text.get(code), "detail": detail})
    if kind in (None, "setting"):
        for sid, name in SETTINGS.items():
            rows.append({"kind": "setting", "id": sid, "text": t(name), "detail": ""})
    return rows


def _cmd_ids(args: argparse.Namespace) -> int:
    t = command_translator(args)
    book = load_or_report(args.cases, t)
    if book is None:
        return EXIT_PROBLEMS
    rows = id_rows(book, args.kind, t)
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK
    columns = ["id", "text", "detail"] if args.kind else ["kind", "id", "text", "detail"]
    print(table(rows, columns))
    n = len(rows)
    print(
        "\n"
        + (
            t.ngettext("{n} id(s) of kind {kind}", "{n} id(s) of kind {kind}", n).format(n=n, kind=args.kind)
            if args.kind
            else t.ngettext("{n} id(s)", "{n} id(s)", n).format(n=n)
        )
    )
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
    t = command_translator(args)
    out = Path(args.out)
    if out.name in (CASES_DIR, CONDITIONS_DIR):
        message = (
            t(
                "casebook schema: the casebook reads every .json file in a '{folder}' folder as a vignette; "
                "write the schemas to a folder of their own, e.g. my-cases/schemas"
            )
            if out.name == CASES_DIR
            else t(
                "casebook schema: the casebook reads every .json file in a '{folder}' folder as a condition; "
                "write the schemas to a folder of their own, e.g. my-cases/schemas"
            )
        )
        print(message.format(folder=out.name), file=sys.stderr)
        return EXIT_USAGE
    written = copy_schemas(out)
    print(
        t.ngettext("Wrote {n} schema to {folder}:", "Wrote {n} schemas to {folder}:", len(written)).format(
            n=len(written), folder=out
        )
    )
    for path in written:
        print(f"  {path}")
    print(
        t(
            'In a case file in FOLDER, set "$schema" to the path of case.schema.json relative to FOLDER '
            "(casebook new does this for you)."
        )
    )
    return EXIT_OK


# ---------------------------------------------------------------- casebook new


def _todo(what: str) -> str:
    return TODO + what


def _rewrite(text: Text | None, what: str, t: Translator | None = None) -> str:
    """A placeholder that keeps an existing (English) text as a starting point, or says what to write."""
    if text is not None and text.en:
        return REWRITE + text.en if t is None or t.lang == "en" else TODO + t("rewrite in your own words: ") + text.en
    return _todo(what)


def _model_case(book: Casebook, diagnosis: str, source: Case | None) -> Case | None:
    """The case whose structure a new case of ``diagnosis`` starts from: the source case if it has the same
    diagnosis, else the first case of that diagnosis."""
    if source is not None and source.diagnosis == diagnosis:
        return source
    return next((c for c in book.cases.values() if c.diagnosis == diagnosis), None)


def new_case(
    book: Casebook,
    case_id: str,
    diagnosis: str,
    source: Case | None = None,
    schema_ref: str = "",
    lang: str | Translator | None = "en",
) -> dict:
    """A case file for a teacher to complete: every text a "TODO: ..." placeholder (starting from ``source``'s texts
    when given), every bank question answered, every abnormal finding of the diagnosis present, its always-unsafe
    steps graded unsafe. Structure (look-alikes, key questions and findings, next steps) comes from a case of the
    same diagnosis when there is one; `casebook validate` lists each placeholder still to fill. The placeholders say
    what to write in ``lang``; the texts kept from ``source`` are its English ones (the file's "en")."""
    t = as_translator(lang)
    cond = book.conditions[diagnosis]
    model = _model_case(book, diagnosis, source)
    same = source if source is not None and source.diagnosis == diagnosis else None
    bank = book.bank
    name = cond.name.get(t.lang)
    data: dict[str, Any] = {"$schema": schema_ref or schema_reference(Path.cwd()), "schema_version": 1, "id": case_id}
    shape = source or model
    data["title"] = _rewrite(
        source.title if source else None, t("a short title that does not give the diagnosis away"), t
    )
    data["difficulty"] = shape.difficulty if shape else "introductory"
    data["setting"] = shape.setting if shape else "gp"
    patient: dict[str, Any] = {
        "name": _todo(t("a made-up first name (and check age and sex below)")),
        "age": shape.patient.age if shape else 40,
        "sex": shape.patient.sex if shape else "female",
    }
    what_of = {"occupation": t("the patient's occupation"), "activity": t("the patient's activity")}
    for key in ("occupation", "activity"):
        value = getattr(source.patient, key) if source else None
        if value is not None:
            patient[key] = _rewrite(value, what_of[key], t)
    data["patient"] = patient
    data["presenting_complaint"] = _rewrite(
        source.presenting_complaint if source else None, t("what the patient says first, in their own words"), t
    )
    defining = {d.question: d.options for d in cond.defining_answers}
    answers: dict[str, dict] = {}
    for q in bank.questions.values():
        given = source.answers.get(q.id) if source else None
        choices = ", ".join(o.id for o in q.options)
        what = (
            t("the patient's answer to “{question}” (choices: {choices})")
            if choices
            else t("the patient's answer to “{question}”")
        ).format(question=q.text.get(t.lang), choices=choices)
        answer: dict[str, Any] = {"text": _rewrite(given.text if given else None, what, t)}
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
                what = t("what the student finds in this patient (abnormal in {condition})")
                if key == "investigations":
                    what = t("the result in this patient (abnormal in {condition})")
                stated[item_id] = _rewrite(own.get(item_id), what.format(condition=name), t)
            elif item_id in own:
                stated[item_id] = _rewrite(own[item_id], "", t)
        data[key] = stated
    data["diagnosis"] = diagnosis
    data["differential"] = _differential(book, cond, model, same, t)
    key_questions = list(model.key_questions) if model else _key_questions(book, cond)
    data["key_questions"] = key_questions
    data["red_flag_questions"] = list(model.red_flag_questions) if model else []
    if model:
        findings = [{"feature": k.feature, "elicited_by": list(k.elicited_by)} for k in model.key_findings]
        for finding, k in zip(findings, model.key_findings, strict=True):
            if same is not None and k.text is not None:
                finding["text"] = _rewrite(k.text, "", t)
    else:
        findings = [{"feature": cond.key_features[0].id, "elicited_by": key_questions[:1]}]
    data["key_findings"] = findings
    data["next_steps"] = _next_steps(book, cond, model, same, t)
    data["red_flag_case"] = model.red_flag_case if model else False
    data["teaching_points"] = [_todo(t("a point to take away")), _todo(t("another point (two to four in all)"))]
    data["sources"] = [
        {
            "document": "general",
            "section": _todo(
                t("where the facts come from: a source document and its section, or 'general' and the fact")
            ),
        }
    ]
    return data


def _differential(book: Casebook, cond: Condition, model: Case | None, same: Case | None, t: Translator) -> list[dict]:
    why = t("why it fits this patient less well than {condition}").format(condition=cond.name.get(t.lang))
    if model is not None:
        return [
            {"condition": d.condition, "why_less_likely": _rewrite(d.why_less_likely if same else None, why, t)}
            for d in model.differential
        ]
    ids = [x.condition for x in cond.tell_apart if x.condition in book.conditions and x.condition != cond.id][:3]
    ids += [c for c in book.conditions if c != cond.id and c not in ids][: max(0, 2 - len(ids))]
    return [{"condition": c, "why_less_likely": _todo(why)} for c in ids]


def _key_questions(book: Casebook, cond: Condition) -> list[str]:
    ids = list(dict.fromkeys(d.question for d in cond.defining_answers if d.question in book.bank.questions))
    ids += [q for q in book.bank.questions if q not in ids][: max(0, 2 - len(ids))]
    return ids


def _next_steps(
    book: Casebook, cond: Condition, model: Case | None, same: Case | None, t: Translator
) -> dict[str, list[dict]]:
    unsafe_ids = {s.step for s in cond.unsafe_steps}
    graded: dict[str, list[dict]] = {"correct": [], "acceptable": [], "unsafe": [], "not_indicated": []}
    whys = {
        "correct": t("why this is the best next step for this patient"),
        "acceptable": t("why it is reasonable but not the best"),
        "unsafe": t("why it is unsafe for this patient"),
        "not_indicated": t("why it is not needed for this patient"),
    }
    if model is not None:
        for verdict, steps in model.judged_steps():
            for s in steps:
                if s.step not in unsafe_ids or verdict == "unsafe":
                    graded[verdict].append({"step": s.step, "why": _rewrite(s.why if same else None, whys[verdict], t)})
    else:
        best = next(s for s in book.bank.next_steps if s not in unsafe_ids)
        graded["correct"].append(
            {"step": best, "why": _todo(t("choose the best next step (`casebook ids --kind step`) and say why"))}
        )
    listed = {s["step"] for s in graded["unsafe"]}
    always = t("why it is unsafe for this patient (unsafe in every case of {condition})").format(
        condition=cond.name.get(t.lang)
    )
    graded["unsafe"] += [{"step": s.step, "why": _todo(always)} for s in cond.unsafe_steps if s.step not in listed]
    return {verdict: steps for verdict, steps in graded.items() if steps or verdict == "correct"}


def _cmd_new(args: argparse.Namespace) -> int:
    t = command_translator(args)
    out = Path(args.out)
    if not CASE_ID.match(args.case_id):
        print(
            t(
                "casebook new: '{id}' is not a valid case id: use lower-case letters, digits, '_' or '-' "
                "(start with a letter or digit, at most 64 characters)"
            ).format(id=args.case_id),
            file=sys.stderr,
        )
        return EXIT_USAGE
    folders = list(args.cases or [])
    if out.is_dir() and not any(Path(f).resolve() == out.resolve() for f in folders):
        folders.append(str(out))
    book = load_or_report(folders or None, t)
    if book is None:
        return EXIT_PROBLEMS
    if args.diagnosis not in book.conditions:
        hint = t(validation._did_you_mean(args.diagnosis, set(book.conditions), "condition"))
        print(
            t("casebook new: unknown condition '{id}' ({hint})").format(id=args.diagnosis, hint=hint), file=sys.stderr
        )
        return EXIT_USAGE
    source = None
    if args.source:
        source = book.cases.get(args.source)
        if source is None:
            hint = t(validation._did_you_mean(args.source, set(book.cases), "case"))
            print(
                t("casebook new: no case with id '{id}' to start from ({hint})").format(id=args.source, hint=hint),
                file=sys.stderr,
            )
            return EXIT_USAGE
    path = out / f"{args.case_id}.json"
    if args.case_id in book.cases and not (args.force and Path(book.cases[args.case_id].file).name == path.name):
        print(
            t("casebook new: the id '{id}' is already used by {file}; choose another id").format(
                id=args.case_id, file=book.cases[args.case_id].file
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    if path.exists() and not args.force:
        print(t("casebook new: {file} already exists (use --force to replace it)").format(file=path), file=sys.stderr)
        return EXIT_USAGE
    out.mkdir(parents=True, exist_ok=True)
    data = new_case(book, args.case_id, args.diagnosis, source, schema_reference(out), t)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    todo = len(validation.placeholder_problems(data, "case", str(path)))
    condition = book.conditions[args.diagnosis].name.get(t.lang)
    print(
        t.ngettext(
            "Wrote {file}: a case of {condition} with {n} placeholder to fill.",
            "Wrote {file}: a case of {condition} with {n} placeholders to fill.",
            todo,
        ).format(file=path, condition=condition, n=todo)
    )
    print(
        t("Replace each 'TODO: ...' text, then run: casebook validate {file}  (it lists the ones left)").format(
            file=path
        )
    )
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
    add_lang_option(p, "language of the messages and of what each placeholder asks for")
    add_cases_option(p)
    p.set_defaults(func=_cmd_new)

    p = sub.add_parser("schema", help="copy the JSON Schemas into a folder, so editors check case files anywhere")
    p.add_argument("--out", required=True, metavar="FOLDER", help="where to write the three .schema.json files")
    add_lang_option(p)
    p.set_defaults(func=_cmd_schema)

    p = sub.add_parser("ids", help="the ids a case file may use (questions, examinations, next steps, ...) with texts")
    p.add_argument("--kind", choices=ID_KINDS, help="only this kind of id (default: all)")
    p.add_argument("--format", choices=["table", "json"], default="table", help="output format (default: table)")
    add_lang_option(p, "language of the texts and details")
    add_cases_option(p)
    p.set_defaults(func=_cmd_ids)
