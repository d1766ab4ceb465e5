"""The student's alias (no real name needed), saved in the progress store."""

from __future__ import annotations

import ipywidgets as w

from ..i18n import error_message, translator_for
from ..render import lang_attr, message_html, text_html
from .lifecycle import close_widgets
from .log_view import ErrorLog


class AliasView:
    """A text box and Save button; shows the alias in use and any problem with the progress store.

    Standalone (no ``log`` given) it shows its own error log under the box; inside a page it reports to the page's.
    Its words are in ``lang`` (default: $CASEBOOK_LANG, then English).
    """

    def __init__(self, store, log: ErrorLog | None = None, lang: str | None = None):
        self.store = store
        self.t = t = translator_for(lang)
        self._owns_log = log is None
        self.log = log or ErrorLog(t)
        self.text = w.Text(
            value=store.alias or "",
            placeholder=t("a nickname, e.g. calf-detective"),
            description=t("Your alias"),
            style={"description_width": "7em"},
        )
        self.text.add_class("cb-alias")
        self.save = w.Button(
            description=t("Save alias"), icon="save", tooltip=t("Save the alias your attempts are stored under")
        )
        self.save.add_class("cb-alias-save")
        self.save.on_click(self.log.guard(t.pgettext("while", "saving the alias"))(self._on_save_clicked))
        self.text.continuous_update = False
        self.status = w.HTML()
        self.status.add_class("cb-alias-status")
        parts = [w.HBox([self.text, self.save]), self.status]
        if self._owns_log:
            parts.append(self.log.widget)
        self.widget = w.VBox(parts)
        self.widget.add_class("cb-alias-box")
        self.render()

    def _on_save_clicked(self, _widget=None) -> None:
        try:
            self.store.alias = self.text.value
        except ValueError as e:
            self.status.value = message_html(error_message(e, self.t), alert=True, lang=self.t)
            return
        self.render()

    def render(self) -> None:
        t, notes = self.t, []
        if getattr(self.store, "recovered", None):
            notes.append(message_html(t(self.store.recovered), alert=True, lang=t))
        alias = self.store.alias
        if alias:
            n = len(self.store.attempts(alias))
            said = t.ngettext(
                "Saving your attempts as <b>{alias}</b> ({n} so far).",
                "Saving your attempts as <b>{alias}</b> ({n} so far).",
                n,
            )
            notes.append(f"<p{lang_attr(t)}>{said.format(alias=text_html(alias), n=n)}</p>")
        else:
            notes.append(
                message_html(t("Choose an alias so your attempts are saved under it (no real name needed)."), lang=t)
            )
        self.status.value = "".join(notes)

    def close(self) -> None:
        """Close every widget this view built (a log handed in by the page stays open)."""
        close_widgets(self.widget, keep=() if self._owns_log else (self.log.widget,))
