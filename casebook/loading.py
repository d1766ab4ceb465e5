"""Reads a cases folder into a Casebook; the only module that touches raw JSON dicts."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import validation
from .i18n import M_, N_, Message
from .model import (
    Answer,
    Case,
    Casebook,
    CaseError,
    CasesFolder,
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
SCHEMA_SUFFIX = ".schema.json"  # copies of the schemas (`casebook schema --out`) are never read as cases
ENV_VAR = "CASEBOOK_CASES"
UTF8_BOM = b"\xef\xbb\xbf"
# Python's own words for a JSON syntax error (json.JSONDecodeError.msg), so they can be shown translated.
JSON_ERRORS = frozenset(
    {
        N_("Expecting value"),
        N_("Expecting property name enclosed in double quotes"),
        N_("Expecting ':' delimiter"),
        N_("Expecting ',' delimiter"),
        N_("Unterminated string starting at"),
        N_("Invalid control character at"),
        N_("Invalid \\escape"),
        N_("Invalid \\uXXXX escape"),
        N_("Extra data"),
        N_("Illegal trailing comma before end of object"),
        N_("Illegal trailing comma before end of array"),
    }
)


def bundled_cases_dir() -> Path:
    """The cases folder shipped with the project (a teacher's folders are added to it, see ``load``)."""
    return Path(__file__).resolve().parent.parent / "cases"


def teacher_folders(value: str | None = None) -> list[Path]:
    """The folders named by ``CASEBOOK_CASES`` (or by ``value``): one or more paths separated by ``os.pathsep``."""
    raw = os.environ.get(ENV_VAR, "") if value is None else value
    return [Path(part.strip()).expanduser() for part in raw.split(os.pathsep) if part.strip()]


# ---------------------------------------------------------------- reading files


def read_json(path: Path, root: Path | None = None) -> tuple[Any, list[Problem]]:
    """Parse one file; a problem with line and column instead of an exception on bad content."""
    name = display_name(path, root)
    try:
        raw = path.read_bytes()
    except OSError as e:
        return None, [
            Problem(
                name,
                "",
                M_("cannot read the file ({reason})", reason=e.strerror or str(e)),
                M_("check that the file exists and is readable"),
            )
        ]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return None, [_not_utf8(name, raw, e.start + (len(UTF8_BOM) if raw.startswith(UTF8_BOM) else 0))]
    if not text.strip():
        return None, [Problem(name, "", M_("the file is empty"), M_("write a JSON object, or delete the file"))]
    try:
        data = json.loads(text)
        half_character = "\\u" in text and _has_lone_surrogate(data)
    except json.JSONDecodeError as e:
        detail = Message(e.msg) if e.msg in JSON_ERRORS else e.msg
        return None, [
            Problem(name, _line_column(e.lineno, e.colno), M_("invalid JSON: {detail}", detail=detail), _json_hint(e))
        ]
    except RecursionError:
        return None, [Problem(name, "", M_("invalid JSON: nested too deeply"), M_("flatten the structure"))]
    except ValueError:  # a number of more than 4,300 digits (Python's limit for int(str))
        return None, [
            Problem(
                name,
                "",
                M_("invalid JSON: a number is too long (more than 4,300 digits)"),
                M_("shorten the number, or write it as a string"),
            )
        ]
    if half_character:  # json.loads accepts "\\ud800", but such a string cannot be printed or saved as UTF-8
        m = _LONE_SURROGATE.search(text)
        where = (
            _line_column(text.count(chr(10), 0, m.start()) + 1, m.start() - text.rfind(chr(10), 0, m.start()))
            if m
            else ""
        )
        escape = m.group(0) if m else M_("a \\u escape")
        return None, [
            Problem(
                name,
                where,
                M_("invalid JSON: {escape} is half of a character (a lone surrogate)", escape=escape),
                M_("write the character itself, or give both halves of the pair"),
            )
        ]
    return data, []


def _line_column(line: int, column: int) -> Message:
    """Where in a file, as an editor counts: 'line 3, column 7' (in place of a JSON path)."""
    return M_("line {line}, column {column}", line=line, column=column)


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


def _not_utf8(name: str, raw: bytes, offset: int) -> Problem:
    """The first byte that is not UTF-8, by line and column (as an editor counts them) and by byte offset."""
    line = raw.count(b"\n", 0, offset) + 1
    line_start = raw.rfind(b"\n", 0, offset) + 1
    if line_start == 0 and raw.startswith(UTF8_BOM):
        line_start = len(UTF8_BOM)  # an editor shows no column for the byte order mark
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    byte = raw[offset]
    legacy = bytes([byte]).decode("cp1252", errors="replace")
    values = {"byte": f"0x{byte:02X}", "offset": offset}
    message = (
        M_(
            "the file is not UTF-8 text: byte {byte} at byte {offset} of the file is not a UTF-8 character "
            "(in Latin-1 or Windows-1252 it is {legacy})",
            legacy=repr(legacy),
            **values,
        )
        if legacy.isprintable() and legacy != "\ufffd"
        else M_(
            "the file is not UTF-8 text: byte {byte} at byte {offset} of the file is not a UTF-8 character", **values
        )
    )
    return Problem(
        name,
        _line_column(line, column),
        message,
        M_(
            "save the file as UTF-8 (in VS Code: click the encoding in the status bar, "
            "then 'Save with Encoding', 'UTF-8')"
        ),
    )


def _json_hint(e: json.JSONDecodeError) -> Message:
    if "Expecting property name" in e.msg:
        return M_("remove a trailing comma before '}' or quote the field name with double quotes")
    if "Expecting ',' delimiter" in e.msg:
        return M_("add a comma between items, or close a string or bracket opened earlier")
    if "Expecting value" in e.msg:
        return M_("a value is missing or there is a trailing comma before ']'")
    if "Invalid control character" in e.msg:
        return M_("a string runs over a line break: write \\n instead, or close the quote")
    return M_("check brackets, quotes and commas near that place (a JSON editor shows it)")


def display_name(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.relative_to(root.parent))
        except ValueError:
            pass
    return str(path)


# ---------------------------------------------------------------- dict -> model
#
# The builders read whatever parts of a file can be read: a missing or wrongly typed field becomes "" (ids and text)
# or () (lists), and a list keeps every position, so the cross-reference checks still run on a file with schema
# problems and report their JSON paths correctly. A file with any problem is never loaded, so these stand-ins never
# reach a student.


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _l(value: Any) -> list:
    return value if isinstance(value, list) else []


def _d(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _ids(value: Any) -> tuple[str, ...]:
    return tuple(_s(v) for v in _l(value))


NOT_A_LANGUAGE = frozenset({"en", "en_hash"})  # keys of a LocalText that are no translation (en_hash: freshness stamp)


def text(value: Any) -> Text:
    """A Text from a LocalText value (a string, or {"en": ..., "nb": ...}); unreadable text becomes ''.

    The translators' freshness stamp ``en_hash`` (tools/i18n_strings.py) is not a language and is left out.
    """
    if isinstance(value, str):
        return Text(value)
    if isinstance(value, dict):
        return Text(
            _s(value.get("en")),
            tuple((k, v) for k, v in value.items() if k not in NOT_A_LANGUAGE and isinstance(v, str)),
        )
    return Text("")


def _texts(values: Any) -> tuple[Text, ...]:
    return tuple(text(v) for v in _l(values))


def _opt_text(value: Any) -> Text | None:
    return None if value is None else text(value)


def _sources(values: Any) -> tuple[Source, ...]:
    return tuple(Source(_s(s.get("document")), _s(s.get("section")), _s(s.get("note"))) for s in map(_d, _l(values)))


def _word_lists(value: Any) -> WordLists:
    """{language: [words]} -> a read-only {language: (words, ...)}; absent -> empty."""
    return MappingProxyType({lang: tuple(words) for lang, words in (value or {}).items()})


def _judged(values: Any) -> tuple[JudgedStep, ...]:
    return tuple(JudgedStep(_s(s.get("step")), text(s.get("why"))) for s in map(_d, _l(values)))


def build_bank(d: dict) -> QuestionBank:
    """The question bank from a schema-valid dict."""
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


def build_condition(data: Any) -> Condition:
    """A Condition from a condition file's dict (readable parts only; see the note above)."""
    d = _d(data)
    abnormal = _d(d.get("abnormal_findings"))
    return Condition(
        id=_s(d.get("id")),
        name=text(d.get("name")),
        category=_s(d.get("category")),
        regions=_ids(d.get("regions")),
        summary=text(d.get("summary")),
        who_and_triggers=_texts(d.get("who_and_triggers")),
        key_features=tuple(
            KeyFeature(_s(f.get("id")), text(f.get("text"))) for f in map(_d, _l(d.get("key_features")))
        ),
        exam_findings=_texts(d.get("exam_findings")),
        investigations=_texts(d.get("investigations")),
        management=_texts(d.get("management")),
        red_flags=_texts(d.get("red_flags")),
        tell_apart=tuple(
            TellApart(_s(t.get("condition")), text(t.get("text"))) for t in map(_d, _l(d.get("tell_apart")))
        ),
        sources=_sources(d.get("sources")),
        aliases=_texts(d.get("aliases")),
        defining_answers=tuple(
            DefiningAnswer(_s(a.get("question")), _ids(a.get("options")), text(a.get("why")))
            for a in map(_d, _l(d.get("defining_answers")))
        ),
        abnormal_examination=_ids(abnormal.get("examination")),
        abnormal_investigations=_ids(abnormal.get("investigations")),
        unsafe_steps=_judged(d.get("unsafe_steps")),
    )


def build_case(data: Any, file: str = "") -> Case:
    """A Case from a case file's dict (readable parts only; see the note above)."""
    d = _d(data)
    p = _d(d.get("patient"))
    steps = _d(d.get("next_steps"))
    age = p.get("age")
    return Case(
        id=_s(d.get("id")),
        title=text(d.get("title")),
        difficulty=_s(d.get("difficulty")),
        setting=_s(d.get("setting")),
        patient=Patient(
            age if isinstance(age, int) and not isinstance(age, bool) else 0,
            _s(p.get("sex")),
            _s(p.get("name")),
            _opt_text(p.get("occupation")),
            _opt_text(p.get("activity")),
        ),
        presenting_complaint=text(d.get("presenting_complaint")),
        answers=MappingProxyType(
            {k: Answer(text(_d(a).get("text")), _ids(_d(a).get("options"))) for k, a in _d(d.get("answers")).items()}
        ),
        diagnosis=_s(d.get("diagnosis")),
        differential=tuple(
            Differential(_s(x.get("condition")), text(x.get("why_less_likely")))
            for x in map(_d, _l(d.get("differential")))
        ),
        key_questions=_ids(d.get("key_questions")),
        key_findings=tuple(
            KeyFinding(_s(k.get("feature")), _ids(k.get("elicited_by")), _opt_text(k.get("text")))
            for k in map(_d, _l(d.get("key_findings")))
        ),
        correct_steps=_judged(steps.get("correct")),
        acceptable_steps=_judged(steps.get("acceptable")),
        unsafe_steps=_judged(steps.get("unsafe")),
        not_indicated_steps=_judged(steps.get("not_indicated")),
        teaching_points=_texts(d.get("teaching_points")),
        sources=_sources(d.get("sources")),
        examination=MappingProxyType({k: text(v) for k, v in _d(d.get("examination")).items()}),
        investigations=MappingProxyType({k: text(v) for k, v in _d(d.get("investigations")).items()}),
        red_flag_questions=_ids(d.get("red_flag_questions")),
        red_flag_case=d.get("red_flag_case") is True,
        lookalike_cases=_ids(d.get("lookalike_cases")),
        file=file,
    )


# ---------------------------------------------------------------- one file of a folder


@dataclass
class _Document:
    """One readable condition or case file: its data, name, problems so far, and whether it may be loaded."""

    path: Path
    name: str
    data: dict
    problems: list[Problem]
    unreadable: tuple[str, ...]  # JSON paths whose values the schema rejects (cross-reference checks skip them)
    loadable: bool

    @property
    def id(self) -> str:
        return _s(self.data.get("id"))


def _read_document(
    path: Path, kind: str, name: str, taken: dict[str, str], problems: list[Problem]
) -> _Document | None:
    """Parse and schema-check one file; None (its problems reported) when it is not a readable JSON object.

    ``taken`` maps the ids already used (by earlier files, bundled ones first) to their files: a clash names the
    file that keeps the id, and this file is left out.
    """
    data, errs = read_json(path, None)
    if errs:
        problems.extend(Problem(name, p.json_path, p.message, p.hint) for p in errs)
        return None
    errs, unreadable = validation.schema_check(data, kind, name)
    if not isinstance(data, dict):
        problems.extend(errs)
        return None
    errs += validation.placeholder_problems(data, kind, name)
    doc = _Document(path, name, data, errs, tuple(unreadable), not errs)
    doc_id = data.get("id")
    if not isinstance(doc_id, str) or "$.id" in unreadable:
        return doc
    if doc_id != path.stem:
        doc.problems.append(_id_mismatch(name, doc_id, path))
        doc.loadable = False
    elif doc_id in taken:
        doc.problems.append(
            Problem(
                name,
                "$.id",
                M_(
                    "the id '{id}' is already used by {file}, which keeps it: this file is left out",
                    id=doc_id,
                    file=taken[doc_id],
                ),
                _OWN_ID_HINTS[kind],
            )
        )
        doc.loadable = False
    else:
        taken[doc_id] = name
    return doc


_OWN_ID_HINTS = {
    "bank": M_('give each question bank its own id (rename the file and its "id"), or delete one of the two files'),
    "condition": M_(
        'give each condition text its own id (rename the file and its "id"), or delete one of the two files'
    ),
    "case": M_('give each case vignette its own id (rename the file and its "id"), or delete one of the two files'),
}


def _id_mismatch(name: str, doc_id: str, path: Path) -> Problem:
    return Problem(
        name,
        "$.id",
        M_("the id '{id}' does not match the file name '{file}'", id=doc_id, file=path.name),
        M_('rename the file to \'{id}.json\' or set "id": "{stem}"', id=doc_id, stem=path.stem),
    )


def _finish(doc: _Document, cross_reference: list[Problem], problems: list[Problem]) -> bool:
    """Report a document's problems (cross-references on unreadable parts dropped); True when it may be loaded."""
    kept = [p for p in cross_reference if not validation.under_any(p.json_path, doc.unreadable)]
    problems.extend(doc.problems + kept)
    return doc.loadable and not kept


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
                        M_("the id '{id}' is already used in {section}", id=item["id"], section=seen[item["id"]]),
                        M_("give every question, examination, investigation and next step its own id"),
                    )
                )
            seen.setdefault(item["id"], section)
    bank = build_bank(data)
    problems += validation.bank_problems(bank, name)
    return (None if problems else bank), problems


