"""Frozen domain objects of the casebook: questions, conditions, cases; no I/O, no widgets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .i18n import M_, N_, NC_, Translator, as_translator

# Each source document: its title (never translated, in any language) and a gloss in the reader's language.
DOCUMENTS = MappingProxyType(
    {
        "leg_pain_guide": ("Leggsmerter, veiviser", N_("Norwegian patient guide to leg pain")),
        "nerve_article": (
            "Nervebetændelse i ben – årsager og behandling",
            N_("Danish article on nerve pain in the leg, 2025"),
        ),
        "general": ("", N_("General textbook knowledge (not stated in the source documents)")),
    }
)
DOCUMENT_TITLES = MappingProxyType(
    {doc: f"{title} ({gloss})" if title else gloss for doc, (title, gloss) in DOCUMENTS.items()}
)
# The headings of the two source documents the content cites, an English gloss with the heading in brackets; shown as
# the glossary's "source" rows say (nb cites a Norwegian heading alone, da a Danish one; the gloss translated).
SECTION_HEADINGS = (
    NC_("source section", "Common causes (Vanlige årsaker)"),
    NC_("source section", "Rarer causes (Sjeldnere årsaker)"),
    NC_("source section", "How leg pain arises (Hvordan oppstår leggsmerter?)"),
    NC_("source section", "Occurrence (Forekomst)"),
    NC_("source section", "Other investigations (Andre undersøkelser)"),
    NC_("source section", "Referral (Henvisning til spesialist eller sykehus)"),
    NC_("source section", "Self-care (Hva kan du gjøre selv?)"),
    NC_("source section", "The examination (Legeundersøkelsen)"),
    NC_("source section", "The history: questions the doctor may ask (Sykehistorien)"),
    NC_("source section", "What is leg pain? (Hva er leggsmerter?)"),
    NC_("source section", "When to see a doctor (Når bør du søke lege?)"),
    NC_("source section", "Introduction (lead paragraph)"),
    NC_("source section", "Symptoms (Hvad er symptomerne?)"),
    NC_("source section", "Causes (Hvad forårsager nervebetændelse?)"),
    NC_("source section", "Causes (Hvad forårsager nervebetændelse i ben?)"),
    NC_("source section", "Diabetes and B12 deficiency (Kan sygdomme som diabetes…)"),
    NC_("source section", "Diagnosis (Hvordan diagnosticeres?)"),
    NC_("source section", "Treatment (Hvordan behandles?)"),
    NC_("source section", "Medicines (Hvilken medicinsk behandling findes der?)"),
    NC_("source section", "When is surgery needed? (Hvornår er operation nødvendig?)"),
    NC_("source section", "Physiotherapy (Hvordan hjælper fysioterapi?)"),
    NC_("source section", "When to seek help (Hvornår skal jeg søge læge?)"),
    NC_("source section", "Can it be cured? (Kan nervebetændelse i ben blive helbredt?)"),
    NC_("source section", "Sciatica vs. nerve and muscle pain (Hvordan adskiller…)"),
    NC_("source section", "Sciatica or peripheral neuropathy? (FAQ)"),
    NC_("source section", "Pain worst at night (FAQ)"),
    # the causes a heading is narrowed to ("Common causes (Vanlige årsaker): deep vein thrombosis")
    NC_("source section", "Achilles tendinitis"),
    NC_("source section", "Achilles tendon rupture"),
    NC_("source section", "acute tendinitis in the lower leg"),
    NC_("source section", "acute tendinitis"),
    NC_("source section", "chronic compartment syndrome"),
    NC_("source section", "deep vein thrombosis"),
    NC_("source section", "exercise-induced calf muscle cramps"),
    NC_("source section", "gastrocnemius muscle tear"),
    NC_("source section", "restless legs"),
    NC_("source section", "tibial periostitis"),
    NC_("source section", "popliteal artery entrapment"),
    NC_("source section", "stress fracture of the lower leg"),
    NC_("source section", "peroneal nerve entrapment"),
)
URGENT_LEVELS = frozenset({"urgent", "emergency"})
DIFFICULTIES = ("introductory", "intermediate", "advanced")
# Labels are English msgids, translated where shown: t.pgettext("difficulty", d), t(SETTINGS[s]), t(REGIONS[r]).
DIFFICULTY_LABELS = MappingProxyType(
    {
        "introductory": NC_("difficulty", "introductory"),
        "intermediate": NC_("difficulty", "intermediate"),
        "advanced": NC_("difficulty", "advanced"),
    }
)
SETTINGS = MappingProxyType(
    {
        "gp": N_("GP surgery"),
        "physiotherapy": N_("Direct-access physiotherapy"),
        "sports_clinic": N_("Sports clinic"),
        "emergency": N_("Emergency department"),
    }
)
REGIONS = MappingProxyType(
    {
        "calf": N_("Calf"),
        "shin": N_("Shin (front of the leg)"),
        "achilles_heel": N_("Achilles / heel"),
        "outer_leg": N_("Outer side of the leg"),
        "whole_leg": N_("Whole leg"),
        "feet": N_("Feet"),
        "back_to_leg": N_("From the back down the leg"),
    }
)


def difficulty_label(difficulty: str, lang: str | Translator | None = "en") -> str:
    """A difficulty level in the reader's language ('introductory' -> nb 'grunnleggende'); unknown ones unchanged."""
    return as_translator(lang).pgettext("difficulty", difficulty) if difficulty in DIFFICULTY_LABELS else difficulty


