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

from .i18n import N_, translator
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


@dataclass(frozen=True)
class Feedback:
    """Everything a student reads after submitting, plus the facts the progress store keeps."""

    case_id: str
    verdict: str
    next_step_verdict: str
    scores: Scores
    items: tuple[FeedbackItem, ...]
    missed_key_questions: tuple[str, ...]
    missed_red_flags: tuple[str, ...]
    unsafe_step: bool

    def section(self, name: str) -> list[FeedbackItem]:
        return [i for i in self.items if i.section == name]

    @property
    def safety_flags(self) -> list[str]:
        return [line for i in self.section("safety") if i.level != "good" for line in i.lines]

    def as_text(self) -> str:
        """Plain-text feedback, as the command line prints it."""
        out: list[str] = []
        for item in self.items:
            mark = {"good": "[ok]", "partial": "[~]", "bad": "[x]", "warning": "[!]", "info": "[i]"}.get(item.level, "")
            out.append(f"{mark} {item.title}")
            out += [f"    {line}" for line in item.lines]
            if item.source:
                out.append(f"    Source: {item.source}")
        return "\n".join(out)

    def as_dict(self) -> dict:
        return {
            "case_id": self.case_id,
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

    def t(self, text) -> str:
        return text.get(self.lang) if text is not None else ""

    def name(self, condition_id: str) -> str:
        return self.book.condition_name(condition_id, self.lang)

    def label(self, item_id: str) -> str:
        """How an item reads in feedback: 'asked "…"', 'examined: …', 'investigation: …'."""
        bank = self.book.bank
        if item_id in bank.questions:
            return f"the question “{self.t(bank.questions[item_id].text)}”"
        if item_id in bank.examinations:
            return f"the examination “{self.t(bank.examinations[item_id].text)}”"
        if item_id in bank.investigations:
            return f"the investigation “{self.t(bank.investigations[item_id].text)}”"
        return item_id

    def verdict(self) -> str:
        if self.differential and self.differential[0] == self.case.diagnosis:
            return VERDICT_CORRECT
        return VERDICT_NOT_LEADING if self.case.diagnosis in self.differential else VERDICT_WRONG


# ------------------------------------------------------------------ rules, each (attempt) -> list[FeedbackItem]


def verdict_rule(a: Attempt) -> list[FeedbackItem]:
    right = a.name(a.case.diagnosis)
    chosen = ", ".join(f"{i}. {a.name(c)}" for i, c in enumerate(a.differential, 1)) or "no diagnosis"
    v = a.verdict()
    if v == VERDICT_CORRECT:
        return [
            FeedbackItem(
                "verdict", "good", f"Diagnosis: right. This is {right}.", (f"You ranked it first ({chosen}).",)
            )
        ]
    if v == VERDICT_NOT_LEADING:
        pos = a.differential.index(a.case.diagnosis) + 1
        return [
            FeedbackItem(
                "verdict",
                "partial",
                f"Diagnosis: right, but not your leading one. This is {right}.",
                (f"You ranked it number {pos} ({chosen}); put first what fits best.",),
            )
        ]
    said = f"You chose: {chosen}." if a.differential else "You did not choose a diagnosis."
    return [FeedbackItem("verdict", "bad", f"Diagnosis: not right. This is {right}.", (said,))]


def findings_rule(a: Attempt) -> list[FeedbackItem]:
    """Key findings the student brought out (matched to the condition's key features) and those they did not."""
    found, missed = [], []
    for kf in a.case.key_findings:
        feature = a.diagnosis.feature(kf.feature)
        feature_text = a.t(feature.text) if feature else kf.feature
        detail = f" In this patient: {a.t(kf.text)}" if kf.text else ""
        hits = [i for i in kf.elicited_by if i in a.done]
        if hits:
            found.append(f"{feature_text}{detail} (you found it through {a.label(hits[0])})")
        else:
            missed.append(f"{feature_text}{detail} (brought out by {a.label(kf.elicited_by[0])})")
    items = []
    cond = a.name(a.case.diagnosis)
    if found:
        items.append(FeedbackItem("findings", "good", f"What you found that points to {cond}", tuple(found)))
    if missed:
        items.append(
            FeedbackItem(
                "findings",
                "partial" if found else "bad",
                f"Key features of {cond} you did not bring out",
                tuple(missed),
            )
        )
    return items


def why_not_rule(a: Attempt) -> list[FeedbackItem]:
    """For each wrongly chosen condition: why it fits this patient less well (case differential, then tell-apart)."""
    items = []
    for cid in a.differential:
        if cid == a.case.diagnosis:
            continue
        lines = []
        entry = a.case.differential_entry(cid)
        if entry:
            lines.append(f"In this patient: {a.t(entry.why_less_likely)}")
        apart = a.diagnosis.how_to_tell_from(cid)
        other = a.book.conditions.get(cid)
        if apart is None and other is not None:
            apart = other.how_to_tell_from(a.case.diagnosis)
        if apart is not None:
            lines.append(f"How to tell them apart: {a.t(apart)}")
        typical = [a.t(f.text) for f in other.key_features[:3] if a.t(f.text)] if other is not None else []
        if not lines and typical:
            lines.append(f"{a.name(cid)} is not among the usual look-alikes here. Typical of it: " + "; ".join(typical))
        elif not lines:
            lines.append(f"{a.name(cid)} is not among the usual look-alikes of {a.name(a.case.diagnosis)}.")
        items.append(FeedbackItem("why_not", "info", f"Why {a.name(cid)} fits less well", tuple(lines)))
    return items


def expert_path_rule(a: Attempt) -> list[FeedbackItem]:
    """The key questions in the expert's order, marked asked or missed, with why the missed ones matter; in recall
    mode, asked ones are marked found unaided or asked from the list."""
    if a.mode == "recall":
        return _recall_expert_path(a)
    bank = a.book.bank
    lines = []
    for n, qid in enumerate(a.case.key_questions, 1):
        q = bank.questions[qid]
        if qid in a.asked:
            lines.append(f"{n}. ✓ asked: {a.t(q.text)}")
        else:
            why = f" — {a.t(q.hint)}" if q.hint else ""
            lines.append(f"{n}. ✗ missed: {a.t(q.text)}{why}")
    missed = [q for q in a.case.key_questions if q not in a.asked]
    level = "good" if not missed else ("partial" if len(missed) < len(a.case.key_questions) else "bad")
    title = (
        "Expert path: you asked every key question"
        if not missed
        else f"Expert path: {len(missed)} of {len(a.case.key_questions)} key questions missed"
    )
    return [FeedbackItem("expert_path", level, title, tuple(lines))]


def _recall_expert_path(a: Attempt) -> list[FeedbackItem]:
    """The expert path of a recall-mode attempt: each key question found unaided, asked from the list, or missed."""
    t = translator(a.lang)
    bank = a.book.bank
    key = a.case.key_questions
    lines = []
    for n, qid in enumerate(key, 1):
        q = bank.questions[qid]
        if qid in a.asked_unaided:
            lines.append(t("{n}. ✓ found unaided: {question}").format(n=n, question=a.t(q.text)))
        elif qid in a.asked:
            lines.append(t("{n}. ✓ asked from the question list: {question}").format(n=n, question=a.t(q.text)))
        else:
            why = f" — {a.t(q.hint)}" if q.hint else ""
            lines.append(t("{n}. ✗ missed: {question}").format(n=n, question=a.t(q.text)) + why)
    unaided = sum(q in a.asked_unaided for q in key)
    missed = sum(q not in a.asked for q in key)
    title = t.ngettext(
        "Expert path: {found} of {total} key question found unaided",
        "Expert path: {found} of {total} key questions found unaided",
        len(key),
    ).format(found=unaided, total=len(key))
    from_list = len(key) - unaided - missed
    if from_list:
        title += t.ngettext(", {n} more from the question list", ", {n} more from the question list", from_list).format(
            n=from_list
        )
    if missed:
        title += t.ngettext(", {n} missed", ", {n} missed", missed).format(n=missed)
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
        said = a.t(kf.text) or (a.t(feature.text) if feature is not None else "")
        if said and said not in out:
            out.append(said)
    return out


def _first_missed_key_question(a: Attempt) -> tuple[str, str]:
    """The first key question not asked (its text) and why it matters (its hint, or ''); ('', '') when none."""
    bank = a.book.bank
    for qid in a.case.key_questions:
        if qid not in a.asked:
            q = bank.questions[qid]
            return a.t(q.text), a.t(q.hint)
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
    t = translator(a.lang)
    facts = {
        "p": a.confidence,
        "diagnosis": a.name(a.case.diagnosis),
        "findings": "; ".join(f.rstrip(" .") for f in found[:FINDINGS_SHOWN]),
    }
    question, why = _first_missed_key_question(a)
    facts["question"] = f"“{question}”"
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


def safety_rule(a: Attempt) -> list[FeedbackItem]:
    """Red-flag questions not asked and unsafe next steps: kept apart from the scores."""
    bank = a.book.bank
    lines = []
    for qid in a.case.red_flag_questions:
        if qid not in a.asked:
            hint = f" — {a.t(bank.questions[qid].hint)}" if bank.questions[qid].hint else ""
            lines.append(f"Red-flag question not asked: {a.t(bank.questions[qid].text)}{hint}")
    verdict, why = a.case.judge_step(a.next_step)
    step = bank.next_steps[a.next_step]
    if verdict == "unsafe":
        lines.append(f"Unsafe next step: {a.t(step.text)}. {a.t(why)}")
    elif a.case.red_flag_case and not step.is_urgent:
        lines.append(f"This patient needed urgent care, but “{a.t(step.text)}” is {step.urgency}.")
    if not lines:
        return [
            FeedbackItem(
                "safety",
                "good",
                "Safety: no red flag missed and a safe next step",
                ("You asked every red-flag question this case needed.",) if a.case.red_flag_questions else (),
            )
        ]
    return [FeedbackItem("safety", "warning", "Safety: check these before you see the next patient", tuple(lines))]


def next_step_rule(a: Attempt) -> list[FeedbackItem]:
    """How the chosen next step is graded in this case, with the case's reason and the best steps.

    A step the case lists as not indicated (unnecessary, not harmful) shows its reason at level 'partial' and is no
    safety event; unsafe steps also reach the safety section (safety_rule).
    """
    bank = a.book.bank
    verdict, why = a.case.judge_step(a.next_step)
    chosen = a.t(bank.next_steps[a.next_step].text)
    best = [f"Best: {a.t(bank.next_steps[s.step].text)} — {a.t(s.why)}" for s in a.case.correct_steps]
    listed = why is not None  # a step the case lists as not indicated says why; an unlisted one does not
    level = {
        "correct": "good",
        "acceptable": "partial",
        "unsafe": "bad",
        "not_indicated": "partial" if listed else "bad",
    }[verdict]
    title = {
        "correct": f"Next step: right ({chosen})",
        "acceptable": f"Next step: acceptable, not the best ({chosen})",
        "unsafe": f"Next step: unsafe ({chosen})",
        "not_indicated": f"Next step: not needed here ({chosen})"
        if listed
        else f"Next step: not the right choice here ({chosen})",
    }[verdict]
    lines = [a.t(why)] if why is not None else []
    if verdict != "correct":
        lines += best
    return [FeedbackItem("next_step", level, title, tuple(lines))]


def teaching_rule(a: Attempt) -> list[FeedbackItem]:
    return [
        FeedbackItem(
            "teaching",
            "info",
            "Teaching points",
            tuple(a.t(t) for t in a.case.teaching_points),
            format_sources(a.case.sources),
        )
    ]


def condition_rule(a: Attempt) -> list[FeedbackItem]:
    """A short summary of the diagnosis's condition text with its sources."""
    c = a.diagnosis
    lines = [a.t(c.summary)] if a.t(c.summary) else []
    for label, texts in (("Management", c.management), ("Red flags", c.red_flags)):
        said = " ".join(t for t in map(a.t, texts) if t)
        if said:
            lines.append(f"{label}: {said}")
    return [FeedbackItem("condition", "info", f"About {a.t(c.name)}", tuple(lines), format_sources(c.sources))]


def reasoning_rule(a: Attempt) -> list[FeedbackItem]:
    """The student's own reasoning, set beside the findings that decide this case."""
    if not a.reasoning:
        return []
    decisive = deciding_findings(a)
    lines = [f"You wrote: “{a.reasoning}”"]
    if decisive:
        lines.append("The deciding findings: " + " ".join(decisive))
    return [
        FeedbackItem("reasoning", "info", "Your reasoning, beside the findings that decide this case", tuple(lines))
    ]


def deciding_findings(a: Attempt) -> list[str]:
    """What decides the case, one entry per key finding: the case's own wording (its optional ``text``), else the text
    of the diagnosis's key feature it stands for; never an empty entry."""
    out: list[str] = []
    for kf in a.case.key_findings:
        own = a.t(kf.text)
        feature = a.diagnosis.feature(kf.feature)
        said = own or (a.t(feature.text) if feature is not None else "")
        if said and said not in out:
            out.append(said)
    if not out:  # a case without key findings the feedback can word: the condition's key features
        out = [a.t(f.text) for f in a.diagnosis.key_features if a.t(f.text)]
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


def score_item(s: Scores, lang: str = "en") -> FeedbackItem:
    pct = lambda x: f"{round(100 * x)} %"  # noqa: E731
    lines = [f"Thoroughness {pct(s.thoroughness)} (key questions asked / key questions)"]
    if s.recall is not None:
        t = translator(lang)
        lines.append(
            t(
                "Recall thoroughness {score} (key questions found unaided, before the question list / key questions)"
            ).format(score=pct(s.recall))
        )
    lines += [
        f"Efficiency {pct(s.efficiency)} (key questions asked / all questions asked)",
        f"Diagnosis {pct(s.diagnosis)}",
        f"Next step {pct(s.next_step)}",
    ]
    return FeedbackItem("scores", "info", "Scores", tuple(lines))


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
    )
