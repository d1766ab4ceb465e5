"""The command line: casebook validate | list | conditions | play | handout | report."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import handout, matcher, report
from .loading import load, validate_file
from .model import SETTINGS, Casebook, CaseError, Problem

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def table(rows: list[dict], columns: list[str]) -> str:
    """A plain fixed-width text table."""
    widths = {c: max([len(c)] + [len(str(r[c])) for r in rows]) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns), "  ".join("-" * widths[c] for c in columns)]
    lines += ["  ".join(str(r[c]).ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def format_problems(problems: Sequence[Problem]) -> str:
    """Problems grouped by file, each with where, what and how to fix it."""
    out: list[str] = []
    by_file: dict[str, list[Problem]] = {}
    for p in problems:
        by_file.setdefault(p.file, []).append(p)
    for file, items in by_file.items():
        out.append(file)
        for p in items:
            out.append(f"  {p.json_path or '(whole file)'}: {p.message}")
            if p.hint:
                out.append(f"    how to fix: {p.hint}")
    return "\n".join(out)


def _load_or_report(path: str | None) -> Casebook | None:
    try:
        return load(path)
    except CaseError as e:
        print(format_problems(e.problems), file=sys.stderr)
        return None


def cmd_validate(args: argparse.Namespace) -> int:
    paths = args.paths or [None]
    problems: list[Problem] = []
    summaries: list[str] = []
    for raw in paths:
        if raw is not None and not Path(raw).exists():
            print(f"casebook validate: no such file or folder: {raw}", file=sys.stderr)
            return EXIT_USAGE
        if raw is not None and Path(raw).is_file():
            found = validate_file(Path(raw))
            problems += found
            summaries.append(f"{raw}: {'valid' if not found else f'{len(found)} problem(s)'}")
            continue
        try:
            book = load(raw)
        except CaseError as e:
            problems += e.problems
            summaries.append(f"{raw or 'bundled cases'}: cannot be loaded")
            continue
        problems += book.problems
        summaries.append(
            f"{book.root}: {len(book.cases)} valid case(s), {len(book.conditions)} valid condition(s), {len(book.bank.questions)} questions"
        )
    if problems:
        print(format_problems(problems))
        print()
    for s in summaries:
        print(s)
    files = len({p.file for p in problems})
    print(f"{len(problems)} problem(s) in {files} file(s)" if problems else "All valid.")
    return EXIT_PROBLEMS if problems else EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    book = _load_or_report(args.cases)
    if book is None:
        return EXIT_PROBLEMS
    rows = [
        {
            "id": c.id,
            "title": c.title.en,
            "diagnosis": c.diagnosis,
            "difficulty": c.difficulty,
            "setting": c.setting,
            "red_flag": c.red_flag_case,
        }
        for c in book.cases.values()
    ]
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for r in rows:
            r["setting"] = SETTINGS[r["setting"]]
            r["red_flag"] = "yes" if r["red_flag"] else ""
        print(table(rows, ["id", "title", "diagnosis", "difficulty", "setting", "red_flag"]))
        print(f"\n{len(rows)} cases over {len({r['diagnosis'] for r in rows})} conditions")
    if book.problems:
        print(f"({len(book.problems)} problem(s) kept some files out: run 'casebook validate')", file=sys.stderr)
    return EXIT_OK


def cmd_conditions(args: argparse.Namespace) -> int:
    book = _load_or_report(args.cases)
    if book is None:
        return EXIT_PROBLEMS
    rows = [
        {
            "id": c.id,
            "name": c.name.en,
            "category": c.category,
            "cases": sum(1 for k in book.cases.values() if k.diagnosis == c.id),
        }
        for c in book.conditions.values()
    ]
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        print(table(rows, ["id", "name", "category", "cases"]))
        print(f"\n{len(rows)} conditions")
    return EXIT_OK


def cmd_play(args: argparse.Namespace) -> int:
    from .answers import play_answers

    book = _load_or_report(args.cases)
    if book is None:
        return EXIT_PROBLEMS
    if args.case_id not in book.cases:
        print(f"casebook play: no case with id '{args.case_id}' (run 'casebook list' to see the ids)", file=sys.stderr)
        return EXIT_USAGE
    if not Path(args.answers).is_file():
        print(f"casebook play: no such answers file: {args.answers}", file=sys.stderr)
        return EXIT_USAGE
    feedback, problems, _ = play_answers(book, args.case_id, Path(args.answers), lang=args.lang)
    if problems or feedback is None:
        print(format_problems(problems), file=sys.stderr)
        return EXIT_PROBLEMS
    if args.format == "json":
        print(json.dumps(feedback.as_dict(), indent=2, ensure_ascii=False))
    else:
        case = book.cases[args.case_id]
        print(f"Case {case.id}: {case.title.get(args.lang)}\n")
        print(feedback.as_text())
    return EXIT_OK


def _register_play(sub) -> None:
    p = sub.add_parser("play", help="play a case from an answers file and print the feedback the notebook shows")
    p.add_argument("case_id", metavar="CASE_ID")
    p.add_argument(
        "--answers",
        required=True,
        metavar="FILE",
        help='JSON: {"asked": [...], "examined": [...], "investigations": [...], "differential": [...], "confidence": 0-100, "next_step": "..."}',
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--lang", default="en", help="language of the feedback (default en; falls back to English)")
    p.add_argument("--cases", metavar="FOLDER", help="a cases folder (default: the bundled cases)")
    p.set_defaults(func=cmd_play)


# Each entry adds one sub-command; modules that own a command expose register_cli(subparsers).
COMMANDS = {
    "play": _register_play,
    "handout": handout.register_cli,
    "report": report.register_cli,
    "match": matcher.register_cli,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casebook",
        description="Leg Pain Casebook: validate, list and play teaching cases (not a diagnostic device).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser(
        "validate", help="check case files and folders; exit 0 when valid, 1 when any problem, 2 on bad usage"
    )
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="cases folders or single JSON files (default: the bundled cases)"
    )
    p.set_defaults(func=cmd_validate)
    for name, func, help_text in (
        ("list", cmd_list, "list the cases"),
        ("conditions", cmd_conditions, "list the conditions"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--format", choices=["table", "json"], default="table", help="output format (default: table)")
        p.add_argument("--cases", metavar="FOLDER", help="a cases folder (default: the bundled cases)")
        p.set_defaults(func=func)
    for register in COMMANDS.values():
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.func(args)
    except BrokenPipeError:
        return EXIT_OK
