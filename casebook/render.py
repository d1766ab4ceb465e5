"""Turns cases, sessions and feedback into escaped HTML; every piece of case or student text passes html.escape."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from .feedback import Feedback, FeedbackItem
from .model import SETTINGS, Case, Casebook

LEVEL_LABELS = {"good": "✓ Good", "partial": "~ Partly", "bad": "✗ Missed", "warning": "! Safety", "info": "i Note"}

STYLE = """
<style>
.cb-app { font-size: 15px; line-height: 1.45; max-width: 60em; }
.cb-app h3, .cb-app h4 { margin: 0.6em 0 0.3em 0; }
.cb-complaint { border-left: 4px solid #1f5fa8; background: #eef4fb; color: #111; padding: 0.5em 0.8em; }
.cb-complaint q { font-style: italic; }
.cb-transcript { max-height: 22em; overflow-y: auto; }
.cb-transcript { display: block; line-height: 1.45; }
.cb-transcript dt { display: block; float: none; width: auto; max-width: none; text-align: left; font-weight: 600; margin-top: 0.4em; color: #222; }
.cb-transcript dd { display: block; float: none; margin: 0 0 0 1.2em; color: #111; }
.cb-item { border-left: 6px solid #888; padding: 0.3em 0.8em; margin: 0.5em 0; background: #fafafa; color: #111; }
.cb-item ul { margin: 0.2em 0; padding-left: 1.3em; }
.cb-item, .cb-item li, .cb-case-header, .cb-hint { line-height: 1.45; }
.cb-level { display: inline-block; font-size: 0.8em; font-weight: 700; border: 1px solid currentColor; border-radius: 3px; padding: 0 0.35em; margin-right: 0.4em; }
.cb-good { border-color: #1b7f3b; } .cb-good .cb-level { color: #1b7f3b; }
.cb-partial { border-color: #a66a00; } .cb-partial .cb-level { color: #8a5800; }
.cb-bad { border-color: #b3261e; } .cb-bad .cb-level { color: #b3261e; }
.cb-warning { border-color: #b3261e; background: #fff4f2; } .cb-warning .cb-level { color: #b3261e; }
.cb-info { border-color: #1f5fa8; } .cb-info .cb-level { color: #1f5fa8; }
.cb-source { font-size: 0.85em; color: #444; }
.cb-disclaimer { font-size: 0.85em; color: #444; }
.cb-log { font-family: monospace; color: #b3261e; }
.cb-large { font-size: 26px; line-height: 1.4; max-width: none; }
.cb-large .cb-transcript { max-height: none; }
.cb-app button.cb-question, .cb-app button.cb-exam, .cb-app button.cb-investigation { white-space: normal; text-align: left; max-width: 100%; line-height: 1.3; padding-top: 4px; padding-bottom: 4px; }
.cb-compare td, .cb-compare th { vertical-align: top; text-align: left; padding: 0.3em 0.6em; border-bottom: 1px solid #ddd; }
</style>
"""


def _list(lines: Iterable[str]) -> str:
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return f"<ul>{items}</ul>" if items else ""


def item_html(item: FeedbackItem) -> str:
    label = LEVEL_LABELS.get(item.level, item.level)
    source = f'<div class="cb-source">Source: {escape(item.source)}</div>' if item.source else ""
    return (
        f'<div class="cb-item cb-{escape(item.level)} cb-section-{escape(item.section)}" role="group" aria-label="{escape(item.title)}">'
        f'<h4><span class="cb-level">{escape(label)}</span>{escape(item.title)}</h4>{_list(item.lines)}{source}</div>'
    )


def feedback_html(feedback: Feedback) -> str:
    """The feedback panel: one block per item, level shown as text and colour."""
    return (
        '<div class="cb-feedback" role="region" aria-label="Feedback"><h3>Feedback</h3>'
        + "".join(item_html(i) for i in feedback.items)
        + "</div>"
    )


def case_header_html(book: Casebook, case: Case, lang: str = "en") -> str:
    """Title, patient, setting and the presenting complaint in the patient's words."""
    return (
        f'<div class="cb-case-header"><h3>{escape(case.title.get(lang))}</h3>'
        f"<p><b>Patient:</b> {escape(case.patient.describe(lang))} · <b>Seen at:</b> {escape(SETTINGS[case.setting])} · "
        f"<b>Difficulty:</b> {escape(case.difficulty)}</p>"
        f'<div class="cb-complaint"><b>Presenting complaint:</b> <q>{escape(case.presenting_complaint.get(lang))}</q></div></div>'
    )


def transcript_html(
    entries: list[tuple[str, str]], heading: str = "History so far", empty: str = "No questions asked yet."
) -> str:
    """A definition list of question/answer (or item/finding) pairs."""
    if not entries:
        return f'<div class="cb-transcript"><h4>{escape(heading)}</h4><p><i>{escape(empty)}</i></p></div>'
    rows = "".join(f"<dt>{escape(q)}</dt><dd>{escape(a)}</dd>" for q, a in entries)
    return f'<div class="cb-transcript" aria-live="polite"><h4>{escape(heading)} ({len(entries)})</h4><dl>{rows}</dl></div>'


DISCLAIMER = "Teaching material for students: not a diagnostic device and not medical advice."
