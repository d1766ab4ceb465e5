"""A case as a sequence of reveal steps for a seminar: complaint, answers one by one, examination, answer, comparison."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .model import Case, Casebook
from .render import case_header_html, feedback_html
from .session import CaseSession


@dataclass(frozen=True)
class SeminarStep:
    """One thing revealed on the projector."""

    kind: str  # complaint, history, examination, investigation, answer, feedback, compare
    title: str
    html: str


def expert_feedback(book: Casebook, case: Case, lang: str = "en"):
    """The feedback of an expert run (key questions in order, right diagnosis and step): the answer key's content."""
    s = CaseSession(book, case, lang=lang)
    for q in dict.fromkeys([*case.key_questions, *case.red_flag_questions]):
        s.ask(q)
    for item in dict.fromkeys(i for kf in case.key_findings for i in kf.elicited_by):
        if item in book.bank.examinations:
            s.examine(item)
        elif item in book.bank.investigations:
            s.investigate(item)
    s.diagnose([case.diagnosis], 90)
    s.decide(case.correct_steps[0].step)
    return s.submit()


def seminar_steps(book: Casebook, case: Case, lang: str = "en") -> list[SeminarStep]:
    """The reveal order: complaint; each key question's answer in the expert's order; findings; results; answer; feedback; comparison."""
    steps = [SeminarStep("complaint", "The patient", case_header_html(book, case, lang))]
    for n, qid in enumerate(case.key_questions, 1):
        q = book.bank.questions[qid]
        ans = case.answers[qid].text.get(lang)
        steps.append(
            SeminarStep(
                "history", f"Question {n}", f"<p><b>Q{n}. {escape(q.text.get(lang))}</b></p><p>“{escape(ans)}”</p>"
            )
        )
    exam = [
        (book.bank.examinations[e].text.get(lang), t.get(lang))
        for e, t in case.examination.items()
        if e in book.bank.examinations
    ]
    if exam:
        rows = "".join(f"<li><b>{escape(item)}:</b> {escape(found)}</li>" for item, found in exam)
        steps.append(SeminarStep("examination", "Examination", f"<h3>Examination</h3><ul>{rows}</ul>"))
    results = [
        (book.bank.investigations[i].text.get(lang), t.get(lang))
        for i, t in case.investigations.items()
        if i in book.bank.investigations
    ]
    if results:
        rows = "".join(f"<li><b>{escape(item)}:</b> {escape(found)}</li>" for item, found in results)
        steps.append(SeminarStep("investigation", "Investigations", f"<h3>Investigations</h3><ul>{rows}</ul>"))
    cond = book.conditions[case.diagnosis]
    diff = "".join(
        f"<li><b>{escape(book.condition_name(d.condition, lang))}</b>: {escape(d.why_less_likely.get(lang))}</li>"
        for d in case.differential
    )
    steps.append(
        SeminarStep(
            "answer",
            "The answer",
            f"<h3>Diagnosis: {escape(cond.name.get(lang))}</h3><p>{escape(cond.summary.get(lang))}</p><h4>Why not the look-alikes</h4><ul>{diff}</ul>",
        )
    )
    steps.append(SeminarStep("feedback", "Expert feedback", feedback_html(expert_feedback(book, case, lang))))
    return steps


def compare_ids(case: Case, limit: int = 4) -> list[str]:
    """The diagnosis and its closest look-alikes, for the comparison table at the end."""
    return [case.diagnosis, *[d.condition for d in case.differential]][:limit]
