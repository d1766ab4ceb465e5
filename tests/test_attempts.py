"""The attempt record: its JSON and CSV forms, the upgrade chain, version-1 files read in full, clear errors."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import fields, replace
from pathlib import Path

import pytest
from builders import attempt_json, make_record, write_jsonl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebook import attempts, session
from casebook.attempts import AttemptRecord, Event, RecordError, RecordVersionError, TypedQuestion, read_attempts

V1 = Path(__file__).resolve().parent / "data" / "v1"  # files written before records had a version (never edited)
# What the v1 -> v2 step gives a version-1 attempt: taken from the question list, in English.
V2_DEFAULTS = {"mode": "menu", "lang": "en", "asked_unaided": [], "typed": [], "menu_opened_at": None}


def v1_lines() -> list[dict]:
    """The version-1 JSONL fixture, read with json alone."""
    return [json.loads(line) for line in (V1 / "attempts.jsonl").read_text(encoding="utf-8").splitlines()]


def read_all(path: Path) -> list[tuple[int, AttemptRecord | None, str | None]]:
    return list(read_attempts(path))


# ------------------------------------------------------------------ version-1 files


def test_the_version_1_jsonl_hand_in_is_read_in_full():
    """Every line of the version-1 JSONL fixture reads, and writing it again gives back every field it held."""
    found = read_all(V1 / "attempts.jsonl")
    lines = v1_lines()
    assert [(n, problem) for n, _, problem in found] == [(n, None) for n in range(1, len(lines) + 1)]
    for (_, record, _), line in zip(found, lines, strict=True):
        assert "record_version" not in line  # a version-1 file: no version field
        written = record.to_json()
        assert {k: written[k] for k in line} == line
        assert written["record_version"] == attempts.RECORD_VERSION
        assert {k: v for k, v in written.items() if k not in line} in (
            {"record_version": attempts.RECORD_VERSION, **V2_DEFAULTS},
            {"record_version": attempts.RECORD_VERSION, **V2_DEFAULTS, "demo": False},
        )
        assert (record.mode, record.asked_unaided, record.typed, record.menu_opened_at, record.lang) == (
            "menu",
            (),
            (),
            None,
            "en",
        )


def test_the_version_1_csv_hand_in_gives_the_same_attempts_without_events():
    """The version-1 CSV fixture reads every row to the same records as the JSONL, except the events CSV leaves out."""
    from_csv = [record for _, record, _ in read_all(V1 / "attempts.csv")]
    from_jsonl = [record for _, record, _ in read_all(V1 / "attempts.jsonl")]
    assert from_csv == [replace(r, events=None) for r in from_jsonl]
    assert len(from_csv) == 4 and all(r is not None for r in from_csv)


def test_version_1_files_are_only_read():
    """Reading the fixtures (the chain upgrades in memory) leaves them byte for byte as they were."""
    before = {p.name: p.read_bytes() for p in V1.iterdir()}
    for name in ("attempts.jsonl", "attempts.csv"):
        read_all(V1 / name)
    assert {p.name: p.read_bytes() for p in V1.iterdir()} == before


# ------------------------------------------------------------------ the upgrade chain


def add_teacher_mark(record: dict) -> dict:
    """A made-up next step of the chain, as a later change of the record would add one: a new field with a default."""
    return {**record, "teacher_mark": None}


def test_a_further_step_reads_version_1_files_through_the_whole_chain_without_touching_them(monkeypatch):
    """With a (test-only) step appended, the v1 fixture reads through every step, is written at the new version, and
    stays unchanged."""
    before = (V1 / "attempts.jsonl").read_bytes()
    newest = attempts.RECORD_VERSION + 1
    monkeypatch.setattr(attempts, "UPGRADES", (*attempts.UPGRADES, add_teacher_mark))
    monkeypatch.setattr(attempts, "RECORD_VERSION", newest)
    records = [record for _, record, _ in read_all(V1 / "attempts.jsonl")]
    assert len(records) == 4
    assert [r.extra for r in records] == [{"teacher_mark": None}] * 4  # a field this class lacks
    assert {r.mode for r in records} == {"menu"}  # the real v1 -> v2 step ran first
    written = json.loads(attempts.jsonl_line(records[0]))
    assert (written["record_version"], written["teacher_mark"], written["mode"]) == (newest, None, "menu")
    assert AttemptRecord.from_json(written) == records[0]  # a newest record reads without upgrading again
    assert (V1 / "attempts.jsonl").read_bytes() == before


def recall_record(n: int = 1) -> AttemptRecord:
    """A version-2 record of a recall-mode attempt: typed questions (clear, ambiguous then chosen, none), the list
    opened after them, played in Norwegian."""
    return make_record(
        n,
        record_version=2,
        mode="recall",
        lang="nb",
        asked=["q_swelling", "q_onset", "q_injury"],
        asked_unaided=["q_swelling", "q_onset"],
        typed=[
            {"text": "is it swollen?", "status": "clear", "question": "q_swelling", "choices": []},
            {
                "text": "when, how; did it start?",
                "status": "ambiguous",
                "question": "q_onset",
                "choices": ["q_onset", "q_course"],
            },
            {"text": "=any pets at home?", "status": "none", "question": None, "choices": []},
        ],
        menu_opened_at=95.5,
        scores={"thoroughness": 1.0, "recall": 0.667, "efficiency": 1.0, "diagnosis": 1.0, "next_step": 1.0},
    )


def test_the_version_1_to_2_step_adds_the_recall_fields_and_leaves_version_2_records_as_they_are():
    """upgrade() gives a v1 record the menu-mode defaults; a v2 recall record reads with its own values unchanged."""
    assert attempts.RECORD_VERSION == 2
    upgraded = attempts.upgrade(attempt_json(1))
    assert {k: upgraded[k] for k in V2_DEFAULTS} == V2_DEFAULTS and upgraded["record_version"] == 2
    record = recall_record()
    assert (record.mode, record.lang, record.asked_unaided, record.menu_opened_at) == (
        "recall",
        "nb",
        ("q_swelling", "q_onset"),
        95.5,
    )
    assert record.typed == (
        TypedQuestion("is it swollen?", "clear", "q_swelling"),
        TypedQuestion("when, how; did it start?", "ambiguous", "q_onset", ("q_onset", "q_course")),
        TypedQuestion("=any pets at home?", "none"),
    )
    assert record.scores["recall"] == 0.667 and record.extra == {}


def test_a_recall_record_survives_json_lines_and_csv(tmp_path):
    """A v2 recall record reads back equal from JSON Lines, and from CSV but for the events (the typed questions, with
    a comma, a semicolon and a formula-like start, kept in one JSON cell)."""
    record = recall_record()
    with open(tmp_path / "recall.jsonl", "w", encoding="utf-8") as f:
        attempts.write_jsonl(f, [record])
    with open(tmp_path / "recall.csv", "w", encoding="utf-8", newline="") as f:
        attempts.write_csv(f, [record])
    assert [r for _, r, _ in read_all(tmp_path / "recall.jsonl")] == [record]
    assert [r for _, r, _ in read_all(tmp_path / "recall.csv")] == [replace(record, events=None)]
    with open(tmp_path / "recall.csv", newline="", encoding="utf-8") as f:
        row = next(csv.DictReader(f))
    assert (row["mode"], row["asked_unaided"], row["menu_opened_at"], row["score_recall"]) == (
        "recall",
        "q_swelling;q_onset",
        "95.5",
        "0.667",
    )
    assert json.loads(row["typed"]) == [t.as_dict() for t in record.typed]


def test_a_menu_record_writes_an_empty_typed_cell_and_no_recall_score(tmp_path):
    """A menu-mode record has no typed questions (an empty CSV cell) and no recall score (an empty column)."""
    out = io.StringIO(newline="")
    attempts.write_csv(out, [make_record(1)])
    row = next(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert (row["mode"], row["typed"], row["score_recall"], row["menu_opened_at"]) == ("menu", "", "", "")


def test_upgrade_runs_each_step_once_in_order_and_leaves_its_input_alone():
    """upgrade() applies the steps from the record's version on, numbers the result, and copies instead of changing."""
    calls = []

    def step(name):
        def run(record):
            calls.append((name, record["record_version"] if "record_version" in record else 1))
            return {**record, name: True}

        return run

    chain = (step("two"), step("three"))
    original = attempt_json(1)
    assert attempts.upgrade(original, chain) == {**original, "two": True, "three": True, "record_version": 3}
    assert calls == [("two", 1), ("three", 2)]
    assert "two" not in original and "record_version" not in original
    calls.clear()
    assert attempts.upgrade({**original, "record_version": 2}, chain)["record_version"] == 3
    assert calls == [("three", 2)]


