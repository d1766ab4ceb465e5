"""History taking: the questions grouped by topic, one click each, answers building a transcript; in recall mode the
student types questions in their own words first and opens the question list only when they choose to."""

from __future__ import annotations

import ipywidgets as w

from ..i18n import N_, error_message, translator
from ..render import heading_html, lang_attr, message_html, text_html, transcript_html
from ..session import CaseSession, Event, SessionError
from .lifecycle import close_widgets
from .log_view import ErrorLog

FOLLOWS = frozenset({"ask", "typed", "menu", "submit", "restart"})  # session events that change what this view shows
# Shown in place of the question list once the case is submitted.
CLOSED = N_(
    "Submitted: the questions are closed, and the patient's answers stay below. Press Restart case to take the "
    "history again."
)
WIDE = {"description_width": "initial"}


class HistoryView:
    """Question buttons by topic, a question counter and the transcript; follows the session's events.

    In recall mode (``session.mode == "recall"``) a labelled text box comes first: Enter (or Ask) puts the typed
    question to the patient through ``session.ask_typed``. A clear match is asked at once and the transcript shows the
    student's words and the question they were understood as; an unclear one offers the closest two or three as
    buttons; when nothing fits the view says so and the transcript keeps the question, unanswered. "Show question list"
    reveals the topic buttons at any time (``session.open_menu``: later questions no longer count as found unaided).
    """

    def __init__(self, session: CaseSession, log: ErrorLog):
        self.session = session
        self.log = log
        self.t = t = translator(session.lang)
        self.buttons: dict[str, w.Button] = {}
        self._asked: set[str] = set()
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
                    tooltip=t("Ask: {question}").format(question=q.text.get(lang)),
                    layout=w.Layout(width="auto", height="auto"),
                )
                b.add_class("cb-question")
                b.add_class(f"cb-q-{q.id}")
                b.on_click(
                    log.guard(t.pgettext("while", "asking that question"))(
                        lambda _b, qid=q.id: self._on_question_clicked(qid)
                    )
                )
                self.buttons[q.id] = b
                row.append(b)
            title = w.HTML(heading_html(topic.title.get(lang), 4, lang=t))
            title.add_class("cb-topic-title")
            groups.append(w.VBox([title, w.VBox(row, layout=w.Layout(align_items="flex-start"))]))
        self.menu = w.GridBox(
            groups,
            layout=w.Layout(grid_template_columns="repeat(auto-fill, minmax(22em, 1fr))", grid_gap="0 1em"),
        )
        self.menu.add_class("cb-question-list")
        self.recall = session.mode == "recall"
        parts = [w.HTML(heading_html(t("1. Take a history"), 3, lang=t)), self.counter]
        if self.recall:
            parts += self._build_recall()
        parts += [self.menu, self.transcript]
        self.widget = w.VBox(parts)
        self.widget.add_class("cb-history")
        self._listener = log.guard(t.pgettext("while", "updating the history"))(self._on_session_event)
        session.subscribe(self._listener)
        self.render()

    # ------------------------------------------------------------ recall mode

    def _build_recall(self) -> list[w.Widget]:
        """The recall controls: an intro, the question box (RecallBox), Show question list and its note."""
        t = self.t
        self.recall_box = RecallBox(self.session, self.log)
        self.ask_box, self.ask_button = self.recall_box.ask_box, self.recall_box.ask_button
        self.status, self.choices = self.recall_box.status, self.recall_box.choices
        self.show_menu = w.Button(
            description=t("Show question list"),
            icon="list",
            tooltip=t("Show every question; the ones you ask after this no longer count as found unaided"),
        )
        self.show_menu.add_class("cb-show-questions")
        self.menu_note = w.HTML()
        self.menu_note.add_class("cb-menu-note")
        self.show_menu.on_click(
            self.log.guard(t.pgettext("while", "showing the question list"))(self._on_show_menu_clicked)
        )
        intro = w.HTML(
            message_html(
                t(
                    "Ask the patient your questions in your own words, one at a time. The question list is there "
                    "when you need it; questions you find before opening it count as found unaided."
                ),
                css_class="cb-recall-intro",
                lang=t,
            )
        )
        box = w.VBox([intro, self.recall_box.widget, self.show_menu, self.menu_note])
        box.add_class("cb-recall")
        return [box]

    def _on_show_menu_clicked(self, _button=None) -> None:
        self.session.open_menu()
        first = next(iter(self.buttons.values()), None)
        if first is not None:
            first.focus()

    # ------------------------------------------------------------ both modes

    def _on_question_clicked(self, question_id: str) -> None:
        self.session.ask(question_id)

    def _on_session_event(self, event: Event) -> None:
        if event.kind in FOLLOWS:
            self.render()

    def render(self) -> None:
        """Mark asked questions, close the question list once submitted, update the counter and the transcript; in
        recall mode show the question list only once opened, and lock the question box once submitted.

        Only buttons whose state changed are touched, so a click sends a handful of widget updates, not one per button.
        """
        s = self.session
        asked = set(s.asked)
        for qid in asked ^ self._asked:
            b = self.buttons[qid]
            if qid in asked:
                b.add_class("cb-asked")
                b.icon = "check"
                b.tooltip = self.t("Asked: {question}").format(question=b.description)
            else:
                b.remove_class("cb-asked")
                b.icon = ""
                b.tooltip = self.t("Ask: {question}").format(question=b.description)
        self._asked = asked
        t = self.t
        counter = t("<b>Questions asked:</b> {n} of {total}").format(n=len(s.asked), total=len(self.buttons))
        if self.recall:
            counter = t("{asked} · found unaided: {n}").format(asked=counter, n=len(s.asked_unaided))
            self._render_recall()
        # Once submitted the question list is closed: hidden (one widget update, where disabling its buttons one by one
        # sent one each, and held the feedback back in JupyterLab), and a note in its place.
        self.menu.layout.display = "none" if s.submitted or (self.recall and not s.menu_open) else None
        closed = message_html(t(CLOSED), css_class="cb-closed-note", lang=t) if s.submitted else ""
        self.counter.value = f"<span{lang_attr(t)}>{counter}</span>{closed}"
        self.transcript.value = transcript_html(s.transcript(), lang=t)

    def _render_recall(self) -> None:
        s = self.session
        shown = s.menu_open
        self.show_menu.layout.display = "none" if shown else None
        self.show_menu.disabled = s.submitted
        self.menu_note.value = (
            message_html(
                self.t("Question list open: questions you ask from now on count as asked with help."),
                css_class="cb-hint",
                lang=self.t,
            )
            if shown
            else ""
        )
        self.recall_box.render()

    def close(self) -> None:
        """Stop following the session and close every widget this view built."""
        self.session.unsubscribe(self._listener)
        close_widgets(self.widget)


