"""Checks case data in two passes (JSON Schema, then cross-references) and reports Problems."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any

from .i18n import M_, Message, nM_, or_list
from .model import Case, Condition, Problem, QuestionBank, Text

# jsonschema imports rfc3987_syntax (when installed, as Jupyter installs it) only to check "iri" formats, and that
# import builds a grammar for about 2 s. The casebook's schemas use no formats, so hide it while jsonschema loads;
# anything that imports it later still gets it.
_HIDDEN = "jsonschema" not in sys.modules and sys.modules.setdefault("rfc3987_syntax", None) is None
from jsonschema import Draft202012Validator  # noqa: E402
from jsonschema.exceptions import ValidationError  # noqa: E402

if _HIDDEN and sys.modules.get("rfc3987_syntax", 0) is None:
    del sys.modules["rfc3987_syntax"]

SCHEMA_FILES = {"bank": "question-bank.schema.json", "condition": "condition.schema.json", "case": "case.schema.json"}
LANGUAGE_CODE = "^[a-z]{2,3}$"  # the keys of word lists (giveaway_words, phrasings, keywords) in the bank
EN_HASH = "^[0-9a-f]{8}$"  # a translated text's en_hash: the first 8 hex digits of the sha1 of its English
KIND_NAMES = {"bank": "question bank", "condition": "condition text", "case": "case vignette"}


@cache
def schema(kind: str) -> dict:
    """The JSON Schema (as a dict) for one kind of file: 'bank', 'condition' or 'case'."""
    text = resources.files("casebook.schemas").joinpath(SCHEMA_FILES[kind]).read_text(encoding="utf-8")
    return json.loads(text)


def _inline_refs(node: Any, defs: Mapping[str, Any]) -> Any:
    """A copy of a schema with each local '#/$defs/X' reference replaced by its target (the schemas do not recurse)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        rest = {k: _inline_refs(v, defs) for k, v in node.items() if k != "$ref"}
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return {**_inline_refs(defs[ref.removeprefix("#/$defs/")], defs), **rest}
        return rest if ref is None else {**rest, "$ref": ref}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


@cache
def _validator(kind: str) -> Draft202012Validator:
    # $ref look-ups are two thirds of validation time: inlining them once makes loading about 40% faster, same errors.
    full = schema(kind)
    return Draft202012Validator(_inline_refs(full, full.get("$defs", {})))


def json_path(parts: Iterable[Any]) -> str:
    """'$.a.b[2].c' from a sequence of keys and indexes."""
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if str(p).isidentifier() else f"[{json.dumps(str(p))}]")
    return out


