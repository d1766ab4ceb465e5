"""Take your progress with you: a "Download my progress" link and an "Upload progress" button, over the progress store.

The download is a real link holding the file itself (a ``data:`` URL with a ``download`` name), rebuilt whenever the
attempts change, so one click hands the browser the file in JupyterLab and Voila alike, with no file browser and no
extension. The upload is an ipywidgets ``FileUpload``; the file goes through ``casebook.transfer.import_bytes``, the
same core as ``casebook import``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence

import ipywidgets as w

from ..i18n import Translator, translator_for
from ..render import heading_html, lang_attr, message_html, text_html
from ..transfer import (
    FORMAT_NAMES,
    FORMATS,
    MAX_IMPORT_BYTES,
    MEDIA_TYPES,
    ImportReport,
    download_name,
    export_bytes,
    import_bytes,
    size_text,
)
from .lifecycle import close_widgets
from .log_view import ErrorLog

# A link that looks like a button (white on the casebook's blue: 6.6:1); the focus outline comes from render.STYLE.
STYLE = """
<style>
.cb-transfer-box a.cb-download { display: inline-block; background: #1f5fa8; color: #fff; text-decoration: none;
  padding: 0.25em 0.9em; border-radius: 2px; line-height: 1.9; margin: 2px 0; }
