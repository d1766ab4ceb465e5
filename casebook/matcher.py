"""Free-recall matching: a student's typed question -> the closest history questions of the bank, with scores.

The API (pure core: no widgets, no I/O beyond the package's own language tables)::

    from casebook.matcher import match

    result = match(book.bank, "did you feel a pop?", lang="en", limit=3)
    result.status          # "clear" | "ambiguous" | "none"
    result.best            # Candidate(question_id="q_snap", score=92.8, matched_on="phrasing", matched_text="...")
    result.is_clear        # ask result.best.question_id directly
    result.is_ambiguous    # offer result.choices: the 2-3 closest, best first
    result.is_none         # say "no good match" and keep the typed question in the transcript as unanswered
    result.as_dict()       # JSON-ready, for session events, answers files and `casebook match --format json`

* ``match(bank, text, *, lang="en", limit=3, among=None) -> MatchResult``: ``among`` restricts the candidates to
  some question ids (for example the questions a case offers); ``limit`` caps ``candidates`` (``choices`` never
  holds more than ``MAX_CHOICES``).
* ``resolve(bank, text, lang="en") -> str | None``: the question id when the match is clear, else None (for scripted
  play: ``"typed": [...]`` in an answers file).
* ``matcher_for(bank, lang) -> Matcher``: the precomputed index, built once per (bank object, language) and cached
  while the bank object lives; ``match`` uses it, so the first query on a bank pays the build (a few ms) and the
  rest take well under a millisecond (benchmarks/bench_matcher.py).
* ``normalise(text, lang="en") -> tuple[str, ...]``: the content words the matcher scores, for explanations/tests.
* ``languages() -> tuple[str, ...]``: the languages with a table in casebook/data/lay_words.json; ``match`` with
  any other language raises ValueError (saying which file to extend). ``Matcher(bank, lang, table=...)`` and
  ``LanguageTable.from_dict`` / ``read_language_tables(path)`` build an index from a table of your own (tests).
* ``casebook match "TEXT" [--lang L] [--limit N] [--format table|json] [--cases FOLDER]`` (``register_cli``):
  exit 0 when a question fits (clear or ambiguous), 1 when nothing does (or the cases cannot be loaded), 2 on bad
  usage, in step with ``casebook validate``.

For the recall view: on Enter call ``match``; when ``is_clear`` ask ``best.question_id`` through the session;
when ``is_ambiguous`` show ``choices`` as buttons labelled with ``bank.questions[id].text.get(lang)`` (plus a
"none of these" way out); when ``is_none`` keep the typed text in the transcript as unanswered. Record
``result.as_dict()`` with the event (query, status, the words scored, candidates with scores, choices), so the
feedback and the class report can tell which questions a student found unaided and how. Scores are floats with
one decimal; the thresholds below are module constants, not arguments, so every view and report agrees.

How a score is made (0-100): the typed text and every bank question's text, phrasings and keywords go through the
same normalisation (case, apostrophes and contractions, simple suffix stemming, lay words -> the bank's words,
stop words dropped: all from the language's table in ``casebook/data/lay_words.json``, so a new language is data
only: a table there plus ``phrasings``/``keywords`` in that language in the bank; a question without a text in
that language is indexed by the text ``Text.get`` shows, English). Each query word is looked up in the bank's
vocabulary: exactly, or when the bank has no such word, with rapidfuzz (``fuzz.ratio`` >= FUZZY_WORD_CUTOFF) to
forgive typos ("numbess", "swolen"). Words weigh by their rarity in the bank (inverse document frequency over
questions), so "snap" counts far more than "leg"; a word the bank does not know weighs like the rarest. Against
each of a question's texts the score is a recall-leaning F-measure (BETA): how much of the student's question the
text explains, and how much of the text the student's question covers; a keyword counts as a text that is fully
covered when all its words are present. A question's score mixes its best text's F (``matched_on`` says which)
with how much of the typed question all its texts explain together (UNION_SHARE), scaled down when the matched
words carry little evidence (FULL_EVIDENCE), so "what's the pain like?" is never a clear match on "pain" alone.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import unicodedata
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from .i18n import M_, N_, format_number, translator
from .i18n import resolve as resolve_language
from .model import QuestionBank

LAY_WORDS_FILE = Path(__file__).resolve().parent / "data" / "lay_words.json"

# Thresholds, chosen from the 218 typed questions of tests/data/typed_questions.json (benchmarks/bench_matcher.py
# prints these figures again after any change to the bank, the tables or the scoring):
# - NO_MATCH_BELOW: 11 of the 13 questions the bank lacks ("how old are you?", "any pets?") score 0, having no word
#   the bank knows; the other two share one bank word by chance ("hear", "where") and score 49 and 55, so they are
#   offered as choices, never asked. The right question's score is 40.3 at the lowest (p10 59, median 87), so 40
#   turns no right answer away; a higher bar would drop right answers to catch at most one more stray.
# - CLEAR_AT with a lead of CLEAR_MARGIN over the runner-up: the best is asked at once. 178 of the 179 clear results
#   are right. Below that, or when the runner-up is close (the student's words fit two questions: "burning?" ->
#   burning feet or the pain's character), the closest two or three are offered and the student picks, so a weak
#   guess is never asked for them.
NO_MATCH_BELOW = 40.0
CLEAR_AT = 60.0
CLEAR_MARGIN = 12.0
# Offer every candidate within CHOICE_SPREAD points of the best, at least 2 and at most MAX_CHOICES of them.
CHOICE_SPREAD = 25.0
MAX_CHOICES = 3
# rapidfuzz.fuzz.ratio (0-100) at or above which a word the bank does not know counts as a misspelling of one it
# does; only words of MIN_FUZZY_LENGTH letters or more are compared ("leg" -> "log" would be a guess, not a typo).
FUZZY_WORD_CUTOFF = 85.0
MIN_FUZZY_LENGTH = 5
# Recall-leaning F-measure: a student's short question covers little of a long bank question, which is fine;
# words of the student's question that no bank text explains are not.
BETA = 2.0
# A question's score mixes its best single text (weight 1 - UNION_SHARE) with how much of the student's question
# all its texts together explain (UNION_SHARE): a student may combine words of two phrasings of one question.
UNION_SHARE = 0.3
# Evidence: the summed rarity (idf, in nats) of the matched words at which a match counts in full; below it the
# score shrinks in proportion, so a match on common words only ("pain", "leg") is never clear on its own.
FULL_EVIDENCE = 2.5
STATUSES = ("clear", "ambiguous", "none")

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")  # letters/digits of any script (æøå too), inner apostrophes kept


# ---------------------------------------------------------------- language tables


@dataclass(frozen=True)
class LanguageTable:
    """One language's normalisation data (from casebook/data/lay_words.json), ready to use."""

    lang: str
    apostrophes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    contractions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    min_stem: int = 3
    suffixes: tuple[tuple[str, str], ...] = ()
    protect: tuple[str, ...] = ()
    final: tuple[tuple[str, str], ...] = ()
    undouble: str = ""
    keep: frozenset[str] = frozenset()
    lay_words: Mapping[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = field(default_factory=dict)
    stopwords: frozenset[str] = frozenset()

    @classmethod
    def from_dict(cls, lang: str, data: Any, source: str = "lay_words.json") -> LanguageTable:
        """Build a table from its JSON object; a ValueError names the file, the JSON path and the fix."""
        where = f"{source}: $.{lang}"

        def need(ok: bool, path: str, what: str) -> None:
            if not ok:
                raise ValueError(f"{where}{path}: {what}")

        need(isinstance(data, dict), "", "must be an object with the language's tables")
        known = {"apostrophes", "contractions", "stemming", "lay_words", "stopwords"}
        unknown = sorted(set(data) - known)
        need(not unknown, f".{unknown[0] if unknown else ''}", f"unknown key: use only {', '.join(sorted(known))}")
        for key in ("apostrophes", "contractions", "lay_words"):
            value = data.get(key, {})
            need(isinstance(value, dict), f".{key}", "must be an object mapping words to words")
            for k, v in value.items():
                need(isinstance(v, str) and bool(k.strip()), f".{key}[{k!r}]", "must map a non-empty word to text")
        stopwords = data.get("stopwords", [])
        need(
            isinstance(stopwords, list) and all(isinstance(w, str) for w in stopwords),
            ".stopwords",
            "must be a list of words",
        )
        stemming = data.get("stemming", {})
        need(isinstance(stemming, dict), ".stemming", "must be an object")
        for key in ("suffixes", "final"):
            pairs = stemming.get(key, [])
            need(
                isinstance(pairs, list)
                and all(isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in pairs),
                f".stemming.{key}",
                'must be a list of ["ending", "replacement"] pairs',
            )
        need(isinstance(stemming.get("min_stem", 3), int), ".stemming.min_stem", "must be a whole number")

        fold = _fold
        table = cls(
            lang=lang,
            apostrophes=tuple(
                sorted(
                    ((fold(k), tuple(fold(v).split())) for k, v in data.get("apostrophes", {}).items()),
                    key=lambda kv: -len(kv[0]),
                )
            ),
            contractions={fold(k): tuple(fold(v).split()) for k, v in data.get("contractions", {}).items()},
            min_stem=stemming.get("min_stem", 3),
            suffixes=tuple((fold(a), fold(b)) for a, b in stemming.get("suffixes", [])),
            protect=tuple(fold(p) for p in stemming.get("protect", [])),
            final=tuple((fold(a), fold(b)) for a, b in stemming.get("final", [])),
            undouble=fold(stemming.get("undouble", "")),
            keep=frozenset(fold(w) for w in stemming.get("keep", [])),
        )
        # Lay words and stop words are compared after stemming, so their keys are stemmed the same way.
        lay: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        for key, value in data.get("lay_words", {}).items():
            stems = tuple(table.stem(w) for w in table.words(key))
            need(bool(stems), f".lay_words[{key!r}]", "has no word in it")
            lay.setdefault(stems[0], []).append((stems, tuple(table.words(value))))
        object.__setattr__(
            table, "lay_words", {k: tuple(sorted(v, key=lambda kv: -len(kv[0]))) for k, v in lay.items()}
        )
        object.__setattr__(table, "stopwords", frozenset(table.stem(w) for s in stopwords for w in table.words(s)))
        return table

    def words(self, text: str) -> list[str]:
        """Case-folded words of ``text`` with contractions and apostrophe endings expanded."""
        out: list[str] = []
        for raw in _WORD.findall(_fold(text)):
            if raw in self.contractions:
                out += self.contractions[raw]
            elif "'" in raw:
                for ending, replacement in self.apostrophes:
                    if raw.endswith(ending) and len(raw) > len(ending):
                        out += [w for w in raw[: -len(ending)].split("'") if w] + list(replacement)
                        break
                else:
                    out += [w for w in raw.split("'") if w]
            else:
                out.append(raw)
        return out

    def stem(self, word: str) -> str:
        """A light suffix-stripping stem (plurals and simple endings) by the table's rules."""
        if word in self.keep or word.isdigit():
            return word
        for suffix, replacement in self.suffixes:
            if word.endswith(suffix) and not any(word.endswith(p) for p in self.protect if len(p) >= len(suffix)):
                stem = word[: len(word) - len(suffix)] + replacement
                if len(stem) >= self.min_stem:
                    if stem[-1:] in self.undouble and len(stem) > 2 and stem[-1] == stem[-2] and suffix != "s":
                        stem = stem[:-1]
                    word = stem
                    break
        for ending, replacement in self.final:
            if word.endswith(ending) and len(word) - len(ending) + len(replacement) >= self.min_stem:
                return word[: len(word) - len(ending)] + replacement
        return word

    def tokens(self, text: str) -> tuple[tuple[str, str], ...]:
        """(surface word, stem) pairs of the content words of ``text``: stemmed, lay words mapped, stop words out."""
        words = self.words(text)
        stems = [self.stem(w) for w in words]
        out: list[tuple[str, str]] = []
        i = 0
        while i < len(words):
            for key, replacement in self.lay_words.get(stems[i], ()):
                if tuple(stems[i : i + len(key)]) == key:
                    out += [(w, self.stem(w)) for w in replacement]
                    i += len(key)
                    break
            else:
                out.append((words[i], stems[i]))
                i += 1
        return tuple((w, s) for w, s in out if s not in self.stopwords)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)


