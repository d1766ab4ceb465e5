"""CaseApp: composes the views for one case and handles restart and next case."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as w

from ..i18n import NC_, translator_for
from ..model import Casebook
from ..render import STYLE, case_header_html, disclaimer_html, message_html
from ..session import CaseSession, Event
from .decision_view import DecisionView
from .exam_view import ExamView
from .feedback_view import FeedbackView
from .history_view import HistoryView
from .lifecycle import close_widgets
from .log_view import ErrorLog


class CaseApp:
    """One case on screen: complaint, history, examination, decision, feedback, Restart and Next case.

    The views follow the session's events and re-render themselves; the app only composes them, saves a submitted
    attempt (``on_submit``) and swaps the views when another case is loaded, closing the ones it replaces.
    """

    def __init__(
        self,
        book: Casebook,
        case_id: str,
        *,
        alias: str = "",
        lang: str | None = None,
        mode: str = "menu",
        case_ids: Sequence[str] | None = None,
        choose_next: Callable[[str], str | None] | None = None,
        on_submit: Sequence[Callable[[CaseSession], None]] = (),
    ):
        self.book = book
        self.alias = alias
        self.t = t = translator_for(lang)  # the language of the page and its sessions (default: $CASEBOOK_LANG, en)
        self.lang = t.lang
        self.mode = mode  # how the history is taken: "menu" or "recall" (casebook.session)
        self.case_ids = list(case_ids) if case_ids is not None else list(book.cases)
        self._choose_next = choose_next or self._next_in_list
        self.on_submit = list(on_submit)
        self.log = ErrorLog(t)
        self.header = w.HTML()
        self.header.add_class("cb-header")
        self.skip_button = w.Button()
        self.skip_button.add_class("cb-skip")
        self.skip_button.on_click(self._guarded(NC_("while", "moving to the diagnosis"), self._on_skip_clicked))
        self.restart_button = w.Button(icon="undo")
        self.restart_button.add_class("cb-restart")
        self.next_button = w.Button(icon="forward")
        self.next_button.add_class("cb-next-case")
        self.restart_button.on_click(self._guarded(NC_("while", "restarting the case"), self._on_restart_clicked))
        self.next_button.on_click(self._guarded(NC_("while", "moving to the next case"), self._on_next_clicked))
        self.controls = w.HBox([self.restart_button, self.next_button])
        self.controls.add_class("cb-controls")
        self.disclaimer = w.HTML()
        self._label_controls()
        self.widget = w.VBox()
        self.widget.add_class("cb-app")
        self.session: CaseSession | None = None
        self.history = self.exam = self.decision = self.feedback = None
        self.load_case(case_id)

    def _guarded(self, while_doing: str, callback: Callable) -> Callable:
        """``callback`` reporting any error to the log, "while …" in the page's language at the time it fails."""

        def run(*args):
            return self.log.guard(self.t.pgettext("while", while_doing))(callback)(*args)

        return run

    def _label_controls(self) -> None:
        """The app's own buttons and disclaimer in the page's language."""
        t = self.t
        self.skip_button.description = t("Skip to diagnosis")
        self.skip_button.tooltip = t("Jump past the questions to the diagnosis and Submit")
        self.restart_button.description = t("Restart case")
        self.restart_button.tooltip = t("Start this case again from the beginning")
        self.next_button.description = t("Next case")
        self.next_button.tooltip = t("Go to another case")
        self.disclaimer.value = STYLE + disclaimer_html(t)

    def set_language(self, lang: str | None) -> None:
        """Show the page in ``lang`` from now on, the case on show included: its session keeps what the student did
        (questions, findings, the submitted feedback, made again in ``lang``) and the diagnosis form keeps what is
        filled in; the views are built again in the new language."""
        t = translator_for(lang)
        if t.lang == self.lang:
            return
        self.t, self.lang = t, t.lang
        self.log.t = t
        self._label_controls()
        session, form = self.session, self.decision
        filled = (
            [d.value for d in form.ranks],
            form.confidence.value,
            form.next_step.value,
            form.reasoning.value,
        )
        session.set_language(self.lang)
        self._show(session)
        ranks, confidence, next_step, reasoning = filled
        for dropdown, value in zip(self.decision.ranks, ranks, strict=True):
            dropdown.value = value
        self.decision.confidence.value = confidence
        self.decision.next_step.value = next_step
        self.decision.reasoning.value = reasoning

    def _next_in_list(self, current: str) -> str | None:
        if not self.case_ids:
            return None
        i = self.case_ids.index(current) if current in self.case_ids else -1
        return self.case_ids[(i + 1) % len(self.case_ids)]

    def load_case(self, case_id: str) -> None:
        """Show ``case_id`` with a fresh session and fresh views; the views of the previous case are closed."""
        self._show(CaseSession(self.book, case_id, alias=self.alias, lang=self.lang, mode=self.mode))

    def _show(self, session: CaseSession) -> None:
        """Build the views over ``session`` (a new one, or the same one in another language); the old views close."""
        old_views = self._views()
        if self.session is not None:
            self.session.unsubscribe(self._listener)
        self.session = session
        # The feedback view follows the session first, so after Submit its update leaves the kernel before the
        # updates that lock the other views; the app follows last, so saving the attempt never delays the feedback.
        self.feedback = FeedbackView(self.session, self.log)
        self.history = HistoryView(self.session, self.log)
        self.exam = ExamView(self.session, self.log)
        self.decision = DecisionView(self.session, self.log)
        self._listener = self.log.guard(self.t.pgettext("while", "saving your attempt"))(self._on_session_event)
        self.session.subscribe(self._listener)
        self.header.value = case_header_html(self.book, self.session.case, self.t)
        self.widget.children = [
            self.disclaimer,
            self.header,
            self.skip_button,
            self.history.widget,
            self.exam.widget,
            self.decision.widget,
            self.feedback.widget,
            self.controls,
            self.log.widget,
        ]
        for view in old_views:
            view.close()

    def _views(self) -> list:
        return [v for v in (self.feedback, self.history, self.exam, self.decision) if v is not None]

    def _on_session_event(self, event: Event) -> None:
        if event.kind == "submit":
            for callback in self.on_submit:
                self.log.guard(self.t.pgettext("while", "saving your attempt"))(callback)(self.session)

    def _on_skip_clicked(self, _button=None) -> None:
        self.decision.focus()

    def _on_restart_clicked(self, _button=None) -> None:
        self.restart()

    def _on_next_clicked(self, _button=None) -> None:
        self.next_case()

    def render(self) -> None:
        """Re-render every view from the session (they also re-render on their own after each action)."""
        for view in self._views():
            view.render()

    def restart(self) -> None:
        """Start the same case again; the views follow the session's restart event."""
        self.session.restart()
        self.decision.status.value = ""

    def next_case(self) -> None:
        """Load the next case (``choose_next``), or say that every case in the list is done."""
        nxt = self._choose_next(self.session.case.id)
        if nxt is None:
            self.decision.status.value = message_html(self.t("You have done every case in this list."), lang=self.t)
            return
        self.load_case(nxt)

    def close(self) -> None:
        """Stop following the session and close every widget of the app and its views."""
        if self.session is not None:
            self.session.unsubscribe(self._listener)
        for view in self._views():
            view.close()
        self.log.close()
        close_widgets(self.widget)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
