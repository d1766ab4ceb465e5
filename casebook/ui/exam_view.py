"""Examination and investigations: one click per item, findings listed in order."""

from __future__ import annotations

import ipywidgets as w

from ..render import transcript_html
from ..session import CaseSession
from .log_view import ErrorLog


class ExamView:
    """Buttons for examination items and investigations, and what each revealed."""

    def __init__(self, session: CaseSession, log: ErrorLog):
        self.session = session
        bank = session.book.bank
        lang = session.lang
        self.exam_buttons: dict[str, w.Button] = {}
        self.investigation_buttons: dict[str, w.Button] = {}
        for table, buttons, kind, action in (
            (bank.examinations, self.exam_buttons, "exam", self._on_exam_clicked),
            (bank.investigations, self.investigation_buttons, "investigation", self._on_investigation_clicked),
        ):
            for item in table.values():
                b = w.Button(
                    description=item.text.get(lang),
                    tooltip=item.text.get(lang),
                    layout=w.Layout(width="auto", height="auto"),
                )
                b.add_class(f"cb-{kind}")
                b.add_class(f"cb-{kind}-{item.id}")
                b.on_click(log.guard(f"{kind} '{item.id}'")(lambda _b, i=item.id, act=action: act(i)))
                buttons[item.id] = b
        self.findings = w.HTML()
        self.findings.add_class("cb-findings")
        self.results = w.HTML()
        self.results.add_class("cb-results")
        grid = lambda bs: w.VBox(list(bs.values()), layout=w.Layout(align_items="flex-start"))  # noqa: E731
        self.widget = w.VBox(
            [
                w.HTML("<h3>2. Examine</h3>"),
                grid(self.exam_buttons),
                self.findings,
                w.HTML("<h3>3. Investigations (if you need them)</h3>"),
                grid(self.investigation_buttons),
                self.results,
            ]
        )
        self.widget.add_class("cb-exam")
        self.render()

    def _on_exam_clicked(self, exam_id: str) -> None:
        self.session.examine(exam_id)
        self.render()

    def _on_investigation_clicked(self, investigation_id: str) -> None:
        self.session.investigate(investigation_id)
        self.render()

    def render(self) -> None:
        s, bank = self.session, self.session.book.bank
        for ids, buttons in ((s.examined, self.exam_buttons), (s.investigated, self.investigation_buttons)):
            for item_id, b in buttons.items():
                b.button_style = "info" if item_id in ids else ""
                b.icon = "check" if item_id in ids else ""
                b.disabled = s.submitted
        self.findings.value = transcript_html(
            [(bank.examinations[e].text.get(s.lang), s.finding_text(e)) for e in s.examined],
            "Examination findings",
            "Nothing examined yet.",
        )
        self.results.value = transcript_html(
            [(bank.investigations[i].text.get(s.lang), s.result_text(i)) for i in s.investigated],
            "Results",
            "No investigations ordered.",
        )
