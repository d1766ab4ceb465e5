"""The attempt record: one typed, versioned shape for a submitted attempt, its JSON and CSV forms and upgrade chain.

Everything that writes or reads attempts goes through this module: the session produces an ``AttemptRecord``, the
progress store saves it, students export it (JSON Lines or CSV), and analytics, the class report and the demo read it.
Readers upgrade old records on the way in (``UPGRADES``); writers always write the newest version (``RECORD_VERSION``).
"""

from __future__ import annotations

import csv
import itertools
import json
import json.scanner
import operator
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from .i18n import M_

VERSION_KEY = "record_version"
LIST_SEPARATOR = ";"  # joins a list of ids in one CSV cell
# "recall" (recall thoroughness: key questions found unaided / key questions) exists in recall mode only.
SCORE_NAMES = ("thoroughness", "recall", "efficiency", "diagnosis", "next_step")
# How the history was taken: "menu" (every question a button, as in version 1) or "recall" (typed in the student's
# own words; the question list only when the student opens it).
MODES = ("menu", "recall")
TYPED_STATUSES = ("clear", "ambiguous", "none")  # what the matcher made of a typed question (casebook/matcher.py)
SCORE_PREFIX = "score_"  # a CSV column per score: score_thoroughness, ...
FILE_SUFFIXES = (".jsonl", ".csv")


# ------------------------------------------------------------------ the upgrade chain
#
# UPGRADES[i] turns a record (its JSON object) of version i + 1 into version i + 2. Each step is a small pure
# function: it takes the dict, returns a new dict and leaves its input alone; ``upgrade`` sets the version number.
# Append one step for every change of the record's shape (and the new fields to AttemptRecord); never edit a step
# once released, or last term's hand-ins read differently. Version 1 is the record as written before records carried
# a version: a record without "record_version" is version 1. A store whose records a new version changes also needs
# a progress.MIGRATIONS step, so that older casebooks refuse the file before reading it.


def _v1_to_v2(record: dict) -> dict:
    """Version 2 (free recall, issue 15) adds mode, asked_unaided, typed, menu_opened_at and lang: a version-1 attempt
    was taken from the question list (mode "menu", nothing found unaided, nothing typed, no list to open) in English."""
    return {**record, "mode": "menu", "asked_unaided": [], "typed": [], "menu_opened_at": None, "lang": "en"}


UPGRADES: tuple[Callable[[dict], dict], ...] = (_v1_to_v2,)
RECORD_VERSION = 1 + len(UPGRADES)


class RecordError(ValueError):
    """An attempt record that cannot be read; the message names the field and what is wrong with it."""


class RecordVersionError(RecordError):
    """A record written by a newer casebook than this one: its version is above the newest this casebook knows."""

    def __init__(self, version: int, newest: int):
        self.version, self.newest = version, newest
        detail = M_(
            "record version {version}; this casebook reads versions 1 to {newest}", version=version, newest=newest
        )
        super().__init__(M_("written by a newer casebook ({detail}): update the casebook to read it", detail=detail))


def upgrade(obj: Mapping[str, Any], upgrades: Sequence[Callable[[dict], dict]] | None = None) -> dict:
    """``obj`` (a record's JSON object) brought to the newest version of the chain (default ``UPGRADES``).

    Raises RecordVersionError when the record is newer than the chain, RecordError when its version is not usable.
    """
    chain = UPGRADES if upgrades is None else tuple(upgrades)
    newest = 1 + len(chain)
    version = obj.get(VERSION_KEY, 1)
    if type(version) is not int or version < 1:
        raise RecordError(
            M_(
                "field '{name}' should be a whole number from 1 up, found {found}",
                name=VERSION_KEY,
                found=_json_kind(version),
            )
        )
    if version > newest:
        raise RecordVersionError(version, newest)
    record = dict(obj)
    for number in range(version, newest):
        record = {**chain[number - 1](record), VERSION_KEY: number + 1}
    return record


# ------------------------------------------------------------------ the record


@dataclass(frozen=True, slots=True)
class Event:
    """One thing the student did: start, ask, examine, investigate, note, diagnose, decide, submit or restart."""

    kind: str
    at: float
    item: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """The event's JSON object (time rounded to milliseconds; empty item and data left out)."""
        d: dict[str, Any] = {"kind": self.kind, "at": round(self.at, 3)}
        if self.item:
            d["item"] = self.item
        if self.data:
            d["data"] = dict(self.data)
        return d


