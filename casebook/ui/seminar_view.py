"""Seminar mode: one case on a projector, revealed a step at a time in large text."""

from __future__ import annotations

import ipywidgets as w

from ..compare import comparison_html, comparison_table
from ..i18n import NC_, Translator, translator_for
from ..model import Casebook
from ..render import STYLE, heading_html, lang_attr, text_html
from ..seminar import SeminarStep, compare_ids, seminar_steps, step_html
from ..session import CaseSession, Event
from .history_view import RecallBox
from .lifecycle import close_widgets
from .log_view import ErrorLog

LARGE_INPUT = (
    "<style>.cb-seminar .cb-recall-input input, .cb-seminar .cb-recall-box button, .cb-seminar .cb-recall-status "
    "{ font-size: 22px; } .cb-seminar .cb-recall-input input { height: 1.8em; }</style>"
)


class SeminarView:
    """A case chooser, Back / Next / Start over, and the steps revealed so far (large text, no code).

    When Next reveals the last step (or Back the first) the button is disabled, so the keyboard focus moves to the
    control that still makes sense (Start over, or Next) instead of dropping to the page body.

    ``mode`` "recall" (a choice on the page too): instead of the expert's questions, the teacher types the class's
    questions into a box under the stage while the class-asks step is the latest shown; a later step sets what the
    class found beside the expert path. Start over, another case or another mode starts a fresh class session.
    """

    def __init__(self, book: Casebook, case_id: str, lang: str | Translator | None = None, mode: str = "menu"):
        self.book = book
        self.t = t = translator_for(lang)  # the seminar's language (default: $CASEBOOK_LANG, then English)
        self.lang = lang = t.lang
        self.log = ErrorLog(t)
        self.session: CaseSession | None = None
        self.recall_box: RecallBox | None = None
        self.mode = w.RadioButtons(
            options=[(t("The class asks in its own words"), "recall"), (t("Reveal the expert's questions"), "menu")],
            value=mode,
            description=t("How does the class take the history?"),
            style={"description_width": "initial"},
        )
        self.mode.add_class("cb-seminar-mode")
        self.recall_area = w.VBox()
        self.recall_area.add_class("cb-seminar-recall")
        self.case_choice = w.Dropdown(
            options=[(c.title.get(lang), c.id) for c in book.cases.values()],
            value=case_id,
            description=t.pgettext("patient case", "Case"),
            layout=w.Layout(width="40em"),
        )
        self.case_choice.add_class("cb-seminar-case")
        self.back = w.Button(description=t("Back"), icon="step-backward", tooltip=t("Hide the last step"))
        self.next = w.Button(
            description=t.pgettext("step", "Next"),
            icon="step-forward",
            button_style="primary",
            tooltip=t("Reveal the next step"),
        )
        self.restart = w.Button(
            description=t("Start over"), icon="undo", tooltip=t("Hide everything but the complaint")
        )
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
        guard = lambda what: self.log.guard(t.pgettext("while", what))  # noqa: E731
        self.case_choice.observe(guard(NC_("while", "changing the case"))(self._on_case_view_changed), names="value")
        self.mode.observe(
            guard(NC_("while", "changing how the class takes the history"))(self._on_mode_view_changed), "value"
        )
        self.next.on_click(guard(NC_("while", "revealing the next step"))(self._on_next_clicked))
        self.back.on_click(guard(NC_("while", "going back a step"))(self._on_back_clicked))
        self.restart.on_click(guard(NC_("while", "starting over"))(self._on_restart_clicked))
        self.widget = w.VBox(
            [
                w.HTML(STYLE + LARGE_INPUT),
                self.case_choice,
                self.mode,
                w.HBox([self.back, self.next, self.restart, self.progress]),
                self.stage,
                self.recall_area,
                self.log.widget,
            ]
        )
        self.widget.add_class("cb-seminar")
        self.load(case_id)

    def load(self, case_id: str) -> None:
        """Show ``case_id`` from its first step (the complaint)."""
        t = self.t
        case = self.book.case(case_id)
        ids = compare_ids(case)
        # Rows chosen by aspect id, never by their translated labels: the key features, then how each look-alike is
        # told apart (the table's told-apart rows follow the order of ids; the diagnosis's own row is left out).
        frame = comparison_table(self.book, ids, t, aspects=("key_features", "told_apart"))
        table = frame.iloc[[0, *range(2, len(frame))]]
        side_by_side = t("Side by side")
        self.steps: list[SeminarStep] = [
            *seminar_steps(self.book, case, t, self.mode.value),
            SeminarStep("compare", side_by_side, heading_html(side_by_side, 3) + comparison_html(table, t)),
        ]
        self._start_class_session(case_id)
        self.shown = 1
        self.render()

    def _start_class_session(self, case_id: str) -> None:
        """A fresh recall-mode session and question box for the class (recall mode), or none (menu mode)."""
        if self.session is not None:
            self.session.unsubscribe(self._listener)
        old = self.recall_box
        self.session = self.recall_box = None
        if self.mode.value == "recall":
            self.session = CaseSession(self.book, case_id, lang=self.lang, mode="recall")
            self._listener = self.log.guard(self.t.pgettext("while", "showing the class's question"))(
                self._on_session_event
            )
            self.session.subscribe(self._listener)
            self.recall_box = RecallBox(self.session, self.log, label=self.t("The class asks…"), has_list=False)
        self.recall_area.children = [self.recall_box.widget] if self.recall_box is not None else []
        if old is not None:
            old.close()

    def _on_session_event(self, event: Event) -> None:
        if event.kind in ("ask", "typed"):
            self.render()

    def _on_mode_view_changed(self, change) -> None:
        self.load(self.case_choice.value)

    def _on_case_view_changed(self, change) -> None:
        self.load(change["new"])

    def _on_next_clicked(self, _button=None) -> None:
        self.step(+1)
        if self.next.disabled:
            self.restart.focus()
        elif self.recall_box is not None and self.steps[self.shown - 1].kind == "recall":
            self.recall_box.ask_box.focus()  # the teacher types the class's first question

    def _on_back_clicked(self, _button=None) -> None:
        self.step(-1)
        if self.back.disabled:
            self.next.focus()

    def _on_restart_clicked(self, _button=None) -> None:
        if self.session is not None:
            self._start_class_session(self.session.case.id)
        self.step(-len(self.steps))

    def step(self, delta: int) -> None:
        """Reveal (positive) or hide (negative) ``delta`` steps, keeping at least the complaint on show."""
        self.shown = max(1, min(len(self.steps), self.shown + delta))
        self.render()

    def render(self) -> None:
        blocks = "".join(
            f'<section class="cb-seminar-step cb-step-{text_html(s.kind)}">{step_html(s, self.session)}</section>'
            for s in self.steps[: self.shown]
        )
        asking = self.steps[self.shown - 1].kind == "recall"
        self.recall_area.layout.display = None if asking and self.recall_box is not None else "none"
        t = self.t
        self.stage.value = f'<div class="cb-app cb-large"{lang_attr(t)}>{blocks}</div>'
        step = t("Step {n} of {total}").format(n=self.shown, total=len(self.steps))
        title = text_html(self.steps[self.shown - 1].title)
        self.progress.value = (
            f"<span{lang_attr(t)}>" + t("<b>{step}</b>: {title}").format(step=text_html(step), title=title) + "</span>"
        )
        self.next.disabled = self.shown >= len(self.steps)
        self.back.disabled = self.shown <= 1

    def close(self) -> None:
        """Stop following the class's session and close every widget this view built."""
        if self.session is not None:
            self.session.unsubscribe(self._listener)
        close_widgets(self.widget)
