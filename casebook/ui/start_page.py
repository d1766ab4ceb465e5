"""The start page: language, alias, case picker and the chosen case, in one box."""

from __future__ import annotations

import ipywidgets as w

from ..i18n import LANGUAGES, PSEUDO, PSEUDO_CLOSE, PSEUDO_OPEN, Translator, preferred_language, translator_for
from ..model import Casebook
from ..render import STYLE, disclaimer_html, lang_attr, message_html
from .alias_view import AliasView
from .app import CaseApp
from .lifecycle import close_widgets
from .log_view import ErrorLog
from .picker_view import CasePicker
from .transfer_view import TransferView


def language_options(lang: str) -> list[tuple[str, str]]:
    """The language switch's choices, each language named in its own language (the tests' pseudo-language is offered
    only on a page already in it)."""
    options = [(name, code) for code, name in LANGUAGES.items()]
    return options + [(f"{PSEUDO_OPEN}{PSEUDO}{PSEUDO_CLOSE}", PSEUDO)] if lang == PSEUDO else options


class StartPage:
    """A language switch, the alias box, Download/Upload progress, how the history is taken and the case picker, and
    below them the case the student chose to play (the previous one is closed).

    The page speaks ``lang`` (default: :func:`casebook.i18n.preferred_language`: ``?lang=`` in a Voila URL, else the
    language stored with the alias, else $CASEBOOK_LANG, else English). Choosing another language in the switch stores
    it in the progress store (so every notebook follows it) and shows the whole page again in that language; the case
    on show keeps what the student has done and continues in the new language.
    """

    def __init__(self, book: Casebook, store=None, lang: str | Translator | None = None):
        self.book = book
        self.store = store
        self.t = t = translator_for(lang if lang is not None else preferred_language(store))
        self.lang = t.lang
        self.app: CaseApp | None = None
        self.alias: AliasView | None = None
        self.transfer: TransferView | None = None
        self.picker: CasePicker | None = None
        self.log = ErrorLog(t)
        self.language = w.Dropdown(
            options=language_options(self.lang),
            value=self.lang,
            layout=w.Layout(width="22em"),
            style={"description_width": "initial"},
        )
        self.language.add_class("cb-language")
        self.language.observe(self._on_language_view_changed, names="value")
        self._relabelling = False  # True while the mode choice gets its labels in a new language
        self.mode = w.RadioButtons(
            options=self._mode_options(),
            value=(store.history_mode if store is not None else None) or "menu",
            style={"description_width": "initial"},
        )
        self.mode.add_class("cb-mode")
        self.mode_note = w.HTML()
        self.mode_note.add_class("cb-mode-note")
        self.mode.observe(self._on_mode_view_changed, "value")
        self.case_box = w.VBox()
        self.case_box.add_class("cb-case-box")
        self.widget = w.VBox()
        self.widget.add_class("cb-start")
        self._build()

    # ------------------------------------------------------------ building the page in its language

    def _mode_options(self) -> list[tuple[str, str]]:
        t = self.t
        return [(t("Ask in my own words"), "recall"), (t("Choose from a list"), "menu")]

    def _build(self) -> None:
        """(Re)build every part of the page in ``self.t``'s language; the language switch, the history mode choice and
        the case on show are kept (their labels follow), so the keyboard focus stays on the switch."""
        t = self.t
        self.log.t = t
        store, old = self.store, (self.alias, self.transfer, self.picker)
        self.language.description = t("Language")
        self.language.tooltip = t("The language of the casebook (remembered with your alias)")
        intro = t("Choose your language and your alias, then a case: it opens below the list.")
        parts = [
            w.HTML(STYLE + disclaimer_html(t, bold=True) + message_html(intro, css_class="cb-intro", lang=t)),
            self.language,
        ]
        if self.book.problems:
            files = len({p.file for p in self.book.problems})
            said = t.ngettext(
                "<b>! {n} case file has problems and was left out.</b> Run <code>casebook validate</code> to see "
                "what to fix.",
                "<b>! {n} case files have problems and were left out.</b> Run <code>casebook validate</code> to see "
                "what to fix.",
                files,
            )
            parts.append(w.HTML(f"<p{lang_attr(t)}>{said.format(n=files)}</p>"))
        self.alias = self.transfer = None
        if store is not None:
            self.alias = AliasView(store, self.log, lang=t)
            if old[0] is not None:
                self.alias.text.value = old[0].text.value  # an alias typed but not saved yet stays
            parts.append(self.alias.widget)
            # Download my progress / Upload progress (issue 13): re-rendered after a submit, an upload or a new alias.
            self.transfer = TransferView(store, self.log, lang=t, on_import=[self._on_progress_imported])
            self.alias.save.on_click(
                self.log.guard(t.pgettext("while", "preparing your download"))(lambda _b: self.transfer.render())
            )
            parts.append(self.transfer.widget)
        # How the history is taken (issue 15), remembered with the alias in the progress store's settings.
        value, self._relabelling = self.mode.value, True
        try:  # new options reset the choice to the first one: put it back without acting on either change
            self.mode.options = self._mode_options()
            self.mode.value = value
        finally:
            self._relabelling = False
        self.mode.description = t("How do you take the history?")
        self.mode_note.value = ""
        parts += [self.mode, self.mode_note]
        self.picker = CasePicker(
            self.book,
            self._on_case_chosen,
            self.log,
            done=(lambda: store.done_case_ids(store.alias or None)) if store is not None else None,
            lang=t,
        )
        if old[2] is not None:  # the filters and the chosen case stay as they were
            for name in ("difficulty", "setting", "region"):
                getattr(self.picker, name).value = getattr(old[2], name).value
            if old[2].cases.value in dict(self.picker.cases.options).values():
                self.picker.cases.value = old[2].cases.value
        self.widget.children = [*parts, self.picker.widget, self.case_box]  # the picker shows the page's error log
        for part in old:
            if part is not None:
                part.close()

    def _on_language_view_changed(self, change) -> None:
        """Remember the language with the alias and show the page (and the case on show) in it."""

        def switch() -> None:
            lang = change["new"]
            if self.store is not None and lang in LANGUAGES:
                self.store.language = lang
            self.t = translator_for(lang)
            self.lang = self.t.lang
            self._build()
            if self.app is not None:
                self.app.set_language(self.lang)

        self.log.guard(self.t.pgettext("while", "changing the language"))(switch)()

    # ------------------------------------------------------------ the case and the history mode

    def _on_case_chosen(self, case_id: str) -> None:
        on_submit = [self.store.record_session, lambda _s: self.picker.render()] if self.store is not None else []
        if self.transfer is not None:
            on_submit += [lambda _s: self.transfer.render(), lambda _s: self.alias.render()]  # new count, new link
        alias = (self.store.alias or "") if self.store is not None else ""
        ids = [case_id_ for _, case_id_ in self.picker.cases.options]
        old, self.app = (
            self.app,
            CaseApp(
                self.book,
                case_id,
                alias=alias,
                lang=self.t,
                mode=self.mode.value,
                case_ids=ids,
                on_submit=on_submit,
            ),
        )
        self.case_box.children = [self.app.widget]
        if old is not None:
            old.close()

    def _on_mode_view_changed(self, change) -> None:
        if self._relabelling:
            return
        self.log.guard(self.t.pgettext("while", "changing how you take the history"))(self._change_mode)(change)

    def _change_mode(self, change) -> None:
        """Remember the choice; a case not yet started is shown again in the new mode, one under way keeps its own."""
        mode = change["new"]
        if self.store is not None:
            self.store.history_mode = mode
        self.mode_note.value = ""
        if self.app is None:
            return
        self.app.mode = mode  # Next case opens in the new mode
        session = self.app.session
        if session.mode != mode and not session.submitted and len(session.events) == 1:
            self.app.load_case(session.case.id)
        elif session.mode != mode:
            self.mode_note.value = message_html(
                self.t("This case keeps its way of taking the history; the next one uses the new one."), lang=self.t
            )

    def _on_progress_imported(self, _report) -> None:
        self.alias.render()  # the alias may have come from the file, and the count of attempts changed
        self.picker.render()  # cases done in the imported attempts are marked done

    def close(self) -> None:
        """Close the case on show, the alias box, the picker and every other widget of the page."""
        for part in (self.app, self.alias, self.transfer, self.picker):
            if part is not None:
                part.close()
        self.log.close()
        close_widgets(self.widget)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