class TypedQuestion(NamedTuple):
    """A question the student typed in recall mode and what came of it.

    ``status`` is the matcher's verdict (clear, ambiguous, none); ``question`` the bank question it was asked as (the
    clear match, or the choice the student picked among ``choices``), None when nothing was asked. A named tuple: a
    class report reads hundreds of thousands of them.
    """

    text: str
    status: str
    question: str | None = None
    choices: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """The typed question's JSON object (every key written, choices as a list)."""
        return {"text": self.text, "status": self.status, "question": self.question, "choices": list(self.choices)}


def _spec(kind: str, *, shared: bool = False, **default: Any) -> Any:
    """A record field: ``kind`` says how it is checked and written (JSON and CSV); no default means required.

    ``shared`` text repeats across a class (aliases, case ids, verdicts) and is interned when read, as ids in lists
    are: a report of 100,000 attempts keeps one string per distinct value, not one per attempt.
    """
    return field(metadata={"kind": kind, "shared": shared}, **default)


@dataclass(frozen=True, kw_only=True)
class AttemptRecord:
    """One submitted attempt at one case: what the student did, the verdicts and scores, and the events.

    The fields (in their JSON order) are the record's only description; ``record_version`` is not a field, since a
    record in memory is always the newest version. Readers build records with ``from_json`` / ``from_row``.
    ``extra`` keeps the keys this casebook does not know, as they came, so nothing read is lost when written again;
    ``events`` is None when the source had none (a CSV hand-in).
    """

    attempt_id: str = _spec("id")
    alias: str = _spec("text", shared=True)
    case_id: str = _spec("id", shared=True)
    correct_diagnosis: str = _spec("text", shared=True)
    mode: str = _spec("mode", shared=True, default="menu")  # one of MODES
    lang: str = _spec("text", shared=True, default="en")  # the language the case was played in
    started_at: float | None = _spec("number?", default=None)
    submitted_at: float = _spec("number")
    seconds: float | None = _spec("number?", default=None)
    asked: tuple[str, ...] = _spec("ids", default=())
    # Recall mode: the questions asked from typed text before the question list was opened (a subset of asked, in
    # order), every typed question with what it matched, and when the list was opened (seconds into the case; null
    # when never opened, and always in menu mode, where the list is there from the start).
    asked_unaided: tuple[str, ...] = _spec("ids", default=())
    typed: tuple[TypedQuestion, ...] = _spec("typed", default=())
    menu_opened_at: float | None = _spec("number?", default=None)
    examined: tuple[str, ...] = _spec("ids", default=())
    investigated: tuple[str, ...] = _spec("ids", default=())
    differential: tuple[str, ...] = _spec("ids")
    confidence: float | None = _spec("number?", default=None)  # 0-100, a whole number when the session wrote it
    next_step: str | None = _spec("text?", shared=True, default=None)
    reasoning: str = _spec("text", default="")
    verdict: str = _spec("text", shared=True)
    next_step_verdict: str = _spec("text", shared=True, default="")
    scores: Mapping[str, float] = _spec("scores", default_factory=dict)
    missed_key_questions: tuple[str, ...] = _spec("ids", default=())
    missed_red_flags: tuple[str, ...] = _spec("ids", default=())
    unsafe_step: bool = _spec("bool", default=False)
    demo: bool = _spec("bool", default=False)  # made-up data (casebook/demo)
    extra: Mapping[str, Any] = field(default_factory=dict)
    events: tuple[Event, ...] | None = None

    @property
    def leading(self) -> str:
        """The leading (first) diagnosis of the differential, or '' when there is none."""
        return self.differential[0] if self.differential else ""

    @property
    def correct(self) -> bool:
        """True when the leading diagnosis is the case's diagnosis."""
        return self.verdict == "correct"

    @classmethod
    def from_json(cls, obj: Any, *, events: bool = True) -> AttemptRecord:
        """A record from its JSON object, of any known version (upgraded on the way in); RecordError when unusable.

        With ``events=False`` the events are neither checked nor kept (for readers that do not use them).
        """
        if type(obj) is not dict:
            raise RecordError(M_("expected an attempt record (a JSON object), found {found}", found=_json_kind(obj)))
        version = obj.get(VERSION_KEY, 1)
        if type(version) is not int or version != RECORD_VERSION:
            obj = upgrade(obj)
        return _record_from(obj, events)

    def to_json(self, *, events: bool = True) -> dict:
        """The record's JSON object at the newest version (``events=False`` leaves the events out)."""
        out: dict[str, Any] = {VERSION_KEY: RECORD_VERSION}
        for name, kind in _FIELDS:
            value = getattr(self, name)
            if kind == "ids":
                value = list(value)
            elif kind == "scores":
                value = dict(value)
            elif kind == "typed":
                value = [t.as_dict() for t in value]
            out[name] = value
        out.update(self.extra)
        if events and self.events is not None:
            out["events"] = [e.as_dict() for e in self.events]
        return out

    @classmethod
    def from_row(cls, row: Mapping[str, str | None]) -> AttemptRecord:
        """A record from one CSV row (as ``to_row`` writes it), of any known version; RecordError when unusable."""
        return cls.from_json(_row_to_json(row))

    def to_row(self) -> dict[str, Any]:
        """The record as one flat CSV row: lists joined with ';', a column per score, events left out."""
        row: dict[str, Any] = {}
        for name, kind in _FIELDS:
            value = getattr(self, name)
            if kind == "scores":
                for score, number in value.items():
                    row[SCORE_PREFIX + score] = number
                continue
            if kind == "typed":
                row[name] = json.dumps([t.as_dict() for t in value], ensure_ascii=False) if value else ""
                continue
            row[name] = LIST_SEPARATOR.join(value) if kind == "ids" else value
        for name, value in self.extra.items():
            row[name] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        row[VERSION_KEY] = RECORD_VERSION
        return {k: _csv_cell(v) for k, v in row.items()}


