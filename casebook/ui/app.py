"""CaseApp: composes the views for one case and handles restart and next case."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as w

from ..model import Casebook
from ..render import DISCLAIMER, STYLE, case_header_html
from ..session import CaseSession
from .decision_view import DecisionView
from .exam_view import ExamView
from .feedback_view import FeedbackView
from .history_view import HistoryView
from .log_view import ErrorLog


class CaseApp:
    """One case on screen: complaint, history, examination, decision, feedback, Restart and Next case."""

    def __init__(
        self,
        book: Casebook,
        case_id: str,
        *,
        alias: str = "",
        lang: str = "en",
        case_ids: Sequence[str] | None = None,
        choose_next: Callable[[str], str | None] | None = None,
        on_submit: Sequence[Callable[[CaseSession], None]] = (),
    ):
        self.book = book
        self.alias = alias
        self.lang = lang
        self.case_ids = list(case_ids) if case_ids is not None else list(book.cases)
        self._choose_next = choose_next or self._next_in_list
        self.on_submit = list(on_submit)
        self.log = ErrorLog()
        self.header = w.HTML()
        self.header.add_class("cb-header")
        self.restart_button = w.Button(
            description="Restart case", icon="undo", tooltip="Start this case again from the beginning"
        )
        self.restart_button.add_class("cb-restart")
        self.next_button = w.Button(description="Next case", icon="forward", tooltip="Go to another case")
        self.next_button.add_class("cb-next-case")
        self.restart_button.on_click(self.log.guard("restarting")(lambda _b: self.restart()))
        self.next_button.on_click(self.log.guard("moving to the next case")(lambda _b: self.next_case()))
        self.widget = w.VBox()
        self.widget.add_class("cb-app")
        self.load_case(case_id)

    def _next_in_list(self, current: str) -> str | None:
        if not self.case_ids:
            return None
        i = self.case_ids.index(current) if current in self.case_ids else -1
        return self.case_ids[(i + 1) % len(self.case_ids)]

    def load_case(self, case_id: str) -> None:
        """Show ``case_id`` with a fresh session and fresh views."""
        self.session = CaseSession(self.book, case_id, alias=self.alias, lang=self.lang)
        self.history = HistoryView(self.session, self.log)
        self.exam = ExamView(self.session, self.log)
        self.feedback = FeedbackView(self.session)
        self.decision = DecisionView(self.session, self.log, self._on_submitted)
        self.header.value = STYLE + case_header_html(self.book, self.session.case, self.lang)
        controls = w.HBox([self.restart_button, self.next_button])
        controls.add_class("cb-controls")
        self.widget.children = [
            w.HTML(f'<p class="cb-disclaimer">{DISCLAIMER}</p>'),
            self.header,
            self.history.widget,
            self.exam.widget,
            self.decision.widget,
            self.feedback.widget,
            controls,
            self.log.widget,
        ]

    def _on_submitted(self) -> None:
        for callback in self.on_submit:
            self.log.guard("saving your attempt")(callback)(self.session)
        self.render()

    def render(self) -> None:
        for view in (self.history, self.exam, self.decision, self.feedback):
            view.render()

    def restart(self) -> None:
        self.session.restart()
        self.render()

    def next_case(self) -> None:
        nxt = self._choose_next(self.session.case.id)
        if nxt is None:
            self.decision.status.value = "<p><b>You have done every case in this list.</b></p>"
            return
        self.load_case(nxt)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
