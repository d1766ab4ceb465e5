"""My progress's file box: download or upload the attempts, or save them next to the notebook to hand in."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w

from ..i18n import Translator, translator_for
from ..render import STYLE, lang_attr, message_html, text_html
from ..transfer import ImportReport
from .lifecycle import close_widgets
from .log_view import ErrorLog
from .transfer_view import TransferView


class ExportView:
    """Download my progress and Upload progress (a TransferView), and below them a file name and an Export button
    that writes the store's attempts for the current alias into ``folder`` (to hand in on a shared computer).

    Standalone (no ``log`` given) it shows its own error log; inside a page it reports to the page's.
    """

    def __init__(
        self,
        store,
        folder: str | Path | None = None,
        log: ErrorLog | None = None,
        *,
        lang: str | Translator | None = None,
    ):
        self.store = store
        self.folder = Path(folder) if folder is not None else Path.cwd()
        self._owns_log = log is None
        self.t = t = translator_for(lang)  # the page's language (default: $CASEBOOK_LANG, then English)
        self.log = log or ErrorLog(t)
        self.transfer = TransferView(store, self.log, lang=t, on_import=[self._on_imported], heading=False)
        self.default_name = t.pgettext("file name", "my-attempts")
        self.name = w.Text(
            value=self.default_name,
            description=t("File name"),
            placeholder=self.default_name,
            style={"description_width": "6em"},
        )
        self.name.add_class("cb-export-name")
        self.format = self.transfer.format  # one choice of file type for the download and the saved file
        self.button = w.Button(
            description=t("Export"),
            icon="download",
            tooltip=t("Write your attempts to the file next to this notebook"),
        )
        self.button.add_class("cb-export")
        self.button.on_click(self.log.guard(t.pgettext("while", "exporting your attempts"))(self._on_export_clicked))
        self.status = w.HTML()
        self.status.add_class("cb-export-status")
        save_intro = t("Or save the file next to this notebook, to hand it in on a shared computer:")
        parts = [
            w.HTML(STYLE),
            self.transfer.widget,
            w.HTML(f"<p{lang_attr(t)}>{text_html(save_intro)}</p>"),
            w.HBox([self.name, self.button]),
            self.status,
        ]
        self.widget = w.VBox(parts + [self.log.widget] if self._owns_log else parts)
        self.widget.add_class("cb-export-box")

    def target(self) -> Path:
        """Where the export goes: the typed name (folders stripped, extension set by the format) inside ``folder``."""
        stem = Path(Path(self.name.value.strip() or self.default_name).name).stem or self.default_name
        return self.folder / f"{stem}.{self.format.value}"

    def _on_export_clicked(self, _button=None) -> None:
        path = self.target()
        alias = self.store.alias or None
        write = self.store.export_jsonl if self.format.value == "jsonl" else self.store.export_csv
        count = write(path, alias=alias)
        t = self.t
        if alias:
            said = t.ngettext(
                "Wrote {n} attempt of <b>{alias}</b> to <code>{file}</code>. Hand this file in to your teacher.",
                "Wrote {n} attempts of <b>{alias}</b> to <code>{file}</code>. Hand this file in to your teacher.",
                count,
            )
        else:
            said = t.ngettext(
                "Wrote {n} attempt to <code>{file}</code>. Hand this file in to your teacher.",
                "Wrote {n} attempts to <code>{file}</code>. Hand this file in to your teacher.",
                count,
            )
        note = (
            ""
            if count
            else message_html(t("You have no saved attempts yet: play a case first, then export again."), lang=t)
        )
        text = said.format(n=count, alias=text_html(alias or ""), file=text_html(path))
        self.status.value = f"<p{lang_attr(t)}>{text}</p>{note}"

    def _on_imported(self, report: ImportReport) -> None:
        if report.added:
            self.transfer.status.value += message_html(
                self.t("To see them in the figures above, run this notebook again (or reload the page)."), lang=self.t
            )

    def close(self) -> None:
        """Close every widget this view built (a log handed in by the page stays open)."""
        self.transfer.close()
        close_widgets(self.widget, keep=() if self._owns_log else (self.log.widget,))
