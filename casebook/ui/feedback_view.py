"""The feedback panel a student reads after submitting: announced and focused when it appears."""

from __future__ import annotations

import ipywidgets as w

from ..render import feedback_html
from ..session import CaseSession, Event
from .lifecycle import close_widgets
from .log_view import ErrorLog

EMPTY = "<p><i>Feedback appears here after you submit.</i></p>"
DIAGNOSIS_SAYS = {
    "correct": "your leading diagnosis is right",
    "correct_not_leading": "the right diagnosis is on your list, but not first",
    "wrong": "your diagnosis is not right",
}
STEP_SAYS = {
    "correct": "your next step is right",
    "acceptable": "your next step is acceptable, not the best",
    "not_indicated": "your next step is not needed here",
    "unsafe": "your next step is unsafe",
}


def summary_text(feedback) -> str:
    """One sentence on the verdicts, read first (it takes the focus after Submit); the details follow below it."""
    diagnosis = DIAGNOSIS_SAYS.get(feedback.verdict, f"diagnosis: {feedback.verdict}")
    step = STEP_SAYS.get(feedback.next_step_verdict, f"next step: {feedback.next_step_verdict}")
    return f"Feedback: {diagnosis}; {step}. The details follow."


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
        self._listener = (log or ErrorLog()).guard("showing the feedback")(self._on_session_event)
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
        fb = self.session.feedback
        self.summary.value = summary_text(fb) if fb is not None else ""
        self.panel.value = feedback_html(fb) if fb is not None else EMPTY

    def close(self) -> None:
        """Stop following the session and close every widget this view built."""
        self.session.unsubscribe(self._listener)
        close_widgets(self.widget)
