"""The class report: a folder of hand-ins -> CSV tables, PNG figures and an index.html; also `casebook report`."""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import BrokenExecutor, Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import analytics
from .attempts import RecordProblem
from .console import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, add_lang_option, command_translator
from .i18n import N_, Translator, as_translator, format_percent, translator_for

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .model import Casebook

LARGE_FOLDER = 50  # from this many files on, reading shows a progress bar on stderr
BAR_WIDTH = 30
# A report shares its reading and drawing with up to this many worker processes, one per spare processor.
MAX_WORKERS = 3
FIGURE_DPI = 100
FIGURE_PAD = 0.06  # inches of white space around what a figure draws


class TextProgress:
    """A one-line text progress bar (``reading files 12/500 [###-------] 2%``) redrawn in place on a stream."""

    LABEL = N_("reading files")  # translated by the caller: TextProgress(label=t(TextProgress.LABEL))

    def __init__(self, stream: TextIO | None = None, label: str = LABEL, min_total: int = LARGE_FOLDER):
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
    lang: str = "en"  # the language of the report's text and figures

    def __str__(self) -> str:
        t = translator_for(self.lang)
        lines = [
            t("Read {attempts} by {students} on {cases} from {files} in {folder}.").format(
                attempts=t.ngettext("{n} attempt", "{n} attempts", self.attempts).format(n=self.attempts),
                students=t.ngettext("{n} student", "{n} students", self.students).format(n=self.students),
                cases=t.ngettext("{n} case", "{n} cases", self.cases).format(n=self.cases),
                files=t.ngettext("{n} file", "{n} files", self.files).format(n=self.files),
                folder=self.folder,
            ),
            t("Right leading diagnosis: {share} of attempts.").format(share=format_percent(100 * self.accuracy, t, 1))
            if self.attempts
            else t("No attempts could be read."),
        ]
        if self.problems:
            files = len({p.file for p in self.problems})
            lines.append(
                t.ngettext(
                    "{problems} in {files} was skipped (listed in problems.csv).",
                    "{problems} in {files} were skipped (listed in problems.csv).",
                    len(self.problems),
                ).format(
                    problems=t.ngettext("{n} problem", "{n} problems", len(self.problems)).format(n=len(self.problems)),
                    files=t.ngettext("{n} file", "{n} files", files).format(n=files),
                )
            )
        if self.attempts and self.calibration:
            lines.append(self.calibration)
        lines.append(
            t("Wrote {tables} and {figures} to {folder}; open {index}.").format(
                tables=t.ngettext("{n} table", "{n} tables", len(self.tables)).format(n=len(self.tables)),
                figures=t.ngettext("{n} figure", "{n} figures", len(self.figures)).format(n=len(self.figures)),
                folder=self.out_dir,
                index=self.index,
            )
        )
        return "\n".join(lines)


