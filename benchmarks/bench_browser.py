"""Benchmark in Debian's Chromium: Submit click to feedback on screen, and opening the notebook to the first case shown.

Starts its own Voila and JupyterLab (as the browser tests do), plays the DVT case and prints figures (p50 and p95 over
CLICKS clicks); never asserts on time. Click-to-feedback is measured inside the page: from the click event on Submit to
the DOM mutation that puts the verdict in the feedback panel (a MutationObserver), so Playwright's polling adds nothing.
Restart is clicked between submits, and each Submit waits until the page has settled (no websocket frame for
SETTLED_MS): a student reads and chooses before submitting, so the click should not queue behind the tail of the
Restart's widget updates (before this wait, that tail set the p95). It also counts the websocket frames the page
receives between the click and the verdict (each widget update is one), to show whether the feedback waits behind
other widget updates: in JupyterLab it did, behind the 99 a Submit sent while it disabled every question, examination
and investigation button one by one (p50 44 / p95 61 ms); hiding the lists instead takes 15 updates (30 / 35 ms).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from browser.helpers import (  # noqa: E402 - the browser tests' helpers live under tests/
    DVT_CASE,
    PANEL,
    PLAY_NOTEBOOK,
    ChromiumMissing,
    choose,
    chromium_path,
    copy_notebook,
    lab_menu,
    lab_path,
    launch_chromium,
    open_in_lab,
    scratch_dir,
    start_lab,
    start_voila,
    tidy_scratch,
    voila_path,
    wait_for_idle_kernel,
)

CLICKS = 40
LOADS = 3
SETTLED_MS = 300  # no websocket frame for this long: the page has settled before a measured click
APP_SHOWN = "() => !!document.querySelector('.cb-app .cb-question')"

WATCH_SUBMIT = """app => {
    const submit = app.querySelector('.cb-submit'), panel = app.querySelector('.cb-feedback-panel');
    window.__fb = {t0: null, t1: null};
    submit.addEventListener('click', () => { window.__fb.t0 = performance.now(); }, {capture: true, once: true});
    const seen = new MutationObserver(() => {
        if (panel.textContent.includes('Diagnosis:')) { window.__fb.t1 = performance.now(); seen.disconnect(); }
    });
    seen.observe(panel, {subtree: true, childList: true, characterData: true});
}"""


WATCH_QUESTION = """(app, qid) => {
    const button = app.querySelector('.cb-q-' + qid), counter = app.querySelector('.cb-question-counter');
    const before = counter.textContent;
    window.__q = {t0: null, t1: null};
    button.addEventListener('click', () => { window.__q.t0 = performance.now(); }, {capture: true, once: true});
    const seen = new MutationObserver(() => {
        if (counter.textContent !== before) { window.__q.t1 = performance.now(); seen.disconnect(); }
    });
    seen.observe(counter, {subtree: true, childList: true, characterData: true});
}"""


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def summary(label: str, values: list[float], unit: str) -> str:
    """One line of figures: median (p50) and p95 (p95 only when there are enough values to mean anything), min, max."""
    tail = f"p95 {p95(values):8.1f} {unit}" if len(values) >= 20 else " " * (13 + len(unit))
    return (
        f"{label:<52} p50 {statistics.median(values):8.1f} {unit}  {tail}  "
        f"min {min(values):8.1f}  max {max(values):8.1f}  (n={len(values)})"
    )


class FrameCounter:
    """Counts the websocket frames the page receives (the kernel's messages: widget updates, status, ...)."""

    def __init__(self, page) -> None:
        self.count = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._on_frame))

    def _on_frame(self, _payload) -> None:
        self.count += 1

    def settle(self, page, quiet_ms: int = 0) -> None:
        """Wait until no frame has arrived for ``quiet_ms`` (default SETTLED_MS): the page's updates are done."""
        quiet_ms = quiet_ms or SETTLED_MS
        while True:
            seen = self.count
            page.wait_for_timeout(quiet_ms)  # polling a state (the frame count), not waiting for an effect
            if self.count == seen:
                return


def click_to_feedback(page, book, case, frames: FrameCounter, clicks: int = CLICKS) -> tuple[list[float], list[int]]:
    """Milliseconds from the Submit click event to the verdict in the feedback panel, ``clicks`` times with Restart
    between; and the websocket frames received from the click until the feedback showed."""
    from playwright.sync_api import expect

    app = page.locator(".cb-app").first
    dx = book.conditions[case.diagnosis].name.en
    step = book.bank.next_steps[case.correct_steps[0].step].text.en
    for q in case.key_questions[:3]:
        app.locator(f".cb-q-{q}").click()
    out, received = [], []
    for _ in range(clicks):
        choose(app, "cb-diagnosis-1", dx)
        choose(app, "cb-next-step", step)
        frames.settle(page)
        app.evaluate(WATCH_SUBMIT)
        before = frames.count
        app.locator(".cb-submit").click()
        page.wait_for_function(
            "() => window.__fb && window.__fb.t1 !== null && window.__fb.t0 !== null", polling="raf", timeout=30_000
        )
        received.append(frames.count - before)
        out.append(page.evaluate("() => window.__fb.t1 - window.__fb.t0"))
        app.locator(".cb-restart").click()
        expect(app.locator(".cb-feedback-panel")).to_have_text("Feedback appears here after you submit.")
        expect(app.locator(".cb-submit")).to_be_enabled()
    return out, received


