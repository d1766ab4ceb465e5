"""The feedback panel a student reads after submitting."""

from __future__ import annotations

import ipywidgets as w

from ..render import feedback_html
from ..session import CaseSession


class FeedbackView:
    """Shows the session's feedback once submitted; empty before."""

    def __init__(self, session: CaseSession):
        self.session = session
        self.panel = w.HTML()
        self.panel.add_class("cb-feedback-panel")
        self.widget = w.VBox([self.panel])
        self.render()

    @property
    def text(self) -> str:
        """The panel's text without tags, as a student reads it (for self-tests)."""
        import re
        from html import unescape

        return unescape(re.sub(r"<[^>]+>", " ", self.panel.value))

    def render(self) -> None:
        fb = self.session.feedback
        self.panel.value = (
            feedback_html(fb) if fb is not None else "<p><i>Feedback appears here after you submit.</i></p>"
        )
