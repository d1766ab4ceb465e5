"""The class report: a folder of hand-ins -> CSV tables, PNG figures and an index.html; also `casebook report`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import analytics
from .attempts import RecordProblem
from .console import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE

if TYPE_CHECKING:
    import pandas as pd

    from .model import Casebook

LARGE_FOLDER = 50  # from this many files on, reading shows a progress bar on stderr
BAR_WIDTH = 30


class TextProgress:
    """A one-line text progress bar (``reading files 12/500 [###-------] 2%``) redrawn in place on a stream."""

    def __init__(self, stream: TextIO | None = None, label: str = "reading files", min_total: int = LARGE_FOLDER):
        self.stream = stream if stream is not None else sys.stderr
        self.label = label
        self.min_total = min_total
        self._last = -1

    def __call__(self, done: int, total: int) -> None:
        if total < self.min_total:
            return
        percent = 100 * done // total
        if percent == self._last and done != total:
            return
        self._last = percent
        filled = BAR_WIDTH * done // total
        self.stream.write(f"\r{self.label} {done}/{total} [{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {percent}%")
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


@dataclass
class ReportSummary:
    """What build_report read and wrote."""

    folder: Path
    out_dir: Path
    files: int
    attempts: int
    students: int
    cases: int
    accuracy: float
    problems: list[RecordProblem] = field(default_factory=list)
    calibration: str = ""  # one sentence on the class's confidence against its accuracy
    tables: dict[str, Path] = field(default_factory=dict)
    figures: dict[str, Path] = field(default_factory=dict)
    index: Path | None = None

    def __str__(self) -> str:
        lines = [
            f"Read {self.attempts} attempt(s) by {self.students} student(s) on {self.cases} case(s) "
            f"from {self.files} file(s) in {self.folder}.",
            f"Right leading diagnosis: {self.accuracy:.1%} of attempts."
            if self.attempts
            else "No attempts could be read.",
        ]
        if self.problems:
            files = len({p.file for p in self.problems})
            lines.append(f"{len(self.problems)} problem(s) in {files} file(s) were skipped (listed in problems.csv).")
        if self.attempts and self.calibration:
            lines.append(self.calibration)
        lines.append(
            f"Wrote {len(self.tables)} table(s) and {len(self.figures)} figure(s) to {self.out_dir}; open {self.index}."
        )
        return "\n".join(lines)


def class_tables(
    df: pd.DataFrame, problems: list[RecordProblem], book: Casebook | None = None
) -> dict[str, pd.DataFrame]:
    """Every table of the class report by name (the CSV file names), problems first."""
    return {
        "problems": analytics.problems_frame(problems),
        "accuracy_by_case": analytics.accuracy_by_case(df),
        "accuracy_by_condition": analytics.accuracy_by_condition(df, book),
        "confusion_matrix": analytics.confusion_matrix(df),
        "missed_key_questions": analytics.missed_key_questions(df, book),
        "missed_red_flags": analytics.missed_red_flags(df, book),
        "questions_per_case": analytics.questions_per_case(df),
        "next_step_safety": analytics.next_step_safety(df),
        "time_on_case": analytics.time_on_case(df),
        "thoroughness_by_case": analytics.thoroughness_by_case(df),
        "calibration": analytics.calibration_table(df),
    }


def _figure_size(name: str, table: pd.DataFrame) -> tuple[float, float]:
    from . import plots

    if name == "confusion_matrix":
        return plots.confusion_size(len(table))
    if name == "calibration":
        return 6.0, 4.5
    if name == "thoroughness_by_case":
        return 7.0, plots.rows_height(round(1.4 * len(table)))
    shown = (
        min(len(table), 15) if name in ("missed_key_questions", "missed_red_flags") else len(table)
    )  # missed_questions shows the top 15
    return 7.0, plots.rows_height(shown)


def _figure_makers() -> dict[str, Callable]:
    from . import plots

    return {
        "accuracy_by_case": plots.accuracy_by_case,
        "accuracy_by_condition": plots.accuracy_by_condition,
        "confusion_matrix": plots.confusion_matrix,
        "missed_key_questions": lambda t, ax: plots.missed_questions(t, ax, "Key questions missed most"),
        "missed_red_flags": lambda t, ax: plots.missed_questions(t, ax, "Red-flag questions missed most"),
        "questions_per_case": plots.questions_per_case,
        "next_step_safety": plots.next_step_safety,
        "time_on_case": plots.time_on_case,
        "thoroughness_by_case": plots.thoroughness_by_case,
        "calibration": lambda t, ax: plots.calibration(t, ax, "Confidence against accuracy, the class"),
    }


def write_figures(tables: dict[str, pd.DataFrame], out_dir: Path) -> dict[str, Path]:
    """One PNG per table that has a figure, drawn on Agg figures (no pyplot, no display needed)."""
    from matplotlib.figure import Figure

    written = {}
    for name, make in _figure_makers().items():
        fig = Figure(figsize=_figure_size(name, tables[name]), layout="constrained")
        make(tables[name], fig.add_subplot())
        path = out_dir / f"{name}.png"
        fig.savefig(path, dpi=100)
        written[name] = path
    return written


def _index_html(summary: ReportSummary, tables: dict[str, pd.DataFrame]) -> str:
    """The report's front page; every piece of text from the hand-ins is escaped."""
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Class report — Leg Pain Casebook</title>',
        "<style>body{font-family:system-ui,sans-serif;margin:2em auto;max-width:60em}"
        " table{border-collapse:collapse;font-size:0.9em} td,th{border:1px solid #bbb;padding:0.2em 0.5em}"
        " img{max-width:100%} .problem{color:#b71c1c}</style></head><body>",
        "<h1>Class report</h1>",
        f"<p>{escape(str(summary)).replace(chr(10), '<br>')}</p>",
        "<p><i>Teaching material, not a diagnostic device.</i></p>",
    ]
    if summary.problems:
        items = "".join(f'<li class="problem">{escape(str(p))}</li>' for p in summary.problems[:200])
        more = (
            f"<li>… and {len(summary.problems) - 200} more (see problems.csv)</li>"
            if len(summary.problems) > 200
            else ""
        )
        parts.append(f"<h2>Problems (skipped)</h2><ul>{items}{more}</ul>")
    for name, table in tables.items():
        if name == "problems":
            continue
        title = name.replace("_", " ").capitalize()
        parts.append(f'<h2 id="{escape(name)}">{escape(title)}</h2>')
        if name in summary.figures:
            parts.append(f'<img src="{escape(summary.figures[name].name)}" alt="{escape(title)}">')
        parts.append(f'<p><a href="{escape(name)}.csv">{escape(name)}.csv</a></p>')
        parts.append(table.to_html(index=name == "confusion_matrix", escape=True, border=0))
    parts.append("</body></html>")
    return "\n".join(parts)


def build_report(
    folder: str | Path,
    out_dir: str | Path,
    book: Casebook | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ReportSummary:
    """Read every attempts file in ``folder`` and write CSV tables, PNG figures and index.html into ``out_dir``.

    Condition names and question texts come from ``book`` (default: the bundled cases; ids when they cannot be loaded).
    Bad files and lines are skipped and listed (problems.csv); a text progress bar goes to stderr for large folders
    unless ``on_progress`` is given. Raises FileNotFoundError when ``folder`` does not exist.
    """
    folder, out_dir = Path(folder), Path(out_dir)
    if book is None:
        book = _bundled_book()
    progress = on_progress or TextProgress()
    files = 0

    def count_files(done: int, total: int) -> None:
        nonlocal files
        files = total
        progress(done, total)

    df, problems = analytics.read_folder(folder, on_progress=count_files)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = class_tables(df, problems, book)
    head = analytics.class_summary(df, problems)
    summary = ReportSummary(
        folder,
        out_dir,
        files,
        head["attempts"],
        head["students"],
        head["cases"],
        head["accuracy"],
        problems,
        calibration=analytics.calibration_summary(df, who="class"),
    )
    for name, table in tables.items():
        path = out_dir / f"{name}.csv"
        table.to_csv(path, index=name == "confusion_matrix")
        summary.tables[name] = path
    summary.figures = write_figures(tables, out_dir)
    summary.index = out_dir / "index.html"
    summary.index.write_text(_index_html(summary, tables), encoding="utf-8")
    return summary


def _bundled_book(cases: str | list[str] | None = None) -> Casebook | None:
    """The casebook for names and texts, or None (ids are shown) when it cannot be loaded."""
    from .loading import load
    from .model import CaseError

    try:
        return load(cases)
    except CaseError:
        return None


def cmd_report(args: argparse.Namespace) -> int:
    """casebook report FOLDER [--out DIR] [--cases FOLDER]"""
    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"casebook report: no such folder: {folder}", file=sys.stderr)
        return EXIT_USAGE
    summary = build_report(folder, Path(args.out), _bundled_book(args.cases))
    for p in summary.problems:
        print(f"skipped: {p}", file=sys.stderr)
    print(summary)
    return EXIT_OK if summary.attempts else EXIT_PROBLEMS


def register_cli(sub) -> None:
    """Add ``casebook report FOLDER [--out DIR]`` to the command line."""
    p = sub.add_parser(
        "report", help="class report from a folder of exported attempt files: CSV tables and PNG figures"
    )
    p.add_argument("folder", metavar="FOLDER", help="a folder of .jsonl / .csv attempt files (students' exports)")
    p.add_argument("--out", default="report", metavar="DIR", help="where to write the report (default: ./report)")
    p.add_argument(
        "--cases",
        action="append",
        metavar="FOLDER",
        help="a folder of your own cases, added to the bundled ones, for condition names and question texts "
        "(repeatable; default: $CASEBOOK_CASES)",
    )
    p.set_defaults(func=cmd_report)