# (name, kind) of every field in JSON order; the required ones (no default) in the same order.
_FIELDS: tuple[tuple[str, str], ...] = tuple((f.name, f.metadata["kind"]) for f in fields(AttemptRecord) if f.metadata)
REQUIRED_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(AttemptRecord) if f.metadata and f.default is MISSING and f.default_factory is MISSING
)
_KNOWN_KEYS = frozenset(name for name, _ in _FIELDS) | {VERSION_KEY, "events"}
_ABSENT = object()


def _json_kind(value: Any) -> str:
    """How a JSON value reads to a person: 'text', 'a number', 'a list', ... (an i18n Message where it has words)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return M_("a number")
    if isinstance(value, str):
        return f"'{value[:40]}'" if value else M_("empty text")
    if isinstance(value, list):
        return M_("a list")
    if isinstance(value, dict):
        return M_("an object")
    return type(value).__name__


_REQUIRED = frozenset(REQUIRED_FIELDS)
_NO_SCORES = object()  # replaced by a fresh {} for each record without scores
# The values of the fields a JSON object leaves out (every field with a default; "extra" is always set).
_DEFAULTS = {f.name: f.default for f in fields(AttemptRecord) if f.default is not MISSING} | {"scores": _NO_SCORES}


def _names(*kinds: str) -> tuple[str, ...]:
    return tuple(name for name, kind in _FIELDS if kind in kinds)


# The fields by how they are checked (one loop per kind keeps the check of a good record short: it runs 100,000
# times for a class report).
_ID_LISTS, _TEXTS, _IDS = _names("ids"), _names("text"), _names("id")
_NUMBERS, _OPTIONAL_NUMBERS, _OPTIONAL_TEXTS = _names("number"), _names("number?"), _names("text?")
_BOOLS, _SCORES = _names("bool"), _names("scores")
_MODES, _TYPED = _names("mode"), _names("typed")
_NUMBER = (int, float)
_NUMBER_TYPES = frozenset(_NUMBER)
_SHARED = frozenset(f.name for f in fields(AttemptRecord) if f.metadata.get("shared"))


def _record_from(obj: dict, keep_events: bool) -> AttemptRecord:
    """Check the fields of a newest-version JSON object (the first problem raises RecordError) and build the record.

    A record as this casebook writes it takes the fast path (_written_values); any other shape is checked one field at
    a time, in one short loop per kind of field, so that the first problem found is the one named. Either way the new
    record's instance dict is filled directly (see _new_record).
    """
    values = _written_values(obj)
    if values is not None:
        state = dict(zip(FIELD_NAMES, values, strict=True))
        state["extra"] = {}
        state["events"] = None
        raw_events = obj.get("events")
        if raw_events is not None and keep_events:
            state["events"] = tuple(_event_from(e, n) for n, e in enumerate(raw_events))
        return _new_record(state)
    if not _REQUIRED <= obj.keys():
        raise RecordError(M_("missing field(s): {names}", names=", ".join(n for n in REQUIRED_FIELDS if n not in obj)))
    get, intern = obj.get, sys.intern
    values: dict[str, Any] = _DEFAULTS.copy()
    for name in _ID_LISTS:
        value = get(name, _ABSENT)
        if value is not _ABSENT:
            if type(value) is not list:
                raise RecordError(
                    M_(
                        "field '{name}' should be a list of ids (text), found {found}",
                        name=name,
                        found=_json_kind(value),
                    )
                )
            try:
                values[name] = tuple(map(intern, value))  # intern() refuses anything but text
            except TypeError:
                raise RecordError(
                    M_("field '{name}' should be a list of ids (text), found a list with other values", name=name)
                ) from None
    for name in _TEXTS:
        value = get(name, _ABSENT)
        if value is not _ABSENT:
            if type(value) is not str:
                raise RecordError(
                    M_("field '{name}' should be text, found {found}", name=name, found=_json_kind(value))
                )
            values[name] = intern(value) if name in _SHARED else value
    for name in _IDS:
        value = get(name, _ABSENT)
        if value is not _ABSENT:
            if type(value) is not str:
                raise RecordError(
                    M_("field '{name}' should be text, found {found}", name=name, found=_json_kind(value))
                )
            if not value or value.isspace():
                raise RecordError(M_("field '{name}' must not be empty", name=name))
            values[name] = intern(value) if name in _SHARED else value
    for name in _NUMBERS:
        value = get(name, _ABSENT)
        if value is not _ABSENT:
            if type(value) not in _NUMBER:
                raise RecordError(
                    M_("field '{name}' should be a number, found {found}", name=name, found=_json_kind(value))
                )
            values[name] = value
    for name in _OPTIONAL_NUMBERS:
        value = get(name)
        if value is not None:
            if type(value) not in _NUMBER:
                raise RecordError(
                    M_("field '{name}' should be a number or null, found {found}", name=name, found=_json_kind(value))
                )
            values[name] = value
    for name in _OPTIONAL_TEXTS:
        value = get(name)
        if value is not None:
            if type(value) is not str:
                raise RecordError(
                    M_("field '{name}' should be text or null, found {found}", name=name, found=_json_kind(value))
                )
            values[name] = intern(value) if name in _SHARED else value
    for name in _BOOLS:
        value = get(name, _ABSENT)
        if value is not _ABSENT:
            if type(value) is not bool:
                raise RecordError(
                    M_("field '{name}' should be true or false, found {found}", name=name, found=_json_kind(value))
                )
            values[name] = value
    for name in _SCORES:
        value = get(name, _ABSENT)
        if value is not _ABSENT:
            if type(value) is not dict or not _NUMBER_TYPES.issuperset(map(type, value.values())):
                raise RecordError(
                    M_(
                        "field '{name}' should be an object of numbers, found {found}",
                        name=name,
                        found=_json_kind(value),
                    )
                )
            values[name] = value
    if values["scores"] is _NO_SCORES:
        values["scores"] = {}
    for name in _MODES:
        value = get(name, _ABSENT)
        if value is not _ABSENT:
            if value not in MODES or type(value) is not str:
                raise RecordError(
                    M_("field '{name}' should be 'menu' or 'recall', found {found}", name=name, found=_json_kind(value))
                )
            values[name] = intern(value)
    for name in _TYPED:
        value = get(name, _ABSENT)
        if value is not _ABSENT:
            values[name] = _typed_from(name, value)
    values["extra"] = {k: v for k, v in obj.items() if k not in _KNOWN_KEYS} if not obj.keys() <= _KNOWN_KEYS else {}
    raw_events = get("events", _ABSENT)
    if raw_events is not _ABSENT:
        if type(raw_events) is not list:
            raise RecordError(M_("field 'events' should be a list, found {found}", found=_json_kind(raw_events)))
        if keep_events:
            values["events"] = tuple(_event_from(e, n) for n, e in enumerate(raw_events))
    return _new_record(values)


# ------------------------------------------------------------------ the fast path
#
# A class report reads 100,000 records, nearly all of them as this casebook writes them: the newest version, every
# field and nothing else, each of its usual type. _written_values recognises such a record with a few C-level tests
# (its keys, then the types of all its values at once) and then checks only what a type does not say (ids in lists,
# no empty id, a known mode, numbers in the scores, the typed questions). Anything else (an older version, a missing
# or unknown key, a wrong type) takes the field-by-field path of _record_from, which names what is wrong.

FIELD_NAMES: tuple[str, ...] = tuple(name for name, _ in _FIELDS)  # the record's fields in JSON order
_KIND_TYPES: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "text": (str,),
    "mode": (str,),
    "text?": (str, type(None)),
    "number": (int, float),
    "number?": (int, float, type(None)),
    "ids": (list,),
    "typed": (list,),
    "scores": (dict,),
    "bool": (bool,),
}
_WRITTEN_KEYS = (_KNOWN_KEYS, _KNOWN_KEYS - {"events"})  # as written with and without the events
_written_get = operator.itemgetter(VERSION_KEY, *FIELD_NAMES)
# Every combination of the types a written record's values may have (a few hundred: the optional numbers and texts).
_WRITTEN_TYPES = frozenset(itertools.product((int,), *(_KIND_TYPES[kind] for _, kind in _FIELDS)))


def _at(test: Callable[[str, str], bool]) -> tuple[int, ...]:
    """Where (in _written_get's tuple: the version, then FIELD_NAMES) the fields passing ``test(name, kind)`` are."""
    return tuple(n for n, (name, kind) in enumerate(_FIELDS, start=1) if test(name, kind))


_ID_LISTS_AT = _at(lambda name, kind: kind == "ids")
_SHARED_AT = _at(lambda name, kind: name in _SHARED and kind in ("text", "id", "mode"))
_SHARED_OPTIONAL_AT = _at(lambda name, kind: name in _SHARED and kind == "text?")
_IDS_AT = _at(lambda name, kind: kind == "id")
_MODES_AT = _at(lambda name, kind: kind == "mode")
_SCORES_AT = _at(lambda name, kind: kind == "scores")
_TYPED_AT = _at(lambda name, kind: kind == "typed")
assert set(_KIND_TYPES) == {kind for _, kind in _FIELDS}, "a new kind of field needs its types and its checks here"


def _written_values(obj: dict) -> list | None:
    """The checked values of a record's fields (FIELD_NAMES order, ids and shared text interned, as _record_from
    keeps them) when ``obj`` is a record as this casebook writes it and every field is good; None otherwise (the
    record may still be good, or bad: _record_from's field-by-field path tells)."""
    keys = obj.keys()
    if keys != _WRITTEN_KEYS[0] and keys != _WRITTEN_KEYS[1]:
        return None
    values = _written_get(obj)
    if values[0] != RECORD_VERSION or tuple(map(type, values)) not in _WRITTEN_TYPES:
        return None
    out = list(values)
    intern = sys.intern
    try:
        for n in _ID_LISTS_AT:
            out[n] = tuple(map(intern, out[n]))  # intern() refuses anything but text
    except TypeError:
        return None
    for n in _SHARED_AT:
        out[n] = intern(out[n])
    for n in _SHARED_OPTIONAL_AT:
        if out[n] is not None:
            out[n] = intern(out[n])
    for n in _IDS_AT:
        if not out[n] or out[n].isspace():
            return None
    for n in _MODES_AT:
        if out[n] not in MODES:
            return None
    for n in _SCORES_AT:
        if not _NUMBER_TYPES.issuperset(map(type, out[n].values())):
            return None
    try:
        for n in _TYPED_AT:
            out[n] = _typed_from(FIELD_NAMES[n - 1], out[n])
    except RecordError:
        return None
    events = obj.get("events", _ABSENT)
    if events is not _ABSENT and type(events) is not list:
        return None
    del out[0]
    return out


def record_values(record: AttemptRecord) -> tuple:
    """A record's field values in FIELD_NAMES order (what attempt_values reads from a file)."""
    return _record_get(record)


_record_get = operator.attrgetter(*FIELD_NAMES)


def _new_record(state: dict[str, Any]) -> AttemptRecord:
    """A record whose instance dict is ``state`` (every field, checked), made without __init__: a frozen dataclass's
    __init__ sets each field through object.__setattr__, which would be a third of the cost of reading a record."""
    record = object.__new__(AttemptRecord)
    object.__setattr__(record, "__dict__", state)
    return record


_TYPED_KEYS = frozenset(("text", "status", "question", "choices"))
_TYPED_STATUS = {status: status for status in TYPED_STATUSES}  # the one string object of each status


def _typed_from(name: str, value: Any) -> tuple[TypedQuestion, ...]:
    """The typed questions of a record's JSON list; RecordError naming the entry and what is wrong.

    A good entry takes one short test (a class report reads every attempt's); a bad one is named by _typed_problem.
    """
    if type(value) is not list:
        raise RecordError(
            M_("field '{name}' should be a list of typed questions, found {found}", name=name, found=_json_kind(value))
        )
    out = []
    new, intern, statuses = tuple.__new__, sys.intern, _TYPED_STATUS
    for n, obj in enumerate(value):
        if type(obj) is dict and obj.keys() <= _TYPED_KEYS:
            text, status, question = obj.get("text"), obj.get("status"), obj.get("question")
            choices = obj.get("choices", ())
            if (
                type(text) is str
                and type(status) is str
                and status in statuses
                and (question is None or (type(question) is str and question))
                and (type(choices) is list or choices == ())
            ):
                try:
                    ids = tuple(map(intern, choices))  # intern() refuses anything but text
                except TypeError:
                    ids = None
                if ids is not None:
                    out.append(new(TypedQuestion, (text, statuses[status], question, ids)))
                    continue
        _typed_problem(f"{name}[{n}]", obj)
    return tuple(out)


def _typed_problem(where: str, obj: Any) -> None:
    """Raise RecordError saying what is wrong with the typed question ``obj`` (at ``where``)."""
    if type(obj) is not dict:
        raise RecordError(
            M_(
                "{where} should be an object (text, status, question, choices), found {found}",
                where=where,
                found=_json_kind(obj),
            )
        )
    text, status, question, choices = obj.get("text"), obj.get("status"), obj.get("question"), obj.get("choices", [])
    if type(text) is not str:
        raise RecordError(
            M_("{where} needs the 'text' the student typed, found {found}", where=where, found=_json_kind(text))
        )
    if type(status) is not str or status not in TYPED_STATUSES:
        raise RecordError(
            M_(
                "{where}: 'status' should be one of {statuses}, found {found}",
                where=where,
                statuses=", ".join(TYPED_STATUSES),
                found=_json_kind(status),
            )
        )
    if question is not None and (type(question) is not str or not question):
        raise RecordError(
            M_(
                "{where}: 'question' should be a question id or null, found {found}",
                where=where,
                found=_json_kind(question),
            )
        )
    if type(choices) is not list or not all(type(c) is str for c in choices):
        raise RecordError(
            M_(
                "{where}: 'choices' should be a list of question ids, found {found}",
                where=where,
                found=_json_kind(choices),
            )
        )
    listed = ", ".join(sorted(f"'{k}'" for k in obj.keys() - _TYPED_KEYS))
    raise RecordError(
        M_(
            "{where} has unknown key(s) {listed} (a typed question holds text, status, question, choices)",
            where=where,
            listed=listed,
        )
    )


_EVENT_KEYS = frozenset(("kind", "at", "item", "data"))


def _event_from(obj: Any, n: int) -> Event:
    """One event from its JSON object; RecordError naming events[n] when it is not usable."""
    if type(obj) is not dict:
        raise RecordError(M_("events[{n}] should be an object, found {found}", n=n, found=_json_kind(obj)))
    kind, at, item, data = obj.get("kind"), obj.get("at"), obj.get("item", ""), obj.get("data", {})
    if type(kind) is not str or not kind:
        raise RecordError(M_("events[{n}] needs a 'kind' (text), found {found}", n=n, found=_json_kind(kind)))
    if type(at) not in _NUMBER:
        raise RecordError(M_("events[{n}] needs an 'at' time (a number), found {found}", n=n, found=_json_kind(at)))
    if type(item) is not str:
        raise RecordError(M_("events[{n}]: 'item' should be text, found {found}", n=n, found=_json_kind(item)))
    if type(data) is not dict:
        raise RecordError(M_("events[{n}]: 'data' should be an object, found {found}", n=n, found=_json_kind(data)))
    if not obj.keys() <= _EVENT_KEYS:
        unknown = ", ".join(sorted(f"'{k}'" for k in obj.keys() - _EVENT_KEYS))
        raise RecordError(
            M_(
                "events[{n}] has unknown key(s) {unknown} (an event holds kind, at, item and data)",
                n=n,
                unknown=unknown,
            )
        )
    return Event(kind, at, item, data)


# ------------------------------------------------------------------ CSV cells

_FORMULA_STARTS = ("=", "+", "-", "@")
_KINDS = dict(_FIELDS)


def _csv_cell(value: Any) -> Any:
    """A value as a CSV cell: true/false, '' for null, and text a spreadsheet would run as a formula quoted with '."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value  # _row_to_json removes the quote again
    return value


def _number(column: str, text: str) -> int | float:
    """A CSV cell's number: an int when written as one, else a float; RecordError when it is not a number."""
    try:
        value = float(text)
    except ValueError:
        raise RecordError(
            M_("column '{column}' should be a number, found '{text}'", column=column, text=text[:40])
        ) from None
    return int(value) if value.is_integer() and "." not in text and "e" not in text.lower() else value


def _json_cell(column: str, text: str) -> Any:
    """A CSV cell holding JSON (the typed questions); RecordError when it is not JSON."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise RecordError(
            M_(
                "column '{column}' should hold a JSON list (as the casebook writes it), found '{text}'",
                column=column,
                text=text[:40],
            )
        ) from None


def _row_to_json(row: Mapping[str, str | None]) -> dict[str, Any]:
    """A CSV row as a record's JSON object (before upgrading): empty cells left out, lists split, numbers parsed."""
    obj: dict[str, Any] = {}
    scores: dict[str, float] = {}
    for column, cell in row.items():
        if column is None:
            continue
        text = (cell or "").strip()
        if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS):
            text = text[1:]
        if column.startswith(SCORE_PREFIX):
            if text:
                scores[column[len(SCORE_PREFIX) :]] = float(_number(column, text))
            continue
        if column == VERSION_KEY:
            if text:
                obj[VERSION_KEY] = _number(column, text)
            continue
        kind = _KINDS.get(column)
        if kind == "ids":
            obj[column] = [x for x in text.split(LIST_SEPARATOR) if x]
        elif kind == "typed":
            obj[column] = _json_cell(column, text) if text else []
        elif not text:
            if column == "alias":
                obj[column] = ""  # an empty alias is kept (the store fills in its own)
        elif kind in ("number", "number?"):
            obj[column] = _number(column, text)
        elif kind == "bool":
            obj[column] = text.lower() in ("true", "1", "yes")
        else:
            obj[column] = text  # text, ids and columns this casebook does not know (kept as text)
    if scores:
        obj["scores"] = scores
    return obj