def class_tables(
    df: pd.DataFrame, problems: list[RecordProblem], book: Casebook | None = None, lang: str = "en"
) -> dict[str, pd.DataFrame]:
    """Every table of the class report by name (the CSV file names), problems first; condition names and question
    texts in ``lang`` (the columns keep their machine-readable names)."""
    return {
        "problems": analytics.problems_frame(problems),
        "accuracy_by_case": analytics.accuracy_by_case(df),
        "accuracy_by_condition": analytics.accuracy_by_condition(df, book, lang),
        "confusion_matrix": analytics.confusion_matrix(df),
        "missed_key_questions": analytics.missed_key_questions(df, book, lang),
        "missed_red_flags": analytics.missed_red_flags(df, book, lang),
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


def _figure_makers(lang: str | Translator = "en") -> dict[str, Callable]:
    from . import plots

    return {
        "accuracy_by_case": lambda t, ax: plots.accuracy_by_case(t, ax, lang),
        "accuracy_by_condition": lambda t, ax: plots.accuracy_by_condition(t, ax, lang),
        "confusion_matrix": lambda t, ax: plots.confusion_matrix(t, ax, lang),
        "missed_key_questions": lambda t, ax: plots.missed_questions(t, ax, plots.MISSED_KEY_TITLE, lang=lang),
        "missed_red_flags": lambda t, ax: plots.missed_questions(t, ax, plots.RED_FLAGS_TITLE, lang=lang),
        "questions_per_case": lambda t, ax: plots.questions_per_case(t, ax, lang),
        "next_step_safety": lambda t, ax: plots.next_step_safety(t, ax, lang),
        "time_on_case": lambda t, ax: plots.time_on_case(t, ax, lang),
        "thoroughness_by_case": lambda t, ax: plots.thoroughness_by_case(t, ax, lang),
        "calibration": lambda t, ax: plots.calibration(t, ax, plots.CLASS_CALIBRATION_TITLE, lang=lang),
    }


# The report's section headings, one per table (English msgids, translated where shown).
SECTION_TITLES = {
    "accuracy_by_case": N_("Accuracy by case"),
    "accuracy_by_condition": N_("Accuracy by condition"),
    "confusion_matrix": N_("Confusion matrix"),
    "missed_key_questions": N_("Missed key questions"),
    "missed_red_flags": N_("Missed red flags"),
    "questions_per_case": N_("Questions per case"),
    "next_step_safety": N_("Next step safety"),
    "time_on_case": N_("Time on case"),
    "thoroughness_by_case": N_("Thoroughness by case"),
    "calibration": N_("Calibration"),
}


def report_figure(name: str, table: pd.DataFrame, lang: str | Translator = "en") -> Figure:
    """The report's figure ``name`` drawn from its table on an Agg canvas (no pyplot, no display needed), titles, axis
    labels and legends in ``lang``, its Axes placed so that everything around it fits (see _fit_axes)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=_figure_size(name, table), dpi=FIGURE_DPI)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    _figure_makers(lang)[name](table, ax)
    _fit_axes(fig, ax, canvas.get_renderer())
    return fig


def draw_figure(name: str, table: pd.DataFrame, out_dir: Path, lang: str | Translator = "en") -> Path:
    """Write the report's figure ``name`` (see report_figure) to ``out_dir``/NAME.png; returns the path."""
    path = out_dir / f"{name}.png"
    report_figure(name, table, lang).savefig(path, dpi=FIGURE_DPI)
    return path


def _fit_axes(fig: Figure, ax: Axes, renderer) -> None:
    """Place ``ax`` so that what is drawn around it (tick labels, axis labels, title, a legend beside it, text at the
    end of a bar) fits in the figure with FIGURE_PAD to spare.

    One measuring pass, whose text sizes the drawing then reuses (constrained layout measured every text twice, and
    in more steps, before drawing it: a third of the time the report spent on its figures); a second one when the
    Axes holds text placed in data coordinates (a count at the end of a bar), which moves as the Axes is resized.
    """
    pad = FIGURE_PAD * fig.dpi
    width, height = fig.bbox.width, fig.bbox.height
    for _ in range(2 if ax.texts else 1):  # a second pass moves the Axes by a pixel or two at most
        outer, inner = ax.get_tightbbox(renderer), ax.get_window_extent(renderer)
        if outer is None:
            return
        x0, x1 = inner.x0 - outer.x0 + pad, width - (outer.x1 - inner.x1 + pad)  # where the Axes should be, in pixels
        y0, y1 = inner.y0 - outer.y0 + pad, height - (outer.y1 - inner.y1 + pad)
        if (
            x0 >= x1
            or y0 >= y1
            or max(abs(x0 - inner.x0), abs(x1 - inner.x1), abs(y0 - inner.y0), abs(y1 - inner.y1)) < 1
        ):
            return  # it cannot fit, or it fits to a pixel
        ax.set_position((x0 / width, y0 / height, (x1 - x0) / width, (y1 - y0) / height))


def write_figures(
    tables: dict[str, pd.DataFrame],
    out_dir: Path,
    lang: str | Translator = "en",
    executor: Executor | None = None,
) -> dict[str, Path]:
    """One PNG per table that has a figure (see draw_figure); titles, axis labels and legends in ``lang``.

    With an ``executor`` (worker processes, see report_executor) the figures are shared with it: it starts with the
    smallest while this process draws from the largest, taking back each one no worker has started yet.
    """
    t = as_translator(lang)
    names = list(_figure_makers(t))
    largest_first = sorted(names, key=lambda n: -_figure_area(n, tables[n]))
    futures: dict[str, Future] = {}
    if executor is not None:
        try:
            for name in reversed(largest_first):
                futures[name] = executor.submit(draw_figure, name, tables[name], out_dir, t.lang)
        except (BrokenExecutor, RuntimeError):
            pass  # no (more) help: the rest is drawn here
    for name in largest_first:
        future = futures.get(name)
        if future is not None and not future.cancel():
            continue  # a worker has this figure
        futures.pop(name, None)
        draw_figure(name, tables[name], out_dir, t)
    for name, future in futures.items():
        try:
            future.result()
        except BrokenExecutor:  # a worker died: its figure is drawn here
            draw_figure(name, tables[name], out_dir, t)
    return {name: out_dir / f"{name}.png" for name in names}


def _figure_area(name: str, table: pd.DataFrame) -> float:
    """A figure's size in square inches, the measure of how long it takes to draw."""
    width, height = _figure_size(name, table)
    return width * height


def report_workers() -> int:
    """How many worker processes a report may start here: one per processor beyond this one (at most MAX_WORKERS),
    or 0 where forking is not safe.

    Workers are forked (they start at once, with pandas and matplotlib already loaded), which is safe on Linux in a
    process running no other thread: a fork copies only the calling thread, so a lock another thread held would stay
    locked in the worker. `casebook report` runs one thread; a Jupyter kernel runs several and reports alone.
    """
    import multiprocessing

    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    if threading.active_count() > 1:
        return 0
    try:
        processors = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        processors = os.cpu_count() or 1
    return max(0, min(processors - 1, MAX_WORKERS))


@contextmanager
def report_executor(workers: int | None = None) -> Iterator[Executor | None]:
    """Worker processes for one report (None when there are none): ``workers`` of them, at most report_workers()
    (default: that many). Work not started when the block ends is cancelled; the workers end with it."""
    n = report_workers() if workers is None else min(workers, report_workers())
    if n <= 0:
        yield None
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Loaded before the fork, so that no worker loads them again.
    import matplotlib.backends.backend_agg  # noqa: F401
    import pandas  # noqa: F401

    from . import plots  # noqa: F401

    pool = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork"), initializer=_worker_started)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _worker_started() -> None:
    """A report worker leaves Ctrl-C to the process that started it, which cancels the work and ends the workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _index_html(summary: ReportSummary, tables: dict[str, pd.DataFrame]) -> str:
    """The report's front page, in the report's language (``<html lang>``); every piece of text from the hand-ins is
    escaped."""
    t = translator_for(summary.lang)
    heading = t("Class report")
    parts = [
        f'<!doctype html><html lang="{escape(t.lang)}"><head><meta charset="utf-8">'
        f"<title>{escape(t('{title} — Leg Pain Casebook').format(title=heading))}</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:2em auto;max-width:60em}"
        " table{border-collapse:collapse;font-size:0.9em} td,th{border:1px solid #bbb;padding:0.2em 0.5em}"
        " img{max-width:100%} .problem{color:#b71c1c}</style></head><body>",
        f"<h1>{escape(heading)}</h1>",
        f"<p>{escape(str(summary)).replace(chr(10), '<br>')}</p>",
        f"<p><i>{escape(t('Teaching material, not a diagnostic device.'))}</i></p>",
    ]
    if summary.problems:
        items = "".join(f'<li class="problem">{escape(_problem_text(p, t))}</li>' for p in summary.problems[:200])
        rest = len(summary.problems) - 200
        said = t.ngettext("… and {n} more (see problems.csv)", "… and {n} more (see problems.csv)", rest)
        more = f"<li>{escape(said.format(n=rest))}</li>" if rest > 0 else ""
        parts.append(f"<h2>{escape(t('Problems (skipped)'))}</h2><ul>{items}{more}</ul>")
    for name, table in tables.items():
        if name == "problems":
            continue
        title = t(SECTION_TITLES[name]) if name in SECTION_TITLES else name.replace("_", " ").capitalize()
        parts.append(f'<h2 id="{escape(name)}">{escape(title)}</h2>')
        if name in summary.figures:
            parts.append(f'<img src="{escape(summary.figures[name].name)}" alt="{escape(title)}">')
        parts.append(f'<p><a href="{escape(name)}.csv">{escape(name)}.csv</a></p>')
        parts.append(table.to_html(index=name == "confusion_matrix", escape=True, border=0))
    parts.append("</body></html>")
    return "\n".join(parts)


def _problem_text(problem: RecordProblem, t: Translator) -> str:
    """'file, line 3: what is wrong' in the report's language."""
    message = t(problem.message)
    if problem.line:
        return t("{file}, line {line}: {message}").format(file=problem.file, line=problem.line, message=message)
    return t("{file}: {message}").format(file=problem.file, message=message)


def build_report(
    folder: str | Path,
    out_dir: str | Path,
    book: Casebook | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    lang: str | Translator | None = "en",
    workers: int | None = None,
) -> ReportSummary:
    """Read every attempts file in ``folder`` and write CSV tables, PNG figures and index.html into ``out_dir``,
    the text, figure titles, axis labels and legends in ``lang`` (the CSV columns keep their machine-readable names).

    Condition names and question texts come from ``book`` (default: the bundled cases; ids when they cannot be loaded).
    Bad files and lines are skipped and listed (problems.csv); a text progress bar goes to stderr for large folders
    unless ``on_progress`` is given. Reading and drawing are shared with ``workers`` worker processes (default: one
    per spare processor where that is safe, see report_workers; 0: none); what is written is the same either way.
    Raises FileNotFoundError when ``folder`` does not exist.
    """
    with cycle_collection_paused(), report_executor(workers) as executor:
        return _build_report(Path(folder), Path(out_dir), book, on_progress, lang, executor)


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's collector of reference cycles paused while a report is made (and in the workers it forks meanwhile).

    Reading 100,000 attempts and drawing the figures make millions of objects that reference counting frees, so a
    collection, which starts every few hundred new objects and walks whatever lives, finds almost nothing: it cost a
    tenth of a report's time (7.0 against 6.0 s over 100,000 attempts). What cycles a report leaves (its figures) are
    collected once the collector runs again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build_report(
    folder: Path,
    out_dir: Path,
    book: Casebook | None,
    on_progress: Callable[[int, int], None] | None,
    lang: str | Translator | None,
    executor: Executor | None,
) -> ReportSummary:
    t = as_translator(lang) if lang is not None else translator_for(None)
    if book is None:
        book = _bundled_book()
    progress = on_progress or TextProgress(label=t(TextProgress.LABEL))
    files = 0

    def count_files(done: int, total: int) -> None:
        nonlocal files
        files = total
        progress(done, total)

    df, problems = analytics.read_folder(folder, on_progress=count_files, executor=executor)
    out_dir.mkdir(parents=True, exist_ok=True)
    code = t.lang if t.lang in ("en", "nb", "da") else "en"  # content texts: the pseudo-language reads English
    tables = class_tables(df, problems, book, code)
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
        calibration=analytics.calibration_summary(df, t.lang, who="class"),
        lang=t.lang,
    )
    for name, table in tables.items():
        path = out_dir / f"{name}.csv"
        table.to_csv(path, index=name == "confusion_matrix")
        summary.tables[name] = path
    summary.figures = write_figures(tables, out_dir, t, executor)
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
    """casebook report FOLDER [--out DIR] [--cases FOLDER] [--lang LANG]"""
    t = command_translator(args)
    folder = Path(args.folder)
    if not folder.is_dir():
        print(t("casebook report: no such folder: {folder}").format(folder=folder), file=sys.stderr)
        return EXIT_USAGE
    summary = build_report(folder, Path(args.out), _bundled_book(args.cases), lang=t)
    for p in summary.problems:
        print(t("skipped: {problem}").format(problem=_problem_text(p, t)), file=sys.stderr)
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
    add_lang_option(p, "language of the report's text and figures")
    p.set_defaults(func=cmd_report)
