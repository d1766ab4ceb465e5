"""The command line: casebook validate | list | conditions | play | handout | report | match | new | schema | ids."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import authoring, handout, matcher, report, transfer
from .console import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    add_lang_option,
    command_translator,
    format_problems,
    load_or_report,
    table,
)
from .model import difficulty_label, setting_label


def cmd_validate(args: argparse.Namespace) -> int:
    return authoring.run_validate(args.paths, strict=args.strict, lang=command_translator(args))


def cmd_list(args: argparse.Namespace) -> int:
    t = command_translator(args)
    book = load_or_report(args.cases, t)
    if book is None:
        return EXIT_PROBLEMS
    rows = [
        {
            "id": c.id,
            "title": c.title.get(t.lang),
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
            r["setting"] = f"{setting_label(r['setting'], t)} ({r['setting']})"
            r["difficulty"] = difficulty_label(r["difficulty"], t)
            r["red_flag"] = t("yes") if r["red_flag"] else ""
        print(table(rows, ["id", "title", "diagnosis", "difficulty", "setting", "red_flag"]))
        diagnoses = len({r["diagnosis"] for r in rows})
        print("\n" + t("{cases} cases over {conditions} conditions").format(cases=len(rows), conditions=diagnoses))
    if book.problems:
        n = len(book.problems)
        print(
            t.ngettext(
                "({n} problem(s) kept some files out: run 'casebook validate')",
                "({n} problem(s) kept some files out: run 'casebook validate')",
                n,
            ).format(n=n),
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_conditions(args: argparse.Namespace) -> int:
    t = command_translator(args)
    book = load_or_report(args.cases, t)
    if book is None:
        return EXIT_PROBLEMS
    rows = [
        {
            "id": c.id,
            "name": c.name.get(t.lang),
            "category": c.category,
            "cases": sum(1 for k in book.cases.values() if k.diagnosis == c.id),
        }
        for c in book.conditions.values()
    ]
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        print(table(rows, ["id", "name", "category", "cases"]))
        print("\n" + t.ngettext("{n} condition", "{n} conditions", len(rows)).format(n=len(rows)))
    return EXIT_OK


def cmd_play(args: argparse.Namespace) -> int:
    from .answers import play_answers

    t = command_translator(args)
    book = load_or_report(args.cases, t)
    if book is None:
        return EXIT_PROBLEMS
    if args.case_id not in book.cases:
        print(
            t("casebook play: no case with id '{id}' (run 'casebook list' to see the ids)").format(id=args.case_id),
            file=sys.stderr,
        )
        return EXIT_USAGE
    if not Path(args.answers).is_file():
        print(t("casebook play: no such answers file: {file}").format(file=args.answers), file=sys.stderr)
        return EXIT_USAGE
    feedback, problems, _ = play_answers(book, args.case_id, Path(args.answers), lang=t.lang)
    if problems or feedback is None:
        print(format_problems(problems, t), file=sys.stderr)
        return EXIT_PROBLEMS
    if args.format == "json":
        print(json.dumps(feedback.as_dict(), indent=2, ensure_ascii=False))
    else:
        case = book.cases[args.case_id]
        print(t("Case {id}: {title}").format(id=case.id, title=case.title.get(t.lang)) + "\n")
        print(feedback.as_text())
    return EXIT_OK


def _register_play(sub) -> None:
    p = sub.add_parser("play", help="play a case from an answers file and print the feedback the notebook shows")
    p.add_argument("case_id", metavar="CASE_ID")
    p.add_argument(
        "--answers",
        required=True,
        metavar="FILE",
        help='JSON: {"typed": ["did it pop?", ...], "asked": [...], "examined": [...], "investigations": [...], '
        '"differential": [...], "confidence": 0-100, "next_step": "..."} ("typed": recall mode, matched to the bank)',
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    add_lang_option(p, "language of the feedback and of the typed questions")
    authoring.add_cases_option(p)
    p.set_defaults(func=cmd_play)


# Each entry adds one sub-command; modules that own a command expose register_cli(subparsers).
COMMANDS = {
    "play": _register_play,
    "handout": handout.register_cli,
    "report": report.register_cli,
    "match": matcher.register_cli,
    "new, schema, ids": authoring.register_cli,
    "export, import": transfer.register_cli,
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
        "paths",
        nargs="*",
        metavar="PATH",
        help="cases folders or single JSON files (default: the bundled cases and the folders in $CASEBOOK_CASES)",
    )
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too (copied text)")
    add_lang_option(p, "language of the problems and hints")
    p.set_defaults(func=cmd_validate)
    for name, func, help_text in (
        ("list", cmd_list, "list the cases"),
        ("conditions", cmd_conditions, "list the conditions"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--format", choices=["table", "json"], default="table", help="output format (default: table)")
        add_lang_option(p, "language of titles and names")
        authoring.add_cases_option(p)
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
