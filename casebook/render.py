"""Turns cases, sessions and feedback into HTML; every bank, condition, case or student text passes text_html.

The helpers take the reader's language (``lang``: a code or a Translator): their own words go through the
translator, the case texts come in that language, and the root element of what they return carries a ``lang``
attribute, so screen readers switch voice.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from .feedback import Feedback, FeedbackItem
from .i18n import N_, Translator, as_translator
from .model import Case, Casebook, difficulty_label, setting_label

_SURROGATE = re.compile("[\ud800-\udfff]")
# English msgids, translated where shown (item_html).
LEVEL_LABELS = {
    "good": N_("✓ Good"),
    "partial": N_("~ Partly"),
    "bad": N_("✗ Missed"),
    "warning": N_("! Safety"),
    "info": N_("i Note"),
}


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
.cb-closed-note { border-left: 4px solid #767676; padding: 0.2em 0.6em; color: #333; font-style: italic; }
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


def lang_attr(lang: str | Translator | None) -> str:
    """' lang="nb"': the attribute naming the language of an element's text (English when none is given)."""
    return f' lang="{text_html(as_translator(lang).lang)}"'


def in_language(html_text: str, lang: str | Translator | None) -> str:
    """``html_text`` inside a ``<div lang=..>``: the HTML a widget shows, read by screen readers in its language."""
    return f"<div{lang_attr(lang)}>{html_text}</div>"


def _list(lines: Iterable[str]) -> str:
    items = "".join(f"<li>{text_html(line)}</li>" for line in lines)
    return f"<ul>{items}</ul>" if items else ""


def item_html(item: FeedbackItem, lang: str | Translator | None = "en") -> str:
    """One feedback block: its level as text and colour, its title as a heading, its lines as a list."""
    t = as_translator(lang)
    label = t(LEVEL_LABELS[item.level]) if item.level in LEVEL_LABELS else item.level
    source = (
        f'<div class="cb-source">{text_html(t("Source: {source}").format(source=item.source))}</div>'
        if item.source
        else ""
    )
    return (
        f'<div class="cb-item cb-{text_html(item.level)} cb-section-{text_html(item.section)}">'
        f'<h4><span class="cb-level">{text_html(label)}</span>{text_html(item.title)}</h4>'
        f"{_list(item.lines)}{source}</div>"
    )


def feedback_html(feedback: Feedback, lang: str | Translator | None = "en") -> str:
    """The feedback panel: a level-3 heading, then one block per item, level shown as text and colour.

    The items' texts are in the language the feedback was made in; ``lang`` translates the panel's own words.
    """
    t = as_translator(lang)
    title = text_html(t("Feedback"))
    return (
        f'<div class="cb-feedback"{lang_attr(t)} role="region" aria-label="{title}"><h3>{title}</h3>'
        + "".join(item_html(i, t) for i in feedback.items)
        + "</div>"
    )


def case_header_html(book: Casebook, case: Case, lang: str | Translator | None = "en") -> str:
    """Title (a level-2 heading), patient, setting and the presenting complaint in the patient's words."""
    t = as_translator(lang)
    label = lambda text: f"<b>{text_html(text)}</b>"  # noqa: E731
    return (
        f'<div class="cb-case-header"{lang_attr(t)}><h2>{text_html(case.title.get(t.lang))}</h2>'
        f"<p>{label(t('Patient:'))} {text_html(case.patient.describe(t))} · "
        f"{label(t('Seen at:'))} {text_html(setting_label(case.setting, t))} · "
        f"{label(t('Difficulty:'))} {text_html(difficulty_label(case.difficulty, t))}</p>"
        f'<div class="cb-complaint">{label(t("Presenting complaint:"))} '
        f"<q>{text_html(case.presenting_complaint.get(t.lang))}</q></div></div>"
    )


def transcript_html(
    entries: list[tuple[str, str]],
    heading: str | None = None,
    empty: str | None = None,
    lang: str | Translator | None = "en",
) -> str:
    """A definition list of question/answer (or item/finding) pairs under a level-4 heading (translated ``heading``
    and ``empty`` text; by default the history's "History so far" and "No questions asked yet.")."""
    t = as_translator(lang)
    heading = t("History so far") if heading is None else heading
    empty = t("No questions asked yet.") if empty is None else empty
    if not entries:
        return (
            f'<div class="cb-transcript"{lang_attr(t)}><h4>{text_html(heading)}</h4>'
            f"<p><i>{text_html(empty)}</i></p></div>"
        )
    rows = "".join(f"<dt>{text_html(q)}</dt><dd>{text_html(a)}</dd>" for q, a in entries)
    # It scrolls once long, so it is a named region keyboard users can focus and scroll with the arrow keys.
    return (
        f'<div class="cb-transcript"{lang_attr(t)} tabindex="0" role="region" aria-label="{text_html(heading)}" '
        f'aria-live="polite"><h4>{text_html(heading)} ({len(entries)})</h4><dl>{rows}</dl></div>'
    )


def heading_html(text: str, level: int = 3, css_class: str = "", lang: str | Translator | None = None) -> str:
    """A heading of ``level`` (2 to 4) holding escaped ``text`` (with a ``lang`` attribute when ``lang`` is given)."""
    if not 2 <= level <= 4:
        raise ValueError(f"heading level {level}: the casebook's headings are h2 to h4 (the notebook owns h1)")
    cls = f' class="{text_html(css_class)}"' if css_class else ""
    attr = lang_attr(lang) if lang is not None else ""
    return f"<h{level}{cls}{attr}>{text_html(text)}</h{level}>"


def message_html(text: str, *, alert: bool = False, css_class: str = "", lang: str | Translator | None = None) -> str:
    """A paragraph of escaped ``text``; ``alert`` marks it '!' and as an alert for screen readers; ``lang`` adds the
    language attribute."""
    cls = f' class="{text_html(css_class)}"' if css_class else ""
    cls += lang_attr(lang) if lang is not None else ""
    if alert:
        return f'<p{cls} role="alert"><b>! </b>{text_html(text)}</p>'
    return f"<p{cls}>{text_html(text)}</p>"


DISCLAIMER = N_("Teaching material for students: not a diagnostic device and not medical advice.")  # t(DISCLAIMER)


def disclaimer_html(lang: str | Translator | None = "en", *, bold: bool = False) -> str:
    """The disclaimer every page shows, as a paragraph in the reader's language."""
    text = text_html(as_translator(lang)(DISCLAIMER))
    return f'<p class="cb-disclaimer"{lang_attr(lang)}>' + (f"<b>{text}</b>" if bold else text) + "</p>"