class RecallBox:
    """Free recall's question box: a labelled text box (Enter asks) and Ask, a status line, and the closest questions as
    buttons when the words are unclear; each typed question goes to ``session.ask_typed`` (the session must be in
    recall mode). Used by the history view and by the seminar, where the teacher types the class's questions.

    ``label``: the text box's label (default "Ask the patient…"); ``has_list``: whether a question list is there to
    open (the seminar has none). The box follows nothing on its own: its owner calls ``render()`` after the session's
    events (it locks itself once submitted and clears its choices on restart).
    """

    def __init__(self, session: CaseSession, log: ErrorLog, label: str | None = None, has_list: bool = True):
        self.session = session
        self.log = log
        self.has_list = has_list
        self.t = t = translator(session.lang)
        self.ask_box = w.Text(
            value="",
            description=label or t("Ask the patient…"),
            placeholder=t("in your own words, then press Enter"),
            continuous_update=False,
            style=WIDE,
            layout=w.Layout(width="40em"),
        )
        self.ask_box.add_class("cb-recall-input")
        self.ask_button = w.Button(description=t("Ask"), icon="comment", tooltip=t("Put the question to the patient"))
        self.ask_button.add_class("cb-recall-ask")
        self.status = w.HTML()
        self.status.add_class("cb-recall-status")
        self.choices = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        self.choices.add_class("cb-recall-choices")
        self._pending = ""  # typed words waiting for a pick among the choices
        self._just_asked = False
        asking = t.pgettext("while", "asking the patient")
        self.ask_box.observe(log.guard(asking)(self._on_typed_view_changed), names="value")
        self.ask_button.on_click(log.guard(asking)(self._on_ask_clicked))
        style = w.HTML(
            "<style>.cb-recall-choices button.cb-choice { white-space: normal; text-align: left; max-width: 100%; "
            "line-height: 1.3; padding-top: 4px; padding-bottom: 4px; } .cb-recall p, .cb-recall-box p "
            "{ line-height: 1.45; margin: 0.3em 0; }</style>"
        )
        self.widget = w.VBox([style, w.HBox([self.ask_box, self.ask_button]), self.status, self.choices])
        self.widget.add_class("cb-recall-box")

    def _on_typed_view_changed(self, change) -> None:
        text = change["new"]
        if text.strip():
            self._just_asked = True
            self.put(text)

    def _on_ask_clicked(self, _button=None) -> None:
        text = self.ask_box.value
        if text.strip():
            self.put(text)
        elif not self._just_asked:
            self.status.value = message_html(
                self.t("Type a question first."), alert=True, css_class="cb-hint", lang=self.t
            )
        self._just_asked = False

    def put(self, text: str) -> None:
        """Put the typed question to the patient and show what came of it; the box is emptied for the next one."""
        try:
            result = self.session.ask_typed(text)
        except SessionError as e:
            self.status.value = message_html(error_message(e, self.t), alert=True, css_class="cb-hint", lang=self.t)
            return
        finally:
            self.ask_box.value = ""
        t = self.t
        words = " ".join(text.split())
        self._set_choices(())
        if result.is_clear:
            self._say(t("Understood as: “{question}”").format(question=self._question(result.best.question_id)))
        elif result.is_ambiguous:
            self._pending = words
            self._say(t("Not sure what you meant by “{typed}”. Did you mean one of these?").format(typed=words))
            self._set_choices(tuple(c.question_id for c in result.choices))
        elif self.has_list:
            self._say(
                t("The patient did not understand “{typed}”: ask in other words, or open the question list.").format(
                    typed=words
                )
            )
        else:
            self._say(t("The patient did not understand “{typed}”: ask in other words.").format(typed=words))

    def _question(self, question_id: str) -> str:
        return self.session.book.bank.questions[question_id].text.get(self.session.lang)

    def _say(self, text: str) -> None:
        """A status line screen readers announce politely (not an alert: nothing went wrong)."""
        self.status.value = f'<p class="cb-recall-said"{lang_attr(self.t)} role="status">{text_html(text)}</p>'

    def _set_choices(self, question_ids: tuple[str, ...]) -> None:
        """Offer ``question_ids`` as buttons, with a way out; none: remove the offered buttons."""
        old = list(self.choices.children)
        buttons = []
        for qid in question_ids:
            text = self._question(qid)
            b = w.Button(
                description=text,
                tooltip=self.t("Ask: {question}").format(question=text),
                layout=w.Layout(width="auto", height="auto"),
            )
            b.add_class("cb-choice")
            b.add_class(f"cb-choice-{qid}")
            b.on_click(
                self.log.guard(self.t.pgettext("while", "asking that question"))(
                    lambda _b, q=qid: self._on_choice_clicked(q)
                )
            )
            buttons.append(b)
        if buttons:
            none = w.Button(description=self.t("None of these"), tooltip=self.t("Ask in other words instead"))
            none.add_class("cb-choice-none")
            none.on_click(self.log.guard(self.t.pgettext("while", "clearing the choices"))(self._on_none_clicked))
            buttons.append(none)
        self.choices.children = buttons
        close_widgets(*old)

    def _on_choice_clicked(self, question_id: str) -> None:
        text, self._pending = self._pending, ""
        self._set_choices(())
        self.session.ask(question_id, typed=text)
        self._say(self.t("Asked: “{question}”").format(question=self._question(question_id)))
        self.ask_box.focus()

    def _on_none_clicked(self, _button=None) -> None:
        self._pending = ""
        self._set_choices(())
        self._say(
            self.t("Then ask in other words, or open the question list.")
            if self.has_list
            else self.t("Then ask in other words.")
        )
        self.ask_box.focus()

    def render(self) -> None:
        """Lock the box once the case is submitted; after a restart, clear the choices and the status line."""
        s = self.session
        self.ask_box.disabled = self.ask_button.disabled = s.submitted
        if s.submitted or (s.events and s.events[-1].kind == "restart"):
            self._pending = ""
            if self.choices.children:
                self._set_choices(())
            if not s.submitted:
                self.status.value = ""

    def close(self) -> None:
        """Close every widget of the box."""
        close_widgets(self.widget)
