"""Benchmark: progress store write time per attempt (median, p95), bulk import, and reading every attempt back."""

from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from casebook.attempts import AttemptRecord, read_attempts
from casebook.demo import demo_folder
from casebook.progress import ProgressStore

WRITES = 1000


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def templates() -> list[AttemptRecord]:
    """Realistic attempt records (with their events) from the made-up class; the planted broken line is left out."""
    return [
        record
        for path in sorted(demo_folder().glob("demo-student-*.jsonl"))
        for _, record, _ in read_attempts(path)
        if record
    ]


def main() -> None:
    base = templates()
    events = statistics.mean(len(r.events or ()) for r in base)
    with tempfile.TemporaryDirectory() as tmp:
        store = ProgressStore(Path(tmp) / "progress.sqlite")
        times = []
        for n in range(WRITES):
            record = replace(base[n % len(base)], attempt_id=f"bench-{n:06d}")
            t = time.perf_counter()
            store.save_attempt(record)
            times.append(time.perf_counter() - t)
        t = time.perf_counter()
        again = sum(store.save_attempt(replace(base[0], attempt_id=f"bench-{n:06d}")) for n in range(200))
        duplicate = (time.perf_counter() - t) / 200
        t = time.perf_counter()
        everything = store.attempts()
        read = time.perf_counter() - t
        export = Path(tmp) / "all.jsonl"
        t = time.perf_counter()
        store.export_jsonl(export)
        exported = time.perf_counter() - t
        other = ProgressStore(Path(tmp) / "other.sqlite")
        t = time.perf_counter()
        result = other.import_file(export)
        imported = time.perf_counter() - t
        size = (Path(tmp) / "progress.sqlite").stat().st_size + sum(
            p.stat().st_size for p in Path(tmp).glob("progress.sqlite-*")
        )
    print(
        f"save_attempt, {WRITES} attempts one by one "
        f"(each its own transaction, {events:.0f} events per attempt on average):"
    )
    print(
        f"  median {1000 * statistics.median(times):.2f} ms, p95 {1000 * p95(times):.2f} ms, "
        f"max {1000 * max(times):.2f} ms per attempt"
    )
    print(f"  saving an attempt already stored (idempotent no-op): {1000 * duplicate:.2f} ms; added {again}")
    print(f"attempts(): {len(everything)} attempts with events read back in {1000 * read:.0f} ms")
    print(f"export_jsonl: {1000 * exported:.0f} ms; import_file into a new store: {1000 * imported:.0f} ms ({result})")
    print(f"database size on disk: {size / 1024 / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
