"""The student's alias (no real name needed), saved in the progress store."""

from __future__ import annotations

from html import escape

import ipywidgets as w

from .log_view import ErrorLog


class AliasView:
    """A text box and Save button; shows the alias in use and any problem with the progress store."""

    def __init__(self, store, log: ErrorLog | None = None):
        self.store = store
        self.log = log or ErrorLog()
        self.text = w.Text(
            value=store.alias or "",
            placeholder="a nickname, e.g. calf-detective",
            description="Your alias",
            style={"description_width": "7em"},
        )
        self.text.add_class("cb-alias")
        self.save = w.Button(
            description="Save alias", icon="save", tooltip="Save the alias your attempts are stored under"
        )
        self.save.add_class("cb-alias-save")
        self.save.on_click(self.log.guard("saving the alias")(self._on_save_clicked))
        self.text.continuous_update = False
        self.status = w.HTML()
        self.status.add_class("cb-alias-status")
        self.widget = w.VBox([w.HBox([self.text, self.save]), self.status])
        self.widget.add_class("cb-alias-box")
        self.render()

    def _on_save_clicked(self, _widget=None) -> None:
        try:
            self.store.alias = self.text.value
        except ValueError as e:
            self.status.value = f'<p role="alert"><b>! </b>{escape(str(e))}</p>'
            return
        self.render()

    def render(self) -> None:
        notes = []
        if getattr(self.store, "recovered", None):
            notes.append(f'<p role="alert"><b>! </b>{escape(self.store.recovered)}</p>')
        alias = self.store.alias
        notes.append(
            f"<p>Saving your attempts as <b>{escape(alias)}</b> ({len(self.store.attempts(alias))} so far).</p>"
            if alias
            else "<p>Choose an alias so your attempts are saved under it (no real name needed).</p>"
        )
        self.status.value = "".join(notes)