def _type_name(value: Any) -> Message | str:
    return {
        dict: M_("an object"),
        list: M_("a list"),
        str: M_("a string"),
        bool: M_("true/false"),
        int: M_("a number"),
        float: M_("a number"),
        type(None): M_("null"),
    }.get(type(value), type(value).__name__)


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(error: ValidationError) -> tuple[str, str]:
    """(what is wrong, how to fix it) for one schema error, in words a teacher understands (late Messages: shown in
    the reader's language by `casebook validate --lang`; a field's description from the schema is quoted in English)."""
    v, s, inst = error.validator, error.schema, error.instance
    if v == "required":
        name = error.message.split("'")[1] if "'" in error.message else error.message
        desc = (
            s.get("properties", {}).get(name, {}).get("description", "")
        )  # $refs are inlined, so shared definitions carry theirs
        fix = M_('add "{name}" ({description})', name=name, description=desc) if desc else M_('add "{name}"', name=name)
        return M_("missing required field '{name}'", name=name), fix
    if v == "additionalProperties":
        allowed = ", ".join(sorted(s.get("properties", {})))
        extra = [k for k in inst if k not in s.get("properties", {})] if isinstance(inst, dict) else []
        return (
            M_("unknown field {names}", names=", ".join(repr(k) for k in extra)),
            M_("remove it or fix its spelling; allowed fields here: {allowed}", allowed=allowed),
        )
    if v == "type":
        want = _article(s["type"] if isinstance(s["type"], str) else " or ".join(s["type"]))
        return (
            M_("should be {wanted}, not {found} ({value})", wanted=want, found=_type_name(inst), value=_short(inst)),
            M_("write {wanted} here", wanted=want),
        )
    if v == "enum":
        return (
            M_("{value} is not an allowed value", value=_short(inst)),
            M_("use one of: {values}", values=", ".join(json.dumps(x) for x in s["enum"])),
        )
    if v == "const" and list(error.absolute_path)[-1:] == ["schema_version"]:
        return (
            M_(
                "schema_version {value} is not supported: this casebook reads version {version}",
                value=_short(inst),
                version=s["const"],
            ),
            M_('set "schema_version": {version} and check the file against the current format', version=s["const"]),
        )
    if v == "const":
        return M_("{value} is not supported", value=_short(inst)), M_("use {value}", value=json.dumps(s["const"]))
    if v == "pattern" and s.get("pattern") == LANGUAGE_CODE:
        return (
            M_("{value} is not a language code", value=_short(inst)),
            M_('use a lower-case ISO 639 code such as "en", "nb" or "da"'),
        )
    if v == "pattern" and s.get("pattern") == EN_HASH:
        return (
            M_("{value} is not a stamp of the English text", value=_short(inst)),
            M_("remove it and run tools/i18n_strings.py stamp FILE (it writes the first 8 hex digits of its sha1)"),
        )
    if v == "pattern":
        return (
            M_("{value} is not a valid identifier", value=_short(inst)),
            M_("use lower-case letters, digits, '_' or '-' (start with a letter or digit, at most 64 characters)"),
        )
    if v == "minLength":
        return M_("is empty"), M_("write some text here")
    if v in ("minItems", "maxItems"):
        n, count = s[v], len(inst)
        if v == "minItems":
            return (
                nM_(
                    "has {count} item(s); at least {n} needed",
                    "has {count} item(s); at least {n} needed",
                    count,
                    count=count,
                    n=n,
                ),
                M_("give at least {n}", n=n),
            )
        return (
            nM_(
                "has {count} item(s); at most {n} needed",
                "has {count} item(s); at most {n} needed",
                count,
                count=count,
                n=n,
            ),
            M_("give at most {n}", n=n),
        )
    if v == "uniqueItems":
        return M_("lists the same item twice"), M_("remove the repeated item")
    if v == "oneOf" and _is_local_text(s) and isinstance(inst, str):
        return M_("is empty"), M_("write some text here")
    if v == "oneOf" and _is_local_text(s) and isinstance(inst, dict):
        return (
            M_('should map language codes to non-empty text, with English under "en"'),
            M_(
                'write {"en": "English text"} and optionally other languages, '
                'e.g. "nb": "norsk tekst", "da": "dansk tekst"'
            ),
        )
    if v == "oneOf" and _is_local_text(s):
        return (
            M_('should be text (a string, or an object like {{"en": "..."}}), not {found}', found=_type_name(inst)),
            M_('write a string, or {"en": "English text", "nb": "norsk tekst"}'),
        )
    if v == "minimum":
        return M_("{value} is out of range", value=_short(inst)), M_("use a value ≥ {limit}", limit=s[v])
    if v == "maximum":
        return M_("{value} is out of range", value=_short(inst)), M_("use a value ≤ {limit}", limit=s[v])
    return error.message, M_("see the schema's description of this field")


def _is_local_text(s: Mapping) -> bool:
    return any(isinstance(o, dict) and o.get("required") == ["en"] for o in s.get("oneOf", []))


def _article(word: str) -> Message | str:
    return {
        "object": M_("an object"),
        "array": M_("a list"),
        "string": M_("a string"),
        "integer": M_("a whole number"),
        "number": M_("a number"),
        "boolean": M_("true or false"),
    }.get(word, word)


# Schema errors that make a value itself unreadable (the cross-reference checks skip what lies at or under it);
# other errors (a missing or unknown field, too few items, a number out of range) leave the rest of the value usable.
_UNREADABLE = frozenset({"type", "pattern", "enum", "const", "oneOf", "anyOf", "minLength"})


