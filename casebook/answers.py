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
from .i18n import M_, N_, LocalNumber
from .loading import read_json
from .model import Casebook, Problem
from .session import REASONING_MAX, TYPED_MAX, CaseSession, SessionError

# What each field holds (English msgids, shown translated in the problems' hints).
FIELDS = {
    "typed": N_("optional: questions in the student's own words, asked first, unaided (recall mode)"),
    "asked": N_("question ids, in the order asked (after the typed ones: from the question list)"),
    "examined": N_("examination item ids"),
    "investigations": N_("investigation ids"),
    "differential": N_("1-3 condition ids, most likely first"),
    "confidence": N_("a whole number from 0 to 100"),
    "next_step": N_("one next-step id"),
    "reasoning": N_("optional: the student's reasoning in a few sentences (text)"),
}
REQUIRED = ("differential", "next_step")
HINTS = {
    "asked": N_("use a question id from cases/questions.json (they start with q_)"),
    "examined": N_("use an examination id from cases/questions.json (they start with ex_)"),
    "investigations": N_("use an investigation id from cases/questions.json (they start with inv_)"),
    "differential": N_("use a condition id from 'casebook conditions'"),
}
# What an unknown id in each list was meant to be, in the sentence naming it.
UNKNOWN = {
    "asked": N_("unknown question {id}"),
    "examined": N_("unknown examination item {id}"),
    "investigations": N_("unknown investigation {id}"),
    "differential": N_("unknown condition {id}"),
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
        return [
            Problem(file, "$.typed", M_("should be a list of questions (text)"), M_('write "typed": ["did it pop?"]'))
        ]
    out = []
    how = N_('word it as the patient would hear it; `casebook match "TEXT"` shows what it matches')
    for i, text in enumerate(typed):
        where = f"$.typed[{i}]"
        if not isinstance(text, str) or not text.strip():
            out.append(
                Problem(file, where, M_("should be a question (non-empty text)"), M_('write for example "did it pop?"'))
            )
            continue
        if len(text) > TYPED_MAX:
            said = M_("is {n} characters long; at most {max}", n=LocalNumber(len(text)), max=TYPED_MAX)
            out.append(Problem(file, where, said, M_("ask one thing")))
            continue
        result = match(book.bank, text, lang=_matcher_lang(lang))
        shown = json.dumps(text, ensure_ascii=False)[:80]
        if result.is_none:
            out.append(Problem(file, where, M_("{text} matches no question of the bank", text=shown), M_(how)))
        elif not result.is_clear:
            closest = ", ".join(c.question_id for c in result.choices)
            out.append(
                Problem(
                    file,
                    where,
                    M_("{text} does not clearly match one question (closest: {closest})", text=shown, closest=closest),
                    M_('{how}, or list the id you mean under "asked"', how=M_(how)),
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
                M_("should be a JSON object, not {kind}", kind=type(data).__name__),
                M_('write {"asked": [...], "differential": [...], "next_step": "..."}'),
            )
        ]
    out = [
        Problem(
            file,
            f"$.{k}",
            M_("unknown field '{field}'", field=k),
            M_("allowed fields: {fields}", fields=", ".join(FIELDS)),
        )
        for k in data
        if k not in FIELDS
    ]
    out += [
        Problem(
            file,
            f"$.{k}",
            M_("missing required field '{field}'", field=k),
            M_('add "{field}": {what}', field=k, what=M_(FIELDS[k])),
        )
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
            out.append(
                Problem(
                    file,
                    f"$.{key}",
                    M_("should be a list of ids"),
                    M_('write "{field}": [...] ({what})', field=key, what=M_(FIELDS[key])),
                )
            )
            continue
        for i, item in enumerate(value):
            if not isinstance(item, str) or item not in table:
                shown = json.dumps(item, ensure_ascii=False)[:60]
                out.append(Problem(file, f"$.{key}[{i}]", M_(UNKNOWN[key], id=shown), M_(HINTS[key])))
    diff = data.get("differential")
    if isinstance(diff, list) and not 1 <= len(diff) <= 3:
        out.append(
            Problem(
                file,
                "$.differential",
                M_("has {n} conditions; give 1 to 3", n=len(diff)),
                M_("list 1-3 condition ids, most likely first"),
            )
        )
    if isinstance(diff, list) and len(set(map(str, diff))) != len(diff):
        out.append(Problem(file, "$.differential", M_("lists a condition twice"), M_("list each condition once")))
    conf = data.get("confidence", 50)
    if isinstance(conf, bool) or not isinstance(conf, int) or not 0 <= conf <= 100:
        out.append(
            Problem(
                file,
                "$.confidence",
                M_("should be a whole number from 0 to 100"),
                M_('write for example "confidence": 70'),
            )
        )
    reasoning = data.get("reasoning", "")
    if not isinstance(reasoning, str):
        out.append(
            Problem(
                file,
                "$.reasoning",
                M_("should be text"),
                M_('write for example "reasoning": "one swollen calf after a long flight"'),
            )
        )
    elif len(reasoning.strip()) > REASONING_MAX:
        out.append(
            Problem(
                file,
                "$.reasoning",
                M_(
                    "is {n} characters long; at most {max}",
                    n=LocalNumber(len(reasoning.strip())),
                    max=LocalNumber(REASONING_MAX),
                ),
                M_("shorten it to a few sentences"),
            )
        )
    out += typed_problems(data, book, file, lang)
    step = data.get("next_step")
    if "next_step" in data and (not isinstance(step, str) or step not in book.bank.next_steps):
        out.append(
            Problem(
                file,
                "$.next_step",
                M_("unknown next step {id}", id=json.dumps(step, ensure_ascii=False)[:60]),
                M_("use one of: {ids}", ids=", ".join(book.bank.next_steps)),
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
        message = e.args[0] if len(e.args) == 1 else str(e)
        return None, [Problem(str(path), "", message, M_("correct the answers file"))], None
