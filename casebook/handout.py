"""Printable case handouts: a student version without the answer, and an answer key with the feedback."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from html import escape
from pathlib import Path

from .console import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, add_lang_option, command_translator, load_or_report
from .i18n import Translator, as_translator
from .model import Case, Casebook, difficulty_label, format_sources, setting_label
from .render import DISCLAIMER, STYLE, feedback_html
from .seminar import expert_feedback

PRINT_CSS = """
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 48em; color: #111; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; border-bottom: 1px solid #999; margin-top: 1.4em; }
dt { font-weight: 600; margin-top: 0.3em; } dd { margin-left: 1.2em; }
.cb-blank { border-bottom: 1px solid #333; height: 1.8em; margin: 0.3em 0; }
@media print { .cb-item { break-inside: avoid; } a { color: inherit; } }
</style>
"""


def handout_html(book: Casebook, case: Case, answer_key: bool = False, lang: str | Translator | None = "en") -> str:
    """A standalone HTML page for printing, wholly in ``lang`` (``<html lang=..>``); all case text escaped."""
    t = as_translator(lang)
    code = t.lang
    bank = book.bank
    c = lambda x: escape(x.get(code))  # noqa: E731 - a content text in the page's language, escaped
    title = t("{title} — answer key").format(title=case.title.get(code)) if answer_key else case.title.get(code)
    blank = '<div class="cb-blank"></div>'
    complaint = t("“{complaint}”").format(complaint=case.presenting_complaint.get(code))
    parts = [
        f'<!doctype html><html lang="{escape(code)}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>{STYLE}{PRINT_CSS}</head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p><b>{escape(t('Patient:'))}</b> {escape(case.patient.describe(t))} · "
        f"<b>{escape(t('Seen at:'))}</b> {escape(setting_label(case.setting, t))} · "
        f"<b>{escape(t('Difficulty:'))}</b> {escape(difficulty_label(case.difficulty, t))}</p>",
        f'<p class="cb-disclaimer">{escape(t(DISCLAIMER))}</p>',
        f'<h2>{escape(t("Presenting complaint"))}</h2><div class="cb-complaint">{escape(complaint)}</div>',
        f"<h2>{escape(t.pgettext('clinical', 'History'))}</h2>",
    ]
    for topic, questions in bank.questions_by_topic():
        rows = "".join(
            f"<dt>{c(q.text)}</dt><dd>{c(case.answers[q.id].text if q.id in case.answers else q.default_answer)}</dd>"
            for q in questions
        )
        parts.append(f"<h3>{c(topic.title)}</h3><dl>{rows}</dl>")
    exam = "".join(f"<dt>{c(bank.examinations[e].text)}</dt><dd>{c(v)}</dd>" for e, v in case.examination.items())
    parts.append(
        f"<h2>{escape(t.pgettext('clinical', 'Examination'))}</h2><dl>{exam}</dl>"
        f"<p><i>{escape(t('Other examinations were normal.'))}</i></p>"
    )
    if case.investigations:
        res = "".join(
            f"<dt>{c(bank.investigations[i].text)}</dt><dd>{c(v)}</dd>" for i, v in case.investigations.items()
        )
        parts.append(f"<h2>{escape(t('Investigations'))}</h2><dl>{res}</dl>")
    if not answer_key:
        parts.append(
            f"<h2>{escape(t('Your answer'))}</h2><p>{escape(t('Most likely diagnosis, then up to two more:'))}</p>"
            + blank * 3
        )
        parts.append(f"<p>{escape(t('Next step, and why:'))}</p>" + blank * 2)
    else:
        cond = book.conditions[case.diagnosis]
        parts.append(f"<h2>{escape(t('Answer: {diagnosis}').format(diagnosis=cond.name.get(code)))}</h2>")
        parts.append(feedback_html(expert_feedback(book, case, code), t))
        sources = t("Case sources: {sources}").format(sources=format_sources(case.sources, t))
        parts.append(f'<p class="cb-source">{escape(sources)}</p>')
    parts.append("</body></html>")
    return "\n".join(parts)


def write_handout(
    book: Casebook, case_id: str, out: Path, answer_key: bool = False, lang: str | Translator | None = "en"
) -> Path:
    """Write the handout atomically to ``out``."""
    html = handout_html(book, book.case(case_id), answer_key, lang)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(html)
    os.replace(tmp, out)
    return out


def _cmd_handout(args: argparse.Namespace) -> int:
    t = command_translator(args)
    book = load_or_report(args.cases, t)
    if book is None:
        return EXIT_PROBLEMS
    if args.case_id not in book.cases:
        print(
            t("casebook handout: no case with id '{id}' (run 'casebook list' to see the ids)").format(id=args.case_id),
            file=sys.stderr,
        )
        return EXIT_USAGE
    path = write_handout(book, args.case_id, Path(args.out), args.answer_key, t)
    wrote = (
        t("Wrote answer key for {id} to {file}") if args.answer_key else t("Wrote student handout for {id} to {file}")
    )
    print(wrote.format(id=args.case_id, file=path))
    return EXIT_OK


def register_cli(sub) -> None:
    p = sub.add_parser("handout", help="write a printable case as HTML (student version, or --answer-key)")
    p.add_argument("case_id", metavar="CASE_ID")
    p.add_argument(
        "--answer-key", action="store_true", help="include the answer, the expert feedback and the teaching points"
    )
    p.add_argument("--out", required=True, metavar="FILE.html", help="where to write the page")
    add_lang_option(p, "language of the page")
    p.add_argument(
        "--cases",
        action="append",
        metavar="FOLDER",
        help="a folder of your own cases, added to the bundled ones (repeatable; default: $CASEBOOK_CASES)",
    )
    p.set_defaults(func=_cmd_handout)