def schema_check(data: Any, kind: str, file: str) -> tuple[list[Problem], list[str]]:
    """All schema problems of one parsed file (one per location), and the JSON paths of the values they make
    unreadable."""
    problems: list[Problem] = []
    unreadable: list[str] = []
    seen: set[str] = set()
    for error in sorted(_validator(kind).iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        if error.validator in ("oneOf", "anyOf") and error.context and not _is_local_text(error.schema):
            error = max(error.context, key=lambda e: len(e.absolute_path))
        elif error.validator == "oneOf" and _is_local_text(error.schema):
            # a translated text whose only fault is its freshness stamp: say so at the stamp, not "not a text"
            stamp = [e for e in error.context or () if e.validator == "pattern" and e.schema.get("pattern") == EN_HASH]
            error = stamp[0] if stamp else error
        path = json_path(error.absolute_path)
        if error.validator in _UNREADABLE:
            unreadable.append(path)
        what, fix = _describe(error)
        key = path + what
        if key in seen:
            continue
        seen.add(key)
        problems.append(Problem(file, path, what, fix))
    return problems, unreadable


def schema_problems(data: Any, kind: str, file: str) -> list[Problem]:
    """All schema problems of one parsed file, one Problem per location."""
    return schema_check(data, kind, file)[0]


def under_any(path: str, prefixes: Iterable[str]) -> bool:
    """True when JSON path ``path`` is one of ``prefixes`` or lies inside one of them."""
    return any(path == p or path.startswith((p + ".", p + "[")) for p in prefixes)


# ---------------------------------------------------------------- placeholders (`casebook new`)

PLACEHOLDER = "TODO"  # a text beginning with this word is still to be written
_PLACEHOLDER = re.compile(r"\s*TODO\b")


def is_placeholder(value: str) -> bool:
    """True for a text still to be written: one that begins with the word TODO."""
    return bool(_PLACEHOLDER.match(value))


def placeholder_problems(data: Any, kind: str, file: str) -> list[Problem]:
    """One problem per text that is still a placeholder ("TODO: ..."), with its JSON path and what to write there."""
    out: list[Problem] = []

    def walk(node: Any, parts: tuple) -> None:
        if isinstance(node, str):
            if parts and parts[0] != "$schema" and is_placeholder(node):
                wanted = field_description(kind, parts)
                lowered = wanted[:1].lower() + wanted[1:]
                hint = (
                    M_("replace it with your own text: {description}", description=lowered)
                    if wanted
                    else M_("replace it with your own text")
                )
                if kind == "case" and parts[0] == "answers":
                    hint = M_(
                        "{hint} Or remove this answer: the student then reads the bank's default answer.", hint=hint
                    )
                message = M_("still a placeholder: {text}", text=_short(node, 100))
                out.append(Problem(file, json_path(parts), message, hint))
        elif isinstance(node, dict):
            for k, v in node.items():
                walk(v, (*parts, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*parts, i))

    walk(data, ())
    return out


def field_description(kind: str, parts: Iterable[Any]) -> str:
    """The schema's description of the field at a path (keys and indexes), '' when it has none."""
    node: Any = _validator(kind).schema
    description = ""
    for part in parts:
        if not isinstance(node, dict) or "oneOf" in node:  # a LocalText: its languages share its description
            break
        if isinstance(part, int):
            node = node.get("items", {})
        else:
            props = node.get("properties", {})
            node = props[part] if part in props else node.get("additionalProperties", {})
        if isinstance(node, dict) and node.get("description") and not (isinstance(part, int) and "oneOf" in node):
            description = node["description"]  # (a text in a list keeps the list's description)
    return description


# ---------------------------------------------------------------- cross-references
#
# The checks below also run on files with schema problems (see loading.py): an unreadable id arrives as '' and is
# skipped here, because the schema pass has already reported it.


def bank_problems(bank: QuestionBank, file: str) -> list[Problem]:
    """Topics named by questions exist."""
    topics = {t.id for t in bank.topics}
    return [
        Problem(
            file,
            f"$.questions[{i}].topic",
            M_("question '{question}' names unknown topic '{topic}'", question=q.id, topic=q.topic),
            M_("use one of: {values}", values=", ".join(sorted(topics))),
        )
        for i, q in enumerate(bank.questions.values())
        if q.topic not in topics
    ]


def condition_problems(cond: Condition, known_conditions: set[str], bank: QuestionBank, file: str) -> list[Problem]:
    """A condition's look-alikes exist and its defining answers name real questions and choices."""
    out: list[Problem] = []
    for i, t in enumerate(cond.tell_apart):
        if not t.condition:
            continue
        if t.condition not in known_conditions:
            out.append(
                Problem(
                    file,
                    f"$.tell_apart[{i}].condition",
                    M_("unknown condition '{id}'", id=t.condition),
                    _did_you_mean(t.condition, known_conditions, "condition"),
                )
            )
        elif t.condition == cond.id:
            out.append(
                Problem(
                    file,
                    f"$.tell_apart[{i}].condition",
                    M_("a condition cannot be its own look-alike"),
                    M_("name a different condition"),
                )
            )
    for i, d in enumerate(cond.defining_answers):
        if not d.question:
            continue
        q = bank.questions.get(d.question)
        if q is None:
            out.append(
                Problem(
                    file,
                    f"$.defining_answers[{i}].question",
                    M_("unknown question '{id}'", id=d.question),
                    _did_you_mean(d.question, _texts_of(bank.questions), "question"),
                )
            )
            continue
        for j, o in enumerate(d.options):
            if o and q.option(o) is None:
                out.append(
                    Problem(
                        file,
                        f"$.defining_answers[{i}].options[{j}]",
                        M_("question '{question}' has no answer choice '{choice}'", question=q.id, choice=o),
                        M_("use one of: {values}", values=", ".join(x.id for x in q.options)),
                    )
                )
    out += _abnormal_finding_problems(cond, bank, file)
    seen_steps: set[str] = set()
    for i, s in enumerate(cond.unsafe_steps):
        path = f"$.unsafe_steps[{i}].step"
        if not s.step:
            continue
        if s.step not in bank.next_steps:
            out.append(
                Problem(
                    file,
                    path,
                    M_("unknown next step '{id}'", id=s.step),
                    _did_you_mean(s.step, _texts_of(bank.next_steps), "step"),
                )
            )
        elif s.step in seen_steps:
            out.append(
                Problem(file, path, M_("next step '{id}' is listed twice", id=s.step), M_("remove the repeated entry"))
            )
        seen_steps.add(s.step)
    return out


def _abnormal_finding_problems(cond: Condition, bank: QuestionBank, file: str) -> list[Problem]:
    """The ids under abnormal_findings name examination items and investigations of the bank, in the right list."""
    lists = {
        "examination": (cond.abnormal_examination, bank.examinations, "exam"),
        "investigations": (cond.abnormal_investigations, bank.investigations, "investigation"),
    }
    out: list[Problem] = []
    for key, (ids, table, ids_kind) in lists.items():
        other_key = "investigations" if key == "examination" else "examination"
        _, other_table, _ = lists[other_key]
        for i, item_id in enumerate(ids):
            path = f"$.abnormal_findings.{key}[{i}]"
            if not item_id or item_id in table:
                continue
            if item_id in other_table:
                what = (
                    M_("'{id}' is an investigation, not an examination item", id=item_id)
                    if key == "examination"
                    else M_("'{id}' is an examination item, not an investigation", id=item_id)
                )
                out.append(Problem(file, path, what, M_('move it under "{key}"', key=other_key)))
            else:
                out.append(
                    Problem(file, path, _unknown_item(key, item_id), _did_you_mean(item_id, _texts_of(table), ids_kind))
                )
    return out


def _unknown_item(key: str, item_id: str) -> Message:
    """'unknown examination item 'x'' or 'unknown investigation 'x'' (``key``: the case file's list)."""
    if key == "examination":
        return M_("unknown examination item '{id}'", id=item_id)
    return M_("unknown investigation '{id}'", id=item_id)


def case_problems(
    case: Case, conditions: Mapping[str, Condition], known_conditions: set[str], bank: QuestionBank, file: str
) -> list[Problem]:
    """Every id a case uses exists, key and red-flag questions are answered, and answers fit the diagnosis."""
    out: list[Problem] = []
    p = lambda path, msg, hint: out.append(Problem(file, path, msg, hint))  # noqa: E731
    questions = _texts_of(bank.questions)

    if not case.diagnosis:
        pass
    elif case.diagnosis not in known_conditions:
        p(
            "$.diagnosis",
            M_("unknown condition '{id}'", id=case.diagnosis),
            _did_you_mean(case.diagnosis, known_conditions, "condition"),
        )
    elif case.diagnosis not in conditions:
        p(
            "$.diagnosis",
            M_("condition '{id}' has problems of its own and was not loaded", id=case.diagnosis),
            M_("fix the problems reported for that condition's file"),
        )
    seen_diff: set[str] = set()
    for i, d in enumerate(case.differential):
        if not d.condition:
            continue
        if d.condition not in known_conditions:
            p(
                f"$.differential[{i}].condition",
                M_("unknown condition '{id}'", id=d.condition),
                _did_you_mean(d.condition, known_conditions, "condition"),
            )
        if d.condition == case.diagnosis:
            p(
                f"$.differential[{i}].condition",
                M_("the diagnosis is listed in its own differential"),
                M_("list only look-alikes other than the diagnosis"),
            )
        if d.condition in seen_diff:
            p(
                f"$.differential[{i}].condition",
                M_("'{id}' is listed twice", id=d.condition),
                M_("remove the repeated entry"),
            )
        seen_diff.add(d.condition)

    for qid, ans in case.answers.items():
        q = bank.questions.get(qid)
        if q is None:
            p(f"$.answers.{qid}", M_("unknown question '{id}'", id=qid), _did_you_mean(qid, questions, "question"))
            continue
        for j, o in enumerate(ans.options):
            if o and q.option(o) is None:
                p(
                    f"$.answers.{qid}.options[{j}]",
                    M_("question '{question}' has no answer choice '{choice}'", question=qid, choice=o),
                    M_("use one of: {values}", values=", ".join(x.id for x in q.options))
                    if q.options
                    else M_("use one of: (this question has no choices; remove options)"),
                )
        if len(ans.options) > 1 and not q.multiple:
            p(
                f"$.answers.{qid}.options",
                M_("question '{id}' takes one answer choice, {count} given", id=qid, count=len(ans.options)),
                M_("keep the one choice that fits best"),
            )
    for field_name, table, items, kind in (
        ("examination", bank.examinations, case.examination, "exam"),
        ("investigations", bank.investigations, case.investigations, "investigation"),
    ):
        for item_id in items:
            if item_id not in table:
                p(
                    f"$.{field_name}.{item_id}",
                    _unknown_item(field_name, item_id),
                    _did_you_mean(item_id, _texts_of(table), kind),
                )

    for i, qid in enumerate(case.key_questions):
        if not qid:
            continue
        if qid not in bank.questions:
            p(f"$.key_questions[{i}]", M_("unknown question '{id}'", id=qid), _did_you_mean(qid, questions, "question"))
        elif qid not in case.answers:
            p(
                f"$.key_questions[{i}]",
                M_("key question '{id}' is not answered in this case", id=qid),
                M_("add an answer for '{id}' under \"answers\"", id=qid),
            )
    for i, qid in enumerate(case.red_flag_questions):
        if not qid:
            continue
        q = bank.questions.get(qid)
        if q is None:
            p(
                f"$.red_flag_questions[{i}]",
                M_("unknown question '{id}'", id=qid),
                _did_you_mean(qid, questions, "question"),
            )
        elif not q.red_flag:
            p(
                f"$.red_flag_questions[{i}]",
                M_("question '{id}' is not a red-flag question in the bank", id=qid),
                M_('list only questions marked "red_flag": true, or mark it so in questions.json'),
            )
        elif qid not in case.answers:
            p(
                f"$.red_flag_questions[{i}]",
                M_("red-flag question '{id}' is not answered in this case", id=qid),
                M_("add an answer for '{id}' under \"answers\"", id=qid),
            )

    diag = conditions.get(case.diagnosis)
    items = {**questions, **_texts_of(bank.examinations), **_texts_of(bank.investigations)}
    for i, kf in enumerate(case.key_findings):
        if diag is not None and kf.feature and diag.feature(kf.feature) is None:
            p(
                f"$.key_findings[{i}].feature",
                M_("'{feature}' is not a key feature of '{condition}'", feature=kf.feature, condition=diag.id),
                M_("use one of: {values}", values=", ".join(f.id for f in diag.key_features)),
            )
        for j, item in enumerate(kf.elicited_by):
            if item and bank.item(item) is None:
                p(
                    f"$.key_findings[{i}].elicited_by[{j}]",
                    M_("unknown question, examination or investigation '{id}'", id=item),
                    _did_you_mean(item, items),
                )
    if diag is not None:
        for d in diag.defining_answers:
            ans = case.answers.get(d.question)
            if ans is not None and ans.options and not set(ans.options) <= set(d.options):
                p(
                    f"$.answers.{d.question}.options",
                    M_("the answer contradicts the diagnosis '{condition}': {why}", condition=diag.id, why=d.why),
                    M_(
                        "answer with {options}, or change the diagnosis",
                        options=or_list([repr(o) for o in d.options]),
                    ),
                )
        for i, d in enumerate(case.differential):
            other = conditions.get(d.condition)
            if (
                other is not None
                and d.condition != diag.id
                and diag.how_to_tell_from(d.condition) is None
                and other.how_to_tell_from(diag.id) is None
            ):
                p(
                    f"$.differential[{i}].condition",
                    M_(
                        "look-alike '{other}' has no tell-apart text: "
                        "neither '{condition}' nor '{other}' says how to tell them apart",
                        other=d.condition,
                        condition=diag.id,
                    ),
                    M_(
                        'add {{"condition": "{other}", "text": "..."}} under "tell_apart" '
                        "in the condition text of '{condition}'",
                        other=d.condition,
                        condition=diag.id,
                    ),
                )

    judged: dict[str, str] = {}
    steps = _texts_of(bank.next_steps)
    for verdict, graded in case.judged_steps():
        for i, s in enumerate(graded):
            path = f"$.next_steps.{verdict}[{i}].step"
            if not s.step:
                continue
            if s.step not in bank.next_steps:
                p(path, M_("unknown next step '{id}'", id=s.step), _did_you_mean(s.step, steps, "step"))
            if s.step in judged:
                p(
                    path,
                    M_("next step '{id}' is already judged '{verdict}'", id=s.step, verdict=judged[s.step]),
                    M_("judge each next step once"),
                )
            judged.setdefault(s.step, verdict)
    if case.red_flag_case:
        for i, s in enumerate(case.correct_steps):
            ns = bank.next_steps.get(s.step)
            if ns is not None and not ns.is_urgent:
                p(
                    f"$.next_steps.correct[{i}].step",
                    M_(
                        "a red-flag case's correct next step must be urgent, but '{id}' is '{urgency}'",
                        id=s.step,
                        urgency=ns.urgency,
                    ),
                    M_('choose a same-day or emergency step, or set "red_flag_case": false'),
                )
        for verdict, graded in (("acceptable", case.acceptable_steps), ("not_indicated", case.not_indicated_steps)):
            for i, s in enumerate(graded):
                ns = bank.next_steps.get(s.step)
                if ns is not None and not ns.is_urgent:
                    p(
                        f"$.next_steps.{verdict}[{i}].step",
                        M_(
                            "a red-flag case needs urgent care, so '{id}' ('{urgency}') delays it and cannot be "
                            "graded '{verdict}'",
                            id=s.step,
                            urgency=ns.urgency,
                            verdict=verdict,
                        ),
                        M_(
                            'move it under "next_steps.unsafe" (a step that delays urgent care is unsafe), '
                            'or set "red_flag_case": false'
                        ),
                    )
    if diag is not None:
        out += default_finding_problems(case, diag, bank, file)
        out += unsafe_step_problems(case, diag, file)
    if case.red_flag_case:
        out += giveaway_problems(case, bank, file)
    return out


# ---------------------------------------------------------------- clinical rules (issue 10)


def default_finding_problems(case: Case, diag: Condition, bank: QuestionBank, file: str) -> list[Problem]:
    """R1: every item abnormal in the diagnosis has the case's own finding, never the bank's normal default."""
    out: list[Problem] = []
    for key, ids, table, stated in (
        ("examination", diag.abnormal_examination, bank.examinations, case.examination),
        ("investigations", diag.abnormal_investigations, bank.investigations, case.investigations),
    ):
        for item_id in ids:
            item = table.get(item_id)
            if item is None:
                continue  # reported for the condition's file
            default = item.default_finding if key == "examination" else item.default_result
            own = stated.get(item_id)
            if own is None:
                out.append(
                    Problem(
                        file,
                        f"$.{key}",
                        M_(
                            "'{id}' is abnormal in '{condition}', but this case leaves it to the bank's normal "
                            "default ({default})",
                            id=item_id,
                            condition=diag.id,
                            default=json.dumps(default.en, ensure_ascii=False),
                        ),
                        M_('add "{id}": "<what the student finds in this patient>" under "{key}"', id=item_id, key=key)
                        if key == "examination"
                        else M_('add "{id}": "<the result in this patient>" under "{key}"', id=item_id, key=key),
                    )
                )
            elif _same_text(own, default):
                out.append(
                    Problem(
                        file,
                        f"$.{key}.{item_id}",
                        M_(
                            "'{id}' is abnormal in '{condition}', but this case gives the bank's normal default "
                            "word for word ({default})",
                            id=item_id,
                            condition=diag.id,
                            default=json.dumps(default.en, ensure_ascii=False),
                        ),
                        M_("write what the student finds in this patient")
                        if key == "examination"
                        else M_("write the result in this patient"),
                    )
                )
    return out


def _same_text(a: Text, b: Text) -> bool:
    return " ".join(a.en.split()).casefold() == " ".join(b.en.split()).casefold()


def unsafe_step_problems(case: Case, diag: Condition, file: str) -> list[Problem]:
    """R2: every step unsafe in the diagnosis is graded unsafe in the case, explicitly."""
    out: list[Problem] = []
    for u in diag.unsafe_steps:
        where = [
            (verdict, i) for verdict, steps in case.judged_steps() for i, s in enumerate(steps) if s.step == u.step
        ]
        if not where:
            out.append(
                Problem(
                    file,
                    "$.next_steps",
                    M_(
                        "'{id}' is unsafe in every case of '{condition}' ({why}), but this case does not grade it",
                        id=u.step,
                        condition=diag.id,
                        why=u.why,
                    ),
                    M_(
                        'list it under next_steps.unsafe: {{"step": "{id}", '
                        '"why": "<why it is unsafe for this patient>"}}',
                        id=u.step,
                    ),
                )
            )
        for verdict, i in where:
            if verdict != "unsafe":
                out.append(
                    Problem(
                        file,
                        f"$.next_steps.{verdict}[{i}].step",
                        M_(
                            "'{id}' is unsafe in every case of '{condition}' ({why}), but this case grades it "
                            "'{verdict}'",
                            id=u.step,
                            condition=diag.id,
                            why=u.why,
                            verdict=verdict,
                        ),
                        M_(
                            'move it under next_steps.unsafe, or take it out of "unsafe_steps" in the condition text '
                            "of '{condition}'",
                            condition=diag.id,
                        ),
                    )
                )
    return out


def giveaway_words_in(text: str, words: Iterable[str]) -> list[str]:
    """The giveaway words or phrases found in ``text``, in the order given.

    Matching ignores case and spacing and is by word prefix: a word matches where a word of the text begins with it, so
    "pee" finds "pee" and "peeing" but not "speed", and "saddle numb" finds "saddle numbness".
    """
    return [w for w in words if w.strip() and _giveaway_pattern(w).search(text)]


@cache
def _giveaway_pattern(word: str) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(part) for part in word.split())
    return re.compile(r"(?<!\w)" + body, re.IGNORECASE)


