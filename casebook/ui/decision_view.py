"""Diagnosis and next step: a ranked differential from all conditions, a confidence, a next step and Submit."""

from __future__ import annotations

import ipywidgets as w

from ..render import heading_html, message_html
from ..session import CaseSession, Event, SessionError
from .lifecycle import close_widgets
from .log_view import ErrorLog

NONE = ("— none —", "")
CONFIDENCE_LEVELS = tuple(range(0, 101, 5))
DEFAULT_CONFIDENCE = 50
WIDE = {"description_width": "8em"}


class DecisionView:
    """Three ranked dropdowns over all conditions (alphabetical, so the list gives nothing away), confidence,
    next step, reasoning and Submit; follows the session's submit and restart events.

    Confidence is a labelled drop-down of 0-100 % in steps of 5 (a slider's handle has no accessible name).
    """

    def __init__(self, session: CaseSession, log: ErrorLog):
        self.session = session
        book, lang = session.book, session.lang
        conditions = sorted(((c.name.get(lang), c.id) for c in book.conditions.values()), key=lambda x: x[0].lower())
        self.ranks = []
        for n, label in enumerate(("Most likely", "Second", "Third")):
            dd = w.Dropdown(
                options=[NONE, *conditions], value="", description=label, style=WIDE, layout=w.Layout(width="36em")
            )
            dd.add_class(f"cb-diagnosis-{n + 1}")
            self.ranks.append(dd)
        self.confidence = w.Dropdown(
            options=[(f"{v} %", v) for v in CONFIDENCE_LEVELS],
            value=DEFAULT_CONFIDENCE,
            description="Confidence",
            tooltip="How sure are you of your most likely diagnosis?",
            style=WIDE,
            layout=w.Layout(width="20em"),
        )
        self.confidence.add_class("cb-confidence")
        steps = [(s.text.get(lang), s.id) for s in book.bank.next_steps.values()]
        self.next_step = w.Dropdown(
            options=[("— choose a next step —", ""), *steps],
            value="",
            description="Next step",
            style=WIDE,
            layout=w.Layout(width="48em"),
        )
        self.next_step.add_class("cb-next-step")
        self.reasoning = w.Textarea(
            value="",
            description="Reasoning",
            placeholder="Optional: why do you think so? (saved with your attempt, shown beside the expert's findings)",
            style=WIDE,
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
                w.HTML(
                    heading_html("4. Diagnosis and next step", 3)
                    + "<p>Rank up to three conditions, most likely first.</p>"
                ),
                *self.ranks,
                self.confidence,
                self.next_step,
                self.reasoning,
                self.submit,
                self.status,
            ]
        )
        self.widget.add_class("cb-decision")
        self._listener = log.guard("updating the diagnosis form")(self._on_session_event)
        session.subscribe(self._listener)
        self.render()

    def focus(self) -> None:
        """Put the keyboard focus on the first diagnosis drop-down (the target of "Skip to diagnosis")."""
        self.ranks[0].focus()

    def _on_submit_clicked(self, _button=None) -> None:
        try:
            self.session.note(self.reasoning.value)
            self.session.diagnose([d.value for d in self.ranks], int(self.confidence.value))
            if not self.next_step.value:
                raise SessionError("Choose a next step before submitting.")
            self.session.decide(self.next_step.value)
            self.status.value = ""
            self.session.submit()
        except SessionError as e:
            self.status.value = message_html(str(e), alert=True, css_class="cb-hint")

    def _on_session_event(self, event: Event) -> None:
        if event.kind in ("submit", "restart"):
            self.render()

    def render(self) -> None:
        """Lock the form once submitted; after a restart, clear it first and unlock it after (Submit last)."""
        locked = self.session.submitted
        if not self.session.differential and not locked:
            for d in self.ranks:
                d.value = ""
            self.next_step.value = ""
            self.confidence.value = DEFAULT_CONFIDENCE
            self.reasoning.value = ""
            self.status.value = ""
        for control in (*self.ranks, self.confidence, self.next_step, self.reasoning, self.submit):
            control.disabled = locked

    def close(self) -> None:
        """Stop following the session and close every widget this view built."""
        self.session.unsubscribe(self._listener)
        close_widgets(self.widget)
