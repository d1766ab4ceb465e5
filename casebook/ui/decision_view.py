"""Diagnosis and next step: a ranked differential from all conditions, a confidence, a next step and Submit."""

from __future__ import annotations

import ipywidgets as w

from ..i18n import N_, error_message, format_percent
from ..render import heading_html, message_html
from ..session import CaseSession, Event, SessionError
from .lifecycle import close_widgets
from .log_view import ErrorLog

NONE = (N_("— none —"), "")  # the empty choice of each diagnosis drop-down (label translated where shown)
CONFIDENCE_LEVELS = tuple(range(0, 101, 5))
DEFAULT_CONFIDENCE = 50
WIDE = {"description_width": "10em"}  # room for the longest label in nb and da
RANKS = (N_("Most likely"), N_("Second"), N_("Third"))


class DecisionView:
    """Three ranked dropdowns over all conditions (alphabetical, so the list gives nothing away), confidence,
    next step, reasoning and Submit; follows the session's submit and restart events.

    Confidence is a labelled drop-down of 0-100 % in steps of 5 (a slider's handle has no accessible name).
    """

    def __init__(self, session: CaseSession, log: ErrorLog):
        self.session = session
        self.t = t = session.t
        book, lang = session.book, session.lang
        conditions = sorted(((c.name.get(lang), c.id) for c in book.conditions.values()), key=lambda x: x[0].lower())
        none = (t(NONE[0]), NONE[1])
        self.ranks = []
        for n, label in enumerate(RANKS):
            dd = w.Dropdown(
                options=[none, *conditions], value="", description=t(label), style=WIDE, layout=w.Layout(width="38em")
            )
            dd.add_class(f"cb-diagnosis-{n + 1}")
            self.ranks.append(dd)
        self.confidence = w.Dropdown(
            options=[(format_percent(v, t), v) for v in CONFIDENCE_LEVELS],
            value=DEFAULT_CONFIDENCE,
            description=t.pgettext("confidence", "Confidence"),
            tooltip=t("How sure are you of your most likely diagnosis?"),
            style=WIDE,
            layout=w.Layout(width="22em"),
        )
        self.confidence.add_class("cb-confidence")
        steps = [(s.text.get(lang), s.id) for s in book.bank.next_steps.values()]
        self.next_step = w.Dropdown(
            options=[(t("— choose a next step —"), ""), *steps],
            value="",
            description=t("Next step"),
            style=WIDE,
            layout=w.Layout(width="50em"),
        )
        self.next_step.add_class("cb-next-step")
        self.reasoning = w.Textarea(
            value="",
            description=t("Reasoning"),
            placeholder=t(
                "Optional: why do you think so? (saved with your attempt, shown beside the expert's findings)"
            ),
            style=WIDE,
            layout=w.Layout(width="50em", height="5em"),
        )
        self.reasoning.add_class("cb-reasoning")
        self.submit = w.Button(
            description=t("Submit"),
            button_style="primary",
            icon="paper-plane",
            tooltip=t("Submit your diagnosis and next step to see the feedback"),
        )
        self.submit.add_class("cb-submit")
        self.submit.on_click(log.guard(t.pgettext("while", "submitting"))(self._on_submit_clicked))
        self.status = w.HTML()
        self.status.add_class("cb-status")
        self.widget = w.VBox(
            [
                w.HTML(
                    heading_html(t("4. Diagnosis and next step"), 3, lang=t)
                    + message_html(t("Rank up to three conditions, most likely first."), lang=t)
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
        self._listener = log.guard(t.pgettext("while", "updating the diagnosis form"))(self._on_session_event)
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
                raise SessionError(N_("Choose a next step before submitting."))
            self.session.decide(self.next_step.value)
            self.status.value = ""
            self.session.submit()
        except SessionError as e:
            self.status.value = message_html(error_message(e, self.t), alert=True, css_class="cb-hint", lang=self.t)

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
