"""The feedback panel a student reads after submitting: announced and focused when it appears."""

from __future__ import annotations

import ipywidgets as w

from ..i18n import N_, Translator, as_translator
from ..render import feedback_html, lang_attr, text_html
from ..session import CaseSession, Event
from .lifecycle import close_widgets
from .log_view import ErrorLog

EMPTY = N_("Feedback appears here after you submit.")
# Whole clauses (English msgids, translated where shown): each reads on its own in the summary sentence.
DIAGNOSIS_SAYS = {
    "correct": N_("your leading diagnosis is right"),
    "correct_not_leading": N_("the right diagnosis is on your list, but not first"),
    "wrong": N_("your diagnosis is not right"),
}
STEP_SAYS = {
    "correct": N_("your next step is right"),
    "acceptable": N_("your next step is acceptable, not the best"),
    "not_indicated": N_("your next step is not needed here"),
    "unsafe": N_("your next step is unsafe"),
}


def summary_text(feedback, lang: str | Translator | None = "en") -> str:
    """One sentence on the verdicts, read first (it takes the focus after Submit); the details follow below it."""
    t = as_translator(lang)
    diagnosis = (
        t(DIAGNOSIS_SAYS[feedback.verdict])
        if feedback.verdict in DIAGNOSIS_SAYS
        else t("diagnosis: {verdict}").format(verdict=feedback.verdict)
    )
    step = (
        t(STEP_SAYS[feedback.next_step_verdict])
        if feedback.next_step_verdict in STEP_SAYS
        else t("next step: {verdict}").format(verdict=feedback.next_step_verdict)
    )
    return t("Feedback: {diagnosis}; {step}. The details follow.").format(diagnosis=diagnosis, step=step)


def empty_html(lang: str | Translator | None = "en") -> str:
    """What the panel shows before Submit."""
    return f"<p{lang_attr(lang)}><i>{text_html(as_translator(lang)(EMPTY))}</i></p>"


class FeedbackView:
    """Shows the session's feedback once submitted (empty before); takes the keyboard focus when it appears.

    A one-sentence summary of the verdicts heads the panel. It is focusable from code only (tabindex -1, no extra
    Tab stop), so Submit, which is disabled once the case is submitted, hands the focus to it instead of dropping it
    to the page body; screen readers read the verdicts out from there, and the details follow in reading order.
    (A Label, because ipywidgets focuses an HTML widget's inner box, which cannot take the focus.)
    """

    def __init__(self, session: CaseSession, log: ErrorLog | None = None):
        self.session = session
        self.summary = w.Label(value="", tabbable=False)
        self.summary.add_class("cb-feedback-summary")
        self.panel = w.HTML()
        self.panel.add_class("cb-feedback-panel")
        self.widget = w.VBox([self.summary, self.panel])
        self.widget.add_class("cb-feedback-box")
        self._listener = (log or ErrorLog(session.t)).guard(session.t.pgettext("while", "showing the feedback"))(
            self._on_session_event
        )
        session.subscribe(self._listener)
        self.render()

    @property
    def text(self) -> str:
        """The panel's text without tags, as a student reads it (for self-tests)."""
        import re
        from html import unescape

        return unescape(re.sub(r"<[^>]+>", " ", self.panel.value))

    def _on_session_event(self, event: Event) -> None:
        if event.kind == "submit":
            self.render()
            self.summary.focus()
        elif event.kind == "restart":
            self.render()

    def render(self) -> None:
        fb, t = self.session.feedback, self.session.t
        self.summary.value = summary_text(fb, t) if fb is not None else ""
        self.panel.value = feedback_html(fb, t) if fb is not None else empty_html(t)

    def close(self) -> None:
        """Stop following the session and close every widget this view built."""
        self.session.unsubscribe(self._listener)
        close_widgets(self.widget)