def case_files(folder: Path) -> list[Path]:
    """Case files of a folder: vignettes/*.json, plus *.json at the top other than the bank and schema copies."""
    return sorted((folder / CASES_DIR).glob("*.json")) + sorted(
        p for p in folder.glob("*.json") if p.name != BANK_FILE and not p.name.endswith(SCHEMA_SUFFIX)
    )


def condition_files(folder: Path) -> list[Path]:
    """Condition files of a folder: conditions/*.json."""
    return sorted((folder / CONDITIONS_DIR).glob("*.json"))


# ---------------------------------------------------------------- folders


@dataclass
class _Folder:
    """A folder being read: where it is, how its files are named in problems, and what it gave."""

    path: Path
    root: Path | None  # file names in problems are relative to root.parent (None: full paths)
    bundled: bool = False
    own_bank: bool = False
    role: str = N_("added cases")
    read_conditions: bool = True
    read_cases: bool = True
    names: dict[str, Path] = field(default_factory=dict)
    cases: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)

    def name(self, path: Path) -> str:
        display = display_name(path, self.root)
        self.names[display] = path
        return display


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _plan(folders: tuple[Path, ...], include_bundled: bool, problems: list[Problem]) -> list[_Folder]:
    """The folders to read, in order: the one that gives the question bank first (the bundled one, or the first
    folder with its own questions.json), then the others as given. The first file to use an id keeps it."""
    bundled = bundled_cases_dir()
    given: list[Path] = []
    for f in folders:
        if not any(_same_folder(f, g) for g in given):
            given.append(f)
    own = [f for f in given if (f / BANK_FILE).is_file()]
    if own:
        is_bundled = _same_folder(own[0], bundled)
        role = N_("bundled cases") if is_bundled else N_("its own question bank")
        base = _Folder(own[0], own[0], bundled=is_bundled, own_bank=True, role=role)
        rest = [f for f in given if f is not own[0]]
    else:
        role = N_("bundled cases") if include_bundled else N_("bundled question bank and conditions")
        base = _Folder(bundled, bundled, bundled=True, own_bank=True, role=role, read_cases=include_bundled)
        rest = [f for f in given if not _same_folder(f, bundled)]
    plan = [base]
    if own and not (base.path / CONDITIONS_DIR).is_dir():
        # a folder with its own bank but no conditions/ uses the bundled condition texts
        plan.append(_Folder(bundled, bundled, bundled=True, role=N_("bundled conditions"), read_cases=False))
    for f in rest:
        folder = _Folder(f, f)
        plan.append(folder)
        if (f / BANK_FILE).is_file():
            problems.append(
                Problem(
                    folder.name(f / BANK_FILE),
                    "",
                    M_(
                        "a second question bank: this casebook uses {bank}, so this file is not read",
                        bank=display_name(base.path / BANK_FILE, base.root),
                    ),
                    M_(
                        "keep one questions.json (copy your questions into it), or check this folder on its own: "
                        "casebook validate {folder}",
                        folder=str(f),
                    ),
                )
            )
    names = [p.path.name for p in plan]
    for p in plan:  # two folders with the same name (e.g. two 'cases'): name files by their full path
        if names.count(p.path.name) > 1 and not p.bundled:
            p.root = None
    return plan


