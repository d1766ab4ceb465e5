"""Labelled typed questions (tests/data/typed_questions*.json) picked by what the matcher makes of them, for the
free-recall tests: the right question comes from the label a person wrote, never from the matcher."""

from __future__ import annotations

import json
from pathlib import Path

from casebook.matcher import match
from casebook.model import Casebook

DATA = Path(__file__).parent / "data"


def typed_examples(lang: str = "en") -> list[dict]:
    """The labelled typed questions of one language (each: text, expected question id or null)."""
    name = "typed_questions.json" if lang == "en" else f"typed_questions_{lang}.json"
    return json.loads((DATA / name).read_text(encoding="utf-8"))["questions"]


def typed_with(book: Casebook, status: str, expected: str | None = None, lang: str = "en") -> dict:
    """A labelled typed question the matcher rates ``status`` ("clear": and finds its label; "ambiguous": its label
    among the choices), labelled ``expected`` when given; LookupError when the data holds none."""
    for example in typed_examples(lang):
        if expected is not None and example["expected"] != expected:
            continue
        result = match(book.bank, example["text"], lang=lang)
        if result.status != status:
            continue
        if status == "clear" and result.best.question_id != example["expected"]:
            continue
        if status == "ambiguous" and example["expected"] not in [c.question_id for c in result.choices]:
            continue
        return example
    raise LookupError(f"no labelled typed question ({lang}) that the matcher rates {status} (expected {expected})")


def clear_key_questions(book: Casebook, case_id: str) -> list[dict]:
    """Labelled typed questions that clearly find the case's key questions, in the expert's order (one per question
    the data has a clear phrasing for)."""
    found = []
    for qid in book.cases[case_id].key_questions:
        try:
            found.append(typed_with(book, "clear", qid))
        except LookupError:
            continue
    return found