def giveaway_problems(case: Case, bank: QuestionBank, file: str) -> list[Problem]:
    """R3: a red-flag case's title, patient line and complaint do not answer its red-flag key questions early."""
    out: list[Problem] = []
    shown = (
        ("title", M_("the title"), case.title),
        ("patient.occupation", M_("the patient's occupation"), case.patient.occupation),
        ("patient.activity", M_("the patient's activity"), case.patient.activity),
        ("presenting_complaint", M_("the presenting complaint"), case.presenting_complaint),
    )
    for field_name, label, value in shown:
        if value is None:
            continue
        for lang, text in (("en", value.en), *value.translations):
            if is_placeholder(text):
                continue  # reported as a placeholder
            for qid in case.key_questions:
                q = bank.questions.get(qid)
                if q is None or not q.red_flag:
                    continue
                found = giveaway_words_in(text, q.words_for("giveaway_words", lang))
                if found:
                    words = ", ".join(json.dumps(w, ensure_ascii=False) for w in found)
                    out.append(
                        Problem(
                            file,
                            f"$.{field_name}" + ("" if lang == "en" else f".{lang}"),
                            M_(
                                "{field} gives away the red-flag question '{id}' ({question}): it says {words}",
                                field=label,
                                id=qid,
                                question=json.dumps(q.text.get(lang), ensure_ascii=False),
                                words=words,
                            ),
                            M_("leave it for the student to ask: move it into the answer to '{id}'", id=qid),
                        )
                    )
    return out