def test_a_record_from_a_newer_casebook_is_a_typed_error():
    """A record whose version is above the newest known raises RecordVersionError saying to update the casebook."""
    newer = {**attempt_json(1), "record_version": attempts.RECORD_VERSION + 1}
    with pytest.raises(RecordVersionError) as err:
        AttemptRecord.from_json(newer)
    assert (err.value.version, err.value.newest) == (attempts.RECORD_VERSION + 1, attempts.RECORD_VERSION)
    assert str(err.value) == (
        f"written by a newer casebook (record version {attempts.RECORD_VERSION + 1}; this casebook reads versions 1 "
        f"to {attempts.RECORD_VERSION}): update the casebook to read it"
    )


@pytest.mark.parametrize("version", [0, -1, "1", 1.0, True, None])
def test_an_unusable_version_is_a_clear_error(version):
    """A version that is not a whole number from 1 up is refused with a message naming the field."""
    with pytest.raises(RecordError, match="^field 'record_version' should be a whole number from 1 up, found "):
        AttemptRecord.from_json({**attempt_json(1), "record_version": version})


def test_the_newest_version_is_one_more_than_the_steps_of_the_chain():
    """RECORD_VERSION counts the released steps: version 1 plus one per upgrade step."""
    assert attempts.RECORD_VERSION == 1 + len(attempts.UPGRADES)
    assert json.loads(attempts.jsonl_line(make_record(1)))["record_version"] == attempts.RECORD_VERSION


