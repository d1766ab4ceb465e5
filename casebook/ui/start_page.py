"""The start page: alias, case picker and the chosen case, in one box."""

from __future__ import annotations

import ipywidgets as w

from ..i18n import translator
from ..model import Casebook
from ..render import DISCLAIMER, STYLE, message_html, text_html
from .alias_view import AliasView
from .app import CaseApp
from .lifecycle import close_widgets
from .log_view import ErrorLog
from .picker_view import CasePicker
from .transfer_view import TransferView


class StartPage:
    """Alias box, case picker, and below them the case the student chose to play (the previous one is closed)."""

    def __init__(self, book: Casebook, store=None):
        self.book = book
        self.store = store
        self.log = ErrorLog()
        self.app: CaseApp | None = None
        parts = [w.HTML(STYLE + f'<p class="cb-disclaimer"><b>{text_html(DISCLAIMER)}</b></p>')]
        if book.problems:
            files = len({p.file for p in book.problems})
            parts.append(
                w.HTML(
                    f"<p><b>! {files} case file(s) have problems and were left out.</b> "
                    "Run <code>casebook validate</code> to see what to fix.</p>"
                )
            )
        self.alias = AliasView(store, self.log) if store is not None else None
        if self.alias:
            parts.append(self.alias.widget)
        # Download my progress / Upload progress (issue 13): re-rendered after a submit, an upload or a new alias.
        self.transfer: TransferView | None = None
        if store is not None:
            self.transfer = TransferView(store, self.log, on_import=[self._on_progress_imported])
            self.alias.save.on_click(self.log.guard("preparing your download")(lambda _b: self.transfer.render()))
            parts.append(self.transfer.widget)
        # How the history is taken (issue 15), remembered with the alias in the progress store's settings.
        t = translator("en")
        self.mode = w.RadioButtons(
            options=[(t("Ask in my own words"), "recall"), (t("Choose from a list"), "menu")],
            value=(store.history_mode if store is not None else None) or "menu",
            description=t("How do you take the history?"),
            style={"description_width": "initial"},
        )
        self.mode.add_class("cb-mode")
        self.mode_note = w.HTML()
        self.mode_note.add_class("cb-mode-note")
        self.mode.observe(self.log.guard("changing how you take the history")(self._on_mode_view_changed), "value")
        parts += [self.mode, self.mode_note]
        self.picker = CasePicker(
            book,
            self._on_case_chosen,
            self.log,
            done=(lambda: store.done_case_ids(store.alias or None)) if store is not None else None,
        )
        self.case_box = w.VBox()
        self.case_box.add_class("cb-case-box")
        self.widget = w.VBox([*parts, self.picker.widget, self.case_box])
        self.widget.add_class("cb-start")

    def _on_case_chosen(self, case_id: str) -> None:
        on_submit = [self.store.record_session, lambda _s: self.picker.render()] if self.store is not None else []
        if self.transfer is not None:
            on_submit += [lambda _s: self.transfer.render(), lambda _s: self.alias.render()]  # new count, new link
        alias = (self.store.alias or "") if self.store is not None else ""
        ids = [case_id_ for _, case_id_ in self.picker.cases.options]
        old, self.app = (
            self.app,
            CaseApp(self.book, case_id, alias=alias, mode=self.mode.value, case_ids=ids, on_submit=on_submit),
        )
        self.case_box.children = [self.app.widget]
        if old is not None:
            old.close()

    def _on_mode_view_changed(self, change) -> None:
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
            t = translator("en")
            self.mode_note.value = message_html(
                t("This case keeps its way of taking the history; the next one uses the new one.")
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