def load(
    *folders: str | os.PathLike | Sequence[str | os.PathLike] | None, include_bundled: bool | None = None
) -> Casebook:
    """Load cases folders: the valid bank, conditions and cases, plus every problem found.

    - ``load()``: the bundled cases plus the folders named by ``CASEBOOK_CASES`` (what every notebook shows).
    - ``load(folder, ...)``: those folders only, with the bundled question bank and condition texts unless a folder
      has its own (``include_bundled=True`` adds the bundled cases too).
    - ``load([folder, ...])``: a list (what a command's repeatable ``--cases`` gives) is added to the bundled cases.

    A folder with its own ``questions.json`` brings its own bank, so the bundled cases are not added to it. A
    teacher's ``conditions/`` may add conditions. The first file to use an id keeps it (bundled files first, then the
    folders in the order given); a later file with that id is a problem and is left out. A broken file never stops
    the valid ones loading.
    """
    if len(folders) == 1 and isinstance(folders[0], list | tuple):
        folders = tuple(folders[0])
        include_bundled = True if include_bundled is None else include_bundled
    given = tuple(Path(f) for f in folders if f is not None)
    problems: list[Problem] = []
    if not given:
        include_bundled = True if include_bundled is None else include_bundled
        named = []
        for f in teacher_folders():
            if f.is_dir():
                named.append(f)
            else:
                problems.append(
                    Problem(
                        str(f),
                        "",
                        M_("{variable} names this folder, but it is not a folder", variable=ENV_VAR),
                        M_(
                            "fix {variable}: full paths (a notebook runs in its own folder), separated by '{sep}'",
                            variable=ENV_VAR,
                            sep=os.pathsep,
                        ),
                    )
                )
        given = tuple(named)
    for f in given:
        if not f.is_dir():
            raise CaseError(
                [
                    Problem(
                        str(f),
                        "",
                        M_("is not a folder"),
                        M_(
                            "give the path of a cases folder "
                            "(case files, and optionally questions.json and conditions/)"
                        ),
                    )
                ]
            )
    plan = _plan(given, bool(include_bundled), problems)
    base = plan[0]

    bank, errs = load_bank(base.path / BANK_FILE, base.root)
    problems += errs
    for p in errs:
        base.names.setdefault(p.file, base.path / BANK_FILE)
    if bank is None:
        raise CaseError(
            problems
            or [
                Problem(str(base.path / BANK_FILE), "", M_("the question bank could not be loaded"), M_("fix it first"))
            ]
        )

    taken: dict[str, str] = {}
    cond_docs: list[tuple[_Folder, _Document]] = []
    for folder in plan:
        if folder.read_conditions:
            for path in condition_files(folder.path):
                doc = _read_document(path, "condition", folder.name(path), taken, problems)
                if doc is not None:
                    cond_docs.append((folder, doc))
    known_conditions = {doc.id for _, doc in cond_docs if doc.id}
    conditions: dict[str, Condition] = {}
    for folder, doc in cond_docs:
        cond = build_condition(doc.data)
        if _finish(doc, validation.condition_problems(cond, known_conditions, bank, doc.name), problems):
            conditions[cond.id] = cond
            folder.conditions.append(cond.id)

    taken = {}
    cases: dict[str, Case] = {}
    owner: dict[str, _Folder] = {}
    for folder in plan:
        if not folder.read_cases:
            continue
        for path in case_files(folder.path):
            name = folder.name(path)
            doc = _read_document(path, "case", name, taken, problems)
            if doc is None:
                continue
            case = build_case(doc.data, name)
            if _finish(doc, validation.case_problems(case, conditions, known_conditions, bank, name), problems):
                cases[case.id] = case
                owner[case.id] = folder
    errs = validation.lookalike_problems(cases, {cid: c.file for cid, c in cases.items()})
    problems += errs
    for bad in {cid for cid, c in cases.items() if any(e.file == c.file for e in errs)}:
        del cases[bad]
    for cid in sorted(cases):
        owner[cid].cases.append(cid)
    return Casebook(
        str(base.path),
        bank,
        MappingProxyType(conditions),
        MappingProxyType(dict(sorted(cases.items()))),
        tuple(problems),
        tuple(_summary(f, problems) for f in plan if f.read_cases or f.conditions or f.names),
    )


