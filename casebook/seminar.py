"""A case as reveal steps for a seminar: complaint, answers one by one, examination, answer, comparison.

Two ways through the history (``mode``): "menu" reveals the expert's key questions one by one; "recall" lets the class
ask in its own words (the teacher types the class's questions into a recall-mode CaseSession on the projector) and,
after the findings, shows which key questions the class found and what the patient would have said to the others.
"""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import N_, Translator, as_translator, translator
from .model import Case, Casebook
from .render import case_header_html, feedback_html, heading_html, text_html, transcript_html
from .session import CaseSession

SEMINAR_MODES = ("menu", "recall")
# Titles of the recall steps, translated where shown; their content is drawn live from the seminar's session.
CLASS_ASKS, CLASS_PATH = N_("The class asks"), N_("The class and the expert path")


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


def seminar_steps(book: Casebook, case: Case, lang: str | Translator = "en", mode: str = "menu") -> list[SeminarStep]:
    """The reveal order: complaint; each key question's answer in the expert's order (in recall mode instead: the
    class's own questions, a 'recall' step); findings; results; (recall mode: the class against the expert path, a
    'class_path' step); answer; feedback (the comparison is added by the view). The two recall steps have no html of
    their own: ``step_html`` draws them from the seminar's session."""
    if mode not in SEMINAR_MODES:
        raise ValueError(f"unknown seminar mode '{mode}': use one of {', '.join(SEMINAR_MODES)}")
    t = as_translator(lang)
    lang = t.lang  # content texts in this language (the pseudo-language shows them in English)

    def item_list(pairs: list[tuple[str, str]]) -> str:
        rows = "".join(f"<li><b>{text_html(item)}:</b> {text_html(found)}</li>" for item, found in pairs)
        return f"<ul>{rows}</ul>"

    steps = [SeminarStep("complaint", t("The patient"), case_header_html(book, case, t))]
    if mode == "recall":
        steps.append(SeminarStep("recall", t(CLASS_ASKS), ""))
    for n, qid in enumerate(case.key_questions if mode == "menu" else (), 1):
        q = book.bank.questions[qid]
        asked = t("Q{n}. {question}").format(n=n, question=q.text.get(lang))
        said = t.pgettext("quotation", "“{text}”").format(text=case.answers[qid].text.get(lang))
        steps.append(
            SeminarStep(
                "history",
                t("Question {n}").format(n=n),
                f"<p><b>{text_html(asked)}</b></p><p>{text_html(said)}</p>",
            )
        )
    exam = [
        (book.bank.examinations[e].text.get(lang), found.get(lang))
        for e, found in case.examination.items()
        if e in book.bank.examinations
    ]
    if exam:
        title = t.pgettext("clinical", "Examination")
        steps.append(SeminarStep("examination", title, heading_html(title, 3) + item_list(exam)))
    results = [
        (book.bank.investigations[i].text.get(lang), found.get(lang))
        for i, found in case.investigations.items()
        if i in book.bank.investigations
    ]
    if results:
        title = t("Investigations")
        steps.append(SeminarStep("investigation", title, heading_html(title, 3) + item_list(results)))
    if mode == "recall":
        steps.append(SeminarStep("class_path", t(CLASS_PATH), ""))
    cond = book.conditions[case.diagnosis]
    diff = "".join(
        f"<li><b>{text_html(book.condition_name(d.condition, lang))}</b>: {text_html(d.why_less_likely.get(lang))}</li>"
        for d in case.differential
    )
    steps.append(
        SeminarStep(
            "answer",
            t("The answer"),
            heading_html(t("Diagnosis: {condition}").format(condition=cond.name.get(lang)), 3, lang=t)
            + f"<p>{text_html(cond.summary.get(lang))}</p>"
            + heading_html(t("Why not the look-alikes"), 4)
            + f"<ul>{diff}</ul>",
        )
    )
    steps.append(SeminarStep("feedback", t("Expert feedback"), feedback_html(expert_feedback(book, case, t.lang), t)))
    return steps


def compare_ids(case: Case, limit: int = 4) -> list[str]:
    """The diagnosis and its closest look-alikes, for the comparison table at the end."""
    return [case.diagnosis, *[d.condition for d in case.differential]][:limit]


def step_html(step: SeminarStep, session: CaseSession | None) -> str:
    """What a step shows: its own html, or for the recall steps what the class has asked so far (``session``: the
    seminar's recall-mode session)."""
    if session is not None and step.kind == "recall":
        return class_questions_html(session)
    if session is not None and step.kind == "class_path":
        return class_path_html(session)
    return step.html


def class_questions_html(session: CaseSession) -> str:
    """The class's typed questions and the patient's answers, in the order asked (unanswered ones kept)."""
    t = translator(session.lang)
    return heading_html(t(CLASS_ASKS), 3) + transcript_html(
        session.transcript(),
        t("The class's questions"),
        t("No question yet: type the class's first question in the box below."),
    )


def class_path_html(session: CaseSession) -> str:
    """The case's key questions in the expert's order: those the class found, and for the others what the patient
    would have said."""
    t = translator(session.lang)
    book, case, lang = session.book, session.case, session.lang
    found = set(session.asked_unaided)
    rows = []
    for n, qid in enumerate(case.key_questions, 1):
        question = text_html(book.bank.questions[qid].text.get(lang))
        if qid in found:
            said = text_html(t("the class asked it"))
            rows.append(f'<li class="cb-found"><b>✓ {n}. {question}</b> — {said}</li>')
        else:
            said = text_html(t("not asked; the patient would have said:"))
            answer = text_html(session.answer_text(qid))
            rows.append(f'<li class="cb-missed"><b>✗ {n}. {question}</b> — {said} “{answer}”</li>')
    total = len(case.key_questions)
    title = t.ngettext(
        "The class found {found} of {total} key question", "The class found {found} of {total} key questions", total
    ).format(found=len(found & set(case.key_questions)), total=total)
    return heading_html(t(CLASS_PATH), 3) + f"<p><b>{text_html(title)}</b></p><ul>{''.join(rows)}</ul>"