def csv_columns(records: Iterable[AttemptRecord] = ()) -> list[str]:
    """The CSV header for ``records``: every field (a column per score), then any extra keys, then the version."""
    columns: list[str] = []
    for name, kind in _FIELDS:
        columns += [SCORE_PREFIX + s for s in SCORE_NAMES] if kind == "scores" else [name]
    seen = set(columns)
    for record in records:
        for key in [*(SCORE_PREFIX + s for s in record.scores), *record.extra]:
            if key not in seen:
                seen.add(key)
                columns.append(key)
    return [*columns, VERSION_KEY]


# ------------------------------------------------------------------ files


def jsonl_line(record: AttemptRecord) -> str:
    """One record as a line of a JSON Lines file (newest version, events included, newline at the end)."""
    return json.dumps(record.to_json(), ensure_ascii=False) + "\n"


def write_jsonl(f: TextIO, records: Iterable[AttemptRecord]) -> int:
    """Write ``records`` to an open text file as JSON Lines; returns how many."""
    n = 0
    for record in records:
        f.write(jsonl_line(record))
        n += 1
    return n


def write_csv(f: TextIO, records: Sequence[AttemptRecord]) -> int:
    """Write ``records`` to a text file opened with newline='' as CSV, one row per attempt; returns how many."""
    writer = csv.DictWriter(f, fieldnames=csv_columns(records), restval="")
    writer.writeheader()
    writer.writerows(r.to_row() for r in records)
    return len(records)


