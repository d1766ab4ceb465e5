"""Seminar mode: one case on a projector, revealed a step at a time in large text."""

from __future__ import annotations

import ipywidgets as w

from ..compare import comparison_html, comparison_table
from ..model import Casebook
from ..render import STYLE, heading_html, text_html
from ..seminar import SeminarStep, compare_ids, seminar_steps
from .lifecycle import close_widgets
from .log_view import ErrorLog


class SeminarView:
    """A case chooser, Back / Next / Start over, and the steps revealed so far (large text, no code).

    When Next reveals the last step (or Back the first) the button is disabled, so the keyboard focus moves to the
    control that still makes sense (Start over, or Next) instead of dropping to the page body.
    """

    def __init__(self, book: Casebook, case_id: str, lang: str = "en"):
        self.book = book
        self.lang = lang
        self.log = ErrorLog()
        self.case_choice = w.Dropdown(
            options=[(c.title.get(lang), c.id) for c in book.cases.values()],
            value=case_id,
            description="Case",
            layout=w.Layout(width="40em"),
        )
        self.case_choice.add_class("cb-seminar-case")
        self.back = w.Button(description="Back", icon="step-backward", tooltip="Hide the last step")
        self.next = w.Button(
            description="Next", icon="step-forward", button_style="primary", tooltip="Reveal the next step"
        )
        self.restart = w.Button(description="Start over", icon="undo", tooltip="Hide everything but the complaint")
        for b, css in (
            (self.back, "cb-seminar-back"),
            (self.next, "cb-seminar-next"),
            (self.restart, "cb-seminar-restart"),
        ):
            b.add_class(css)
        self.progress = w.HTML()
        self.progress.add_class("cb-seminar-progress")
        self.stage = w.HTML()
        self.stage.add_class("cb-seminar-stage")
        self.case_choice.observe(self.log.guard("changing the case")(self._on_case_view_changed), names="value")
        self.next.on_click(self.log.guard("revealing the next step")(self._on_next_clicked))
        self.back.on_click(self.log.guard("going back a step")(self._on_back_clicked))
        self.restart.on_click(self.log.guard("starting over")(self._on_restart_clicked))
        self.widget = w.VBox(
            [
                w.HTML(STYLE),
                self.case_choice,
                w.HBox([self.back, self.next, self.restart, self.progress]),
                self.stage,
                self.log.widget,
            ]
        )
        self.widget.add_class("cb-seminar")
        self.load(case_id)

    def load(self, case_id: str) -> None:
        """Show ``case_id`` from its first step (the complaint)."""
        case = self.book.case(case_id)
        ids = compare_ids(case)
        frame = comparison_table(self.book, ids, self.lang)
        table = frame.loc[
            ["Key features", *[f"Told apart from {self.book.condition_name(i, self.lang)}" for i in ids[1:]]]
        ]
        self.steps: list[SeminarStep] = [
            *seminar_steps(self.book, case, self.lang),
            SeminarStep("compare", "Side by side", heading_html("Side by side", 3) + comparison_html(table)),
        ]
        self.shown = 1
        self.render()

    def _on_case_view_changed(self, change) -> None:
        self.load(change["new"])

    def _on_next_clicked(self, _button=None) -> None:
        self.step(+1)
        if self.next.disabled:
            self.restart.focus()

    def _on_back_clicked(self, _button=None) -> None:
        self.step(-1)
        if self.back.disabled:
            self.next.focus()

    def _on_restart_clicked(self, _button=None) -> None:
        self.step(-len(self.steps))

    def step(self, delta: int) -> None:
        """Reveal (positive) or hide (negative) ``delta`` steps, keeping at least the complaint on show."""
        self.shown = max(1, min(len(self.steps), self.shown + delta))
        self.render()

    def render(self) -> None:
        blocks = "".join(
            f'<section class="cb-seminar-step cb-step-{text_html(s.kind)}">{s.html}</section>'
            for s in self.steps[: self.shown]
        )
        self.stage.value = f'<div class="cb-app cb-large">{blocks}</div>'
        self.progress.value = (
            f"<b>Step {self.shown} of {len(self.steps)}</b>: {text_html(self.steps[self.shown - 1].title)}"
        )
        self.next.disabled = self.shown >= len(self.steps)
        self.back.disabled = self.shown <= 1

    def close(self) -> None:
        """Close every widget this view built."""
        close_widgets(self.widget)
