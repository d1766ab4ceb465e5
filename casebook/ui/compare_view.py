"""Compare conditions: pick two to four and see their features side by side."""

from __future__ import annotations

import ipywidgets as w

from ..compare import comparison_html, comparison_table
from ..i18n import translator_for
from ..model import Casebook
from ..render import STYLE, lang_attr, message_html
from .lifecycle import close_widgets
from .log_view import ErrorLog


class CompareView:
    """A multi-select of all conditions, a Compare button and the table (every text escaped), in ``lang`` (default:
    $CASEBOOK_LANG, then English)."""

    def __init__(self, book: Casebook, initial: tuple[str, ...] = (), lang: str | None = None):
        self.book = book
        self.t = t = translator_for(lang)
        self.lang = lang = t.lang
        self.log = ErrorLog(t)
        options = sorted(((c.name.get(lang), c.id) for c in book.conditions.values()), key=lambda x: x[0].lower())
        self.choice = w.SelectMultiple(
            options=options,
            value=tuple(i for i in initial if i in book.conditions),
            rows=min(12, len(options)),
            description=t("Conditions"),
            layout=w.Layout(width="36em"),
        )
        self.choice.add_class("cb-compare-choice")
        self.compare = w.Button(
            description=t("Compare"),
            icon="columns",
            button_style="primary",
            tooltip=t("Show the chosen conditions side by side"),
        )
        self.compare.add_class("cb-compare-button")
        self.compare.on_click(self.log.guard(t.pgettext("while", "comparing the conditions"))(self._on_compare_clicked))
        self.status = w.HTML()
        self.table = w.HTML()
        self.table.add_class("cb-compare-table")
        self.frame = None
        self.widget = w.VBox(
            [
                w.HTML(STYLE + message_html(t("Hold Ctrl (Cmd on a Mac) to choose 2 to 4 conditions."), lang=t)),
                self.choice,
                self.compare,
                self.status,
                self.table,
                self.log.widget,
            ]
        )
        self.widget.add_class("cb-compare-box")

    def _on_compare_clicked(self, _button=None) -> None:
        t, ids = self.t, list(self.choice.value)
        if not 2 <= len(ids) <= 4:
            n = len(ids)
            said = t.ngettext(
                "<b>! Choose 2 to 4 conditions</b> (you chose {n}).",
                "<b>! Choose 2 to 4 conditions</b> (you chose {n}).",
                n,
            )
            self.status.value = f"<p{lang_attr(t)}>{said.format(n=n)}</p>"
            return
        self.status.value = ""
        self.frame = comparison_table(self.book, ids, t)
        self.table.value = f'<div class="cb-scroll">{comparison_html(self.frame, t)}</div>'

    def close(self) -> None:
        """Close every widget this view built."""
        close_widgets(self.widget)