def setting_label(setting: str, lang: str | Translator | None = "en") -> str:
    """Where the patient is seen, in the reader's language (the id itself when unknown)."""
    return as_translator(lang)(SETTINGS[setting]) if setting in SETTINGS else setting


def region_label(region: str, lang: str | Translator | None = "en") -> str:
    """A body region in the reader's language (the id itself when unknown)."""
    return as_translator(lang)(REGIONS[region]) if region in REGIONS else region


def document_title(document: str, lang: str | Translator | None = "en") -> str:
    """A source document's title (never translated) with its gloss in the reader's language."""
    t = as_translator(lang)
    title, gloss = DOCUMENTS[document]
    return f"{title} ({t(gloss)})" if title else t(gloss)


def section_name(section: str, lang: str | Translator | None = "en") -> str:
    """A cited section in the reader's language: a known heading (and the cause it is narrowed to) as the glossary
    renders it; any other section as written."""
    t = as_translator(lang)
    heading, sep, rest = section.partition(": ")
    if sep and heading in SECTION_HEADINGS:
        return f"{t.pgettext('source section', heading)}: {t.pgettext('source section', rest)}"
    return t.pgettext("source section", section) if section in SECTION_HEADINGS else section


def _shown_sections(document: str, sections: list[str], t: Translator) -> list[str]:
    """The sections to show: a 'general' source's sections say in English which facts are general, so in another
    language they are left out rather than mixed into a translated sentence (the label alone stays)."""
    if document == "general" and t.lang != "en":
        return []
    return [section_name(s, t) for s in sections]


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
        return self.describe()

    def describe(self, lang: str | Translator | None = "en") -> str:
        """The citation in the reader's language: title, then the section."""
        t = as_translator(lang)
        title = document_title(self.document, t)
        if self.section and self.document != "general":
            return t("{title}, section '{section}'").format(title=title, section=section_name(self.section, t))
        sections = _shown_sections(self.document, [self.section] if self.section else [], t)
        return t("{title}: {section}").format(title=title, section=sections[0]) if sections else title