def read_language_tables(path: Path | str = LAY_WORDS_FILE) -> dict[str, LanguageTable]:
    """Every language table of a lay-words file (keys starting with '$' are comments)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise ValueError(f"{path.name}: line {e.lineno}, column {e.colno}: {e.msg} (fix the JSON syntax)") from e
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: must be an object mapping language codes to tables")
    return {
        lang: LanguageTable.from_dict(lang, value, path.name)
        for lang, value in data.items()
        if not lang.startswith("$")
    }


@cache
def _bundled_tables() -> dict[str, LanguageTable]:
    return read_language_tables(LAY_WORDS_FILE)


def languages() -> tuple[str, ...]:
    """The languages the matcher has a normalisation table for."""
    return tuple(_bundled_tables())


def language_table(lang: str) -> LanguageTable:
    """The bundled table of ``lang``; ValueError when there is none."""
    tables = _bundled_tables()
    if lang not in tables:
        raise ValueError(
            M_(
                "no matching table for language '{lang}' (known: {known}): "
                "add a '{lang}' object to casebook/data/lay_words.json",
                lang=lang,
                known=", ".join(tables),
            )
        )
    return tables[lang]


def normalise(text: str, lang: str = "en", table: LanguageTable | None = None) -> tuple[str, ...]:
    """The content words (stems) of ``text`` that the matcher scores."""
    return tuple(stem for _, stem in (table or language_table(lang)).tokens(text))


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Candidate:
    """One bank question that fits a typed question: its id, a score 0-100 and the bank text that fitted best."""

    question_id: str
    score: float
    matched_on: str  # "text", "phrasing" or "keyword"
    matched_text: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "question_id": self.question_id,
            "score": self.score,
            "matched_on": self.matched_on,
            "matched_text": self.matched_text,
        }


@dataclass(frozen=True)
class MatchResult:
    """The bank questions closest to one typed question, best first, and what to do with them."""

    query: str
    lang: str
    words: tuple[str, ...]  # the normalised content words that were scored
    candidates: tuple[Candidate, ...]

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def is_none(self) -> bool:
        """Nothing fits: no candidate reaches NO_MATCH_BELOW."""
        return self.best is None or self.best.score < NO_MATCH_BELOW

    @property
    def is_clear(self) -> bool:
        """Ask the best directly: it reaches CLEAR_AT and leads the runner-up by CLEAR_MARGIN."""
        if self.is_none or self.best.score < CLEAR_AT:
            return False
        return len(self.candidates) < 2 or self.best.score - self.candidates[1].score >= CLEAR_MARGIN

    @property
    def is_ambiguous(self) -> bool:
        """Something fits but not clearly: offer ``choices``."""
        return not self.is_none and not self.is_clear

    @property
    def status(self) -> str:
        return "none" if self.is_none else "clear" if self.is_clear else "ambiguous"

    @property
    def choices(self) -> tuple[Candidate, ...]:
        """What to offer: the best alone when clear; when ambiguous the 2-3 closest; nothing when none fits."""
        if self.is_none:
            return ()
        if self.is_clear:
            return self.candidates[:1]
        best = self.candidates[0].score
        close = [c for c in self.candidates if c.score >= max(best - CHOICE_SPREAD, NO_MATCH_BELOW / 2)]
        return tuple(self.candidates[: max(2, min(len(close), MAX_CHOICES))])

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "lang": self.lang,
            "status": self.status,
            "words": list(self.words),
            "candidates": [c.as_dict() for c in self.candidates],
            "choices": [c.question_id for c in self.choices],
        }


# ---------------------------------------------------------------- the index


@dataclass(frozen=True)
class _Doc:
    question_id: str
    kind: str  # "text" | "phrasing" | "keyword"
    text: str
    stems: frozenset[str]
    weight: float  # sum of the idf of its stems


class Matcher:
    """The precomputed index of one bank in one language; ``match`` answers a typed question from it."""

    def __init__(self, bank: QuestionBank, lang: str = "en", table: LanguageTable | None = None) -> None:
        self.lang = lang
        self.table = table or language_table(lang)
        texts: list[tuple[str, str, str]] = []
        for q in bank.questions.values():
            texts.append((q.id, "text", q.text.get(lang)))
            texts += [(q.id, "phrasing", p) for p in q.words_for("phrasings", lang)]
            texts += [(q.id, "keyword", k) for k in q.words_for("keywords", lang)]
        tokenised = [(qid, kind, text, self.table.tokens(text)) for qid, kind, text in texts]
        per_question: dict[str, set[str]] = {}
        surfaces: dict[str, str] = {}
        for qid, _, _, tokens in tokenised:
            per_question.setdefault(qid, set()).update(s for _, s in tokens)
            for surface, stem in tokens:
                surfaces.setdefault(surface, stem)
                surfaces.setdefault(stem, stem)
        n = len(per_question) or 1
        df: dict[str, int] = {}
        for stems in per_question.values():
            for s in stems:
                df[s] = df.get(s, 0) + 1
        self.idf = {s: math.log(1 + n / c) for s, c in df.items()}
        # A word the bank does not know weighs like the rarest bank word: the student asked about something else.
        self.unknown_weight = math.log(1 + n)
        self.docs = tuple(
            _Doc(qid, kind, text, frozenset(s for _, s in tokens), sum(self.idf[s] for s in {s for _, s in tokens}))
            for qid, kind, text, tokens in tokenised
            if tokens
        )
        # A misspelt lay word ("swolen") should find what the lay word stands for: one-word keys join the vocabulary.
        for key, replacement in self._one_word_lay_words():
            if replacement in self.idf:
                surfaces.setdefault(key, replacement)
        self.question_ids = tuple(bank.questions)
        self._question_stems = {qid: frozenset(stems) for qid, stems in per_question.items()}
        self._vocab = tuple(surfaces)
        self._vocab_stems = tuple(surfaces[v] for v in self._vocab)

    def _one_word_lay_words(self) -> Iterable[tuple[str, str]]:
        for entries in self.table.lay_words.values():
            for key, replacement in entries:
                stems = [self.table.stem(w) for w in replacement if self.table.stem(w) not in self.table.stopwords]
                if len(key) == 1 and len(stems) == 1:
                    yield key[0], stems[0]

    def _lookup(self, surface: str, stem: str) -> dict[str, float]:
        """Bank stems a query word stands for, with a similarity 0-1: itself, else its near spellings."""
        if stem in self.idf:
            return {stem: 1.0}
        found: dict[str, float] = {}
        for probe in {surface, stem}:
            if len(probe) < MIN_FUZZY_LENGTH:
                continue
            for _, score, i in process.extract(
                probe, self._vocab, scorer=fuzz.ratio, score_cutoff=FUZZY_WORD_CUTOFF, limit=3
            ):
                s = self._vocab_stems[i]
                found[s] = max(found.get(s, 0.0), score / 100)
        return found

    def match(self, text: str, limit: int = 3, among: Iterable[str] | None = None) -> MatchResult:
        """The ``limit`` best questions for ``text`` (restricted to the ids in ``among`` when given)."""
        tokens = self.table.tokens(text)
        words = tuple(s for _, s in tokens)
        allowed = None if among is None else frozenset(among)
        lookups: list[tuple[float, dict[str, float]]] = []
        for surface, stem in dict.fromkeys(tokens):
            sims = self._lookup(surface, stem)
            lookups.append((max((self.idf[s] for s in sims), default=self.unknown_weight), sims))
        total = sum(w for w, _ in lookups)
        matched: dict[str, float] = {}
        for _, sims in lookups:
            for s, sim in sims.items():
                matched[s] = max(matched.get(s, 0.0), sim)
        if not matched:
            return MatchResult(text, self.lang, words, ())

        def explained(stems: frozenset[str]) -> float:
            """The summed weight of the query words that ``stems`` explain (each at its best similarity)."""
            return sum(w * max((sim for s, sim in sims.items() if s in stems), default=0.0) for w, sims in lookups)

        b2 = BETA * BETA
        best: dict[str, tuple[float, _Doc]] = {}
        for doc in self.docs:
            if (allowed is not None and doc.question_id not in allowed) or doc.stems.isdisjoint(matched):
                continue
            if doc.kind == "keyword":
                if not doc.stems.issubset(matched):
                    continue
                precision = 1.0
            else:
                precision = sum(self.idf[s] * matched.get(s, 0.0) for s in doc.stems) / doc.weight
            recall = explained(doc.stems) / total
            f = (1 + b2) * precision * recall / (b2 * precision + recall)
            if doc.question_id not in best or f > best[doc.question_id][0]:
                best[doc.question_id] = (f, doc)
        scored = []
        for qid, (f, doc) in best.items():
            evidence = explained(self._question_stems[qid])
            score = min(1.0, evidence / FULL_EVIDENCE) * ((1 - UNION_SHARE) * f + UNION_SHARE * evidence / total)
            scored.append((round(100 * score, 1), self.question_ids.index(qid), doc))
        scored.sort(key=lambda row: (-row[0], row[1]))
        candidates = tuple(Candidate(doc.question_id, score, doc.kind, doc.text) for score, _, doc in scored[:limit])
        return MatchResult(text, self.lang, words, candidates)


_CACHE: dict[tuple[int, str], tuple[weakref.ref, Matcher]] = {}


def matcher_for(bank: QuestionBank, lang: str = "en") -> Matcher:
    """The index of ``bank`` in ``lang``, built on first use and kept while the bank object lives."""
    key = (id(bank), lang)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is bank:
        return hit[1]
    matcher = Matcher(bank, lang)
    _CACHE[key] = (weakref.ref(bank, lambda _ref, key=key: _CACHE.pop(key, None)), matcher)
    return matcher


def match(
    bank: QuestionBank, text: str, *, lang: str = "en", limit: int = 3, among: Iterable[str] | None = None
) -> MatchResult:
    """The bank questions closest to a typed question, best first (see the module docstring)."""
    return matcher_for(bank, lang).match(text, limit=limit, among=among)


def resolve(bank: QuestionBank, text: str, lang: str = "en") -> str | None:
    """The question id a typed question clearly asks, or None when it is ambiguous or nothing fits."""
    result = match(bank, text, lang=lang, limit=2)
    return result.best.question_id if result.is_clear and result.best else None


# ---------------------------------------------------------------- command line

# Exit codes of `casebook match` are the command line's own (casebook/console.py): EXIT_OK = a question fits (clear
# or ambiguous), EXIT_PROBLEMS = no good match (or the cases cannot be loaded), EXIT_USAGE = bad usage.
STATUS_LINES = {  # English msgids, translated where printed
    "clear": N_("clear match: the recall mode asks it directly"),
    "ambiguous": N_("not clear: the recall mode offers the closest {n} to choose from"),
    "none": N_("no good match: no question scores {threshold} or more"),
}
MATCHED_ON = {"text": N_("text"), "phrasing": N_("phrasing"), "keyword": N_("keyword")}


def _cmd_match(args: argparse.Namespace) -> int:
    from .console import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, load_or_report, table

    # --lang is the language of the typed question (any table's code) and of what is printed; default $CASEBOOK_LANG.
    lang = args.lang or resolve_language()
    t = translator(lang)
    if not args.text.strip():
        print(t('casebook match: type a question, for example: casebook match "did you feel a pop?"'), file=sys.stderr)
        return EXIT_USAGE
    if args.limit < 1:
        print(t("casebook match: --limit must be 1 or more"), file=sys.stderr)
        return EXIT_USAGE
    try:
        language_table(lang)
    except ValueError as e:
        print(t("casebook match: {error}").format(error=t(e.args[0])), file=sys.stderr)
        return EXIT_USAGE
    book = load_or_report(args.cases, t)
    if book is None:
        return EXIT_PROBLEMS
    result = match(book.bank, args.text, lang=lang, limit=args.limit)
    texts = {c.question_id: book.bank.questions[c.question_id].text.get(lang) for c in result.candidates}
    if args.format == "json":
        out = result.as_dict()
        for c in out["candidates"]:
            c["text"] = texts[c["question_id"]]
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        status = t(STATUS_LINES[result.status]).format(
            n=len(result.choices),
            threshold=format_number(NO_MATCH_BELOW, t, 0 if float(NO_MATCH_BELOW).is_integer() else 1),
        )
        print(t('"{text}" ({lang}): {status}').format(text=args.text, lang=lang, status=status))
        if result.candidates:
            rows = [
                {
                    "id": c.question_id,
                    "score": format_number(c.score, t, 1),
                    "question": texts[c.question_id],
                    "matched on": t('{kind} "{text}"').format(
                        kind=t(MATCHED_ON[c.matched_on]) if c.matched_on in MATCHED_ON else c.matched_on,
                        text=c.matched_text,
                    ),
                }
                for c in result.candidates
            ]
            if result.is_none:
                print(t("closest, all below the threshold:"))
            print(table(rows, ["id", "score", "question", "matched on"]))
    return EXIT_PROBLEMS if result.is_none else EXIT_OK


def register_cli(sub: Any) -> None:
    """Add `casebook match` to the command line's sub-parsers."""
    p = sub.add_parser(
        "match",
        help="the bank questions a typed question matches, best first; exit 0 when something fits, 1 when nothing does",
    )
    p.add_argument("text", metavar="TEXT", help='a question as a student would type it, e.g. "did you feel a pop?"')
    p.add_argument(
        "--lang",
        default=None,
        metavar="LANG",
        help="language of the typed question and of the output: en, nb or da (default: $CASEBOOK_LANG, then en)",
    )
    p.add_argument("--limit", type=int, default=3, help="how many questions to show at most (default 3)")
    p.add_argument("--format", choices=["table", "json"], default="table", help="output format (default: table)")
    from .console import add_cases_option

    add_cases_option(p)
    p.set_defaults(func=_cmd_match)