.cb-transfer-box a.cb-download:hover { background: #174a84; color: #fff; text-decoration: underline; }
.cb-transfer-box .cb-transfer-hint { font-size: 0.9em; color: #444; margin: 0.2em 0; }
</style>
"""


class TransferView:
    """Download my progress (JSON Lines or CSV) and Upload progress, with what an upload did in one sentence.

    ``on_import`` callbacks receive each import's ``ImportReport`` (the page re-renders its alias box and case list);
    ``heading=False`` leaves out the view's heading where the notebook has one.
    Standalone (no ``log`` given) it shows its own error log; inside a page it reports to the page's.
    """

    def __init__(
        self,
        store,
        log: ErrorLog | None = None,
        *,
        lang: str | Translator | None = None,
        on_import: Sequence[Callable[[ImportReport], None]] = (),
        heading: bool = True,
    ):
        self.store = store
        self.t = t = translator_for(lang)  # the page's language (default: $CASEBOOK_LANG, then English)
        self.on_import = list(on_import)
        self._owns_log = log is None
        self.log = log or ErrorLog(t)
        self.reports: list[ImportReport] = []
        self.format = w.ToggleButtons(
            options=[(t(FORMAT_NAMES[f]), f) for f in FORMATS],
            value="jsonl",
            description=t("File type"),
            style={"description_width": "6em"},
            tooltips=[t("One line per attempt, with every step you took"), t("One row per attempt, for a spreadsheet")],
        )
        self.format.add_class("cb-transfer-format")
        self.format.observe(
            self.log.guard(t.pgettext("while", "preparing your download"))(self._on_format_changed), names="value"
        )
        self.download = w.HTML()
        self.download.add_class("cb-download-box")
        self.upload = w.FileUpload(
            accept=".jsonl,.csv",
            multiple=False,
            description=t("Upload progress"),
            tooltip=t("Add the attempts of a progress file you downloaded before"),
            layout=w.Layout(width="auto"),  # the default width cuts the label short
        )
        self.upload.add_class("cb-upload")
        self.upload.observe(
            self.log.guard(t.pgettext("while", "importing your progress"))(self._on_upload_changed), names="value"
        )
        self.any_alias = w.Checkbox(
            value=False,
            description=t("Also import attempts saved under another alias"),
            indent=False,
            layout=w.Layout(width="auto"),
        )
        self.any_alias.add_class("cb-upload-any-alias")
        hint = t(
            "Upload a .jsonl or .csv file that 'Download my progress' made (up to {limit}): attempts you already have "
            "are skipped, nothing saved here is changed."
        ).format(limit=size_text(MAX_IMPORT_BYTES, t))
        self.status = w.HTML()
        self.status.add_class("cb-upload-status")
        parts = [
            w.HTML(STYLE + (heading_html(t("Take your progress with you"), 3, lang=t) if heading else "")),
            self.format,
            w.HBox([self.download, self.upload], layout=w.Layout(flex_flow="row wrap", align_items="center")),
            self.any_alias,
            w.HTML(f'<p class="cb-transfer-hint"{lang_attr(t)}>{text_html(hint)}</p>'),
            self.status,
        ]
        self.widget = w.VBox(parts + [self.log.widget] if self._owns_log else parts)
        self.widget.add_class("cb-transfer-box")
        self.render()

    def alias(self) -> str | None:
        """Whose attempts the download holds: the store's alias, or everyone's when none is set."""
        return self.store.alias or None

    def render(self) -> None:
        """Rebuild the download link from the store's attempts (after a submit, an upload or a change of alias)."""
        t, fmt, alias = self.t, self.format.value, self.alias()
        data, count = export_bytes(self.store, fmt, alias)
        if not count:
            self.download.value = message_html(
                t("Nothing to download yet: your attempts appear here once you submit a case."),
                css_class="cb-download-none",
                lang=t,
            )
            return
        label = t.ngettext(
            "Download my progress ({n} attempt, {format})", "Download my progress ({n} attempts, {format})", count
        ).format(n=count, format=t(FORMAT_NAMES[fmt]))
        href = f"data:{MEDIA_TYPES[fmt]};charset=utf-8;base64,{base64.b64encode(data).decode('ascii')}"
        link = (
            f'<span{lang_attr(t)}><a class="cb-download" download="{text_html(download_name(alias, fmt))}" '
            f'href="{href}">'
            f"{text_html(label)}</a></span>"
        )
        if len(data) > MAX_IMPORT_BYTES:
            link += message_html(
                t("This file is {size}, more than Upload progress reads ({limit}): keep it, and ask for help.").format(
                    size=size_text(len(data), t), limit=size_text(MAX_IMPORT_BYTES, t)
                ),
                alert=True,
                lang=t,
            )
        self.download.value = link

    def _on_format_changed(self, _change=None) -> None:
        self.render()

    def _on_upload_changed(self, change) -> None:
        files = change["new"]
        if not files:
            return  # the reset below, or nothing chosen
        try:
            reports = [
                import_bytes(
                    self.store, f["name"], bytes(f["content"]), any_alias=self.any_alias.value, lang=self.t.lang
                )
                for f in files
            ]
        finally:
            self.upload.value = ()  # let go of the file's bytes; the same file can be chosen again
        self.reports.extend(reports)
        self.status.value = "".join(self.report_html(r) for r in reports)
        self.render()
        for callback in self.on_import:
            callback_guarded = self.log.guard(self.t.pgettext("while", "showing your imported progress"))(callback)
            for report in reports:
                callback_guarded(report)

    def report_html(self, report: ImportReport) -> str:
        """What an import did, for the student: refused (and why), or the counts, the skipped lines and the notes."""
        t = self.t
        name = f"<b>{text_html(report.name)}</b>"
        if report.refused:
            return (
                f'<div class="cb-upload-report"{lang_attr(t)} role="alert"><p><b>! </b>{text_html(report.refused)}</p>'
                f"<p>{text_html(t('Nothing was imported; your saved progress is unchanged.'))}</p></div>"
            )
        problems = "".join(f"<li>{text_html(line)}</li>" for line in report.problem_lines())
        notes = "".join(
            f"<p>{text_html(n)}</p>"
            for n in report.notes(
                include_hint=t("tick 'Also import attempts saved under another alias' and upload again")
            )
        )
        role = "status" if report.ok else "alert"
        return (
            f'<div class="cb-upload-report"{lang_attr(t)} role="{role}"><p>{name}: {text_html(report.counts())}.</p>'
            + (f"<ul>{problems}</ul>" if problems else "")
            + notes
            + "</div>"
        )

    def close(self) -> None:
        """Close every widget this view built (a log handed in by the page stays open)."""
        close_widgets(self.widget, keep=() if self._owns_log else (self.log.widget,))