@dataclass(frozen=True)
class RecordProblem:
    """One unusable line or row in an attempts file: which file, which line (1-based; 0 = whole file), what is wrong."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


_scan_json = json.scanner.make_scanner(json.JSONDecoder())  # json.loads without its Python wrapper (same C scanner)
try:
    # orjson parses a hand-in's line in three quarters of the time; read_attempt_values (a class report reads 100,000
    # lines) uses it when it is installed. It accepts only strict JSON: each line it refuses goes to the standard
    # library's parser, which reads what orjson does not (NaN, 1e999, lone surrogates, nesting deeper than 1,024) or
    # names what is wrong. One difference remains: orjson reads an integer beyond 64 bits as a float. No field of the
    # table changes with it (every number column is made float there, see analytics.frame), but a record version
    # would: a line whose version orjson did not read as an int is read again by the standard parser. So the table
    # and the problems are the same with orjson or without (tests/test_attempts.py reads every kind of line both ways).
    from orjson import loads as _fast_loads
except ImportError:
    _fast_loads = None


def read_attempts(
    path: str | os.PathLike, *, events: bool = True
) -> Iterator[tuple[int, AttemptRecord | None, str | None]]:
    """(line, record, problem) for every non-empty line of a JSON Lines file or row of a CSV file (by suffix).

    Exactly one of record and problem is None; line 0 means the whole file. Never raises on bad content: a record
    from a newer casebook, bad JSON or a bad field is a problem of its line. ``events=False`` skips the events.
    """
    if events:
        return _read(path, AttemptRecord.from_json, AttemptRecord.from_row)
    return _read(path, _from_json_without_events, AttemptRecord.from_row)


def read_attempt_values(path: str | os.PathLike) -> Iterator[tuple[int, tuple | list | None, str | None]]:
    """As read_attempts(path, events=False), with each record as its field values in FIELD_NAMES order instead of an
    AttemptRecord (as record_values gives them): the same records, checked the same way, with the same problems,
    for readers that make tables of them (a class report) and would only take the records apart again."""
    return _read(path, _values_from_json, _values_from_row, _fast_loads)


def _from_json_without_events(obj: Any) -> AttemptRecord:
    return AttemptRecord.from_json(obj, events=False)


def _values_from_json(obj: Any) -> tuple | list:
    values = _written_values(obj) if type(obj) is dict else None
    return values if values is not None else _record_get(AttemptRecord.from_json(obj, events=False))


def _values_from_row(row: Mapping[str, str | None]) -> tuple:
    return _record_get(AttemptRecord.from_row(row))


def _read(
    path: str | os.PathLike,
    from_json: Callable[[Any], Any],
    from_row: Callable[[Any], Any],
    fast: Callable[[str], Any] | None = None,
) -> Iterator:
    path = Path(path)
    try:
        if path.suffix.lower() == ".csv":
            yield from _read_csv(path, from_row)
        else:
            yield from _read_jsonl(path, from_json, fast)
    except UnicodeDecodeError as e:
        yield 0, None, M_("not a UTF-8 text file ({reason} at byte {at})", reason=e.reason, at=e.start)
    except OSError as e:
        yield 0, None, M_("cannot be read ({reason})", reason=str(e.strerror or e))
    except csv.Error as e:
        yield 0, None, M_("not a readable CSV file ({reason})", reason=str(e))


def _read_jsonl(
    path: Path, from_json: Callable[[Any], Any], fast: Callable[[str], Any] | None = None
) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, from_json(the line's JSON value), None) or (line number, None, the problem) for each line but the
    blank ones; ``fast``: a strict JSON parser tried first (orjson, see _fast_loads)."""
    scan = _scan_json
    with open(path, encoding="utf-8") as f:
        for number, text in enumerate(f, start=1):
            obj, end = _ABSENT, 0
            if fast is not None:
                try:
                    obj, end = fast(text), len(text)
                except ValueError:  # orjson.JSONDecodeError: the standard parser reads it, or says what is wrong
                    pass
                else:  # a version beyond 64 bits, read as a float: read as the standard parser reads it
                    if type(obj) is dict and type(obj.get(VERSION_KEY, 1)) is not int:
                        obj = _ABSENT
            if obj is _ABSENT:
                try:
                    obj, end = scan(text, 0)
                except (StopIteration, ValueError, RecursionError):
                    obj, end = _ABSENT, 0
            if obj is _ABSENT or (end != len(text) and not text[end:].isspace()):
                text = text.strip()
                if not text:
                    continue
                problem = _json_problem(text)
                if problem:
                    yield number, None, problem
                    continue
                obj = json.loads(text)
            if "\\" in text and "\\u" in text and _has_lone_surrogate(obj):  # "\\" alone is a fast memchr
                yield number, None, M_("holds half a character (a lone \\ud800-\\udfff escape): not valid UTF-8 text")
                continue
            try:
                yield number, from_json(obj), None
            except RecordError as e:
                yield number, None, e.args[0] if len(e.args) == 1 else str(e)


