"""The translation glossary cases/glossary.csv: well-formed, one row per term and category, names pinned to content."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from casebook.feedback import STEP_SCORE
from casebook.model import DIFFICULTIES, REGIONS, SETTINGS

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "cases" / "glossary.csv"
CONDITIONS = ROOT / "cases" / "conditions"
BANK = ROOT / "cases" / "questions.json"
HEADER = ["en", "nb", "da", "note"]
# The first words of every note, before the first colon: what kind of term the row is (docs/translation-guide.md).
CATEGORIES = {
    "condition",
    "anatomy",
    "region",
    "topic",
    "setting",
    "difficulty",
    "grade",
    "urgency",
    "source",
    "UI",
    "service",
    "next step",
    "investigation",
    "examination",
    "red flag",
    "feedback/clinical",
    "patient speech",
    "drug",
    "everyday word",
    "format",
}
OVERLAP_WORDS = 8  # the same run length as ../shared/tools/seed_overlap.py
WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)  # the overlap tool's tokeniser


def _raw_text() -> str:
    return GLOSSARY.read_bytes().decode("utf-8")


def _records() -> list[list[str]]:
    return list(csv.reader(io.StringIO(_raw_text(), newline="")))


ROWS = _records()[1:]


def _category(note: str) -> str:
    return note.split(":", 1)[0].strip()


def _terms(category: str) -> list[str]:
    return [row[0] for row in ROWS if len(row) == 4 and _category(row[3]) == category]


def _english(value: object) -> str:
    """The English text of a field that is either a plain string or a {"en": ..., "nb": ..., "da": ...} object."""
    return value["en"] if isinstance(value, dict) else str(value)


def _condition_names() -> dict[str, str]:
    return {
        path.name: _english(json.loads(path.read_text(encoding="utf-8"))["name"])
        for path in sorted(CONDITIONS.glob("*.json"))
    }


def _words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def _runs(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + OVERLAP_WORDS]) for i in range(len(tokens) - OVERLAP_WORDS + 1)}


def _seed_runs() -> set[tuple[str, ...]]:
    candidates = [Path(os.environ["SEED_DIR"])] if os.environ.get("SEED_DIR") else []
    candidates += [up / "shared" / "seeds" for up in ROOT.parents] + [Path("/work/shared/seeds")]
    folder = next((c for c in candidates if c.is_dir() and any(c.glob("*.txt"))), None)
    if folder is None:
        pytest.fail("the source documents ../shared/seeds/*.txt were not found; set SEED_DIR to their folder")
    runs: set[tuple[str, ...]] = set()
    for seed in sorted(folder.glob("*.txt")):
        runs |= _runs(_words(seed.read_text(encoding="utf-8")))
    return runs


def test_glossary_is_utf8_without_bom_and_has_the_exact_header():
    """The file decodes as UTF-8, has no byte-order mark, and its first row is exactly en,nb,da,note."""
    raw = GLOSSARY.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert _records()[0] == HEADER


def test_every_row_has_four_cells():
    """Each row parses into exactly four cells (a stray comma outside quotes would make five)."""
    bad = [(n, row) for n, row in enumerate(ROWS, start=2) if len(row) != 4]
    assert bad == []


def test_en_nb_and_da_are_filled_in_on_every_row():
    """No row leaves the English, Bokmål or Danish cell empty."""
    empty = [
        (n, row[0]) for n, row in enumerate(ROWS, start=2) if len(row) == 4 and not all(c.strip() for c in row[:3])
    ]
    assert empty == []


def test_no_cell_has_leading_or_trailing_spaces():
    """Every cell is trimmed, so a lookup by term never misses on a stray space."""
    untrimmed = [(n, cell) for n, row in enumerate(ROWS, start=2) for cell in row if cell != cell.strip()]
    assert untrimmed == []


def test_every_note_starts_with_a_known_category():
    """Each note opens with one of the documented categories (e.g. 'patient speech:', 'feedback/clinical:')."""
    unknown = [
        (n, row[3][:40]) for n, row in enumerate(ROWS, start=2) if len(row) == 4 and _category(row[3]) not in CATEGORIES
    ]
    assert unknown == []


def test_no_english_term_appears_twice_within_a_category():
    """Within one category an English term has one row, so translators never meet two competing renderings."""
    counts = Counter((_category(row[3]), row[0].casefold()) for row in ROWS if len(row) == 4)
    assert sorted(key for key, n in counts.items() if n > 1) == []


@pytest.mark.parametrize("file_name", sorted(_condition_names()))
def test_condition_name_is_pinned_in_the_glossary(file_name):
    """The English name of each condition file has a 'condition' row, so its nb and da names are fixed once."""
    assert _condition_names()[file_name] in _terms("condition")


def test_every_condition_row_names_an_existing_condition():
    """No 'condition' row is left behind when a condition's English name changes."""
    assert sorted(set(_terms("condition")) - set(_condition_names().values())) == []


def test_condition_rows_carry_their_icd10_and_icpc2_codes():
    """Every condition row's note anchors the names in ICD-10 and ICPC-2."""
    missing = [
        row[0]
        for row in ROWS
        if len(row) == 4 and _category(row[3]) == "condition" and not ("ICD-10" in row[3] and "ICPC-2" in row[3])
    ]
    assert missing == []


def _bank_topics() -> list[str]:
    return [_english(topic["title"]) for topic in json.loads(BANK.read_text(encoding="utf-8"))["topics"]]


@pytest.mark.parametrize(
    ("category", "labels"),
    [
        ("setting", lambda: list(SETTINGS.values())),
        ("difficulty", lambda: list(DIFFICULTIES)),
        ("region", lambda: list(REGIONS.values())),
        ("grade", lambda: [grade.replace("_", " ") for grade in STEP_SCORE]),
        ("topic", _bank_topics),
    ],
    ids=["setting", "difficulty", "region", "grade", "topic"],
)
def test_closed_label_sets_match_the_glossary_exactly(category, labels):
    """Settings, difficulty levels, body regions, step grades and history topics have exactly one row per label."""
    assert sorted(_terms(category)) == sorted(labels())


def test_no_cell_repeats_eight_words_of_the_sources():
    """No single cell copies a run of eight words from the Norwegian guide or the Danish article."""
    seeds = _seed_runs()
    copied = [(n, cell[:60]) for n, row in enumerate(ROWS, start=2) for cell in row if _runs(_words(cell)) & seeds]
    assert copied == []


def test_the_file_as_a_whole_repeats_no_eight_words_of_the_sources():
    """Read as one stream of words, as the overlap tool reads it, the file shares no eight-word run with the sources."""
    assert sorted(_runs(_words(_raw_text())) & _seed_runs()) == []
