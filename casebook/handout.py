"""Printable case handouts: a student version without the answer, and an answer key with the feedback."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from html import escape
from pathlib import Path

from .console import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, load_or_report
from .model import SETTINGS, Case, Casebook, format_sources
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


def handout_html(book: Casebook, case: Case, answer_key: bool = False, lang: str = "en") -> str:
    """A standalone HTML page for printing; all case text escaped."""
    bank = book.bank
    t = lambda x: escape(x.get(lang))  # noqa: E731
    key = " — answer key" if answer_key else ""
    parts = [
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{t(case.title)}{key}</title>{STYLE}{PRINT_CSS}</head><body>",
        f"<h1>{t(case.title)}{key}</h1>",
        f"<p><b>Patient:</b> {escape(case.patient.describe(lang))} · <b>Seen at:</b> {escape(SETTINGS[case.setting])}"
        f" · <b>Difficulty:</b> {escape(case.difficulty)}</p>",
        f'<p class="cb-disclaimer">{escape(DISCLAIMER)}</p>',
        f'<h2>Presenting complaint</h2><div class="cb-complaint">“{t(case.presenting_complaint)}”</div>',
        "<h2>History</h2>",
    ]
    for topic, questions in bank.questions_by_topic():
        rows = "".join(
            f"<dt>{t(q.text)}</dt><dd>{t(case.answers[q.id].text if q.id in case.answers else q.default_answer)}</dd>"
            for q in questions
        )
        parts.append(f"<h3>{t(topic.title)}</h3><dl>{rows}</dl>")
    exam = "".join(f"<dt>{t(bank.examinations[e].text)}</dt><dd>{t(v)}</dd>" for e, v in case.examination.items())
    parts.append(f"<h2>Examination</h2><dl>{exam}</dl><p><i>Other examinations were normal.</i></p>")
    if case.investigations:
        res = "".join(
            f"<dt>{t(bank.investigations[i].text)}</dt><dd>{t(v)}</dd>" for i, v in case.investigations.items()
        )
        parts.append(f"<h2>Investigations</h2><dl>{res}</dl>")
    if not answer_key:
        parts.append(
            "<h2>Your answer</h2><p>Most likely diagnosis, then up to two more:</p>"
            + '<div class="cb-blank"></div>' * 3
        )
        parts.append("<p>Next step, and why:</p>" + '<div class="cb-blank"></div>' * 2)
    else:
        cond = book.conditions[case.diagnosis]
        parts.append(f"<h2>Answer: {t(cond.name)}</h2>")
        parts.append(feedback_html(expert_feedback(book, case, lang)))
        parts.append(f'<p class="cb-source">Case sources: {escape(format_sources(case.sources))}</p>')
    parts.append("</body></html>")
    return "\n".join(parts)


def write_handout(book: Casebook, case_id: str, out: Path, answer_key: bool = False, lang: str = "en") -> Path:
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
    book = load_or_report(args.cases)
    if book is None:
        return EXIT_PROBLEMS
    if args.case_id not in book.cases:
        print(
            f"casebook handout: no case with id '{args.case_id}' (run 'casebook list' to see the ids)", file=sys.stderr
        )
        return EXIT_USAGE
    path = write_handout(book, args.case_id, Path(args.out), args.answer_key, args.lang)
    print(f"Wrote {'answer key' if args.answer_key else 'student handout'} for {args.case_id} to {path}")
    return EXIT_OK


def register_cli(sub) -> None:
    p = sub.add_parser("handout", help="write a printable case as HTML (student version, or --answer-key)")
    p.add_argument("case_id", metavar="CASE_ID")
    p.add_argument(
        "--answer-key", action="store_true", help="include the answer, the expert feedback and the teaching points"
    )
    p.add_argument("--out", required=True, metavar="FILE.html", help="where to write the page")
    p.add_argument("--lang", default="en", help="language (falls back to English)")
    p.add_argument(
        "--cases",
        action="append",
        metavar="FOLDER",
        help="a folder of your own cases, added to the bundled ones (repeatable; default: $CASEBOOK_CASES)",
    )
    p.set_defaults(func=_cmd_handout)
