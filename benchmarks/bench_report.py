"""Benchmark: the class report over 100,000 attempts in 500 files against a plain json.loads of every line.

The figure issue 11 asks for is ``report / json.loads``: the wall time of ``report.build_report`` (read every file,
the tables, the figures and index.html, as `casebook report` does: with its worker processes where the machine has
spare processors) over the wall time of opening every file and json.loads-ing every line, both measured in this one
run; the target is at most 1.5. They are timed in ``--runs`` pairs, a report right after its json.loads (the speed of
this machine, a virtual one, drifts by 15% within a minute, so bests taken minutes apart compare different machines);
the figure is the median of the pairs' ratios, with each pair's, the bests and medians, and the load average.

Then the parts: the same report with no worker process (workers=0), reading + tables, and the figures alone; and the
peak memory of one report: traced in this process (tracemalloc), this process's peak RSS, and the workers' peak RSS.
pandas and matplotlib are imported before timing, as the command line has them imported by the time it reads.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

FILES = 500
PER_FILE = 200
RUNS = 5
TARGET_RATIO = 1.5


def demo_records() -> list[dict]:
    """The made-up class's attempts as JSON lines (events included); lines that are not JSON objects are left out."""
    from casebook.demo import demo_folder

    records = []
    for path in sorted(demo_folder().glob("demo-student-*.jsonl")):
        for text in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(text)
            except json.JSONDecodeError:
                continue  # the planted cut-off line
            if isinstance(record, dict):
                records.append(record)
    return records


def write_class(folder: Path, files: int, per_file: int) -> int:
    """``files`` JSONL files of ``per_file`` attempts each, cloned from the made-up class; returns bytes written."""
    base = demo_records()
    total = 0
    for f in range(files):
        lines = []
        for k in range(per_file):
            record = dict(base[(f * per_file + k) % len(base)])
            record["attempt_id"] = f"bench-{f:03d}-{k:03d}"
            record["alias"] = f"bench-student-{f:03d}"
            lines.append(json.dumps(record, ensure_ascii=False) + "\n")
        if f == 7:
            lines[5] = lines[5][:200] + "\n"  # one broken line, as in real hand-ins
        text = "".join(lines)
        (folder / f"bench-student-{f:03d}.jsonl").write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
    return total


def plain_json_loads(folder: Path) -> int:
    """The floor: open every file and json.loads every line (bad lines counted, nothing else); returns lines read."""
    read = 0
    for path in sorted(folder.glob("*.jsonl")):
        with open(path, encoding="utf-8") as f:
            for line in f:
                try:
                    json.loads(line)
                except json.JSONDecodeError:
                    pass
                read += 1
    return read


class Timing:
    """Wall and CPU times of several runs of one thing (CPU: this process and the worker processes it waited for)."""

    def __init__(self, label: str):
        self.label, self.wall, self.cpu, self.result = label, [], [], None

    def run(self, thing: Callable[[], object], runs: int) -> Timing:
        for _ in range(runs):
            cpu = _cpu_seconds()
            start = time.perf_counter()
            self.result = thing()
            self.wall.append(time.perf_counter() - start)
            self.cpu.append(_cpu_seconds() - cpu)
        return self

    @property
    def best(self) -> float:
        return min(self.wall)

    def line(self, floor: Timing | None = None) -> str:
        ratio = f"  = {self.best / floor.best:.2f} x json.loads" if floor is not None else ""
        return (
            f"{self.label:<44} best {self.best:6.2f} s, median {statistics.median(self.wall):6.2f} s wall; "
            f"CPU {min(self.cpu):6.2f} s{ratio}"
        )


def _cpu_seconds() -> float:
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=FILES)
    parser.add_argument("--per-file", type=int, default=PER_FILE)
    parser.add_argument(
        "--runs",
        type=int,
        default=RUNS,
        help=f"timed pairs of json.loads and report, and runs of each part (default {RUNS})",
    )
    parser.add_argument("--profile", metavar="FILE", help="also write a cProfile of one report (no workers) to FILE")
    args = parser.parse_args()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.figure  # noqa: F401  (imported before timing, as pandas is)
    import pandas  # noqa: F401

    import casebook
    from casebook import analytics, report

    book = casebook.load()
    workers = report.report_workers()
    print(f"processors {os.cpu_count()}, report workers {workers}, load average {load_average()} (1, 5, 15 min)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        start = time.perf_counter()
        size = write_class(folder, args.files, args.per_file)
        print(
            f"generated {args.files} files x {args.per_file} attempts ({size / 1024 / 1024:.0f} MiB) "
            f"in {time.perf_counter() - start:.1f} s"
        )
        out = Path(tmp) / "report"

        def build(workers: int | None = None):
            return report.build_report(folder, out, book, on_progress=lambda d, n: None, workers=workers)

        def read_and_tables():  # as build_report does it (the collector of reference cycles paused, see there)
            with report.cycle_collection_paused(), report.report_executor() as executor:
                return report.class_tables(*analytics.read_folder(folder, executor=executor), book)

        build()  # warm-up: caches, fonts, first-call costs
        tables = read_and_tables()

        def figures():
            with report.cycle_collection_paused(), report.report_executor() as executor:
                return report.write_figures(tables, out, "en", executor)

        floor = Timing("plain json.loads of every line")
        full = Timing("build_report (as `casebook report`)")
        for _ in range(args.runs):  # in pairs: this machine's speed drifts by 15% within a minute
            floor.run(lambda: plain_json_loads(folder), 1)
            full.run(build, 1)
        alone = Timing("build_report, no worker process").run(lambda: build(0), args.runs)
        data = Timing("  read_folder + the tables").run(read_and_tables, args.runs)
        drawn = Timing("  the figures").run(figures, args.runs)
        summary = full.result
        print(f"load average after timing {load_average()}")
        print(
            f"{floor.result} lines; {summary.attempts} attempts, {len(summary.problems)} problem(s), "
            f"{len(summary.tables)} tables, {len(summary.figures)} figures + index.html"
        )
        print(floor.line())
        for timing in (full, alone, data, drawn):
            print(timing.line(floor))
        pairs = [report_s / floor_s for report_s, floor_s in zip(full.wall, floor.wall, strict=True)]
        ratio = statistics.median(pairs)
        verdict = "within" if ratio <= TARGET_RATIO else "OVER"
        print(
            f"report / json.loads = {ratio:.2f} (median of {args.runs} pairs, each report timed right after its "
            f"json.loads: {', '.join(f'{r:.2f}' for r in pairs)}; best / best {full.best / floor.best:.2f}): "
            f"{verdict} the target of {TARGET_RATIO}"
        )

        tracemalloc.start()
        build()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        print(
            f"peak memory of one report: {peak / 2**20:.0f} MiB traced in this process (tracemalloc); peak RSS "
            f"{me.ru_maxrss / 1024:.0f} MiB this process (pandas and matplotlib loaded), "
            f"{children.ru_maxrss / 1024:.0f} MiB the largest worker"
        )

        if args.profile:
            import cProfile

            cProfile.runctx("build(0)", globals(), {"build": build}, args.profile)
            print(f"profile of one report (no workers) written to {args.profile}")


if __name__ == "__main__":
    main()
