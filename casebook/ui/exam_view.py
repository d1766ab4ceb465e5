"""Examination and investigations: one click per item, findings listed in order."""

from __future__ import annotations

import ipywidgets as w

from ..i18n import N_
from ..render import heading_html, message_html, transcript_html
from ..session import CaseSession, Event
from .lifecycle import close_widgets
from .log_view import ErrorLog

FOLLOWS = frozenset({"examine", "investigate", "submit", "restart"})  # session events that change this view
# Shown in place of the buttons once the case is submitted.
CLOSED = N_(
    "Submitted: examination and investigations are closed, and what they showed stays below. Press Restart case to "
    "examine again."
)


class ExamView:
    """Buttons for examination items and investigations, and what each revealed; follows the session's events."""

    def __init__(self, session: CaseSession, log: ErrorLog):
        self.session = session
        self.t = t = session.t
        bank = session.book.bank
        lang = session.lang
        self.exam_buttons: dict[str, w.Button] = {}
        self.investigation_buttons: dict[str, w.Button] = {}
        self._done: set[str] = set()
        for table, buttons, kind, action, where in (
            (bank.examinations, self.exam_buttons, "exam", self._on_exam_clicked, t.pgettext("while", "examining")),
            (
                bank.investigations,
                self.investigation_buttons,
                "investigation",
                self._on_investigation_clicked,
                t.pgettext("while", "ordering that investigation"),
            ),
        ):
            for item in table.values():
                b = w.Button(
                    description=item.text.get(lang),
                    tooltip=item.text.get(lang),
                    layout=w.Layout(width="auto", height="auto"),
                )
                b.add_class(f"cb-{kind}")
                b.add_class(f"cb-{kind}-{item.id}")
                b.on_click(log.guard(where)(lambda _b, i=item.id, act=action: act(i)))
                buttons[item.id] = b
        self.findings = w.HTML()
        self.findings.add_class("cb-findings")
        self.results = w.HTML()
        self.results.add_class("cb-results")

        def grid(buttons: dict[str, w.Button]) -> w.VBox:
            return w.VBox(list(buttons.values()), layout=w.Layout(align_items="flex-start"))

        self.grids = (grid(self.exam_buttons), grid(self.investigation_buttons))
        self.widget = w.VBox(
            [
                w.HTML(heading_html(t("2. Examine"), 3, lang=t)),
                self.grids[0],
                self.findings,
                w.HTML(heading_html(t("3. Investigations (if you need them)"), 3, lang=t)),
                self.grids[1],
                self.results,
            ]
        )
        self.widget.add_class("cb-exam")
        self._listener = log.guard(t.pgettext("while", "updating the examination"))(self._on_session_event)
        session.subscribe(self._listener)
        self.render()

    def _on_exam_clicked(self, exam_id: str) -> None:
        self.session.examine(exam_id)

    def _on_investigation_clicked(self, investigation_id: str) -> None:
        self.session.investigate(investigation_id)

    def _on_session_event(self, event: Event) -> None:
        if event.kind in FOLLOWS:
            self.render()

    def render(self) -> None:
        """Mark what was done (changed buttons only), list findings and results; once submitted, hide the buttons (two
        widget updates, where disabling them one by one sent one each) and say why in their place."""
        s, bank = self.session, self.session.book.bank
        buttons = {**self.exam_buttons, **self.investigation_buttons}
        done = set(s.examined) | set(s.investigated)
        for item_id in done ^ self._done:
            b = buttons[item_id]
            if item_id in done:
                b.add_class("cb-asked")
                b.icon = "check"
            else:
                b.remove_class("cb-asked")
                b.icon = ""
        self._done = done
        for grid in self.grids:
            grid.layout.display = "none" if s.submitted else None
        t = self.t
        closed = message_html(t(CLOSED), css_class="cb-closed-note", lang=t) if s.submitted else ""
        self.findings.value = closed + transcript_html(
            [(bank.examinations[e].text.get(s.lang), s.finding_text(e)) for e in s.examined],
            t("Examination findings"),
            t("Nothing examined yet."),
            t,
        )
        self.results.value = transcript_html(
            [(bank.investigations[i].text.get(s.lang), s.result_text(i)) for i in s.investigated],
            t("Results"),
            t("No investigations ordered."),
            t,
        )

    def close(self) -> None:
        """Stop following the session and close every widget this view built."""
        self.session.unsubscribe(self._listener)
        close_widgets(self.widget)