def format_sources(sources: tuple[Source, ...], lang: str | Translator | None = "en") -> str:
    """Sources grouped by document: 'Title: section A; section B. Title2: …', in the reader's language."""
    t = as_translator(lang)
    by_doc: dict[str, list[str]] = {}
    for s in sources:
        by_doc.setdefault(s.document, [])
        if s.section and s.section not in by_doc[s.document]:
            by_doc[s.document].append(s.section)
    out = []
    for doc, sections in by_doc.items():
        shown = _shown_sections(doc, sections, t)
        title = document_title(doc, t)
        out.append(t("{title}: {sections}.").format(title=title, sections="; ".join(shown)) if shown else f"{title}.")
    return " ".join(out)


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

    def describe(self, lang: str | Translator | None = "en") -> str:
        """Name, age and sex, then occupation and activity: 'Olav, 66-year-old man (sheep farmer; ...)'."""
        t = as_translator(lang)
        lang_code = t.lang
        female = self.sex == "female"
        if self.age < 16:
            who = t("{age}-year-old girl") if female else t("{age}-year-old boy")
        else:
            who = t("{age}-year-old woman") if female else t("{age}-year-old man")
        who = who.format(age=self.age)
        if self.name:
            who = t("{name}, {who}").format(name=self.name, who=who)
        extra = [x.get(lang_code) for x in (self.occupation, self.activity) if x]
        return t("{who} ({details})").format(who=who, details="; ".join(extra)) if extra else who


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
        return self.describe()

    def describe(self, lang: str | Translator | None = "en") -> str:
        """Where, what and how to fix it, in the reader's language (message and hint may be late Messages)."""
        t = as_translator(lang)
        where = t("{file} at {path}").format(file=self.file, path=t(self.json_path)) if self.json_path else self.file
        text = t("{where}: {message}").format(where=where, message=t(self.message))
        return text + ("\n    " + t("how to fix: {hint}").format(hint=t(self.hint)) if self.hint else "")


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
    role: str = N_(
        "added cases"
    )  # what it gives (translated where shown): bundled cases, its own question bank, added cases, bundled conditions

    def summary(self, questions: int, lang: str | Translator | None = "en") -> str:
        """One line: where, what it gives, what loaded, and how many files have problems."""
        t = as_translator(lang)
        cases = t.ngettext("{n} valid case(s)", "{n} valid case(s)", len(self.cases)).format(n=len(self.cases))
        conditions = t.ngettext("{n} valid condition(s)", "{n} valid condition(s)", len(self.conditions)).format(
            n=len(self.conditions)
        )
        line = t("{path} ({role}): {cases}, {conditions}").format(
            path=self.path, role=t(self.role), cases=cases, conditions=conditions
        )
        if self.own_bank:
            line += t(", {n} questions").format(n=questions)
        if self.problem_files:
            n = len(self.problem_files)
            line += t.ngettext("; {n} file(s) with problems", "; {n} file(s) with problems", n).format(n=n)
        return line


# First words of a condition name that keep their capital inside a sentence (proper names, in any language).
PROPER_FIRST_WORDS = frozenset({"Achilles"})


def name_in_sentence(name: str) -> str:
    """``name`` with its first letter lower-cased for use inside a sentence, unless its first word is a proper name or
    an abbreviation (two capitals, or a digit, as in "DVT" or "B12")."""
    first = name.split(" ", 1)[0]
    if not name or first in PROPER_FIRST_WORDS or sum(ch.isupper() or ch.isdigit() for ch in first) > 1:
        return name
    return name[0].lower() + name[1:]


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

    def condition_name(self, condition_id: str, lang: str = "en", *, in_sentence: bool = False) -> str:
        """The condition's name in ``lang``; ``in_sentence``: as it reads inside a sentence ("This is deep vein
        thrombosis", nb "Dette er dyp venetrombose"), keeping proper names and abbreviations ("Achilles", "DVT")."""
        c = self.conditions.get(condition_id)
        name = c.name.get(lang) if c else condition_id
        return name_in_sentence(name) if in_sentence and c else name

    def case(self, case_id: str) -> Case:
        try:
            return self.cases[case_id]
        except KeyError:
            known = ", ".join(sorted(self.cases)[:8])
            raise KeyError(
                M_(
                    "no case with id '{case_id}' (known cases include: {known}; run 'casebook list')",
                    case_id=case_id,
                    known=known,
                )
            ) from None
