"""A case as reveal steps for a seminar: complaint, answers one by one, examination, answer, comparison."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Case, Casebook
from .render import case_header_html, feedback_html, heading_html, text_html
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
    """The reveal order: complaint; each key question's answer in the expert's order; findings; results; answer;
    feedback (the comparison is added by the view)."""
    steps = [SeminarStep("complaint", "The patient", case_header_html(book, case, lang))]
    for n, qid in enumerate(case.key_questions, 1):
        q = book.bank.questions[qid]
        ans = case.answers[qid].text.get(lang)
        steps.append(
            SeminarStep(
                "history",
                f"Question {n}",
                f"<p><b>Q{n}. {text_html(q.text.get(lang))}</b></p><p>“{text_html(ans)}”</p>",
            )
        )
    exam = [
        (book.bank.examinations[e].text.get(lang), t.get(lang))
        for e, t in case.examination.items()
        if e in book.bank.examinations
    ]
    if exam:
        rows = "".join(f"<li><b>{text_html(item)}:</b> {text_html(found)}</li>" for item, found in exam)
        steps.append(SeminarStep("examination", "Examination", f"{heading_html('Examination', 3)}<ul>{rows}</ul>"))
    results = [
        (book.bank.investigations[i].text.get(lang), t.get(lang))
        for i, t in case.investigations.items()
        if i in book.bank.investigations
    ]
    if results:
        rows = "".join(f"<li><b>{text_html(item)}:</b> {text_html(found)}</li>" for item, found in results)
        steps.append(
            SeminarStep("investigation", "Investigations", f"{heading_html('Investigations', 3)}<ul>{rows}</ul>")
        )
    cond = book.conditions[case.diagnosis]
    diff = "".join(
        f"<li><b>{text_html(book.condition_name(d.condition, lang))}</b>: {text_html(d.why_less_likely.get(lang))}</li>"
        for d in case.differential
    )
    steps.append(
        SeminarStep(
            "answer",
            "The answer",
            heading_html(f"Diagnosis: {cond.name.get(lang)}", 3)
            + f"<p>{text_html(cond.summary.get(lang))}</p>"
            + heading_html("Why not the look-alikes", 4)
            + f"<ul>{diff}</ul>",
        )
    )
    steps.append(SeminarStep("feedback", "Expert feedback", feedback_html(expert_feedback(book, case, lang))))
    return steps


def compare_ids(case: Case, limit: int = 4) -> list[str]:
    """The diagnosis and its closest look-alikes, for the comparison table at the end."""
    return [case.diagnosis, *[d.condition for d in case.differential]][:limit]
