"""Choosing cases: filters for the case picker and the next case a student has not done yet."""

from __future__ import annotations

import random
from collections.abc import Iterable

from .model import Case, Casebook

ANY = ""


def case_regions(book: Casebook, case: Case) -> tuple[str, ...]:
    """Body regions of a case (those of its condition: where the patient feels it)."""
    cond = book.conditions.get(case.diagnosis)
    return cond.regions if cond else ()


def filter_cases(
    book: Casebook, difficulty: str = ANY, setting: str = ANY, region: str = ANY, exclude: Iterable[str] = ()
) -> list[Case]:
    """Cases matching every given filter (an empty filter matches all), in id order."""
    skip = set(exclude)
    return [
        c
        for c in book.cases.values()
        if c.id not in skip
        and (not difficulty or c.difficulty == difficulty)
        and (not setting or c.setting == setting)
        and (not region or region in case_regions(book, c))
    ]


def pick_new_case(
    case_ids: Iterable[str], done: Iterable[str], current: str | None = None, rng: random.Random | None = None
) -> str | None:
    """A random case not done yet (and not the current one); None when every case is done."""
    done_set = set(done) | ({current} if current else set())
    fresh = sorted(set(case_ids) - done_set)
    if not fresh:
        return None
    return (rng or random.Random()).choice(fresh)