# ------------------------------------------------------------------ JSON and CSV forms


def test_a_record_survives_json_lines_and_csv(tmp_path):
    """A record written as JSON Lines reads back equal; as CSV, equal but for the events (reasoning with commas, quotes,
    line breaks, a formula-like start and non-ASCII text included)."""
    record = make_record(
        3,
        alias="Åse Ødegård",
        reasoning='=1+1, "quoted";\nsecond line ½',
        next_step=None,
        confidence=None,
        demo=True,
        missed_red_flags=["q_swelling", "q_onset"],
    )
    assert AttemptRecord.from_json(json.loads(attempts.jsonl_line(record))) == record
    with open(tmp_path / "one.jsonl", "w", encoding="utf-8") as f:
        attempts.write_jsonl(f, [record])
    with open(tmp_path / "one.csv", "w", encoding="utf-8", newline="") as f:
        attempts.write_csv(f, [record])
    assert [r for _, r, _ in read_all(tmp_path / "one.jsonl")] == [record]
    assert [r for _, r, _ in read_all(tmp_path / "one.csv")] == [replace(record, events=None)]
    with open(tmp_path / "one.csv", newline="", encoding="utf-8") as f:
        row = next(csv.DictReader(f))
    assert (row["reasoning"], row["demo"], row["next_step"], row["missed_red_flags"]) == (
        "'" + record.reasoning,
        "true",
        "",
        "q_swelling;q_onset",
    )


def test_keys_this_casebook_does_not_know_are_kept_as_they_came(tmp_path):
    """Unknown keys land in ``extra`` and are written again (JSON as they came; CSV as text), so nothing is lost."""
    line = {**attempt_json(1), "teacher_note": "seen", "rubric": {"points": 3}}
    record = AttemptRecord.from_json(line)
    assert record.extra == {"teacher_note": "seen", "rubric": {"points": 3}}
    written = record.to_json()
    assert {k: written[k] for k in line} == line
    with open(tmp_path / "extra.csv", "w", encoding="utf-8", newline="") as f:
        attempts.write_csv(f, [record])
    ((_, again, _),) = read_all(tmp_path / "extra.csv")
    assert again.extra == {"teacher_note": "seen", "rubric": '{"points": 3}'}


