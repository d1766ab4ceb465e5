"""Diagnosis and next step: a ranked differential from all conditions, a confidence, a next step and Submit."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import ipywidgets as w

from ..session import CaseSession, SessionError
from .log_view import ErrorLog

NONE = ("— none —", "")


class DecisionView:
    """Three ranked dropdowns over all conditions (alphabetical, so the list gives nothing away), confidence, next step, Submit."""

    def __init__(self, session: CaseSession, log: ErrorLog, on_submitted: Callable[[], None]):
        self.session = session
        self._on_submitted = on_submitted
        book, lang = session.book, session.lang
        conditions = sorted(((c.name.get(lang), c.id) for c in book.conditions.values()), key=lambda x: x[0].lower())
        self.ranks = []
        for n, label in enumerate(("Most likely", "Second", "Third")):
            dd = w.Dropdown(
                options=[NONE, *conditions],
                value="",
                description=label,
                style={"description_width": "8em"},
                layout=w.Layout(width="36em"),
            )
            dd.add_class(f"cb-diagnosis-{n + 1}")
            self.ranks.append(dd)
        self.confidence = w.IntSlider(
            value=50,
            min=0,
            max=100,
            step=5,
            description="Confidence %",
            style={"description_width": "8em"},
            layout=w.Layout(width="36em"),
        )
        self.confidence.add_class("cb-confidence")
        steps = [(s.text.get(lang), s.id) for s in book.bank.next_steps.values()]
        self.next_step = w.Dropdown(
            options=[("— choose a next step —", ""), *steps],
            value="",
            description="Next step",
            style={"description_width": "8em"},
            layout=w.Layout(width="48em"),
        )
        self.next_step.add_class("cb-next-step")
        self.reasoning = w.Textarea(
            value="",
            description="Reasoning",
            placeholder="Optional: why do you think so? (saved with your attempt, shown beside the expert's findings)",
            style={"description_width": "8em"},
            layout=w.Layout(width="48em", height="5em"),
        )
        self.reasoning.add_class("cb-reasoning")
        self.submit = w.Button(
            description="Submit",
            button_style="primary",
            icon="paper-plane",
            tooltip="Submit your diagnosis and next step to see the feedback",
        )
        self.submit.add_class("cb-submit")
        self.submit.on_click(log.guard("submitting")(self._on_submit_clicked))
        self.status = w.HTML()
        self.status.add_class("cb-status")
        self.widget = w.VBox(
            [
                w.HTML("<h3>4. Diagnosis and next step</h3><p>Rank up to three conditions, most likely first.</p>"),
                *self.ranks,
                self.confidence,
                self.next_step,
                self.reasoning,
                self.submit,
                self.status,
            ]
        )
        self.widget.add_class("cb-decision")

    def _on_submit_clicked(self, _button=None) -> None:
        try:
            self.session.note(self.reasoning.value)
            self.session.diagnose([d.value for d in self.ranks], int(self.confidence.value))
            if not self.next_step.value:
                raise SessionError("Choose a next step before submitting.")
            self.session.decide(self.next_step.value)
            self.session.submit()
        except SessionError as e:
            self.status.value = f'<p class="cb-hint" role="alert"><b>! </b>{escape(str(e))}</p>'
            return
        self.status.value = ""
        self._on_submitted()

    def render(self) -> None:
        locked = self.session.submitted
        for control in (*self.ranks, self.confidence, self.next_step, self.reasoning, self.submit):
            control.disabled = locked
        if not self.session.differential and not locked:
            for d in self.ranks:
                d.value = ""
            self.next_step.value = ""
            self.confidence.value = 50
            self.reasoning.value = ""
            self.status.value = ""
