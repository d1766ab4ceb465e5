"""Export a student's attempts to one file to hand in (JSON Lines or CSV)."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w

from ..render import STYLE, message_html, text_html
from .lifecycle import close_widgets
from .log_view import ErrorLog

FORMATS = (("JSON Lines (everything, for your teacher)", "jsonl"), ("CSV (opens in a spreadsheet)", "csv"))


class ExportView:
    """A file name, a format and an Export button; writes the store's attempts for the current alias into ``folder``.

    Standalone (no ``log`` given) it shows its own error log; inside a page it reports to the page's.
    """

    def __init__(self, store, folder: str | Path | None = None, log: ErrorLog | None = None):
        self.store = store
        self.folder = Path(folder) if folder is not None else Path.cwd()
        self._owns_log = log is None
        self.log = log or ErrorLog()
        self.name = w.Text(
            value="my-attempts", description="File name", placeholder="my-attempts", style={"description_width": "6em"}
        )
        self.name.add_class("cb-export-name")
        self.format = w.ToggleButtons(
            options=FORMATS,
            value="jsonl",
            description="Format",
            style={"description_width": "6em"},
            tooltips=["One line per attempt, with every step you took", "One row per attempt"],
        )
        self.format.add_class("cb-export-format")
        self.button = w.Button(
            description="Export", icon="download", tooltip="Write your attempts to the file next to this notebook"
        )
        self.button.add_class("cb-export")
        self.button.on_click(self.log.guard("exporting your attempts")(self._on_export_clicked))
        self.status = w.HTML()
        self.status.add_class("cb-export-status")
        parts = [w.HTML(STYLE), w.HBox([self.name, self.button]), self.format, self.status]
        self.widget = w.VBox(parts + [self.log.widget] if self._owns_log else parts)
        self.widget.add_class("cb-export-box")

    def target(self) -> Path:
        """Where the export goes: the typed name (folders stripped, extension set by the format) inside ``folder``."""
        stem = Path(Path(self.name.value.strip() or "my-attempts").name).stem or "my-attempts"
        return self.folder / f"{stem}.{self.format.value}"

    def _on_export_clicked(self, _button=None) -> None:
        path = self.target()
        alias = self.store.alias or None
        write = self.store.export_jsonl if self.format.value == "jsonl" else self.store.export_csv
        count = write(path, alias=alias)
        who = f" of <b>{text_html(alias)}</b>" if alias else ""
        note = "" if count else message_html("You have no saved attempts yet: play a case first, then export again.")
        self.status.value = (
            f"<p>Wrote {count} attempt(s){who} to <code>{text_html(path)}</code>. "
            f"Hand this file in to your teacher.</p>{note}"
        )

    def close(self) -> None:
        """Close every widget this view built (a log handed in by the page stays open)."""
        close_widgets(self.widget, keep=() if self._owns_log else (self.log.widget,))