def lookalike_problems(cases: Mapping[str, Case], files: Mapping[str, str]) -> list[Problem]:
    """Look-alike cases exist and have a different diagnosis."""
    out = []
    for case in cases.values():
        for i, other in enumerate(case.lookalike_cases):
            path = f"$.lookalike_cases[{i}]"
            if other not in cases:
                out.append(
                    Problem(
                        files[case.id],
                        path,
                        M_("unknown case '{id}'", id=other),
                        _did_you_mean(other, set(cases), "case"),
                    )
                )
            elif cases[other].diagnosis == case.diagnosis:
                out.append(
                    Problem(
                        files[case.id],
                        path,
                        M_("case '{id}' has the same diagnosis", id=other),
                        M_("a look-alike case must have a different diagnosis"),
                    )
                )
    return out


# ---------------------------------------------------------------- "did you mean"

CLOSE_ENOUGH = 0.6  # similarity (0..1) from which an id is suggested
_ID_PREFIXES = ("q_", "ex_", "inv_", "ns_")


def _texts_of(table: Mapping[str, Any]) -> dict[str, str]:
    """{id: English text} of bank items (anything with a ``text``), for suggestions by meaning."""
    return {k: getattr(getattr(v, "text", ""), "en", "") for k, v in table.items()}


def _did_you_mean(name: str, known: Mapping[str, str] | Iterable[str], kind: str = "") -> Message:
    """A hint naming the closest known ids, or where to look them up when none is close.

    ``known`` is a set of ids, or {id: text} so that a word of the text can match (q_fever finds the question whose
    text asks about a fever). ``kind`` is the `casebook ids --kind` of the ids ('case' for case ids).
    """
    texts = dict(known) if isinstance(known, Mapping) else dict.fromkeys(known, "")
    close = closest_ids(name, texts)
    if close:
        return M_("did you mean {ids}?", ids=or_list([f"'{c}'" for c in close]))
    look = "casebook list" if kind == "case" else "casebook ids" + (f" --kind {kind}" if kind else "")
    return M_(
        "no known id is close to '{name}': run `{command}` to see all {count}",
        name=name,
        command=look,
        count=len(texts),
    )