def _json_problem(text: str) -> str | None:
    """Why ``text`` is not one JSON value, in words, or None when it is."""
    try:
        json.loads(text)
    except json.JSONDecodeError as e:
        if e.msg == "Extra data":  # a whole JSON value, then more
            return M_("not valid JSON: more text after the record, from column {column} on", column=e.colno)
        if text.startswith("{") and not text.endswith("}"):
            return M_("not valid JSON: the record is cut off after {n} characters", n=len(text))
        return M_("not valid JSON ({reason} at column {column})", reason=e.msg, column=e.colno)
    except RecursionError:
        return M_("not valid JSON (nested too deeply)")
    except ValueError:
        return M_("not valid JSON (a number is too long: more than 4,300 digits)")
    return None


def _has_lone_surrogate(obj: Any) -> bool:
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _read_csv(path: Path, from_row: Callable[[Any], Any]) -> Iterator[tuple[int, Any, str | None]]:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        missing = [c for c in REQUIRED_FIELDS if c not in header]
        if missing:
            yield 1, None, M_("not an attempts CSV file: missing column(s) {names}", names=", ".join(missing))
            return
        for row in reader:
            line = reader.line_num
            if None in row:
                yield (
                    line,
                    None,
                    M_("row has {n} values, expected {expected}", n=len(header) + len(row[None]), expected=len(header)),
                )
                continue
            try:
                yield line, from_row(row), None
            except RecordError as e:
                yield line, None, e.args[0] if len(e.args) == 1 else str(e)
