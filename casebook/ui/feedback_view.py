"""The feedback panel a student reads after submitting: announced and focused when it appears."""

from __future__ import annotations

import ipywidgets as w

from ..render import feedback_html
from ..session import CaseSession, Event
from .lifecycle import close_widgets
from .log_view import ErrorLog

EMPTY = "<p><i>Feedback appears here after you submit.</i></p>"


class FeedbackView:
    """Shows the session's feedback once submitted (empty before); takes the keyboard focus when it appears.

    The box is focusable from code only (tabindex -1), so Submit, which is disabled once the case is submitted,
    hands the focus to the feedback instead of dropping it to the page body; screen readers read it out from there.
    """

    def __init__(self, session: CaseSession, log: ErrorLog | None = None):
        self.session = session
        self.panel = w.HTML()
        self.panel.add_class("cb-feedback-panel")
        self.widget = w.VBox([self.panel], tabbable=False)
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
            self.widget.focus()
        elif event.kind == "restart":
            self.render()

    def render(self) -> None:
        fb = self.session.feedback
        self.panel.value = feedback_html(fb) if fb is not None else EMPTY

    def close(self) -> None:
        """Stop following the session and close every widget this view built."""
        self.session.unsubscribe(self._listener)
        close_widgets(self.widget)
