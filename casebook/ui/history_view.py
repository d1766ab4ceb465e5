"""History taking: the questions grouped by topic, one click each, answers building a transcript."""

from __future__ import annotations

import ipywidgets as w

from ..render import heading_html, transcript_html
from ..session import CaseSession, Event
from .lifecycle import close_widgets
from .log_view import ErrorLog

FOLLOWS = frozenset({"ask", "submit", "restart"})  # session events that change what this view shows


class HistoryView:
    """Question buttons by topic, a question counter and the transcript; follows the session's events."""

    def __init__(self, session: CaseSession, log: ErrorLog):
        self.session = session
        self.log = log
        self.buttons: dict[str, w.Button] = {}
        self._asked: set[str] = set()
        self._locked = False
        self.counter = w.HTML()
        self.counter.add_class("cb-question-counter")
        self.transcript = w.HTML()
        self.transcript.add_class("cb-transcript-box")
        lang = session.lang
        groups = []
        for topic, questions in session.book.bank.questions_by_topic():
            row = []
            for q in questions:
                b = w.Button(
                    description=q.text.get(lang),
                    tooltip=f"Ask: {q.text.get(lang)}",
                    layout=w.Layout(width="auto", height="auto"),
                )
                b.add_class("cb-question")
                b.add_class(f"cb-q-{q.id}")
                b.on_click(log.guard("asking that question")(lambda _b, qid=q.id: self._on_question_clicked(qid)))
                self.buttons[q.id] = b
                row.append(b)
            title = w.HTML(heading_html(topic.title.get(lang), 4))
            title.add_class("cb-topic-title")
            groups.append(w.VBox([title, w.VBox(row, layout=w.Layout(align_items="flex-start"))]))
        self.widget = w.VBox(
            [
                w.HTML(heading_html("1. Take a history", 3)),
                self.counter,
                w.GridBox(
                    groups,
                    layout=w.Layout(grid_template_columns="repeat(auto-fill, minmax(22em, 1fr))", grid_gap="0 1em"),
                ),
                self.transcript,
            ]
        )
        self.widget.add_class("cb-history")
        self._listener = log.guard("updating the history")(self._on_session_event)
        session.subscribe(self._listener)
        self.render()

    def _on_question_clicked(self, question_id: str) -> None:
        self.session.ask(question_id)

    def _on_session_event(self, event: Event) -> None:
        if event.kind in FOLLOWS:
            self.render()

    def render(self) -> None:
        """Mark asked questions, lock the buttons once submitted, update the counter and the transcript.

        Only buttons whose state changed are touched, so a click sends a handful of widget updates, not one per button.
        """
        s = self.session
        asked = set(s.asked)
        for qid in asked ^ self._asked:
            b = self.buttons[qid]
            if qid in asked:
                b.add_class("cb-asked")
                b.icon = "check"
                b.tooltip = f"Asked: {b.description}"
            else:
                b.remove_class("cb-asked")
                b.icon = ""
                b.tooltip = f"Ask: {b.description}"
        self._asked = asked
        if s.submitted != self._locked:
            self._locked = s.submitted
            for b in self.buttons.values():
                b.disabled = s.submitted
        self.counter.value = f"<b>Questions asked:</b> {len(s.asked)} of {len(self.buttons)}"
        self.transcript.value = transcript_html(s.transcript())

    def close(self) -> None:
        """Stop following the session and close every widget this view built."""
        self.session.unsubscribe(self._listener)
        close_widgets(self.widget)
