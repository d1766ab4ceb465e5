"""Reads a cases folder into a Casebook; the only module that touches raw JSON dicts."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import validation
from .model import (
    Answer,
    Case,
    Casebook,
    CaseError,
    Condition,
    DefiningAnswer,
    Differential,
    ExamItem,
    Investigation,
    JudgedStep,
    KeyFeature,
    KeyFinding,
    NextStep,
    Option,
    Patient,
    Problem,
    Question,
    QuestionBank,
    Source,
    TellApart,
    Text,
    Topic,
    WordLists,
)

BANK_FILE = "questions.json"
CONDITIONS_DIR = "conditions"
CASES_DIR = "vignettes"


def bundled_cases_dir() -> Path:
    """The cases folder shipped with the project (``CASEBOOK_CASES`` overrides it)."""
    env = os.environ.get("CASEBOOK_CASES")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "cases"


# ---------------------------------------------------------------- reading files


def read_json(path: Path, root: Path | None = None) -> tuple[Any, list[Problem]]:
    """Parse one file; a problem with line and column instead of an exception on bad content."""
    name = display_name(path, root)
    try:
        raw = path.read_bytes()
    except OSError as e:
        return None, [
            Problem(name, "", f"cannot read the file ({e.strerror or e})", "check that the file exists and is readable")
        ]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return None, [
            Problem(name, "", f"the file is not UTF-8 text (bad byte at position {e.start})", "save the file as UTF-8")
        ]
    if not text.strip():
        return None, [Problem(name, "", "the file is empty", "write a JSON object, or delete the file")]
    try:
        data = json.loads(text)
        half_character = "\\u" in text and _has_lone_surrogate(data)
    except json.JSONDecodeError as e:
        return None, [Problem(name, f"line {e.lineno}, column {e.colno}", f"invalid JSON: {e.msg}", _json_hint(e))]
    except RecursionError:
        return None, [Problem(name, "", "invalid JSON: nested too deeply", "flatten the structure")]
    except ValueError:  # a number of more than 4,300 digits (Python's limit for int(str))
        return None, [
            Problem(
                name,
                "",
                "invalid JSON: a number is too long (more than 4,300 digits)",
                "shorten the number, or write it as a string",
            )
        ]
    if half_character:  # json.loads accepts "\\ud800", but such a string cannot be printed or saved as UTF-8
        m = _LONE_SURROGATE.search(text)
        where = (
            f"line {text.count(chr(10), 0, m.start()) + 1}, column {m.start() - text.rfind(chr(10), 0, m.start())}"
            if m
            else ""
        )
        escape = m.group(0) if m else "a \\u escape"
        return None, [
            Problem(
                name,
                where,
                f"invalid JSON: {escape} is half of a character (a lone surrogate)",
                "write the character itself, or give both halves of the pair",
            )
        ]
    return data, []


_LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def _json_hint(e: json.JSONDecodeError) -> str:
    if "Expecting property name" in e.msg:
        return "remove a trailing comma before '}' or quote the field name with double quotes"
    if "Expecting ',' delimiter" in e.msg:
        return "add a comma between items, or close a string or bracket opened earlier"
    if "Expecting value" in e.msg:
        return "a value is missing or there is a trailing comma before ']'"
    if "Invalid control character" in e.msg:
        return "a string runs over a line break: write \\n instead, or close the quote"
    return "check brackets, quotes and commas near that place (a JSON editor shows it)"


def display_name(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.relative_to(root.parent))
        except ValueError:
            pass
    return str(path)


# ---------------------------------------------------------------- dict -> model


def text(value: Any) -> Text:
    if isinstance(value, str):
        return Text(value)
    return Text(value["en"], tuple((k, v) for k, v in value.items() if k != "en"))


def _texts(values: Iterable[Any]) -> tuple[Text, ...]:
    return tuple(text(v) for v in values)


def _opt_text(value: Any) -> Text | None:
    return None if value is None else text(value)


def _sources(values: Iterable[dict]) -> tuple[Source, ...]:
    return tuple(Source(s["document"], s.get("section", ""), s.get("note", "")) for s in values)


def _word_lists(value: Any) -> WordLists:
    """{language: [words]} -> a read-only {language: (words, ...)}; absent -> empty."""
    return MappingProxyType({lang: tuple(words) for lang, words in (value or {}).items()})


def _judged(values: Iterable[dict]) -> tuple[JudgedStep, ...]:
    return tuple(JudgedStep(s["step"], text(s["why"])) for s in values)


def build_bank(d: dict) -> QuestionBank:
    questions = {
        q["id"]: Question(
            id=q["id"],
            topic=q["topic"],
            text=text(q["text"]),
            red_flag=q["red_flag"],
            default_answer=text(q["default_answer"]),
            options=tuple(Option(o["id"], text(o["text"]), o.get("guide_option", "")) for o in q.get("options", [])),
            multiple=q.get("multiple", False),
            hint=_opt_text(q.get("hint")),
            sources=_sources(q["sources"]),
            giveaway_words=_word_lists(q.get("giveaway_words")),
            phrasings=_word_lists(q.get("phrasings")),
            keywords=_word_lists(q.get("keywords")),
        )
        for q in d["questions"]
    }
    return QuestionBank(
        topics=tuple(Topic(t["id"], text(t["title"])) for t in d["topics"]),
        questions=MappingProxyType(questions),
        examinations=MappingProxyType(
            {
                e["id"]: ExamItem(
                    e["id"],
                    e["category"],
                    text(e["text"]),
                    text(e["default_finding"]),
                    e.get("red_flag", False),
                    _sources(e["sources"]),
                )
                for e in d["examinations"]
            }
        ),
        investigations=MappingProxyType(
            {
                i["id"]: Investigation(
                    i["id"], i["category"], text(i["text"]), text(i["default_result"]), _sources(i["sources"])
                )
                for i in d["investigations"]
            }
        ),
        next_steps=MappingProxyType(
            {
                s["id"]: NextStep(s["id"], s["category"], text(s["text"]), s["urgency"], _sources(s["sources"]))
                for s in d["next_steps"]
            }
        ),
    )


def build_condition(d: dict) -> Condition:
    return Condition(
        id=d["id"],
        name=text(d["name"]),
        category=d["category"],
        regions=tuple(d["regions"]),
        summary=text(d["summary"]),
        who_and_triggers=_texts(d["who_and_triggers"]),
        key_features=tuple(KeyFeature(f["id"], text(f["text"])) for f in d["key_features"]),
        exam_findings=_texts(d["exam_findings"]),
        investigations=_texts(d["investigations"]),
        management=_texts(d["management"]),
        red_flags=_texts(d["red_flags"]),
        tell_apart=tuple(TellApart(t["condition"], text(t["text"])) for t in d["tell_apart"]),
        sources=_sources(d["sources"]),
        aliases=_texts(d.get("aliases", [])),
        defining_answers=tuple(
            DefiningAnswer(a["question"], tuple(a["options"]), text(a["why"])) for a in d.get("defining_answers", [])
        ),
        abnormal_examination=tuple(d.get("abnormal_findings", {}).get("examination", [])),
        abnormal_investigations=tuple(d.get("abnormal_findings", {}).get("investigations", [])),
        unsafe_steps=_judged(d.get("unsafe_steps", [])),
    )


def build_case(d: dict, file: str = "") -> Case:
    p = d["patient"]
    steps = d["next_steps"]
    return Case(
        id=d["id"],
        title=text(d["title"]),
        difficulty=d["difficulty"],
        setting=d["setting"],
        patient=Patient(
            p["age"], p["sex"], p.get("name", ""), _opt_text(p.get("occupation")), _opt_text(p.get("activity"))
        ),
        presenting_complaint=text(d["presenting_complaint"]),
        answers=MappingProxyType(
            {k: Answer(text(a["text"]), tuple(a.get("options", []))) for k, a in d["answers"].items()}
        ),
        diagnosis=d["diagnosis"],
        differential=tuple(Differential(x["condition"], text(x["why_less_likely"])) for x in d["differential"]),
        key_questions=tuple(d["key_questions"]),
        key_findings=tuple(
            KeyFinding(k["feature"], tuple(k["elicited_by"]), _opt_text(k.get("text"))) for k in d["key_findings"]
        ),
        correct_steps=_judged(steps["correct"]),
        acceptable_steps=_judged(steps.get("acceptable", [])),
        unsafe_steps=_judged(steps.get("unsafe", [])),
        not_indicated_steps=_judged(steps.get("not_indicated", [])),
        teaching_points=_texts(d["teaching_points"]),
        sources=_sources(d["sources"]),
        examination=MappingProxyType({k: text(v) for k, v in d.get("examination", {}).items()}),
        investigations=MappingProxyType({k: text(v) for k, v in d.get("investigations", {}).items()}),
        red_flag_questions=tuple(d.get("red_flag_questions", [])),
        red_flag_case=d.get("red_flag_case", False),
        lookalike_cases=tuple(d.get("lookalike_cases", [])),
        file=file,
    )


# ---------------------------------------------------------------- folders


def _load_documents(paths: list[Path], kind: str, root: Path, problems: list[Problem]) -> dict[str, tuple[dict, str]]:
    """Parse and schema-check files of one kind; {id: (data, display name)} of those that pass, ids unique."""
    good: dict[str, tuple[dict, str]] = {}
    for path in paths:
        name = display_name(path, root)
        data, errs = read_json(path, root)
        if errs:
            problems.extend(errs)
            continue
        errs = validation.schema_problems(data, kind, name)
        if errs:
            problems.extend(errs)
            continue
        doc_id = data["id"]
        if doc_id != path.stem:
            problems.append(
                Problem(
                    name,
                    "$.id",
                    f"the id '{doc_id}' does not match the file name '{path.name}'",
                    f'rename the file to \'{doc_id}.json\' or set "id": "{path.stem}"',
                )
            )
            continue
        if doc_id in good:
            problems.append(
                Problem(
                    name,
                    "$.id",
                    f"the id '{doc_id}' is already used by {good[doc_id][1]}",
                    "give each " + validation.KIND_NAMES[kind] + " a unique id",
                )
            )
            continue
        good[doc_id] = (data, name)
    return good


def load_bank(path: Path, root: Path) -> tuple[QuestionBank | None, list[Problem]]:
    name = display_name(path, root)
    data, problems = read_json(path, root)
    if problems:
        return None, problems
    problems = validation.schema_problems(data, "bank", name)
    if problems:
        return None, problems
    seen: dict[str, str] = {}
    for section in ("questions", "examinations", "investigations", "next_steps"):
        for i, item in enumerate(data[section]):
            if item["id"] in seen:
                problems.append(
                    Problem(
                        name,
                        f"$.{section}[{i}].id",
                        f"the id '{item['id']}' is already used in {seen[item['id']]}",
                        "give every question, examination, investigation and next step its own id",
                    )
                )
            seen.setdefault(item["id"], section)
    bank = build_bank(data)
    problems += validation.bank_problems(bank, name)
    return (None if problems else bank), problems


def case_files(folder: Path) -> list[Path]:
    """Case files of a folder: vignettes/*.json, plus *.json at the top other than the bank."""
    files = sorted((folder / CASES_DIR).glob("*.json")) + sorted(
        p for p in folder.glob("*.json") if p.name != BANK_FILE
    )
    return files


def load(path: str | os.PathLike | None = None) -> Casebook:
    """Load a cases folder (the bundled one by default): the valid bank, conditions and cases, plus every problem found.

    A folder without its own ``questions.json`` or ``conditions/`` uses the bundled ones, so a
    teacher's folder may hold only case files. A broken file never stops the valid ones loading.
    """
    root = Path(path) if path is not None else bundled_cases_dir()
    bundled = bundled_cases_dir()
    if not root.is_dir():
        raise CaseError(
            [
                Problem(
                    str(root),
                    "",
                    "is not a folder",
                    "give the path of a cases folder (it holds questions.json, conditions/ and vignettes/)",
                )
            ]
        )
    problems: list[Problem] = []

    bank_path = root / BANK_FILE if (root / BANK_FILE).exists() else bundled / BANK_FILE
    bank, errs = load_bank(bank_path, root if bank_path.parent == root else bundled)
    problems += errs
    if bank is None:
        raise CaseError(
            problems
            or [Problem(str(bank_path), "", "the question bank could not be loaded", "fix the question bank first")]
        )

    cond_dir = root / CONDITIONS_DIR if (root / CONDITIONS_DIR).is_dir() else bundled / CONDITIONS_DIR
    cond_root = root if cond_dir.parent == root else bundled
    cond_docs = _load_documents(sorted(cond_dir.glob("*.json")), "condition", cond_root, problems)
    known_conditions = set(cond_docs)
    conditions: dict[str, Condition] = {}
    for cid, (data, name) in cond_docs.items():
        cond = build_condition(data)
        errs = validation.condition_problems(cond, known_conditions, bank, name)
        problems += errs
        if not errs:
            conditions[cid] = cond

    case_docs = _load_documents(case_files(root), "case", root, problems)
    cases: dict[str, Case] = {}
    files: dict[str, str] = {}
    for case_id, (data, name) in case_docs.items():
        case = build_case(data, name)
        errs = validation.case_problems(case, conditions, known_conditions, bank, name)
        problems += errs
        if not errs:
            cases[case_id] = case
            files[case_id] = name
    errs = validation.lookalike_problems(cases, files)
    problems += errs
    for bad in {files_id for files_id, f in files.items() if any(e.file == f for e in errs)}:
        del cases[bad]
    return Casebook(
        str(root), bank, MappingProxyType(conditions), MappingProxyType(dict(sorted(cases.items()))), tuple(problems)
    )


def kind_of(path: Path, data: Any) -> str:
    """'bank', 'condition' or 'case' for a file, from its "$schema" or where it lives."""
    ref = data.get("$schema", "") if isinstance(data, dict) else ""
    for kind, schema_file in validation.SCHEMA_FILES.items():
        if isinstance(ref, str) and ref.endswith(schema_file):
            return kind
    if path.name == BANK_FILE:
        return "bank"
    if path.parent.name == CONDITIONS_DIR:
        return "condition"
    return "case"


def validate_file(path: Path) -> list[Problem]:
    """Problems of one file, checked against its own cases folder (or the bundled one)."""
    path = Path(path)
    folder = path.parent.parent if path.parent.name in (CASES_DIR, CONDITIONS_DIR) else path.parent
    looks_like_folder = (
        (folder / BANK_FILE).exists() or (folder / CONDITIONS_DIR).is_dir() or (folder / CASES_DIR).is_dir()
    )
    data, problems = read_json(path, folder if looks_like_folder else None)
    if problems:
        return problems
    kind = kind_of(path, data)
    if kind == "bank":
        return load_bank(path, path.parent)[1]
    if looks_like_folder:
        book = load(folder)
        name = display_name(path, folder)
        return [p for p in book.problems if p.file == name]
    problems = validation.schema_problems(data, kind, str(path))
    if problems:
        return problems
    book = load()
    if data["id"] != path.stem:
        problems.append(
            Problem(
                str(path),
                "$.id",
                f"the id '{data['id']}' does not match the file name '{path.name}'",
                f'rename the file to \'{data["id"]}.json\' or set "id": "{path.stem}"',
            )
        )
    if kind == "condition":
        return problems + validation.condition_problems(
            build_condition(data), set(book.conditions) | {data["id"]}, book.bank, str(path)
        )
    return problems + validation.case_problems(
        build_case(data, str(path)), book.conditions, set(book.conditions), book.bank, str(path)
    )