def closest_ids(name: str, texts: Mapping[str, str], limit: int = 3) -> list[str]:
    """Up to ``limit`` ids most similar to ``name`` (by edit distance, or by shared words with the id and its text),
    best first; only those nearly as close as the best and at least CLOSE_ENOUGH."""
    scored = sorted((-similarity(name, k, t), k) for k, t in texts.items())
    if not scored or -scored[0][0] < CLOSE_ENOUGH:
        return []
    best = -scored[0][0]
    return [k for neg, k in scored[:limit] if -neg >= max(CLOSE_ENOUGH, best - 0.1)]


def similarity(name: str, candidate: str, text: str = "") -> float:
    """0..1: how close ``name`` is to ``candidate`` — by edit distance (a transposition counts once), also without the
    'q_'/'ex_'/'inv_'/'ns_' prefix, or by the share of the name's words found in the candidate's id or text."""
    a, b = name.casefold(), candidate.casefold()
    scores = [_edit_similarity(a, b)]
    core_a, core_b = _core(a), _core(b)
    if core_a and core_b:
        scores.append(_edit_similarity(core_a, core_b))
    tokens = [t for t in re.split(r"[_\-\s]+", core_a) if len(t) >= 3]
    if tokens:
        words = set(re.split(r"[_\-\s]+", core_b)) | set(re.findall(r"\w{3,}", text.casefold()))
        found = sum(1 for t in tokens if any(_same_word(t, w) for w in words))
        scores.append(0.9 * found / len(tokens))
    return max(scores)


