"""Reads a student's answers file (for `casebook play`) and plays it through a CaseSession.

An answers file with ``"typed"`` questions plays in recall mode: each typed question is matched to the bank in the
answers' language (it must match one question clearly: ``casebook match "TEXT"`` shows what it matches) and asked
unaided; then the question list is opened and the ``"asked"`` ids are asked from it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .feedback import Feedback
from .loading import read_json
from .model import Casebook, Problem
from .session import REASONING_MAX, TYPED_MAX, CaseSession, SessionError

FIELDS = {
    "typed": "optional: questions in the student's own words, asked first, unaided (recall mode)",
    "asked": "question ids, in the order asked (after the typed ones: from the question list)",
    "examined": "examination item ids",
    "investigations": "investigation ids",
    "differential": "1-3 condition ids, most likely first",
    "confidence": "a whole number from 0 to 100",
    "next_step": "one next-step id",
    "reasoning": "optional: the student's reasoning in a few sentences (text)",
}
REQUIRED = ("differential", "next_step")
HINTS = {
    "asked": "use a question id from cases/questions.json (they start with q_)",
    "examined": "use an examination id from cases/questions.json (they start with ex_)",
    "investigations": "use an investigation id from cases/questions.json (they start with inv_)",
    "differential": "use a condition id from 'casebook conditions'",
}


def _matcher_lang(lang: str) -> str:
    """The language typed questions are matched in: ``lang`` when the matcher has a table for it, else English (as
    the session does)."""
    from .matcher import languages

    return lang if lang in languages() else "en"


def typed_problems(data: dict, book: Casebook, file: str, lang: str = "en") -> list[Problem]:
    """Every typed question that is not text or does not clearly match one bank question, with its index."""
    from .matcher import match

    typed = data.get("typed", [])
    if not isinstance(typed, list):
        return [Problem(file, "$.typed", "should be a list of questions (text)", 'write "typed": ["did it pop?"]')]
    out = []
    how = 'word it as the patient would hear it; `casebook match "TEXT"` shows what it matches'
    for i, text in enumerate(typed):
        where = f"$.typed[{i}]"
        if not isinstance(text, str) or not text.strip():
            out.append(Problem(file, where, "should be a question (non-empty text)", 'write for example "did it pop?"'))
            continue
        if len(text) > TYPED_MAX:
            out.append(Problem(file, where, f"is {len(text):,} characters long; at most {TYPED_MAX}", "ask one thing"))
            continue
        result = match(book.bank, text, lang=_matcher_lang(lang))
        shown = json.dumps(text, ensure_ascii=False)[:80]
        if result.is_none:
            out.append(Problem(file, where, f"{shown} matches no question of the bank", how))
        elif not result.is_clear:
            closest = ", ".join(c.question_id for c in result.choices)
            out.append(
                Problem(
                    file,
                    where,
                    f"{shown} does not clearly match one question (closest: {closest})",
                    f'{how}, or list the id you mean under "asked"',
                )
            )
    return out


def answers_problems(data: Any, book: Casebook, file: str, lang: str = "en") -> list[Problem]:
    """Every problem of an answers file, checked against the casebook's ids (typed questions matched in ``lang``)."""
    if not isinstance(data, dict):
        return [
            Problem(
                file,
                "$",
                f"should be a JSON object, not {type(data).__name__}",
                'write {"asked": [...], "differential": [...], "next_step": "..."}',
            )
        ]
    out = [
        Problem(file, f"$.{k}", f"unknown field '{k}'", "allowed fields: " + ", ".join(FIELDS))
        for k in data
        if k not in FIELDS
    ]
    out += [
        Problem(file, f"$.{k}", f"missing required field '{k}'", f'add "{k}": {FIELDS[k]}')
        for k in REQUIRED
        if k not in data
    ]
    tables = {
        "asked": book.bank.questions,
        "examined": book.bank.examinations,
        "investigations": book.bank.investigations,
        "differential": book.conditions,
    }
    for key, table in tables.items():
        value = data.get(key, [])
        if not isinstance(value, list):
            out.append(Problem(file, f"$.{key}", "should be a list of ids", f'write "{key}": [...] ({FIELDS[key]})'))
            continue
        for i, item in enumerate(value):
            if not isinstance(item, str) or item not in table:
                kind = {
                    "asked": "question",
                    "examined": "examination item",
                    "investigations": "investigation",
                    "differential": "condition",
                }[key]
                shown = json.dumps(item, ensure_ascii=False)[:60]
                out.append(Problem(file, f"$.{key}[{i}]", f"unknown {kind} {shown}", HINTS[key]))
    diff = data.get("differential")
    if isinstance(diff, list) and not 1 <= len(diff) <= 3:
        out.append(
            Problem(
                file,
                "$.differential",
                f"has {len(diff)} conditions; give 1 to 3",
                "list 1-3 condition ids, most likely first",
            )
        )
    if isinstance(diff, list) and len(set(map(str, diff))) != len(diff):
        out.append(Problem(file, "$.differential", "lists a condition twice", "list each condition once"))
    conf = data.get("confidence", 50)
    if isinstance(conf, bool) or not isinstance(conf, int) or not 0 <= conf <= 100:
        out.append(
            Problem(
                file, "$.confidence", "should be a whole number from 0 to 100", 'write for example "confidence": 70'
            )
        )
    reasoning = data.get("reasoning", "")
    if not isinstance(reasoning, str):
        out.append(
            Problem(
                file,
                "$.reasoning",
                "should be text",
                'write for example "reasoning": "one swollen calf after a long flight"',
            )
        )
    elif len(reasoning.strip()) > REASONING_MAX:
        out.append(
            Problem(
                file,
                "$.reasoning",
                f"is {len(reasoning.strip()):,} characters long; at most {REASONING_MAX:,}",
                "shorten it to a few sentences",
            )
        )
    out += typed_problems(data, book, file, lang)
    step = data.get("next_step")
    if "next_step" in data and (not isinstance(step, str) or step not in book.bank.next_steps):
        out.append(
            Problem(
                file,
                "$.next_step",
                f"unknown next step {json.dumps(step, ensure_ascii=False)[:60]}",
                "use one of: " + ", ".join(book.bank.next_steps),
            )
        )
    return out


def play_answers(
    book: Casebook, case_id: str, path: Path, lang: str = "en"
) -> tuple[Feedback | None, list[Problem], CaseSession | None]:
    """Play an answers file through a session: (feedback, problems, session)."""
    data, problems = read_json(Path(path))
    if problems:
        return None, problems, None
    problems = answers_problems(data, book, str(path), lang)
    if problems:
        return None, problems, None
    typed = data.get("typed", [])
    session = CaseSession(book, case_id, lang=lang, mode="recall" if typed else "menu")
    try:
        for text in typed:
            session.ask_typed(text)
        if typed and data.get("asked"):
            session.open_menu()
        for q in data.get("asked", []):
            session.ask(q)
        for e in data.get("examined", []):
            session.examine(e)
        for i in data.get("investigations", []):
            session.investigate(i)
        session.note(data.get("reasoning", ""))
        session.diagnose(data["differential"], data.get("confidence", 50))
        session.decide(data["next_step"])
        return session.submit(), [], session
    except SessionError as e:
        return None, [Problem(str(path), "", str(e), "correct the answers file")], None
