"""Times load + validate of the bundled cases and of 250/500/1,000 generated cases; prints a table (never asserted)."""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import casebook  # noqa: E402
from casebook.loading import bundled_cases_dir  # noqa: E402

TEMPLATE_CASE = "dvt-after-long-flight"


def median_seconds(func: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time of ``runs`` calls (call it once untimed first, e.g. through peak_mib)."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def peak_mib(func: Callable[[], Any]) -> tuple[Any, float]:
    """The result and the peak Python memory (tracemalloc, in MiB) of one call; doubles as the warm-up call."""
    tracemalloc.start()
    try:
        result = func()
        return result, tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def write_copies(folder: Path, n: int) -> Path:
    """A cases folder of ``n`` copies of the template case with new ids (it uses the bundled bank and conditions)."""
    template = json.loads((bundled_cases_dir() / "vignettes" / f"{TEMPLATE_CASE}.json").read_text(encoding="utf-8"))
    template.pop("lookalike_cases", None)  # the other bundled cases are not in the generated folder
    (folder / "vignettes").mkdir(parents=True)
    for i in range(n):
        case_id = f"{TEMPLATE_CASE}-{i:04d}"
        (folder / "vignettes" / f"{case_id}.json").write_text(
            json.dumps({**template, "id": case_id}, indent=2, ensure_ascii=False), encoding="utf-8"
        )
    return folder


def import_seconds(runs: int) -> float:
    """Median time of `import casebook` in a fresh interpreter, minus the interpreter's own start-up."""

    def run(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        return time.perf_counter() - start

    bare = statistics.median(run("pass") for _ in range(runs))
    return statistics.median(run("import casebook") for _ in range(runs)) - bare


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per row (median reported; default 3)")
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[250, 500, 1000],
        help="numbers of generated cases (default 250 500 1000)",
    )
    args = parser.parse_args(argv)

    rows = []
    casebook.load()  # first use: compiles the schema validators, which every later row reuses
    with tempfile.TemporaryDirectory(prefix="casebook-bench-") as tmp:
        for label, folder in [("bundled cases/", None)] + [
            (f"{n} generated", write_copies(Path(tmp) / f"cases-{n}", n)) for n in args.sizes
        ]:
            book, mib = peak_mib(lambda folder=folder: casebook.load(folder))
            seconds = median_seconds(lambda folder=folder: casebook.load(folder), args.runs)
            rows.append((label, len(book.cases), len(book.problems), seconds, mib))

    print(
        f"load + validate (casebook.load: parse, schema pass, cross-reference pass), median of {args.runs} runs "
        f"(wall and CPU time; CPU is steadier on a busy machine), Python {sys.version.split()[0]}"
    )
    print(
        f"{'folder':<16} {'valid cases':>11} {'problems':>8} {'wall s':>8} {'CPU s':>8} "
        f"{'CPU ms/case':>11} {'peak MiB':>9}"
    )
    for label, cases, problems, (wall, cpu), mib in rows:
        per_case = f"{1000 * cpu / cases:11.2f}" if cases else f"{'-':>11}"
        print(f"{label:<16} {cases:>11} {problems:>8} {wall:>8.3f} {cpu:>8.3f} {per_case} {mib:>9.1f}")
    generated = [r for r in rows[1:] if r[1]]
    if len(generated) > 1:
        first = generated[0]
        growth = ", ".join(
            f"{r[1] / first[1]:.0f}x cases -> {r[3][1] / first[3][1]:.2f}x CPU time" for r in generated[1:]
        )
        print(f"growth against {first[1]} cases: {growth} (linear when the two factors match)")
    print(
        f"import casebook in a fresh interpreter: {import_seconds(3):.2f} s "
        "(median of 3, interpreter start-up subtracted)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
