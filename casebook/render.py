"""Turns cases, sessions and feedback into HTML; every bank, condition, case or student text passes text_html."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from .feedback import Feedback, FeedbackItem
from .model import SETTINGS, Case, Casebook

_SURROGATE = re.compile("[\ud800-\udfff]")
LEVEL_LABELS = {"good": "✓ Good", "partial": "~ Partly", "bad": "✗ Missed", "warning": "! Safety", "info": "i Note"}


def text_html(text: object) -> str:
    """Text made safe for HTML, element content and quoted attribute values alike: the one way text reaches HTML.

    Every bank, condition, case and student text, and every identifier built into a class name, passes here on its
    way into an HTML string (``<``, ``>``, ``&``, ``"`` and ``'`` become character references). Lone surrogates,
    which no browser can show, become U+FFFD so a damaged text still renders.
    """
    return html.escape(_SURROGATE.sub("\ufffd", str(text)), quote=True)


# Colours are chosen for contrast on white: text >= 4.5:1, focus outlines and borders >= 3:1 (WCAG 2.2 AA).
STYLE = """
<style>
.cb-app { font-size: 15px; line-height: 1.45; max-width: 60em; }
.cb-app h2, .cb-app h3, .cb-app h4 { margin: 0.6em 0 0.3em 0; line-height: 1.25; }
.cb-app h2 { font-size: 1.35em; } .cb-app h3 { font-size: 1.15em; } .cb-app h4 { font-size: 1em; }
.cb-complaint { border-left: 4px solid #1f5fa8; background: #eef4fb; color: #111; padding: 0.5em 0.8em; }
.cb-complaint q { font-style: italic; }
.cb-transcript { display: block; line-height: 1.45; max-height: 22em; overflow-y: auto; }
.cb-transcript dt { display: block; float: none; width: auto; max-width: none; text-align: left; font-weight: 600;
  margin-top: 0.4em; color: #222; }
.cb-transcript dd { display: block; float: none; margin: 0 0 0 1.2em; color: #111; }
.cb-item { border-left: 6px solid #767676; padding: 0.3em 0.8em; margin: 0.5em 0; background: #fafafa; color: #111; }
.cb-item ul { margin: 0.2em 0; padding-left: 1.3em; }
.cb-item, .cb-item li, .cb-case-header, .cb-hint { line-height: 1.45; }
.cb-level { display: inline-block; font-size: 0.8em; font-weight: 700; border: 1px solid currentColor;
  border-radius: 3px; padding: 0 0.35em; margin-right: 0.4em; }
.cb-good { border-color: #1b7f3b; } .cb-good .cb-level { color: #1b7f3b; }
.cb-partial { border-color: #a66a00; } .cb-partial .cb-level { color: #8a5800; }
.cb-bad { border-color: #b3261e; } .cb-bad .cb-level { color: #b3261e; }
.cb-warning { border-color: #b3261e; background: #fff4f2; } .cb-warning .cb-level { color: #b3261e; }
.cb-info { border-color: #1f5fa8; } .cb-info .cb-level { color: #1f5fa8; }
.cb-source { font-size: 0.85em; color: #444; }
.cb-disclaimer { font-size: 0.85em; color: #444; }
.cb-log { color: #b3261e; }
.cb-log details { color: #222; margin-top: 0.3em; }
.cb-log pre { white-space: pre-wrap; font-size: 0.85em; max-height: 16em; overflow: auto; }
.cb-large { font-size: 26px; line-height: 1.4; max-width: none; }
.cb-large .cb-transcript { max-height: none; }
.cb-app button.cb-question, .cb-app button.cb-exam, .cb-app button.cb-investigation { white-space: normal;
  text-align: left; max-width: 100%; line-height: 1.3; padding-top: 4px; padding-bottom: 4px; }
.cb-app .jupyter-button.cb-asked, .cb-app .jupyter-button.cb-asked:hover { background: #006d77; color: #fff; }
.cb-app .jupyter-button.cb-skip { background: transparent; color: #1f5fa8; text-decoration: underline;
  box-shadow: none; }
.cb-compare td, .cb-compare th { vertical-align: top; text-align: left; padding: 0.3em 0.6em;
  border-bottom: 1px solid #ddd; }
.cb-compare td { min-width: 14em; }
.cb-scroll { overflow-x: auto; }
.cb-app :focus-visible, .cb-start :focus-visible, .cb-seminar :focus-visible, .cb-compare-box :focus-visible,
.cb-export-box :focus-visible, .cb-alias-box :focus-visible { outline: 3px solid #1f5fa8 !important;
  outline-offset: 2px !important; }
.cb-app .cb-feedback-summary { font-weight: 600; color: #111; }
.cb-app .cb-feedback-summary:focus { outline: 3px solid #1f5fa8; outline-offset: 2px; }
</style>
"""


def _list(lines: Iterable[str]) -> str:
    items = "".join(f"<li>{text_html(line)}</li>" for line in lines)
    return f"<ul>{items}</ul>" if items else ""


def item_html(item: FeedbackItem) -> str:
    """One feedback block: its level as text and colour, its title as a heading, its lines as a list."""
    label = LEVEL_LABELS.get(item.level, item.level)
    source = f'<div class="cb-source">Source: {text_html(item.source)}</div>' if item.source else ""
    return (
        f'<div class="cb-item cb-{text_html(item.level)} cb-section-{text_html(item.section)}">'
        f'<h4><span class="cb-level">{text_html(label)}</span>{text_html(item.title)}</h4>'
        f"{_list(item.lines)}{source}</div>"
    )


def feedback_html(feedback: Feedback) -> str:
    """The feedback panel: a level-3 heading, then one block per item, level shown as text and colour."""
    return (
        '<div class="cb-feedback" role="region" aria-label="Feedback"><h3>Feedback</h3>'
        + "".join(item_html(i) for i in feedback.items)
        + "</div>"
    )


def case_header_html(book: Casebook, case: Case, lang: str = "en") -> str:
    """Title (a level-2 heading), patient, setting and the presenting complaint in the patient's words."""
    return (
        f'<div class="cb-case-header"><h2>{text_html(case.title.get(lang))}</h2>'
        f"<p><b>Patient:</b> {text_html(case.patient.describe(lang))} · "
        f"<b>Seen at:</b> {text_html(SETTINGS[case.setting])} · <b>Difficulty:</b> {text_html(case.difficulty)}</p>"
        f'<div class="cb-complaint"><b>Presenting complaint:</b> '
        f"<q>{text_html(case.presenting_complaint.get(lang))}</q></div></div>"
    )


def transcript_html(
    entries: list[tuple[str, str]], heading: str = "History so far", empty: str = "No questions asked yet."
) -> str:
    """A definition list of question/answer (or item/finding) pairs under a level-4 heading."""
    if not entries:
        return f'<div class="cb-transcript"><h4>{text_html(heading)}</h4><p><i>{text_html(empty)}</i></p></div>'
    rows = "".join(f"<dt>{text_html(q)}</dt><dd>{text_html(a)}</dd>" for q, a in entries)
    # It scrolls once long, so it is a named region keyboard users can focus and scroll with the arrow keys.
    return (
        f'<div class="cb-transcript" tabindex="0" role="region" aria-label="{text_html(heading)}" aria-live="polite">'
        f"<h4>{text_html(heading)} ({len(entries)})</h4><dl>{rows}</dl></div>"
    )


def heading_html(text: str, level: int = 3, css_class: str = "") -> str:
    """A heading of ``level`` (2 to 4) holding escaped ``text``."""
    if not 2 <= level <= 4:
        raise ValueError(f"heading level {level}: the casebook's headings are h2 to h4 (the notebook owns h1)")
    cls = f' class="{text_html(css_class)}"' if css_class else ""
    return f"<h{level}{cls}>{text_html(text)}</h{level}>"


def message_html(text: str, *, alert: bool = False, css_class: str = "") -> str:
    """A paragraph of escaped ``text``; ``alert`` marks it '!' and as an alert for screen readers."""
    cls = f' class="{text_html(css_class)}"' if css_class else ""
    if alert:
        return f'<p{cls} role="alert"><b>! </b>{text_html(text)}</p>'
    return f"<p{cls}>{text_html(text)}</p>"


DISCLAIMER = "Teaching material for students: not a diagnostic device and not medical advice."
