"""Benchmark: the class report over 100,000 attempts in 500 files against a plain json.loads of every line.

Prints both times (median of several runs, in this one process), their ratio (the target is at most 1.5) and the
peak memory of one report (tracemalloc, and the process's peak RSS). The report is ``report.build_report``: read
every file, the nine tables, the eight figures and index.html. pandas and matplotlib are imported before timing.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

FILES = 500
PER_FILE = 200
RUNS = 3
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


def timed(run, runs: int) -> tuple[float, float, object]:
    """Median wall time and median CPU time of ``runs`` calls, and the last call's result.

    The CPU time (this process only) is the steadier figure on a machine other programs keep busy.
    """
    wall, cpu, result = [], [], None
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        result = run()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu), result


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=FILES)
    parser.add_argument("--per-file", type=int, default=PER_FILE)
    parser.add_argument("--runs", type=int, default=RUNS, help=f"timed runs of each (median; default {RUNS})")
    parser.add_argument("--profile", metavar="FILE", help="also write a cProfile of one report to FILE")
    args = parser.parse_args()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.figure  # noqa: F401  (imported before timing, as pandas is)
    import pandas  # noqa: F401

    import casebook
    from casebook import analytics, report

    book = casebook.load()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        t = time.perf_counter()
        size = write_class(folder, args.files, args.per_file)
        print(
            f"generated {args.files} files x {args.per_file} attempts ({size / 1024 / 1024:.0f} MiB) "
            f"in {time.perf_counter() - t:.1f} s"
        )
        out = Path(tmp) / "report"

        def build():
            return report.build_report(folder, out, book, on_progress=lambda d, n: None)

        build()  # warm-up: caches, fonts, first-call costs
        floor, floor_cpu, lines = timed(lambda: plain_json_loads(folder), args.runs)
        full, full_cpu, summary = timed(build, args.runs)
        data, data_cpu, _ = timed(lambda: report.class_tables(*analytics.read_folder(folder), book), args.runs)
        print(f"plain json.loads of every line: {lines} lines in {floor:.2f} s ({floor_cpu:.2f} s CPU)")
        print(
            f"build_report (read + {len(summary.tables)} tables + {len(summary.figures)} figures + index.html): "
            f"{summary.attempts} attempts, {len(summary.problems)} problem(s) in {full:.2f} s ({full_cpu:.2f} s CPU)"
        )
        print(f"  of which read_folder + the tables: {data:.2f} s ({data_cpu:.2f} s CPU)")
        print(f"(medians of {args.runs} runs each, in this process)")
        for label, t, c in (("the report", full, full_cpu), ("read + tables", data, data_cpu)):
            verdict = "within" if t / floor <= TARGET_RATIO else "OVER"
            print(
                f"ratio {label} / json.loads: {t / floor:.2f} wall, {c / floor_cpu:.2f} CPU "
                f"({verdict} the target of {TARGET_RATIO})"
            )

        tracemalloc.start()
        build()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak memory of one report: {peak / 1024 / 1024:.0f} MiB traced (tracemalloc); ", end="")
        print(f"process peak RSS {maxrss_mib():.0f} MiB (pandas and matplotlib loaded)")

        if args.profile:
            import cProfile

            cProfile.runctx("build()", globals(), {"build": build}, args.profile)
            print(f"profile of one report written to {args.profile}")


if __name__ == "__main__":
    main()
