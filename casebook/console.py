"""What the commands of the command line share: exit codes, text tables, problems by file, loading the cases."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .i18n import Translator, as_translator, translator_for
from .loading import load
from .model import Casebook, CaseError, Problem

# The exit codes of every `casebook` command (and `python -m casebook.demo`); argparse also exits with 2 on bad usage.
EXIT_OK = 0  # done; `validate`: no problem found
EXIT_PROBLEMS = 1  # the input has problems (printed), or nothing usable could be read from it
EXIT_USAGE = 2  # bad usage: a file, folder or id that does not exist, or arguments argparse refuses


def table(rows: list[dict], columns: list[str]) -> str:
    """A plain fixed-width text table of ``rows`` (dicts), one column per name in ``columns``."""
    widths = {c: max([len(c)] + [len(str(r[c])) for r in rows]) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns), "  ".join("-" * widths[c] for c in columns)]
    lines += ["  ".join(str(r[c]).ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def format_problems(problems: Sequence[Problem], lang: str | Translator | None = "en") -> str:
    """Problems grouped by file, each with where, what and how to fix it, in the reader's language."""
    t = as_translator(lang)
    out: list[str] = []
    by_file: dict[str, list[Problem]] = {}
    for p in problems:
        by_file.setdefault(p.file, []).append(p)
    for file, items in by_file.items():
        out.append(file)
        for p in items:
            where = t(p.json_path) if p.json_path else t("(whole file)")
            out.append("  " + t("{where}: {message}").format(where=where, message=t(p.message)))
            if p.hint:
                out.append("    " + t("how to fix: {hint}").format(hint=t(p.hint)))
    return "\n".join(out)


def add_lang_option(parser: argparse.ArgumentParser, what: str = "") -> None:
    """The ``--lang`` every command that prints text takes (default: $CASEBOOK_LANG, then English)."""
    parser.add_argument(
        "--lang",
        default=None,
        metavar="LANG",
        help=(what or "language of the output")
        + ": en, nb or da (default: $CASEBOOK_LANG, then en; a text missing in that language is shown in English)",
    )


def command_translator(args: argparse.Namespace) -> Translator:
    """The translator of a command: its --lang, else $CASEBOOK_LANG, else English (--lang qps: the tests' pseudo)."""
    return translator_for(getattr(args, "lang", None))


CASES_HELP = (
    "a folder of your own cases, added to the bundled ones (repeat for more folders; default: the folders in "
    "$CASEBOOK_CASES). A folder with its own questions.json is used instead of the bundled cases"
)


def add_cases_option(parser: argparse.ArgumentParser) -> None:
    """The repeatable ``--cases FOLDER`` every command that reads cases takes (None when not given)."""
    parser.add_argument("--cases", action="append", metavar="FOLDER", help=CASES_HELP)


def load_or_report(path: str | Sequence[str] | None, lang: str | Translator | None = "en") -> Casebook | None:
    """The bundled cases plus the folders in ``path`` (a folder, a list of them, or None for $CASEBOOK_CASES),
    or None after printing why they cannot be loaded (in ``lang``)."""
    try:
        return load(path)
    except CaseError as e:
        print(format_problems(e.problems, lang), file=sys.stderr)
        return None
