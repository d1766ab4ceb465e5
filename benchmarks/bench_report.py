"""Benchmark: read + report over 100,000 attempts in 500 generated files: time and peak memory (tracemalloc and RSS)."""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

FILES = 500
PER_FILE = 200


def write_class(folder: Path, files: int, per_file: int) -> int:
    """``files`` JSONL files of ``per_file`` attempts each, cloned from the made-up class (events included); returns bytes written."""
    from casebook.demo import demo_folder
    from casebook.progress import iter_records

    base = [
        record
        for path in sorted(demo_folder().glob("demo-student-*.jsonl"))
        for _, record, _ in iter_records(path)
        if record
    ]
    total = 0
    for f in range(files):
        lines = []
        for k in range(per_file):
            record = dict(base[(f * per_file + k) % len(base)])
            record["attempt_id"] = f"bench-{f:03d}-{k:03d}"
            record["alias"] = f"bench-student-{f:03d}"
            lines.append(json.dumps(record) + "\n")
        if f == 7:
            lines[5] = lines[5][:200] + "\n"  # one broken line, as in real hand-ins
        text = "".join(lines)
        (folder / f"bench-student-{f:03d}.jsonl").write_text(text, encoding="utf-8")
        total += len(text)
    return total


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=FILES)
    parser.add_argument("--per-file", type=int, default=PER_FILE)
    args = parser.parse_args()
    import matplotlib

    matplotlib.use("Agg")
    import casebook
    from casebook import analytics, report

    book = casebook.load()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        t = time.perf_counter()
        size = write_class(folder, args.files, args.per_file)
        print(
            f"generated {args.files} files x {args.per_file} attempts ({size / 1024 / 1024:.0f} MiB) in {time.perf_counter() - t:.1f} s"
        )
        rss_before = maxrss_mib()

        t = time.perf_counter()
        summary = report.build_report(folder, Path(tmp) / "report", book, on_progress=lambda d, n: None)
        full = time.perf_counter() - t
        rss_after = maxrss_mib()
        print(
            f"build_report (read + 9 tables + 8 figures + index.html): {summary.attempts} attempts, {len(summary.problems)} problem(s) in {full:.1f} s"
        )
        print(
            f"peak RSS: {rss_after:.0f} MiB, {rss_after - rss_before:.0f} MiB above the {rss_before:.0f} MiB before reading (pandas and matplotlib loaded)"
        )
        del summary

        t = time.perf_counter()
        df, problems = analytics.read_folder(folder)
        read = time.perf_counter() - t
        print(f"read_folder alone: {len(df)} attempts in {read:.1f} s ({len(df) / read:,.0f} attempts/s)")
        del df, problems

        tracemalloc.start()
        t = time.perf_counter()
        df, problems = analytics.read_folder(folder)
        tables = report.class_tables(df, problems, book)
        traced = time.perf_counter() - t
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"tracemalloc peak for read_folder + all tables: {peak / 1024 / 1024:.0f} MiB ({traced:.1f} s with tracing on); "
            f"attempts table itself: {df.memory_usage(deep=True).sum() / 1024 / 1024:.0f} MiB; {len(tables)} tables"
        )


if __name__ == "__main__":
    main()