def _core(identifier: str) -> str:
    return next((identifier[len(p) :] for p in _ID_PREFIXES if identifier.startswith(p)), identifier)


def _same_word(a: str, b: str) -> bool:
    return a == b or (len(a) >= 4 and len(b) >= 4 and a[:4] == b[:4])


def _edit_similarity(a: str, b: str) -> float:
    longest = max(len(a), len(b))
    return 1.0 - _edit_distance(a, b) / longest if longest else 1.0


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of two neighbours."""
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        before, previous = previous, current
    return previous[-1]


# ---------------------------------------------------------------- copied text (a warning, not a problem)

COPY_RUN = 8  # this many words in a row, repeated from another case or a condition text, is a warning


def case_texts(case: Case) -> Iterator[tuple[str, Text]]:
    """(JSON path, text) of every text a case shows or explains, in file order."""
    yield "$.title", case.title
    if case.patient.occupation is not None:
        yield "$.patient.occupation", case.patient.occupation
    if case.patient.activity is not None:
        yield "$.patient.activity", case.patient.activity
    yield "$.presenting_complaint", case.presenting_complaint
    for qid, answer in case.answers.items():
        yield f"$.answers.{qid}.text", answer.text
    for key, table in (("examination", case.examination), ("investigations", case.investigations)):
        for item_id, finding in table.items():
            yield f"$.{key}.{item_id}", finding
    for i, d in enumerate(case.differential):
        yield f"$.differential[{i}].why_less_likely", d.why_less_likely
    for i, kf in enumerate(case.key_findings):
        if kf.text is not None:
            yield f"$.key_findings[{i}].text", kf.text
    for verdict, steps in case.judged_steps():
        for i, s in enumerate(steps):
            yield f"$.next_steps.{verdict}[{i}].why", s.why
    for i, point in enumerate(case.teaching_points):
        yield f"$.teaching_points[{i}]", point


def condition_texts(cond: Condition) -> Iterator[tuple[str, Text]]:
    """(JSON path, text) of every text of a condition, in file order."""
    yield "$.name", cond.name
    yield "$.summary", cond.summary
    for key, texts in (
        ("who_and_triggers", cond.who_and_triggers),
        ("exam_findings", cond.exam_findings),
        ("investigations", cond.investigations),
        ("management", cond.management),
        ("red_flags", cond.red_flags),
    ):
        for i, t in enumerate(texts):
            yield f"$.{key}[{i}]", t
    for i, f in enumerate(cond.key_features):
        yield f"$.key_features[{i}].text", f.text
    for i, t in enumerate(cond.tell_apart):
        yield f"$.tell_apart[{i}].text", t.text
    for i, d in enumerate(cond.defining_answers):
        yield f"$.defining_answers[{i}].why", d.why
    for i, s in enumerate(cond.unsafe_steps):
        yield f"$.unsafe_steps[{i}].why", s.why


def _languages(path: str, value: Text) -> Iterator[tuple[str, str]]:
    yield path, value.en
    for lang, translated in value.translations:
        yield f"{path}.{lang}", translated


_WORD = re.compile(r"\w+")


def copied_text_warnings(
    cases: Mapping[str, Case], conditions: Mapping[str, Condition], check: Iterable[str], run: int = COPY_RUN
) -> list[Problem]:
    """A warning for each text of the cases in ``check`` that repeats ``run`` or more words in a row of another case
    or of a condition text (a copied template reads the same in every case). Needs no source documents."""
    seen: dict[str, tuple[str, str, str]] = {}  # the first place of each run of words: (document, file, JSON path)
    also: dict[str, tuple[str, str, str]] = {}  # its first place in another document
    documents: list[tuple[str, str, Iterator[tuple[str, Text]]]] = [
        (f"case:{c.id}", c.file, case_texts(c)) for c in cases.values()
    ]
    documents += [
        (f"condition:{c.id}", M_("the condition text of '{id}'", id=c.id), condition_texts(c))
        for c in conditions.values()
    ]
    for doc, file, texts in documents:
        for path, value in texts:
            for where, string in _languages(path, value):
                words = _WORD.findall(string.casefold())
                for i in range(len(words) - run + 1):
                    key = " ".join(words[i : i + run])
                    first = seen.setdefault(key, (doc, file, where))
                    if first[0] != doc:
                        also.setdefault(key, (doc, file, where))
    out: list[Problem] = []
    for case_id in check:
        case = cases.get(case_id)
        if case is None:
            continue
        doc = f"case:{case_id}"
        for path, value in case_texts(case):
            for where, string in _languages(path, value):
                if is_placeholder(string):
                    continue
                words = _WORD.findall(string.casefold())
                hits = []  # for each run of words starting here: where else it is written, or None
                for i in range(len(words) - run + 1):
                    here = seen.get(" ".join(words[i : i + run]))
                    hits.append(here if here is None or here[0] != doc else also.get(" ".join(words[i : i + run])))
                best: tuple[int, int, tuple[str, str, str]] | None = None  # (words repeated, first word, source)
                i = 0
                while i < len(hits):
                    source = hits[i]
                    if source is None:
                        i += 1
                        continue
                    j = i
                    while j + 1 < len(hits) and hits[j + 1] is not None and hits[j + 1][0] == source[0]:
                        j += 1
                    if best is None or j - i + run > best[0]:
                        best = (j - i + run, i, source)
                    i = j + 1
                if best is None:
                    continue
                count, first_word, (_, source_file, source_path) = best
                quoted = " ".join(words[first_word : first_word + min(count, 14)]) + ("…" if count > 14 else "")
                out.append(
                    Problem(
                        case.file,
                        where,
                        M_(
                            'repeats {count} words in a row of {source} ({path}): "{quoted}"',
                            count=count,
                            source=source_file,
                            path=source_path,
                            quoted=quoted,
                        ),
                        M_(
                            "write it in your own words for this patient "
                            "(a copied template reads the same in every case)"
                        ),
                    )
                )
    return out
