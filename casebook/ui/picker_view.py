"""The case picker: filter by difficulty, setting and body region, then play the chosen case."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from ..model import DIFFICULTIES, REGIONS, SETTINGS, Casebook
from ..render import heading_html, message_html
from ..selection import filter_cases
from .lifecycle import close_widgets
from .log_view import ErrorLog


class CasePicker:
    """Filters and a list of case titles (never the diagnosis); Play calls ``on_play(case_id)``."""

    def __init__(
        self,
        book: Casebook,
        on_play: Callable[[str], None],
        log: ErrorLog | None = None,
        done: Callable[[], set[str]] | None = None,
    ):
        self.book = book
        self._on_play = on_play
        self._done = done or (lambda: set())
        self._owns_log = log is None
        self.log = log or ErrorLog()
        style = {"description_width": "7em"}
        self.difficulty = w.Dropdown(
            options=[("Any", "")] + [(d.capitalize(), d) for d in DIFFICULTIES], description="Difficulty", style=style
        )
        self.setting = w.Dropdown(
            options=[("Any", "")] + [(v, k) for k, v in SETTINGS.items()], description="Setting", style=style
        )
        self.region = w.Dropdown(
            options=[("Any", "")] + [(v, k) for k, v in REGIONS.items()], description="Body region", style=style
        )
        self.cases = w.Select(options=[], rows=10, description="Cases", style=style, layout=w.Layout(width="44em"))
        self.count = w.HTML()
        self.play = w.Button(
            description="Play this case", button_style="primary", icon="play", tooltip="Open the selected case below"
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
            dd.observe(self.log.guard("filtering the cases")(self._on_filter_view_changed), names="value")
        self.play.on_click(self.log.guard("opening the case")(self._on_play_clicked))
        self.widget = w.VBox(
            [
                w.HTML(heading_html("Choose a case", 2)),
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
            self.count.value = "<p><b>! No case selected:</b> widen the filters.</p>"

    def render(self) -> None:
        matches = filter_cases(self.book, self.difficulty.value, self.setting.value, self.region.value)
        done = self._done()
        self.cases.options = [
            (("✓ " if c.id in done else "") + f"{c.title.en} — {c.difficulty}, {SETTINGS[c.setting]}", c.id)
            for c in matches
        ]
        self.cases.value = matches[0].id if matches else None
        marks = " (✓ = done)" if done else ""
        self.count.value = message_html(f"{len(matches)} of {len(self.book.cases)} cases match{marks}.")

    def close(self) -> None:
        """Close every widget this view built (a log handed in by the page stays open)."""
        close_widgets(self.widget, keep=() if self._owns_log else (self.log.widget,))