def test_every_field_has_a_csv_column_and_the_required_ones_are_the_records_own():
    """The CSV header comes from the record's fields (a column per score, then the version): no second list of them."""
    columns = attempts.csv_columns()
    names = [f.name for f in fields(AttemptRecord) if f.name not in ("scores", "extra", "events")]
    assert [c for c in columns if not c.startswith("score_") and c != "record_version"] == names
    assert [c for c in columns if c.startswith("score_")] == [f"score_{s}" for s in attempts.SCORE_NAMES]
    assert columns[-1] == "record_version"
    assert attempts.REQUIRED_FIELDS == (
        "attempt_id",
        "alias",
        "case_id",
        "correct_diagnosis",
        "submitted_at",
        "differential",
        "verdict",
    )


def test_the_session_records_its_events_with_the_same_event_type():
    """The session's events and the record's events are one type (no second description of an event)."""
    assert session.Event is Event


# ------------------------------------------------------------------ clear errors


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"attempt_id": 7}, "field 'attempt_id' should be text, found a number"),
        ({"case_id": "  "}, "field 'case_id' must not be empty"),
        ({"submitted_at": "noon"}, "field 'submitted_at' should be a number, found 'noon'"),
        ({"submitted_at": True}, "field 'submitted_at' should be a number, found true/false"),
        ({"asked": "q_onset"}, "field 'asked' should be a list of ids (text), found 'q_onset'"),
        ({"asked": ["q_onset", 3]}, "field 'asked' should be a list of ids (text), found a list with other values"),
        ({"confidence": "high"}, "field 'confidence' should be a number or null, found 'high'"),
        ({"next_step": 3}, "field 'next_step' should be text or null, found a number"),
        ({"unsafe_step": "no"}, "field 'unsafe_step' should be true or false, found 'no'"),
        ({"scores": {"diagnosis": "full"}}, "field 'scores' should be an object of numbers, found an object"),
        ({"mode": "voice"}, "field 'mode' should be 'menu' or 'recall', found 'voice'"),
        ({"typed": "did it pop?"}, "field 'typed' should be a list of typed questions, found 'did it pop?'"),
        (
            {"typed": ["did it pop?"]},
            "typed[0] should be an object (text, status, question, choices), found 'did it pop?'",
        ),
        ({"typed": [{"status": "none"}]}, "typed[0] needs the 'text' the student typed, found null"),
        (
            {"typed": [{"text": "pop?", "status": "maybe"}]},
            "typed[0]: 'status' should be one of clear, ambiguous, none, found 'maybe'",
        ),
        (
            {"typed": [{"text": "pop?", "status": "clear", "question": 7}]},
            "typed[0]: 'question' should be a question id or null, found a number",
        ),
        (
            {"typed": [{"text": "pop?", "status": "none", "choices": "q_snap"}]},
            "typed[0]: 'choices' should be a list of question ids, found 'q_snap'",
        ),
        (
            {"typed": [{"text": "pop?", "status": "none", "score": 3}]},
            "typed[0] has unknown key(s) 'score' (a typed question holds text, status, question, choices)",
        ),
        ({"events": {}}, "field 'events' should be a list, found an object"),
        ({"events": [1]}, "events[0] should be an object, found a number"),
        ({"events": [{"at": 1.0}]}, "events[0] needs a 'kind' (text), found null"),
        ({"events": [{"kind": "ask"}]}, "events[0] needs an 'at' time (a number), found null"),
        ({"events": [{"kind": "ask", "at": 1, "item": 2}]}, "events[0]: 'item' should be text, found a number"),
        ({"events": [{"kind": "ask", "at": 1, "data": []}]}, "events[0]: 'data' should be an object, found a list"),
        (
            {"events": [{"kind": "ask", "at": 1, "who": "me"}]},
            "events[0] has unknown key(s) 'who' (an event holds kind, at, item and data)",
        ),
    ],
    ids=lambda v: str(v)[:40] if isinstance(v, dict) else "",
)
def test_a_bad_field_is_named_with_what_is_wrong(change, message):
    """Each kind of bad field raises RecordError with a message naming the field and what was found."""
    with pytest.raises(RecordError) as err:
        AttemptRecord.from_json({**attempt_json(1), "record_version": attempts.RECORD_VERSION, **change})
    assert str(err.value) == message


def test_missing_fields_are_listed_in_order():
    """A record without some required fields names all of them, in the record's order."""
    line = {k: v for k, v in attempt_json(1).items() if k not in ("verdict", "alias", "differential")}
    with pytest.raises(RecordError, match="^missing field\\(s\\): alias, differential, verdict$"):
        AttemptRecord.from_json(line)