def click_to_answer(page, case, frames: FrameCounter, clicks: int = CLICKS) -> list[float]:
    """The floor for comparison: milliseconds from a question click to the question counter changing (one small
    kernel round trip), ``clicks`` times, with Restart whenever the case's key questions are used up."""
    from playwright.sync_api import expect

    app = page.locator(".cb-app").first
    out: list[float] = []
    while len(out) < clicks:
        app.locator(".cb-restart").click()
        expect(app.locator(".cb-question-counter")).to_contain_text("Questions asked: 0 of")
        for qid in case.key_questions[: clicks - len(out)]:
            frames.settle(page)
            app.evaluate(WATCH_QUESTION, qid)
            app.locator(f".cb-q-{qid}").click()
            page.wait_for_function("() => window.__q && window.__q.t1 !== null", polling="raf", timeout=30_000)
            out.append(page.evaluate("() => window.__q.t1 - window.__q.t0"))
    return out


def voila_load(browser, voila) -> float:
    """Milliseconds from navigation start to the first case's questions on screen, in a fresh page."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(voila.url(voila_path(PLAY_NOTEBOOK)), wait_until="commit", timeout=120_000)
    page.wait_for_function(APP_SHOWN, polling="raf", timeout=120_000)
    ms = page.evaluate("() => performance.now()")
    page.close()
    return ms


def lab_load(browser, lab, notebook: Path) -> tuple[float, float]:
    """Seconds from opening the notebook URL, and from choosing Run All, to the first case shown (outputs cleared
    first; each menu command chosen once the kernel is idle, as the browser tests do)."""
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    t_open = time.perf_counter()
    page.goto(lab.url(lab_path(notebook)))
    page.locator(f"{PANEL} .jp-Cell").first.wait_for(timeout=120_000)
    wait_for_idle_kernel(page, lab, notebook)
    lab_menu(page, "Edit", "Clear Outputs of All Cells")
    expect(page.locator(f"{PANEL} .jp-OutputArea-output")).to_have_count(0, timeout=120_000)
    wait_for_idle_kernel(page, lab, notebook)
    t_run = time.perf_counter()
    lab_menu(page, "Run", "Run All Cells")
    page.wait_for_function(APP_SHOWN, polling="raf", timeout=120_000)
    t_shown = time.perf_counter()
    page.close()
    return t_shown - t_open, t_shown - t_run


def main() -> int:
    try:
        chromium_path()
    except ChromiumMissing as e:
        print(e, file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    import casebook

    book = casebook.load()
    if DVT_CASE not in book.cases:
        print(f"the case '{DVT_CASE}' does not load: run `casebook validate`", file=sys.stderr)
        return 1
    case = book.cases[DVT_CASE]
    scratch = scratch_dir("bench-")
    with tempfile.TemporaryDirectory(prefix="casebook-bench-") as tmp, sync_playwright() as p:
        voila = start_voila(Path(tmp) / "voila")
        lab = start_lab(Path(tmp) / "lab")
        browser = launch_chromium(p)
        try:
            loads = [voila_load(browser, voila) / 1000 for _ in range(LOADS)]
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            voila_frames_counter = FrameCounter(page)  # before the page opens its kernel's websocket
            page.goto(voila.url(voila_path(PLAY_NOTEBOOK)), timeout=120_000)
            page.wait_for_function(APP_SHOWN, polling="raf", timeout=120_000)
            voila_clicks, voila_frames = click_to_feedback(page, book, case, voila_frames_counter)
            page.close()

            lab_runs = [
                lab_load(browser, lab, copy_notebook(PLAY_NOTEBOOK, scratch, name=f"bench-{i}.ipynb"))
                for i in range(LOADS)
            ]
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            lab_frames_counter = FrameCounter(page)
            notebook = copy_notebook(PLAY_NOTEBOOK, scratch, name="bench-clicks.ipynb")
            open_in_lab(page, lab, notebook, done_text="Novice feedback checked:")
            lab_clicks, lab_frames = click_to_feedback(page, book, case, lab_frames_counter)
            lab_questions = click_to_answer(page, case, lab_frames_counter)
            page.close()
        finally:
            browser.close()
            lab.stop()
            voila.stop()
            tidy_scratch(scratch)

    print(f"Debian Chromium {chromium_path()}, case {DVT_CASE}, {len(book.cases)} cases loaded")
    print(summary("Voila: Submit click -> verdict on screen", voila_clicks, "ms"))
    print(summary("JupyterLab: Submit click -> verdict on screen", lab_clicks, "ms"))
    print(summary("JupyterLab: question click -> counter (floor)", lab_questions, "ms"))
    print(summary("Voila: frames received, click -> verdict", [float(n) for n in voila_frames], "  "))
    print(summary("JupyterLab: frames received, click -> verdict", [float(n) for n in lab_frames], "  "))
    print(summary("Voila: open notebook URL -> first case shown", loads, "s"))
    print(summary("JupyterLab: open notebook URL -> first case shown", [a for a, _ in lab_runs], "s"))
    print(summary("JupyterLab: Run All -> first case shown", [b for _, b in lab_runs], "s"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
