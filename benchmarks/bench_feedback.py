"""Benchmark, inside a real IPython kernel: submit click to rendered feedback against a bare ipywidgets callback.

Also: widget messages the kernel sends per click (each one is work for the browser), live widget models after one
case and after twenty "Next case" clicks (closing what a new case replaces keeps this flat), memory after ten cases.

Run as a script, it starts a kernel (jupyter_client) and `%run`s itself there with --measure, so widget updates travel
through real comms exactly as in a notebook; the kernel prints the figures.
"""

from __future__ import annotations

import contextlib
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


def live_widgets() -> int:
    """Widget models alive in this kernel (ipywidgets 8: ``widget._instances``; 7: ``Widget.widgets``)."""
    import ipywidgets as w
    from ipywidgets.widgets import widget

    gc.collect()
    registry = getattr(widget, "_instances", None)
    return len(registry if registry is not None else w.Widget.widgets)


class MessageCounter:
    """Counts the comm messages widgets send (state updates and custom messages such as focus)."""

    def __init__(self) -> None:
        import ipywidgets as w

        self.count = 0
        self._original = w.Widget._send
        counter = self

        def counting_send(widget, msg, buffers=None):
            counter.count += 1
            return counter._original(widget, msg, buffers)

        w.Widget._send = counting_send


def main() -> None:
    start_rss = rss_mib()
    import ipywidgets as w

    import casebook
    from casebook.ui import CaseApp

    book = casebook.load()
    after_import = rss_mib()
    messages = MessageCounter()
    sent_per_submit: list[int] = []
    sent_per_question: list[int] = []

    def play(app, case) -> float:
        for q in case.key_questions:
            before = messages.count
            app.history.buttons[q].click()
            sent_per_question.append(messages.count - before)
        app.decision.ranks[0].value = case.diagnosis
        app.decision.next_step.value = case.correct_steps[0].step
        before = messages.count
        t = time.perf_counter()
        app.decision.submit.click()
        elapsed = (time.perf_counter() - t) * 1000
        sent_per_submit.append(messages.count - before)
        assert app.feedback.text, f"no feedback rendered for {case.id}"
        return elapsed

    # Live widget models after the first case and after twenty clicks on Next case.
    base = live_widgets()
    first_id = sorted(book.cases)[0]
    app = CaseApp(book, first_id)
    after_one = live_widgets() - base
    for _ in range(20):
        app.next_button.click()
    after_twenty = live_widgets() - base
    if hasattr(app, "close"):
        app.close()
    del app

    # Kernel memory after playing ten cases, as a student would in one notebook (apps kept alive).
    gc.collect()
    before_ten = rss_mib()
    kept = []
    for case_id in sorted(book.cases)[:10]:
        app = CaseApp(book, case_id)
        play(app, book.cases[case_id])
        kept.append(app)
    gc.collect()
    after_ten = rss_mib()

    # The floor: a button whose callback does nothing, and one whose callback updates one HTML widget.
    noop, bare = [], []
    button, label = w.Button(description="bare"), w.HTML()
    button.on_click(lambda _b: None)
    for _ in range(2000):
        t = time.perf_counter()
        button.click()
        noop.append((time.perf_counter() - t) * 1000)
    button2 = w.Button(description="bare + HTML")
    button2.on_click(lambda _b: setattr(label, "value", f"<b>clicked {time.perf_counter()}</b>"))
    for _ in range(2000):
        t = time.perf_counter()
        button2.click()
        bare.append((time.perf_counter() - t) * 1000)

    # Submit click -> feedback panel filled, for every case, played as an expert (key questions, right answer).
    submit, rounds = [], 5
    for case_id in sorted(book.cases):
        app = CaseApp(book, case_id)
        for _ in range(rounds):
            app.restart()
            submit.append(play(app, book.cases[case_id]))

    print(f"cases: {len(book.cases)}, submit clicks measured: {len(submit)} ({rounds} per case)")
    print(f"{'measure':46} {'median ms':>10} {'p95 ms':>10}")
    print(f"{'bare Button.click(), no-op callback':46} {statistics.median(noop):10.3f} {p95(noop):10.3f}")
    print(f"{'bare Button.click() setting one HTML widget':46} {statistics.median(bare):10.3f} {p95(bare):10.3f}")
    print(f"{'submit click -> feedback panel rendered':46} {statistics.median(submit):10.3f} {p95(submit):10.3f}")
    print(f"ratio of medians (submit / bare HTML callback): {statistics.median(submit) / statistics.median(bare):.0f}x")
    print(
        f"widget messages sent per click: question median {statistics.median(sent_per_question):.0f}, "
        f"submit median {statistics.median(sent_per_submit):.0f} (max {max(sent_per_submit)})"
    )
    print(
        f"live widget models: {after_one} after one case, {after_twenty} after twenty Next case clicks "
        f"({after_twenty / after_one:.2f}x)"
    )
    print(
        f"kernel memory: start {start_rss:.0f} MiB, after imports + load {after_import:.0f} MiB, "
        f"after ten played cases {after_ten:.0f} MiB (+{after_ten - before_ten:.1f} MiB for the ten)"
    )


def run_in_kernel() -> None:
    """Start a fresh kernel, run the measurement in it and print its figures.

    The figures come back through a file and the shell channel's reply: a kernel that sends tens of thousands of
    widget messages overflows the IOPub queue of a client that does not render them, and ZeroMQ then drops messages.
    """
    import tempfile

    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "figures.txt"
        try:
            msg_id = kc.execute(f"%run {Path(__file__).resolve()} --measure {out}")
            while True:
                reply = kc.get_shell_msg(timeout=900)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            if reply["content"]["status"] != "ok":
                content = reply["content"]
                raise SystemExit(f"the benchmark failed in the kernel: {content.get('ename')}: {content.get('evalue')}")
            print(out.read_text(encoding="utf-8"), end="")
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


if __name__ == "__main__":
    import sys

    if "--measure" in sys.argv:
        with open(sys.argv[-1], "w", encoding="utf-8") as figures, contextlib.redirect_stdout(figures):
            main()
    else:
        run_in_kernel()
