"""The case picker: filter by difficulty, setting and body region, then play the chosen case."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from ..i18n import translator_for
from ..model import DIFFICULTIES, REGIONS, SETTINGS, Casebook, difficulty_label, region_label, setting_label
from ..render import heading_html, lang_attr, message_html
from ..selection import filter_cases
from .lifecycle import close_widgets
from .log_view import ErrorLog


class CasePicker:
    """Filters and a list of case titles (never the diagnosis); Play calls ``on_play(case_id)``. Words and titles in
    ``lang`` (default: $CASEBOOK_LANG, then English)."""

    def __init__(
        self,
        book: Casebook,
        on_play: Callable[[str], None],
        log: ErrorLog | None = None,
        done: Callable[[], set[str]] | None = None,
        lang: str | None = None,
    ):
        self.book = book
        self.t = t = translator_for(lang)
        self._on_play = on_play
        self._done = done or (lambda: set())
        self._owns_log = log is None
        self.log = log or ErrorLog(t)
        style = {"description_width": "9em"}
        anything = (t.pgettext("filter", "Any"), "")
        self.difficulty = w.Dropdown(
            options=[anything] + [(_capitalised(difficulty_label(d, t)), d) for d in DIFFICULTIES],
            description=t("Difficulty"),
            style=style,
        )
        self.setting = w.Dropdown(
            options=[anything] + [(setting_label(k, t), k) for k in SETTINGS],
            description=t("Setting"),
            style=style,
        )
        self.region = w.Dropdown(
            options=[anything] + [(region_label(k, t), k) for k in REGIONS],
            description=t("Body region"),
            style=style,
        )
        self.cases = w.Select(options=[], rows=10, description=t("Cases"), style=style, layout=w.Layout(width="46em"))
        self.count = w.HTML()
        self.play = w.Button(
            description=t("Play this case"),
            button_style="primary",
            icon="play",
            tooltip=t("Open the selected case below"),
        )
        for control, css in (
            (self.difficulty, "cb-filter-difficulty"),
            (self.setting, "cb-filter-setting"),
            (self.region, "cb-filter-region"),
            (self.cases, "cb-case-list"),
            (self.play, "cb-play"),
        ):
            control.add_class(css)
        for dd in (self.difficulty, self.setting, self.region):
            dd.observe(
                self.log.guard(t.pgettext("while", "filtering the cases"))(self._on_filter_view_changed), names="value"
            )
        self.play.on_click(self.log.guard(t.pgettext("while", "opening the case"))(self._on_play_clicked))
        self.widget = w.VBox(
            [
                w.HTML(heading_html(t("Choose a case"), 2, lang=t)),
                w.HBox([self.difficulty, self.setting, self.region], layout=w.Layout(flex_flow="row wrap")),
                self.count,
                self.cases,
                self.play,
                self.log.widget,
            ]
        )
        self.widget.add_class("cb-picker")
        self.render()

    def _on_filter_view_changed(self, _change=None) -> None:
        self.render()

    def _on_play_clicked(self, _button=None) -> None:
        if self.cases.value:
            self._on_play(self.cases.value)
        else:
            self.count.value = (
                f"<p{lang_attr(self.t)}>" + self.t("<b>! No case selected:</b> widen the filters.") + "</p>"
            )

    def render(self) -> None:
        t = self.t
        matches = filter_cases(self.book, self.difficulty.value, self.setting.value, self.region.value)
        done = self._done()
        self.cases.options = [
            (
                ("✓ " if c.id in done else "")
                + t("{title} — {difficulty}, {setting}").format(
                    title=c.title.get(t.lang),
                    difficulty=difficulty_label(c.difficulty, t),
                    setting=setting_label(c.setting, t),
                ),
                c.id,
            )
            for c in matches
        ]
        self.cases.value = matches[0].id if matches else None
        total = len(self.book.cases)
        said = (
            t.ngettext("{n} of {total} cases match (✓ = done).", "{n} of {total} cases match (✓ = done).", total)
            if done
            else t.ngettext("{n} of {total} cases match.", "{n} of {total} cases match.", total)
        )
        self.count.value = message_html(said.format(n=len(matches), total=total), lang=t)

    def close(self) -> None:
        """Close every widget this view built (a log handed in by the page stays open)."""
        close_widgets(self.widget, keep=() if self._owns_log else (self.log.widget,))


def _capitalised(label: str) -> str:
    """A label with a capital first letter (the difficulty levels are lower case in running text)."""
    return label[:1].upper() + label[1:]
