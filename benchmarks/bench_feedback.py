"""Benchmark: submit click to rendered feedback (every bundled case) against a bare ipywidgets callback; memory after ten cases."""

from __future__ import annotations

import gc
import statistics
import time
from pathlib import Path


def rss_mib() -> float:
    """Resident memory of this process in MiB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    start_rss = rss_mib()
    import ipywidgets as w

    import casebook
    from casebook.ui import CaseApp

    book = casebook.load()
    after_import = rss_mib()

    # The floor: a button whose callback does nothing.
    button = w.Button(description="bare")
    button.on_click(lambda _b: None)
    bare = []
    for _ in range(2000):
        t = time.perf_counter()
        button.click()
        bare.append((time.perf_counter() - t) * 1000)

    # Submit click -> feedback panel filled, for every case, played as an expert (key questions, right answer).
    submit, rounds = [], 5
    for case_id in sorted(book.cases):
        case = book.cases[case_id]
        app = CaseApp(book, case_id)
        for _ in range(rounds):
            app.restart()
            for q in case.key_questions:
                app.history.buttons[q].click()
            app.decision.ranks[0].value = case.diagnosis
            app.decision.next_step.value = case.correct_steps[0].step
            t = time.perf_counter()
            app.decision.submit.click()
            elapsed = (time.perf_counter() - t) * 1000
            assert app.feedback.text, f"no feedback rendered for {case_id}"
            submit.append(elapsed)

    # Memory after playing ten cases in one kernel-like process (apps kept alive, as in a notebook).
    gc.collect()
    before_ten = rss_mib()
    kept = []
    for case_id in sorted(book.cases)[:10]:
        case = book.cases[case_id]
        app = CaseApp(book, case_id)
        for q in case.key_questions:
            app.history.buttons[q].click()
        app.decision.ranks[0].value = case.diagnosis
        app.decision.next_step.value = case.correct_steps[0].step
        app.decision.submit.click()
        kept.append(app)
    gc.collect()
    after_ten = rss_mib()

    print(f"cases: {len(book.cases)}, submit clicks measured: {len(submit)} ({rounds} per case)")
    print(f"{'measure':46} {'median ms':>10} {'p95 ms':>10}")
    print(f"{'bare ipywidgets Button.click() callback':46} {statistics.median(bare):10.3f} {p95(bare):10.3f}")
    print(f"{'submit click -> feedback panel rendered':46} {statistics.median(submit):10.3f} {p95(submit):10.3f}")
    print(f"ratio of medians (submit / bare): {statistics.median(submit) / statistics.median(bare):.0f}x")
    print(f"memory: start {start_rss:.0f} MiB, after imports + load {after_import:.0f} MiB, "
          f"before ten cases {before_ten:.0f} MiB, after ten played cases {after_ten:.0f} MiB (+{after_ten - before_ten:.1f} MiB)")


if __name__ == "__main__":
    main()
