"""History taking: the questions grouped by topic, one click each, answers building a transcript."""

from __future__ import annotations

import ipywidgets as w

from ..render import transcript_html
from ..session import CaseSession
from .log_view import ErrorLog


class HistoryView:
    """Question buttons by topic, a question counter and the transcript."""

    def __init__(self, session: CaseSession, log: ErrorLog):
        self.session = session
        self.log = log
        self.buttons: dict[str, w.Button] = {}
        self.counter = w.HTML()
        self.counter.add_class("cb-question-counter")
        self.transcript = w.HTML()
        self.transcript.add_class("cb-transcript-box")
        groups = []
        for topic, questions in session.book.bank.questions_by_topic():
            row = []
            for q in questions:
                b = w.Button(
                    description=q.text.get(session.lang),
                    tooltip=f"Ask: {q.text.get(session.lang)}",
                    layout=w.Layout(width="auto", height="auto"),
                )
                b.add_class("cb-question")
                b.add_class(f"cb-q-{q.id}")
                b.on_click(log.guard(f"asking '{q.id}'")(lambda _b, qid=q.id: self._on_question_clicked(qid)))
                self.buttons[q.id] = b
                row.append(b)
            title = w.HTML(f"<h4>{topic.title.get(session.lang)}</h4>")
            groups.append(w.VBox([title, w.VBox(row, layout=w.Layout(align_items="flex-start"))]))
        self.widget = w.VBox(
            [
                w.HTML("<h3>1. Take a history</h3>"),
                self.counter,
                w.GridBox(
                    groups,
                    layout=w.Layout(grid_template_columns="repeat(auto-fill, minmax(22em, 1fr))", grid_gap="0 1em"),
                ),
                self.transcript,
            ]
        )
        self.widget.add_class("cb-history")
        self.render()

    def _on_question_clicked(self, question_id: str) -> None:
        self.session.ask(question_id)
        self.render()

    def render(self) -> None:
        asked = set(self.session.asked)
        for qid, b in self.buttons.items():
            b.button_style = "info" if qid in asked else ""
            b.icon = "check" if qid in asked else ""
            b.disabled = self.session.submitted
        n = len(self.session.asked)
        self.counter.value = f"<b>Questions asked:</b> {n} of {len(self.buttons)}"
        self.transcript.value = transcript_html(self.session.transcript())