def test_bad_lines_and_rows_are_problems_with_their_numbers(tmp_path):
    """Bad JSON, a cut-off line, text after a whole record, a huge number and half a character are problems of their
    lines; blank lines are skipped; the good lines around them read."""
    good = json.dumps(attempt_json(1))
    lines = [
        good,
        "   ",
        '{"a": 1} {"b": 2}',
        good[:50],
        '{"n": ' + "9" * 5000 + "}",
        '{"alias": "\\ud800"}',
        good,
        good + " and more",  # not cut off: the record is whole, something follows it
        good + json.dumps(attempt_json(2)),  # two hand-ins joined without a line break
    ]
    write_jsonl(tmp_path / "mixed.jsonl", lines)
    found = [(n, r is not None, p) for n, r, p in read_all(tmp_path / "mixed.jsonl")]
    assert found == [
        (1, True, None),
        (3, False, "not valid JSON: more text after the record, from column 10 on"),
        (4, False, "not valid JSON: the record is cut off after 50 characters"),
        (5, False, "not valid JSON (a number is too long: more than 4,300 digits)"),
        (6, False, "holds half a character (a lone \\ud800-\\udfff escape): not valid UTF-8 text"),
        (7, True, None),
        (8, False, f"not valid JSON: more text after the record, from column {len(good) + 2} on"),
        (9, False, f"not valid JSON: more text after the record, from column {len(good) + 1} on"),
    ]


def test_csv_problems_name_the_row(tmp_path):
    """A CSV without the record's columns is not an attempts file; a row with too many values or a bad number is
    named."""
    (tmp_path / "notes.csv").write_text("name,mark\nanna,5\n", encoding="utf-8")
    assert read_all(tmp_path / "notes.csv") == [
        (
            1,
            None,
            "not an attempts CSV file: missing column(s) attempt_id, alias, case_id, correct_diagnosis, submitted_at, "
            "differential, verdict",
        )
    ]
    out = io.StringIO(newline="")
    attempts.write_csv(out, [make_record(1), make_record(2)])
    header, first, second = out.getvalue().splitlines()
    (tmp_path / "bad.csv").write_text(
        "\n".join([header, first + ",surplus", second.replace(",600.0,", ",ten minutes,")]) + "\n", encoding="utf-8"
    )
    assert [(n, p) for n, _, p in read_all(tmp_path / "bad.csv")] == [
        (2, f"row has {len(header.split(',')) + 1} values, expected {len(header.split(','))}"),
        (3, "column 'seconds' should be a number, found 'ten minutes'"),
    ]


def test_unreadable_files_are_one_problem_each(tmp_path):
    """A file that is not UTF-8, or is missing, is one problem for the whole file (line 0)."""
    (tmp_path / "photo.jsonl").write_bytes(b"\xff\xd8\xff\xe0 not text")
    assert read_all(tmp_path / "photo.jsonl") == [(0, None, "not a UTF-8 text file (invalid start byte at byte 0)")]
    assert read_all(tmp_path / "gone.csv") == [(0, None, "cannot be read (No such file or directory)")]


# ------------------------------------------------------------------ any input


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


NEWEST_LINE = {**attempt_json(1), "record_version": attempts.RECORD_VERSION, **V2_DEFAULTS}


