"""Frozen domain objects of the casebook: questions, conditions, cases; no I/O, no widgets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

DOCUMENT_TITLES = MappingProxyType(
    {
        "leg_pain_guide": "Leggsmerter, veiviser (Norwegian patient guide to leg pain)",
        "nerve_article": (
            "Nervebetændelse i ben – årsager og behandling (Danish article on nerve pain in the leg, 2025)"
        ),
        "general": "General textbook knowledge (not stated in the source documents)",
    }
)
URGENT_LEVELS = frozenset({"urgent", "emergency"})
DIFFICULTIES = ("introductory", "intermediate", "advanced")
SETTINGS = MappingProxyType(
    {
        "gp": "GP surgery",
        "physiotherapy": "Direct-access physiotherapy",
        "sports_clinic": "Sports clinic",
        "emergency": "Emergency department",
    }
)
REGIONS = MappingProxyType(
    {
        "calf": "Calf",
        "shin": "Shin (front of the leg)",
        "achilles_heel": "Achilles / heel",
        "outer_leg": "Outer side of the leg",
        "whole_leg": "Whole leg",
        "feet": "Feet",
        "back_to_leg": "From the back down the leg",
    }
)


@dataclass(frozen=True)
class Text:
    """A localisable text: English always, other languages optional."""

    en: str
    translations: tuple[tuple[str, str], ...] = ()

    def get(self, lang: str = "en") -> str:
        """The text in ``lang``, falling back to English."""
        for code, value in self.translations:
            if code == lang:
                return value
        return self.en

    def __str__(self) -> str:
        return self.en


@dataclass(frozen=True)
class Source:
    """A citation: a source document and section, or ``general`` textbook knowledge."""

    document: str
    section: str = ""
    note: str = ""

    @property
    def title(self) -> str:
        return DOCUMENT_TITLES[self.document]

    def __str__(self) -> str:
        return (
            f"{self.title}, section '{self.section}'"
            if self.section and self.document != "general"
            else (f"{self.title}: {self.section}" if self.section else self.title)
        )


def format_sources(sources: tuple[Source, ...]) -> str:
    """Sources grouped by document: 'Title: section A; section B. Title2: …'."""
    by_doc: dict[str, list[str]] = {}
    for s in sources:
        by_doc.setdefault(s.document, [])
        if s.section and s.section not in by_doc[s.document]:
            by_doc[s.document].append(s.section)
    return " ".join(f"{DOCUMENT_TITLES[d]}" + (f": {'; '.join(secs)}." if secs else ".") for d, secs in by_doc.items())


@dataclass(frozen=True)
class Option:
    id: str
    text: Text
    guide_option: str = ""


# Per-language lists of words or phrases (language code -> words), read-only.
WordLists = Mapping[str, tuple[str, ...]]
NO_WORDS: WordLists = MappingProxyType({})
WORD_LIST_KINDS = ("giveaway_words", "phrasings", "keywords")


@dataclass(frozen=True)
class Topic:
    id: str
    title: Text


@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    text: Text
    red_flag: bool
    default_answer: Text
    options: tuple[Option, ...] = ()
    multiple: bool = False
    hint: Text | None = None
    sources: tuple[Source, ...] = ()
    giveaway_words: WordLists = field(default_factory=lambda: NO_WORDS, hash=False)
    phrasings: WordLists = field(default_factory=lambda: NO_WORDS, hash=False)
    keywords: WordLists = field(default_factory=lambda: NO_WORDS, hash=False)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def words_for(self, kind: str, lang: str = "en") -> tuple[str, ...]:
        """One word list ('giveaway_words', 'phrasings' or 'keywords') in ``lang``; () if none (no English fallback)."""
        if kind not in WORD_LIST_KINDS:
            raise ValueError(f"unknown word list '{kind}': use one of {', '.join(WORD_LIST_KINDS)}")
        lists: WordLists = getattr(self, kind)
        return lists.get(lang, ())


@dataclass(frozen=True)
class ExamItem:
    id: str
    category: str
    text: Text
    default_finding: Text
    red_flag: bool = False
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Investigation:
    id: str
    category: str
    text: Text
    default_result: Text
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class NextStep:
    id: str
    category: str
    text: Text
    urgency: str
    sources: tuple[Source, ...] = ()

    @property
    def is_urgent(self) -> bool:
        return self.urgency in URGENT_LEVELS


@dataclass(frozen=True)
class QuestionBank:
    topics: tuple[Topic, ...]
    questions: Mapping[str, Question]
    examinations: Mapping[str, ExamItem]
    investigations: Mapping[str, Investigation]
    next_steps: Mapping[str, NextStep]

    def questions_by_topic(self) -> list[tuple[Topic, list[Question]]]:
        """Topics in display order with their questions in bank order."""
        return [(t, [q for q in self.questions.values() if q.topic == t.id]) for t in self.topics]

    def item(self, item_id: str) -> Question | ExamItem | Investigation | None:
        """A question, examination item or investigation by id."""
        return self.questions.get(item_id) or self.examinations.get(item_id) or self.investigations.get(item_id)


@dataclass(frozen=True)
class KeyFeature:
    id: str
    text: Text


@dataclass(frozen=True)
class TellApart:
    condition: str
    text: Text


@dataclass(frozen=True)
class DefiningAnswer:
    question: str
    options: tuple[str, ...]
    why: Text


@dataclass(frozen=True)
class JudgedStep:
    """A next step and why it is judged so (in a case, or for every case of a condition)."""

    step: str
    why: Text


@dataclass(frozen=True)
class Condition:
    id: str
    name: Text
    category: str
    regions: tuple[str, ...]
    summary: Text
    who_and_triggers: tuple[Text, ...]
    key_features: tuple[KeyFeature, ...]
    exam_findings: tuple[Text, ...]
    investigations: tuple[Text, ...]
    management: tuple[Text, ...]
    red_flags: tuple[Text, ...]
    tell_apart: tuple[TellApart, ...]
    sources: tuple[Source, ...]
    aliases: tuple[Text, ...] = ()
    defining_answers: tuple[DefiningAnswer, ...] = ()
    abnormal_examination: tuple[str, ...] = ()
    abnormal_investigations: tuple[str, ...] = ()
    unsafe_steps: tuple[JudgedStep, ...] = ()

    def feature(self, feature_id: str) -> KeyFeature | None:
        return next((f for f in self.key_features if f.id == feature_id), None)

    def how_to_tell_from(self, other_id: str) -> Text | None:
        return next((t.text for t in self.tell_apart if t.condition == other_id), None)


@dataclass(frozen=True)
class Patient:
    age: int
    sex: str
    name: str = ""
    occupation: Text | None = None
    activity: Text | None = None

    def describe(self, lang: str = "en") -> str:
        parts = [
            f"{self.name}, " if self.name else "",
            f"{self.age}-year-old {'woman' if self.sex == 'female' else 'man'}",
        ]
        if self.age < 16:
            parts[1] = f"{self.age}-year-old {'girl' if self.sex == 'female' else 'boy'}"
        extra = [t.get(lang) for t in (self.occupation, self.activity) if t]
        return "".join(parts) + (f" ({'; '.join(extra)})" if extra else "")


@dataclass(frozen=True)
class Answer:
    text: Text
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Differential:
    condition: str
    why_less_likely: Text


@dataclass(frozen=True)
class KeyFinding:
    feature: str
    elicited_by: tuple[str, ...]
    text: Text | None = None


@dataclass(frozen=True)
class Case:
    id: str
    title: Text
    difficulty: str
    setting: str
    patient: Patient
    presenting_complaint: Text
    answers: Mapping[str, Answer]
    diagnosis: str
    differential: tuple[Differential, ...]
    key_questions: tuple[str, ...]
    key_findings: tuple[KeyFinding, ...]
    correct_steps: tuple[JudgedStep, ...]
    teaching_points: tuple[Text, ...]
    sources: tuple[Source, ...]
    examination: Mapping[str, Text] = field(default_factory=dict)
    investigations: Mapping[str, Text] = field(default_factory=dict)
    red_flag_questions: tuple[str, ...] = ()
    acceptable_steps: tuple[JudgedStep, ...] = ()
    unsafe_steps: tuple[JudgedStep, ...] = ()
    not_indicated_steps: tuple[JudgedStep, ...] = ()
    red_flag_case: bool = False
    lookalike_cases: tuple[str, ...] = ()
    file: str = ""

    def judged_steps(self) -> tuple[tuple[str, tuple[JudgedStep, ...]], ...]:
        """(grade, steps) for the four grades, in the case file's order: correct, acceptable, unsafe, not_indicated."""
        return (
            ("correct", self.correct_steps),
            ("acceptable", self.acceptable_steps),
            ("unsafe", self.unsafe_steps),
            ("not_indicated", self.not_indicated_steps),
        )

    def judge_step(self, step_id: str) -> tuple[str, Text | None]:
        """('correct' | 'acceptable' | 'unsafe' | 'not_indicated', reason) for a next step; an unlisted step is
        ('not_indicated', None)."""
        for verdict, steps in self.judged_steps():
            for s in steps:
                if s.step == step_id:
                    return verdict, s.why
        return "not_indicated", None

    def differential_entry(self, condition_id: str) -> Differential | None:
        return next((d for d in self.differential if d.condition == condition_id), None)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a case folder: where, what, and how to fix it."""

    file: str
    json_path: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}" + (f" at {self.json_path}" if self.json_path else "")
        return f"{where}: {self.message}" + (f"\n    how to fix: {self.hint}" if self.hint else "")


class CaseError(Exception):
    """Raised when a case folder cannot be used at all (for example no question bank)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class CasesFolder:
    """One folder a casebook was read from and what it gave: its valid cases and conditions, its files with problems."""

    path: str
    bundled: bool = False
    own_bank: bool = False  # the casebook's question bank comes from this folder
    cases: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    problem_files: tuple[str, ...] = ()  # the path of each of its files with a problem, as it can be opened
    role: str = "added cases"  # what it gives: bundled cases, its own question bank, added cases, bundled conditions

    def summary(self, questions: int) -> str:
        """One line: where, what it gives, what loaded, and how many files have problems."""
        line = f"{self.path} ({self.role}): {len(self.cases)} valid case(s), {len(self.conditions)} valid condition(s)"
        if self.own_bank:
            line += f", {questions} questions"
        if self.problem_files:
            line += f"; {len(self.problem_files)} file(s) with problems"
        return line


@dataclass(frozen=True)
class Casebook:
    """Everything loaded from one or more cases folders: the valid parts and the problems found."""

    root: str
    bank: QuestionBank
    conditions: Mapping[str, Condition]
    cases: Mapping[str, Case]
    problems: tuple[Problem, ...] = ()
    folders: tuple[CasesFolder, ...] = ()

    def folder_of(self, case_id: str) -> CasesFolder | None:
        """The folder a case came from (None for an unknown case)."""
        return next((f for f in self.folders if case_id in f.cases), None)

    def condition_name(self, condition_id: str, lang: str = "en") -> str:
        c = self.conditions.get(condition_id)
        return c.name.get(lang) if c else condition_id

    def case(self, case_id: str) -> Case:
        try:
            return self.cases[case_id]
        except KeyError:
            known = ", ".join(sorted(self.cases)[:8])
            raise KeyError(f"no case with id '{case_id}' (known cases include: {known}; run 'casebook list')") from None
