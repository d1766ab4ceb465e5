"""Feedback on a submitted attempt: an ordered tuple of small pure rules drawing on the case and condition texts.

Scores (0 to 1): ``thoroughness`` = key questions asked (from the list or typed) / key questions; in recall mode also
``recall`` (recall thoroughness) = key questions found unaided (typed before the question list was opened) / key
questions; ``efficiency`` = key questions asked / all questions asked; ``diagnosis``; ``next_step``.

Confidence calibration (``calibration_rule``): after each case one sentence compares the student's confidence in the
leading diagnosis with the outcome and gives the reason, drawn from the case's key findings and key questions: more
than CALIBRATION_MARGIN % sure and wrong is over-confident; less than it and right, with key findings brought out,
under-confident; anything else is in step with the outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .i18n import N_, NC_, Translator, as_translator, format_percent, translator
from .model import Case, Casebook, Condition, format_sources

VERDICT_CORRECT, VERDICT_NOT_LEADING, VERDICT_WRONG = "correct", "correct_not_leading", "wrong"
STEP_SCORE = {"correct": 1.0, "acceptable": 0.5, "not_indicated": 0.0, "unsafe": 0.0}
# Confidence (0-100) above which a wrong leading diagnosis is over-confident and below which a right one is
# under-confident: an even chance is the line between "I think so" and "I doubt it".
CALIBRATION_MARGIN = 50
OVER, UNDER, MATCHED = "over", "under", "matched"
CALIBRATION_TITLES = {
    OVER: N_("Confidence: higher than the outcome (over-confident)"),
    UNDER: N_("Confidence: lower than your findings allowed (under-confident)"),
    MATCHED: N_("Confidence: in step with the outcome"),
}
FINDINGS_SHOWN = 3  # findings named in the calibration sentence


@dataclass(frozen=True)
class FeedbackItem:
    """One block of feedback: a section name, a level (good, partial, bad, warning, info), a heading and lines."""

    section: str
    level: str
    title: str
    lines: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class Scores:
    """Scores from 0 to 1; safety is reported separately and never folded in."""

    thoroughness: float
    efficiency: float
    diagnosis: float
    next_step: float
    recall: float | None = None  # recall mode only: key questions found unaided / key questions

    def as_dict(self) -> dict[str, float]:
        """The scores by name, rounded to 3 decimals; 'recall' only when there is one (recall mode)."""
        names = ("thoroughness", "recall", "efficiency", "diagnosis", "next_step")
        return {k: round(getattr(self, k), 3) for k in names if getattr(self, k) is not None}


# The level marks of the plain-text feedback (casebook play), English msgids translated where shown.
TEXT_MARKS = {
    "good": NC_("feedback mark", "[ok]"),
    "partial": NC_("feedback mark", "[~]"),
    "bad": NC_("feedback mark", "[x]"),
    "warning": NC_("feedback mark", "[!]"),
    "info": NC_("feedback mark", "[i]"),
}


@dataclass(frozen=True)
class Feedback:
    """Everything a student reads after submitting, plus the facts the progress store keeps.

    The items are written in ``lang``, the language of the attempt.
    """

    case_id: str
    verdict: str
    next_step_verdict: str
    scores: Scores
    items: tuple[FeedbackItem, ...]
    missed_key_questions: tuple[str, ...]
    missed_red_flags: tuple[str, ...]
    unsafe_step: bool
    lang: str = "en"

    def section(self, name: str) -> list[FeedbackItem]:
        return [i for i in self.items if i.section == name]

    @property
    def safety_flags(self) -> list[str]:
        return [line for i in self.section("safety") if i.level != "good" for line in i.lines]

    def as_text(self) -> str:
        """Plain-text feedback, as the command line prints it (in the feedback's language)."""
        t = translator(self.lang)
        out: list[str] = []
        for item in self.items:
            mark = t.pgettext("feedback mark", TEXT_MARKS[item.level]) if item.level in TEXT_MARKS else ""
            out.append(f"{mark} {item.title}")
            out += [f"    {line}" for line in item.lines]
            if item.source:
                out.append("    " + t("Source: {source}").format(source=item.source))
        return "\n".join(out)

    def as_dict(self) -> dict:
        return {
            "case_id": self.case_id,
            "lang": self.lang,
            "verdict": self.verdict,
            "next_step_verdict": self.next_step_verdict,
            "scores": self.scores.as_dict(),
            "missed_key_questions": list(self.missed_key_questions),
            "missed_red_flags": list(self.missed_red_flags),
            "unsafe_step": self.unsafe_step,
            "items": [
                {"section": i.section, "level": i.level, "title": i.title, "lines": list(i.lines), "source": i.source}
                for i in self.items
            ],
        }


@dataclass(frozen=True)
class Attempt:
    """What the rules look at: the case, its diagnosis and what the student did."""

    book: Casebook
    case: Case
    asked: tuple[str, ...]
    examined: tuple[str, ...]
    investigated: tuple[str, ...]
    differential: tuple[str, ...]
    next_step: str
    lang: str = "en"
    reasoning: str = ""
    mode: str = "menu"
    asked_unaided: tuple[str, ...] = ()  # recall mode: asked from typed words before the question list was opened
    confidence: int | None = None  # 0-100, in the leading diagnosis

    @property
    def diagnosis(self) -> Condition:
        return self.book.conditions[self.case.diagnosis]

    @property
    def done(self) -> set[str]:
        return set(self.asked) | set(self.examined) | set(self.investigated)

    @property
    def tr(self) -> Translator:
        """The translator of the attempt's language: the rules' own words go through it."""
        return translator(self.lang)

    def say(self, text) -> str:
        """A content text (case, bank or condition) in the attempt's language ('' for none)."""
        return text.get(self.lang) if text is not None else ""

    def name(self, condition_id: str, *, in_sentence: bool = True) -> str:
        """A condition's name in the attempt's language, as it reads inside a sentence unless told otherwise."""
        return self.book.condition_name(condition_id, self.lang, in_sentence=in_sentence)

    def quoted(self, text: str) -> str:
        """``text`` in the language's quotation marks (en “…”, nb «…», da »…«)."""
        return self.tr.pgettext("quotation", "“{text}”").format(text=text)

    def label(self, item_id: str) -> str:
        """How an item reads inside a feedback sentence: 'the question “…”', 'the examination “…”', …"""
        t, bank = self.tr, self.book.bank
        if item_id in bank.questions:
            return t("the question “{question}”").format(question=self.say(bank.questions[item_id].text))
        if item_id in bank.examinations:
            return t("the examination “{item}”").format(item=self.say(bank.examinations[item_id].text))
        if item_id in bank.investigations:
            return t("the investigation “{item}”").format(item=self.say(bank.investigations[item_id].text))
        return item_id

    def verdict(self) -> str:
        if self.differential and self.differential[0] == self.case.diagnosis:
            return VERDICT_CORRECT
        return VERDICT_NOT_LEADING if self.case.diagnosis in self.differential else VERDICT_WRONG


# ------------------------------------------------------------------ rules, each (attempt) -> list[FeedbackItem]


def verdict_rule(a: Attempt) -> list[FeedbackItem]:
    t = a.tr
    right = a.name(a.case.diagnosis)
    chosen = ", ".join(f"{i}. {a.name(c, in_sentence=False)}" for i, c in enumerate(a.differential, 1))
    v = a.verdict()
    if v == VERDICT_CORRECT:
        title = t("Diagnosis: right. This is {condition}.").format(condition=right)
        return [FeedbackItem("verdict", "good", title, (t("You ranked it first ({chosen}).").format(chosen=chosen),))]
    if v == VERDICT_NOT_LEADING:
        pos = a.differential.index(a.case.diagnosis) + 1
        return [
            FeedbackItem(
                "verdict",
                "partial",
                t("Diagnosis: right, but not your leading one. This is {condition}.").format(condition=right),
                (t("You ranked it number {n} ({chosen}); put first what fits best.").format(n=pos, chosen=chosen),),
            )
        ]
    said = t("You chose: {chosen}.").format(chosen=chosen) if a.differential else t("You did not choose a diagnosis.")
    return [
        FeedbackItem("verdict", "bad", t("Diagnosis: not right. This is {condition}.").format(condition=right), (said,))
    ]


def findings_rule(a: Attempt) -> list[FeedbackItem]:
    """Key findings the student brought out (matched to the condition's key features) and those they did not."""
    t = a.tr
    found, missed = [], []
    for kf in a.case.key_findings:
        feature = a.diagnosis.feature(kf.feature)
        facts = {"feature": a.say(feature.text) if feature else kf.feature, "finding": a.say(kf.text)}
        hits = [i for i in kf.elicited_by if i in a.done]
        if hits:
            sentence = (
                t("{feature} In this patient: {finding} (you found it through {item})")
                if kf.text
                else t("{feature} (you found it through {item})")
            )
            found.append(sentence.format(item=a.label(hits[0]), **facts))
        else:
            sentence = (
                t("{feature} In this patient: {finding} (brought out by {item})")
                if kf.text
                else t("{feature} (brought out by {item})")
            )
            missed.append(sentence.format(item=a.label(kf.elicited_by[0]), **facts))
    items = []
    cond = a.name(a.case.diagnosis)
    if found:
        title = t("What you found that points to {condition}").format(condition=cond)
        items.append(FeedbackItem("findings", "good", title, tuple(found)))
    if missed:
        title = t("Key features of {condition} you did not bring out").format(condition=cond)
        items.append(FeedbackItem("findings", "partial" if found else "bad", title, tuple(missed)))
    return items


def why_not_rule(a: Attempt) -> list[FeedbackItem]:
    """For each wrongly chosen condition: why it fits this patient less well (case differential, then tell-apart)."""
    t = a.tr
    items = []
    for cid in a.differential:
        if cid == a.case.diagnosis:
            continue
        lines = []
        entry = a.case.differential_entry(cid)
        if entry:
            lines.append(t("In this patient: {why}").format(why=a.say(entry.why_less_likely)))
        apart = a.diagnosis.how_to_tell_from(cid)
        other = a.book.conditions.get(cid)
        if apart is None and other is not None:
            apart = other.how_to_tell_from(a.case.diagnosis)
        if apart is not None:
            lines.append(t("How to tell them apart: {how}").format(how=a.say(apart)))
        typical = [a.say(f.text) for f in other.key_features[:3] if a.say(f.text)] if other is not None else []
        if not lines and typical:
            lines.append(
                t("{condition} is not among the usual look-alikes here. Typical of it: {features}").format(
                    condition=a.name(cid, in_sentence=False), features="; ".join(typical)
                )
            )
        elif not lines:
            lines.append(
                t("{condition} is not among the usual look-alikes of {diagnosis}.").format(
                    condition=a.name(cid, in_sentence=False), diagnosis=a.name(a.case.diagnosis)
                )
            )
        title = t("Why {condition} fits less well").format(condition=a.name(cid))
        items.append(FeedbackItem("why_not", "info", title, tuple(lines)))
    return items


def _missed_line(a: Attempt, n: int, question) -> str:
    """'3. ✗ missed: the question — why it matters' (the why only when the bank gives one)."""
    t = a.tr
    if question.hint:
        return t("{n}. ✗ missed: {question} — {why}").format(
            n=n, question=a.say(question.text), why=a.say(question.hint)
        )
    return t("{n}. ✗ missed: {question}").format(n=n, question=a.say(question.text))


def expert_path_rule(a: Attempt) -> list[FeedbackItem]:
    """The key questions in the expert's order, marked asked or missed, with why the missed ones matter; in recall
    mode, asked ones are marked found unaided or asked from the list."""
    if a.mode == "recall":
        return _recall_expert_path(a)
    t = a.tr
    bank = a.book.bank
    lines = []
    for n, qid in enumerate(a.case.key_questions, 1):
        q = bank.questions[qid]
        if qid in a.asked:
            lines.append(t("{n}. ✓ asked: {question}").format(n=n, question=a.say(q.text)))
        else:
            lines.append(_missed_line(a, n, q))
    missed = [q for q in a.case.key_questions if q not in a.asked]
    total = len(a.case.key_questions)
    level = "good" if not missed else ("partial" if len(missed) < total else "bad")
    title = (
        t("Expert path: you asked every key question")
        if not missed
        else t.ngettext(
            "Expert path: {missed} of {total} key question missed",
            "Expert path: {missed} of {total} key questions missed",
            total,
        ).format(missed=len(missed), total=total)
    )
    return [FeedbackItem("expert_path", level, title, tuple(lines))]


def _recall_expert_path(a: Attempt) -> list[FeedbackItem]:
    """The expert path of a recall-mode attempt: each key question found unaided, asked from the list, or missed."""
    t = a.tr
    bank = a.book.bank
    key = a.case.key_questions
    lines = []
    for n, qid in enumerate(key, 1):
        q = bank.questions[qid]
        if qid in a.asked_unaided:
            lines.append(t("{n}. ✓ found unaided: {question}").format(n=n, question=a.say(q.text)))
        elif qid in a.asked:
            lines.append(t("{n}. ✓ asked from the question list: {question}").format(n=n, question=a.say(q.text)))
        else:
            lines.append(_missed_line(a, n, q))
    unaided = sum(q in a.asked_unaided for q in key)
    missed = sum(q not in a.asked for q in key)
    from_list = len(key) - unaided - missed
    # One whole sentence for each combination (nb and da may order the counts differently).
    if from_list and missed:
        title = t.ngettext(
            "Expert path: {found} of {total} key question found unaided, {from_list} more from the question list, "
            "{missed} missed",
            "Expert path: {found} of {total} key questions found unaided, {from_list} more from the question list, "
            "{missed} missed",
            len(key),
        )
    elif from_list:
        title = t.ngettext(
            "Expert path: {found} of {total} key question found unaided, {from_list} more from the question list",
            "Expert path: {found} of {total} key questions found unaided, {from_list} more from the question list",
            len(key),
        )
    elif missed:
        title = t.ngettext(
            "Expert path: {found} of {total} key question found unaided, {missed} missed",
            "Expert path: {found} of {total} key questions found unaided, {missed} missed",
            len(key),
        )
    else:
        title = t.ngettext(
            "Expert path: {found} of {total} key question found unaided",
            "Expert path: {found} of {total} key questions found unaided",
            len(key),
        )
    title = title.format(found=unaided, total=len(key), from_list=from_list, missed=missed)
    level = "good" if not missed else ("partial" if missed < len(key) else "bad")
    return [FeedbackItem("expert_path", level, title, tuple(lines))]


def calibration(confidence: float | None, correct: bool, has_findings: bool = True) -> str | None:
    """OVER, UNDER or MATCHED for a confidence (0-100) in a leading diagnosis that was right or not; None without a
    confidence. Right but unsure with no key finding brought out is MATCHED: there was little to be sure of."""
    if confidence is None:
        return None
    if not correct and confidence > CALIBRATION_MARGIN:
        return OVER
    if correct and confidence < CALIBRATION_MARGIN and has_findings:
        return UNDER
    return MATCHED


def _found_findings(a: Attempt) -> list[str]:
    """The case's key findings the student brought out, in the case's words (else its condition's key feature)."""
    out: list[str] = []
    for kf in a.case.key_findings:
        if not any(i in a.done for i in kf.elicited_by):
            continue
        feature = a.diagnosis.feature(kf.feature)
        said = a.say(kf.text) or (a.say(feature.text) if feature is not None else "")
        if said and said not in out:
            out.append(said)
    return out


def _first_missed_key_question(a: Attempt) -> tuple[str, str]:
    """The first key question not asked (its text) and why it matters (its hint, or ''); ('', '') when none."""
    bank = a.book.bank
    for qid in a.case.key_questions:
        if qid not in a.asked:
            q = bank.questions[qid]
            return a.say(q.text), a.say(q.hint)
    return "", ""


def calibration_rule(a: Attempt) -> list[FeedbackItem]:
    """One sentence on how the confidence compared with the outcome, with the reason from the case (Staal 2024:
    calibration feedback helps when it explains): what the findings pointed to and the key question missed; then
    the findings it rests on and why the missed question matters."""
    found = _found_findings(a)
    right = a.verdict() == VERDICT_CORRECT
    kind = calibration(a.confidence, right, bool(found))
    if kind is None:
        return []
    t = a.tr
    facts = {
        "p": a.confidence,
        "diagnosis": a.name(a.case.diagnosis),
        "findings": "; ".join(f.rstrip(" .") for f in found[:FINDINGS_SHOWN]),
    }
    question, why = _first_missed_key_question(a)
    facts["question"] = a.quoted(question)
    if not right:
        sentence = {
            (OVER, True): N_(
                "You were {p} % sure and your leading diagnosis was wrong: the history pointed to {diagnosis}, and "
                "you missed the key question {question}."
            ),
            (OVER, False): N_(
                "You were {p} % sure and your leading diagnosis was wrong: the history pointed to {diagnosis}, though "
                "you had asked every key question; weigh what their answers showed."
            ),
            (MATCHED, True): N_(
                "You were only {p} % sure and your leading diagnosis was wrong, so your doubt was fair: the history "
                "pointed to {diagnosis}, and you missed the key question {question}."
            ),
            (MATCHED, False): N_(
                "You were only {p} % sure and your leading diagnosis was wrong, so your doubt was fair: the history "
                "pointed to {diagnosis}; weigh what the key questions' answers showed."
            ),
        }[kind, bool(question)]
    elif kind == UNDER:
        sentence = N_("You were {p} % sure and right: your findings were enough to be more confident.")
    elif found:
        sentence = N_("You were {p} % sure and right, and your findings back that confidence.")
    elif question:
        sentence = N_(
            "You were {p} % sure and right, but you brought out none of the key findings of {diagnosis}: ask the key "
            "question {question} to be sure for a reason."
        )
    else:
        sentence = N_("You were {p} % sure and right, but you brought out none of the key findings of {diagnosis}.")
    lines = [t(sentence).format(**facts)]
    if found:
        lines.append(t("What you found that points to {diagnosis}: {findings}.").format(**facts))
    if question and why and not right:
        lines.append(t("Why that question matters: {why}").format(why=why))
    level = {OVER: "bad", UNDER: "partial", MATCHED: "good" if right and found else "info"}[kind]
    return [FeedbackItem("calibration", level, t(CALIBRATION_TITLES[kind]), tuple(lines))]


# Why a step that is not urgent fails a red-flag case, by the step's urgency (whole sentences, translated where shown).
NOT_URGENT_ENOUGH = {
    "routine": N_("This patient needed urgent care, but “{step}” is a routine step."),
    "soon": N_("This patient needed urgent care, but “{step}” is not urgent: it can wait some days."),
}


def safety_rule(a: Attempt) -> list[FeedbackItem]:
    """Red-flag questions not asked and unsafe next steps: kept apart from the scores."""
    t = a.tr
    bank = a.book.bank
    lines = []
    for qid in a.case.red_flag_questions:
        if qid not in a.asked:
            q = bank.questions[qid]
            if q.hint:
                line = t("Red-flag question not asked: {question} — {why}").format(
                    question=a.say(q.text), why=a.say(q.hint)
                )
            else:
                line = t("Red-flag question not asked: {question}").format(question=a.say(q.text))
            lines.append(line)
    verdict, why = a.case.judge_step(a.next_step)
    step = bank.next_steps[a.next_step]
    if verdict == "unsafe":
        lines.append(t("Unsafe next step: {step}. {why}").format(step=a.say(step.text), why=a.say(why)))
    elif a.case.red_flag_case and not step.is_urgent:
        sentence = NOT_URGENT_ENOUGH.get(step.urgency, NOT_URGENT_ENOUGH["routine"])
        lines.append(t(sentence).format(step=a.say(step.text)))
    if not lines:
        return [
            FeedbackItem(
                "safety",
                "good",
                t("Safety: no red flag missed and a safe next step"),
                (t("You asked every red-flag question this case needed."),) if a.case.red_flag_questions else (),
            )
        ]
    return [FeedbackItem("safety", "warning", t("Safety: check these before you see the next patient"), tuple(lines))]


# The title of the next-step item by the step's grade (English msgids translated where shown).
STEP_TITLES = {
    "correct": N_("Next step: right ({step})"),
    "acceptable": N_("Next step: acceptable, not the best ({step})"),
    "unsafe": N_("Next step: unsafe ({step})"),
    "not_indicated": N_("Next step: not needed here ({step})"),
    "not_listed": N_("Next step: not the right choice here ({step})"),
}


def next_step_rule(a: Attempt) -> list[FeedbackItem]:
    """How the chosen next step is graded in this case, with the case's reason and the best steps.

    A step the case lists as not indicated (unnecessary, not harmful) shows its reason at level 'partial' and is no
    safety event; unsafe steps also reach the safety section (safety_rule).
    """
    t = a.tr
    bank = a.book.bank
    verdict, why = a.case.judge_step(a.next_step)
    chosen = a.say(bank.next_steps[a.next_step].text)
    best = [
        t("Best: {step} — {why}").format(step=a.say(bank.next_steps[s.step].text), why=a.say(s.why))
        for s in a.case.correct_steps
    ]
    listed = why is not None  # a step the case lists as not indicated says why; an unlisted one does not
    level = {
        "correct": "good",
        "acceptable": "partial",
        "unsafe": "bad",
        "not_indicated": "partial" if listed else "bad",
    }[verdict]
    grade = "not_listed" if verdict == "not_indicated" and not listed else verdict
    title = t(STEP_TITLES[grade]).format(step=chosen)
    lines = [a.say(why)] if why is not None else []
    if verdict != "correct":
        lines += best
    return [FeedbackItem("next_step", level, title, tuple(lines))]


def teaching_rule(a: Attempt) -> list[FeedbackItem]:
    return [
        FeedbackItem(
            "teaching",
            "info",
            a.tr("Teaching points"),
            tuple(a.say(point) for point in a.case.teaching_points),
            format_sources(a.case.sources, a.tr),
        )
    ]


def condition_rule(a: Attempt) -> list[FeedbackItem]:
    """A short summary of the diagnosis's condition text with its sources."""
    t = a.tr
    c = a.diagnosis
    lines = [a.say(c.summary)] if a.say(c.summary) else []
    for label, texts in ((N_("Management: {text}"), c.management), (N_("Red flags: {text}"), c.red_flags)):
        said = " ".join(text for text in map(a.say, texts) if text)
        if said:
            lines.append(t(label).format(text=said))
    title = t("About {condition}").format(condition=a.say(c.name))
    return [FeedbackItem("condition", "info", title, tuple(lines), format_sources(c.sources, t))]


def reasoning_rule(a: Attempt) -> list[FeedbackItem]:
    """The student's own reasoning, set beside the findings that decide this case."""
    if not a.reasoning:
        return []
    t = a.tr
    decisive = deciding_findings(a)
    lines = [t("You wrote: “{text}”").format(text=a.reasoning)]
    if decisive:
        lines.append(t("The deciding findings: {findings}").format(findings=" ".join(decisive)))
    title = t("Your reasoning, beside the findings that decide this case")
    return [FeedbackItem("reasoning", "info", title, tuple(lines))]


def deciding_findings(a: Attempt) -> list[str]:
    """What decides the case, one entry per key finding: the case's own wording (its optional ``text``), else the text
    of the diagnosis's key feature it stands for; never an empty entry."""
    out: list[str] = []
    for kf in a.case.key_findings:
        own = a.say(kf.text)
        feature = a.diagnosis.feature(kf.feature)
        said = own or (a.say(feature.text) if feature is not None else "")
        if said and said not in out:
            out.append(said)
    if not out:  # a case without key findings the feedback can word: the condition's key features
        out = [a.say(f.text) for f in a.diagnosis.key_features if a.say(f.text)]
    return out


# The order is the order a student reads: verdict first, then why (findings, look-alikes), then the process
# (expert path), then safety before the plan, then what to take away.
FEEDBACK_RULES: tuple[Callable[[Attempt], list[FeedbackItem]], ...] = (
    verdict_rule,
    calibration_rule,  # right after the verdict it weighs (the scores are inserted between them)
    reasoning_rule,
    findings_rule,
    why_not_rule,
    expert_path_rule,
    safety_rule,
    next_step_rule,
    teaching_rule,
    condition_rule,
)


def scores(a: Attempt) -> Scores:
    key = set(a.case.key_questions)
    asked_key = len(key & set(a.asked))
    verdict = a.verdict()
    recall = None
    if a.mode == "recall":
        recall = len(key & set(a.asked_unaided)) / len(key) if key else 1.0
    return Scores(
        thoroughness=asked_key / len(key) if key else 1.0,
        efficiency=asked_key / len(a.asked) if a.asked else 0.0,
        diagnosis={VERDICT_CORRECT: 1.0, VERDICT_NOT_LEADING: 0.5, VERDICT_WRONG: 0.0}[verdict],
        next_step=STEP_SCORE[a.case.judge_step(a.next_step)[0]],
        recall=recall,
    )


def score_item(s: Scores, lang: str | Translator | None = "en") -> FeedbackItem:
    """The scores as percentages in the reader's language, each with what it measures."""
    t = as_translator(lang)
    pct = lambda x: format_percent(round(100 * x), t)  # noqa: E731
    lines = [t("Thoroughness {score} (key questions asked / key questions)").format(score=pct(s.thoroughness))]
    if s.recall is not None:
        lines.append(
            t(
                "Recall thoroughness {score} (key questions found unaided, before the question list / key questions)"
            ).format(score=pct(s.recall))
        )
    lines += [
        t("Efficiency {score} (key questions asked / all questions asked)").format(score=pct(s.efficiency)),
        t("Diagnosis {score}").format(score=pct(s.diagnosis)),
        t("Next step {score}").format(score=pct(s.next_step)),
    ]
    return FeedbackItem("scores", "info", t.pgettext("score", "Scores"), tuple(lines))


def evaluate(
    book: Casebook,
    case: Case,
    asked: Sequence[str],
    examined: Sequence[str],
    investigated: Sequence[str],
    differential: Sequence[str],
    next_step: str,
    lang: str = "en",
    reasoning: str = "",
    mode: str = "menu",
    asked_unaided: Sequence[str] = (),
    confidence: int | None = None,
) -> Feedback:
    """Run every rule in order and compute the scores (``mode``, ``asked_unaided``: see Attempt; ``confidence``: in
    the leading diagnosis, 0-100, for the calibration sentence; None leaves it out)."""
    a = Attempt(
        book,
        case,
        tuple(asked),
        tuple(examined),
        tuple(investigated),
        tuple(differential),
        next_step,
        lang,
        reasoning,
        mode,
        tuple(asked_unaided),
        confidence,
    )
    items = [item for rule in FEEDBACK_RULES for item in rule(a)]
    s = scores(a)
    items.insert(1, score_item(s, lang))
    step_verdict = case.judge_step(next_step)[0]
    return Feedback(
        case_id=case.id,
        verdict=a.verdict(),
        next_step_verdict=step_verdict,
        scores=s,
        items=tuple(items),
        missed_key_questions=tuple(q for q in case.key_questions if q not in a.asked),
        missed_red_flags=tuple(q for q in case.red_flag_questions if q not in a.asked),
        unsafe_step=step_verdict == "unsafe",
        lang=lang,
    )