@FAST
@given(key=st.sampled_from(sorted(NEWEST_LINE)), value=json_values)
def test_any_value_in_any_field_reads_or_is_a_problem_and_good_records_survive_both_forms(tmp_path, key, value):
    """Whatever a field holds (of a newest-version record), a line reads or is a problem (never an exception); what
    reads, writes and reads back."""
    line = {**NEWEST_LINE, key: value}
    path = tmp_path / "fuzz.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    ((number, record, problem),) = read_all(path)
    assert number == 1 and (record is None) != (problem is None)
    if record is not None:
        assert AttemptRecord.from_json(json.loads(attempts.jsonl_line(record))) == record
        out = io.StringIO(newline="")
        attempts.write_csv(out, [record])
        row = next(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
        assert AttemptRecord.from_row(row).attempt_id == record.attempt_id


# ------------------------------------------------------------------ orjson and the standard parser read the same


def _values_and_problems(path: Path, fast) -> list[tuple]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(attempts, "_fast_loads", fast)
        return list(attempts.read_attempt_values(path))


def _table_and_problems(folder: Path, fast):
    from casebook import analytics

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(attempts, "_fast_loads", fast)
        return analytics.read_folder(folder)


def test_orjson_is_installed_and_reads_the_class_reports_lines(tmp_path, monkeypatch):
    """orjson is a dependency (pyproject.toml, the lock): the class report's reader tries it on every line."""
    assert attempts._fast_loads is not None
    seen: list[str] = []
    original = attempts._fast_loads

    def counting(text):
        seen.append(text)
        return original(text)

    monkeypatch.setattr(attempts, "_fast_loads", counting)
    path = write_jsonl(tmp_path / "a.jsonl", [attempt_json(1), attempt_json(2)])
    assert [problem for _, _, problem in attempts.read_attempt_values(path)] == [None, None]
    assert len(seen) == 2


HARD_LINES = [
    "NaN",
    '{"attempt_id": NaN}',
    "[1e999]",
    '"\\ud800"',
    "[" * 1100 + "]" * 1100,
    '{"a": "tab\there"}',
    "\ufeff" + json.dumps(attempt_json(30)),
    json.dumps(attempt_json(31)) + "\x0c",
    json.dumps(attempt_json(32)) + " trailing",
    "1" * 5000,
    "",
    "   ",
]
BIG = 10**25  # beyond 64 bits: orjson reads it as a float, the standard parser as an int


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"confidence": BIG},
        {"confidence": -BIG},
        {"seconds": BIG},
        {"started_at": BIG},
        {"scores": {"thoroughness": BIG}},
        {"record_version": BIG},
        {"record_version": -BIG},
        {"asked": ["q_onset", BIG]},
        {"attempt_id": BIG},
        {"homework": BIG},
        {"events": [{"kind": "start", "at": BIG}]},
        {"events": [{"kind": "start", "at": 1e308, "item": "😀"}]},
        {"typed": [{"text": "hi", "status": "clear", "question": BIG, "choices": []}]},
    ],
    ids=lambda c: ",".join(c) or "as-written",
)
def test_orjson_and_the_standard_parser_give_the_same_table_and_problems(tmp_path, change):
    """Every kind of line (hard JSON, integers beyond 64 bits in every kind of field, a version beyond them) reads
    into the same attempts table with the same problems, with orjson or with the standard library alone."""
    folder = tmp_path / "hand-ins"
    line = {**NEWEST_LINE, "attempt_id": "changed", **change}
    write_jsonl(folder / "a.jsonl", [attempt_json(1), line, *HARD_LINES, attempt_json(2)])
    fast_df, fast_problems = _table_and_problems(folder, attempts._fast_loads)
    plain_df, plain_problems = _table_and_problems(folder, None)
    import pandas as pd

    pd.testing.assert_frame_equal(fast_df, plain_df)
    assert fast_problems == plain_problems
    # Every hard line is a problem but the blank ones (skipped) and the one ending in a form feed (white space).
    form_feed = 3 + HARD_LINES.index(json.dumps(attempt_json(31)) + "\x0c")
    expected = [n for n, text in enumerate(HARD_LINES, start=3) if text.strip() and n != form_feed]
    assert [p.line for p in fast_problems if p.line != 2] == expected  # line 2: the changed record
    if not change:
        assert _values_and_problems(folder / "a.jsonl", attempts._fast_loads) == _values_and_problems(
            folder / "a.jsonl", None
        )


@FAST
@given(key=st.sampled_from(sorted(NEWEST_LINE)), value=json_values | st.integers())
def test_any_value_in_any_field_reads_the_same_with_orjson_and_without(tmp_path, key, value):
    """Whatever a field holds, orjson and the standard parser give the same table row or the same problem."""
    folder = tmp_path / "fuzz"
    folder.mkdir(exist_ok=True)
    write_jsonl(folder / "a.jsonl", [{**NEWEST_LINE, key: value}])
    import pandas as pd

    fast_df, fast_problems = _table_and_problems(folder, attempts._fast_loads)
    plain_df, plain_problems = _table_and_problems(folder, None)
    pd.testing.assert_frame_equal(fast_df, plain_df)
    assert fast_problems == plain_problems
