"""Check a bank's phrasings for free recall: which would the matcher miss without themselves, which say nothing.

For teachers improving `phrasings`/`keywords` in questions.json. Each phrasing is matched against an index built
without it (leave one out): a phrasing whose own question is not then the best candidate is one the other texts of
its question do not cover, so it carries matching alone (keep it) or sits closer to another question (reword it).
A phrasing or keyword that normalises to no word at all (only stop words) can never match and is listed too.

    .venv/bin/python tools/check_phrasings.py [--cases FOLDER] [--lang en]

Exit 0 always (a report, not a gate: tests/test_matcher.py holds the bundled bank's phrasings to their questions).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from types import MappingProxyType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import casebook  # noqa: E402
from casebook.matcher import Matcher, language_table  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", metavar="FOLDER", help="a cases folder (default: the bundled cases)")
    parser.add_argument("--lang", default="en", help="language of the phrasings to check (default en)")
    args = parser.parse_args(argv)
    bank = casebook.load(args.cases).bank
    table = language_table(args.lang)
    empty, alone, total = [], [], 0
    for q in bank.questions.values():
        for kind in ("phrasings", "keywords"):
            empty += [(q.id, kind, w) for w in q.words_for(kind, args.lang) if not table.tokens(w)]
        phrasings = q.words_for("phrasings", args.lang)
        for phrasing in phrasings:
            total += 1
            rest = tuple(p for p in phrasings if p != phrasing)
            reduced = dataclasses.replace(q, phrasings=MappingProxyType({**q.phrasings, args.lang: rest}))
            others = dataclasses.replace(bank, questions=MappingProxyType({**bank.questions, q.id: reduced}))
            result = Matcher(others, args.lang, table=table).match(phrasing, limit=3)
            if result.best is None or result.best.question_id != q.id:
                found = ", ".join(f"{c.question_id} {c.score:.0f}" for c in result.candidates) or "nothing"
                alone.append(f"  {q.id}: {phrasing!r} -> {found}")
    print(f"{total} phrasings in '{args.lang}' checked against {len(bank.questions)} questions")
    print(
        f"{len(alone)} found their question only through themselves (keep them, or reword if another question leads):"
    )
    print("\n".join(alone))
    print(f"{len(empty)} phrasings or keywords with no word the matcher scores:")
    print("\n".join(f"  {qid} {kind}: {text!r}" for qid, kind, text in empty))
    return 0


if __name__ == "__main__":
    sys.exit(main())