def _summary(folder: _Folder, problems: list[Problem]) -> CasesFolder:
    files = dict.fromkeys(str(folder.names[p.file]) for p in problems if p.file in folder.names)
    return CasesFolder(
        str(folder.path),
        folder.bundled,
        folder.own_bank,
        tuple(folder.cases),
        tuple(folder.conditions),
        tuple(files),
        folder.role,
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


def folder_of_file(path: Path) -> Path:
    """The cases folder a file belongs to: the parent of vignettes/ or conditions/, else the file's own folder."""
    return path.parent.parent if path.parent.name in (CASES_DIR, CONDITIONS_DIR) else path.parent


def validate_file(path: Path, warnings: list[Problem] | None = None) -> list[Problem]:
    """Problems of one file, checked as its folder would be used: with the folder's other files, and with the bundled
    cases unless the folder has its own question bank. A case's copied-text warnings are added to ``warnings``."""
    path = Path(path)
    folder = folder_of_file(path)
    data, problems = read_json(path, folder)
    if problems:
        return problems
    kind = kind_of(path, data)
    if kind == "bank":
        return load_bank(path, path.parent)[1]
    read_by_loader = path.parent.name == CONDITIONS_DIR if kind == "condition" else path in case_files(folder)
    if read_by_loader:
        book = load(folder, include_bundled=True)
        name = display_name(path, folder)
        if warnings is not None and path.stem in book.cases and book.cases[path.stem].file == name:
            warnings += validation.copied_text_warnings(book.cases, book.conditions, [path.stem])
        return [p for p in book.problems if p.file == name]
    # a file the folder loader would not read as this kind (e.g. a condition outside conditions/): check it alone
    name = str(path)
    problems, _ = validation.schema_check(data, kind, name)
    if not isinstance(data, dict):
        return problems
    problems += validation.placeholder_problems(data, kind, name)
    book = load()
    if isinstance(data.get("id"), str) and data["id"] != path.stem:
        problems.append(_id_mismatch(name, data["id"], path))
    if kind == "condition":
        cond = build_condition(data)
        return problems + validation.condition_problems(cond, set(book.conditions) | {cond.id}, book.bank, name)
    return problems + validation.case_problems(
        build_case(data, name), book.conditions, set(book.conditions), book.bank, name
    )
