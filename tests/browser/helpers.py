"""Servers, browser, notebook copies and page actions shared by the browser tests and benchmarks/bench_browser.py."""

from __future__ import annotations

import json
import os
import re
import runpy
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Browser, Locator, Page, Playwright, expect

from casebook.ui import JUPYTER_DATA, VOILA_TEMPLATE

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
OUTPUT = REPO / "test-output" / "browser"
HOSTILE_CASES = REPO / "tests" / "data" / "hostile"
PLAY_NOTEBOOK = "notebooks/student/01-play-a-case.ipynb"
SEMINAR_NOTEBOOK = "notebooks/teacher/02-seminar.ipynb"
DVT_CASE = "dvt-after-long-flight"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
CHROMIUM_MISSING = (
    "Debian's Chromium is missing (no 'chromium' on PATH): the browser tests need it. "
    "Install it with `apt-get install chromium` (as root) or `make chromium`; never `playwright install`."
)

# What a student reads when a widget cannot be shown (JupyterLab and Voila use the same words).
WIDGET_ERROR = "Error displaying widget"

# Payloads of tests/data/hostile (every text field there carries all of them), from the script that writes that folder.
_MADE_HOSTILE = runpy.run_path(str(REPO / "tests" / "data" / "hostile" / "make_hostile.py"))
PAYLOADS = tuple(p for p in _MADE_HOSTILE["PAYLOADS"] if p.startswith("<"))
RTL_TEXT = "עברית"
EMOJI_TEXT = "🦵🩺💥"
assert any(RTL_TEXT in p for p in _MADE_HOSTILE["PAYLOADS"]) and EMOJI_TEXT in _MADE_HOSTILE["PAYLOADS"], (
    "make_hostile.py changed its payloads"
)
HOSTILE_ALIAS = '<img src=x onerror="window.__pwned=1">'


class ChromiumMissing(RuntimeError):
    """Debian's chromium binary is not installed."""


def chromium_path() -> str:
    """The system Chromium's path; ChromiumMissing (naming the package to install) when absent."""
    path = shutil.which("chromium")
    if path is None:
        raise ChromiumMissing(CHROMIUM_MISSING)
    return path


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless, through Playwright (never a downloaded browser)."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


# ---------------------------------------------------------------- servers


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A server process we started (in its own process group), its base URL and log."""

    name: str
    proc: subprocess.Popen
    base_url: str
    log_path: Path
    token: str = ""
    workdir: Path | None = None
    _log_file: object = field(default=None, repr=False)
    root: Path = REPO  # the folder the server serves (notebook paths in its API are relative to it)

    def url(self, path: str) -> str:
        """Absolute URL for ``path`` (no leading slash), with the token when the server has one."""
        sep = "&" if "?" in path else "?"
        return self.base_url + path + (f"{sep}token={self.token}" if self.token else "")

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Stop the server and the kernels it started: SIGTERM by process group, then SIGKILL what is left."""
        stop_process_tree(self.proc)
        if self._log_file is not None:
            self._log_file.close()


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (from /proc; kernels run in sessions of their own)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            out.append(int(entry.name))
    return out


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in _children(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def stop_process_tree(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """Stop a process started with ``start_new_session=True`` and every descendant it started, by process id."""
    if proc.poll() is not None:
        return
    descendants = _descendants(proc.pid)
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)
    deadline = time.monotonic() + 5
    for pid in descendants:
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def wait_for_http(server: Server, path: str, timeout: float = 60.0) -> None:
    """Poll ``path`` until the server answers (any status below 500); RuntimeError with the server's log when it dies
    or times out."""
    url = server.base_url + path
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited with code {server.proc.returncode} before answering {url}.\n"
                f"--- its log ---\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except urllib.error.HTTPError as e:
            if e.code < 500:
                return
            last = f"HTTP {e.code}"
        except (urllib.error.URLError, OSError) as e:
            last = str(e)
        time.sleep(0.2)
    raise RuntimeError(
        f"{server.name} did not answer {url} within {timeout:.0f} s (last error: {last}).\n"
        f"--- its log ---\n{server.log_tail()}"
    )


def server_env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a server and its kernels: a throw-away progress store and Jupyter folders."""
    env = dict(os.environ)
    env["CASEBOOK_HOME"] = str(home / "casebook-home")
    env["JUPYTER_CONFIG_DIR"] = str(home / "jupyter-config")
    env["JUPYTER_RUNTIME_DIR"] = str(home / "jupyter-runtime")
    env["JUPYTER_DATA_DIR"] = str(home / "jupyter-data")
    env["MPLBACKEND"] = "Agg"
    env["PYTHONUNBUFFERED"] = "1"
    for key in ("CASEBOOK_HOME", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR"):
        Path(env[key]).mkdir(parents=True, exist_ok=True)
    env.update(extra or {})
    return env


def _spawn(
    name: str, args: list[str], env: dict[str, str], log_path: Path, cwd: Path
) -> tuple[subprocess.Popen, object]:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed by Server.stop
    proc = subprocess.Popen(
        args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
    )
    return proc, log


LAB_SETTINGS = {
    # Render every cell, not only those on screen, so selectors find the whole notebook.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # No news or update pop-ups over the notebook (and no network requests for them).
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}


def start_lab(workdir: Path, root: Path = REPO, timeout: float = 90.0) -> Server:
    """JupyterLab on loopback with a random token and a free port (``--allow-root`` as root), windowing mode off."""
    settings = workdir / "lab-settings"
    for rel, value in LAB_SETTINGS.items():
        path = settings / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")
    (workdir / "lab-workspaces").mkdir(parents=True, exist_ok=True)
    port, token = free_port(), secrets.token_hex(16)
    args = [
        str(VENV_BIN / "jupyter"),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={workdir / 'lab-workspaces'}",
        "--LabApp.news_url=",
    ]
    if os.geteuid() == 0:
        args.append("--allow-root")
    env = server_env(workdir, {"JUPYTERLAB_SETTINGS_DIR": str(settings)})
    log_path = workdir / "jupyterlab.log"
    proc, log = _spawn("JupyterLab", args, env, log_path, root)
    server = Server("JupyterLab", proc, f"http://127.0.0.1:{port}/", log_path, token, workdir, log, root)
    try:
        wait_for_http(server, "api", timeout)
    except Exception:
        server.stop()
        raise
    return server


def start_voila(workdir: Path, target: Path = REPO, timeout: float = 60.0) -> Server:
    """Voila on loopback and a free port, serving ``target`` (a folder: /voila/render/<path>; a notebook: /), with the
    casebook's template (Voila's lab template plus a main landmark)."""
    port = free_port()
    args = [
        str(VENV_BIN / "voila"),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        f"--template={VOILA_TEMPLATE}",
        str(target),
    ]
    env = server_env(
        workdir, {"JUPYTER_PATH": os.pathsep.join(filter(None, [str(JUPYTER_DATA), os.environ.get("JUPYTER_PATH")]))}
    )
    log_path = workdir / "voila.log"
    proc, log = _spawn("Voila", args, env, log_path, REPO)
    server = Server("Voila", proc, f"http://127.0.0.1:{port}/", log_path, "", workdir, log)
    try:
        wait_for_http(server, "api", timeout)  # any answer will do; requesting a notebook here would start a kernel
    except Exception:
        server.stop()
        raise
    return server


def voila_path(notebook: str | Path) -> str:
    """The URL path under which a directory-mode Voila rooted at the repo renders ``notebook``."""
    rel = Path(notebook).resolve().relative_to(REPO) if Path(notebook).is_absolute() else Path(notebook)
    return "voila/render/" + quote(rel.as_posix())


def lab_path(notebook: str | Path) -> str:
    """The URL path under which JupyterLab rooted at the repo opens ``notebook``, in a fresh workspace of its own."""
    rel = Path(notebook).resolve().relative_to(REPO) if Path(notebook).is_absolute() else Path(notebook)
    return f"lab/workspaces/{secrets.token_hex(4)}/tree/" + quote(rel.as_posix())


# ---------------------------------------------------------------- notebooks


def scratch_dir(prefix: str) -> Path:
    """A fresh folder under test-output/browser (inside the server roots, gitignored) for notebook copies."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=OUTPUT))


def code_cell(source: str) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": source.strip("\n").splitlines(keepends=True),
    }


def copy_notebook(src: str | Path, dest_dir: Path, extra_cells: Iterable[str] = (), name: str | None = None) -> Path:
    """A copy of a committed notebook (so the original is never modified), optionally with code cells appended."""
    src = REPO / src if not Path(src).is_absolute() else Path(src)
    nb = json.loads(src.read_text(encoding="utf-8"))
    nb["cells"].extend(code_cell(c) for c in extra_cells)
    dest = dest_dir / (name or src.name)
    dest.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return dest


def write_notebook(path: Path, cells: Iterable[str]) -> Path:
    """A new notebook of code cells, Python 3 kernel."""
    nb = {
        "cells": [code_cell(c) for c in cells],
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def hostile_notebook(dest_dir: Path, name: str = "hostile.ipynb") -> Path:
    """A start page (alias box, picker, case) and a seminar view over the hostile cases folder."""
    return write_notebook(
        dest_dir / name,
        [
            f"""
import casebook
from casebook.progress import ProgressStore
from casebook.ui import StartPage

book = casebook.load({str(HOSTILE_CASES)!r})
assert not book.problems, book.problems
start = StartPage(book, ProgressStore())
start
""",
            """
from casebook.ui.seminar_view import SeminarView

seminar = SeminarView(book, "hostile-text")
seminar.widget
""",
            'print("hostile notebook ready:", ", ".join(book.cases))',
        ],
    )


# ---------------------------------------------------------------- screenshots


def artefact_folder(test_name: str) -> Path:
    """test-output/browser/<test-name>/, the name made safe for a folder."""
    return OUTPUT / re.sub(r"[^A-Za-z0-9_.-]+", "-", test_name).strip("-")


class Shots:
    """Saves test-output/browser/<test-name>/NN-step.png, numbered in the order taken."""

    def __init__(self, page, test_name: str):
        self.page = page
        self.folder = artefact_folder(test_name)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.n = 0

    def __call__(self, step: str, full_page: bool = False) -> Path:
        self.n += 1
        path = self.folder / f"{self.n:02d}-{re.sub(r'[^A-Za-z0-9_-]+', '-', step)}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


def tidy_scratch(folder: Path) -> None:
    """Remove a scratch folder of notebook copies (screenshots live elsewhere)."""
    shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------- page actions (Playwright sync API)

NOTEBOOK_TIMEOUT = 120_000  # ms: open a notebook, start its kernel and run every cell
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def lab_menu(page: Page, menu: str, item: str) -> None:
    """Choose ``menu`` > ``item`` from JupyterLab's menu bar, as a user would."""
    page.locator(".lm-MenuBar-itemLabel").get_by_text(menu, exact=True).click()
    page.locator(".lm-Menu-itemLabel").get_by_text(item, exact=True).click()


def kernel_state(lab: Server, notebook: str | Path) -> str:
    """The execution state the server reports for the kernel of ``notebook``'s session ('' when it has none yet)."""
    rel = Path(notebook).resolve().relative_to(lab.root) if Path(notebook).is_absolute() else Path(notebook)
    with urllib.request.urlopen(lab.url("api/sessions"), timeout=10) as response:
        sessions = json.load(response)
    for session in sessions:
        if session.get("path") == rel.as_posix() and session.get("kernel"):
            return session["kernel"].get("execution_state", "")
    return ""


def wait_for_idle_kernel(page: Page, lab: Server, notebook: str | Path, timeout: float = NOTEBOOK_TIMEOUT) -> None:
    """Wait until the notebook's kernel is started and idle, as the server and the notebook's toolbar both report.

    JupyterLab 4.6 drops a menu command chosen while the notebook's session is still being set up (seen for Run All
    under load), and its toolbar says "idle" for a moment before the session exists; the server's session list says
    when the kernel really is idle. This waits on those states, never on a fixed time.
    """
    indicator = page.locator(f"{PANEL} .jp-Notebook-ExecutionIndicator")
    deadline = time.monotonic() + timeout / 1000
    while kernel_state(lab, notebook) != "idle":
        if time.monotonic() > deadline:
            raise AssertionError(f"the kernel of {notebook} did not become idle within {timeout / 1000:.0f} s")
        page.wait_for_timeout(100)  # polling interval of a state check, not a wait for an effect
    expect(indicator).to_have_attribute("data-status", "idle", timeout=timeout)


def open_in_lab(page: Page, lab: Server, notebook: str | Path, done_text: str) -> None:
    """Open ``notebook`` in JupyterLab, clear its outputs, Run All, and wait until ``done_text`` (the last cell's
    output) shows.

    Every step waits on a state: the kernel idle before a menu command (so none is dropped), no output left after
    Clear, ``done_text`` rendered after Run All; never on a fixed time, so a loaded machine only makes it slower.
    """
    page.goto(lab.url(lab_path(notebook)))
    page.locator(f"{PANEL} .jp-Cell").first.wait_for(timeout=NOTEBOOK_TIMEOUT)
    run_all_again(page, lab, notebook, done_text)


def run_all_again(page: Page, lab: Server, notebook: str | Path, done_text: str) -> None:
    """In the notebook open in JupyterLab: clear its outputs and Run All in the same kernel, as a student re-runs a
    page, and wait until ``done_text`` shows (on states, as open_in_lab; navigating away from a run notebook would
    stop at Lab's leave-page question instead)."""
    outputs = page.locator(f"{PANEL} .jp-OutputArea-output")
    wait_for_idle_kernel(page, lab, notebook)
    lab_menu(page, "Edit", "Clear Outputs of All Cells")
    expect(outputs).to_have_count(0, timeout=NOTEBOOK_TIMEOUT)
    wait_for_idle_kernel(page, lab, notebook)
    lab_menu(page, "Run", "Run All Cells")
    expect(outputs.get_by_text(done_text).first).to_be_visible(timeout=NOTEBOOK_TIMEOUT)


def open_in_voila(page: Page, voila: Server, notebook: str | Path | None, ready_selector: str = ".cb-app") -> None:
    """Open ``notebook`` through Voila (None: the one notebook a single-notebook Voila serves) and wait until
    ``ready_selector`` is on screen."""
    page.goto(voila.url(voila_path(notebook) if notebook is not None else ""), timeout=NOTEBOOK_TIMEOUT)
    expect(page.locator(ready_selector).first).to_be_visible(timeout=NOTEBOOK_TIMEOUT)


def choose(container: Locator, css_class: str, label: str) -> None:
    """Pick ``label`` in the ipywidgets Dropdown with ``css_class`` (its <option> value is the label)."""
    select = container.locator(f".{css_class} select")
    select.select_option(value=label)
    expect(select).to_have_value(label)


def ask_by_clicking(app: Locator, question_ids, total_questions: int) -> None:
    """Click each question button and wait for the counter to count it."""
    counter = app.locator(".cb-question-counter")
    for n, qid in enumerate(question_ids, 1):
        app.locator(f".cb-q-{qid}").click()
        expect(counter).to_contain_text(f"Questions asked: {n} of {total_questions}")


def decide_by_clicking(app: Locator, diagnosis_name: str, next_step_text: str) -> None:
    """Choose the most likely diagnosis and the next step in the dropdowns, then click Submit."""
    choose(app, "cb-diagnosis-1", diagnosis_name)
    choose(app, "cb-next-step", next_step_text)
    app.locator(".cb-submit").click()


def play_expert_by_clicking(app: Locator, book, case, shots: Shots | None = None) -> None:
    """Ask the case's key questions, choose the right diagnosis and the first correct next step, submit."""
    ask_by_clicking(app, case.key_questions, len(book.bank.questions))
    expect(app.locator(".cb-transcript-box")).to_contain_text(case.answers[case.key_questions[-1]].text.en)
    if shots:
        app.locator(".cb-transcript-box").scroll_into_view_if_needed()
        shots("key-questions-asked")
    decide_by_clicking(
        app, book.conditions[case.diagnosis].name.en, book.bank.next_steps[case.correct_steps[0].step].text.en
    )


def right_verdict(book, case) -> str:
    """The verdict line the feedback shows for a right leading diagnosis, naming the case's condition."""
    return f"Diagnosis: right. This is {book.condition_name(case.diagnosis, 'en', in_sentence=True)}."


def check_case_page(page: Page, app: Locator, verdict: str, timeout: float = 20_000) -> None:
    """The checks every play test makes: the feedback shows ``verdict``, no widget failed to display, the error log
    is empty."""
    expect(app.locator(".cb-feedback-panel")).to_contain_text(verdict, timeout=timeout)
    check_no_errors(page, app, timeout)


def check_no_errors(page: Page, root: Locator, timeout: float = 20_000) -> None:
    """No "Error displaying widget" anywhere on the page, and the error log under ``root`` is empty."""
    expect(page.get_by_text(WIDGET_ERROR)).to_have_count(0, timeout=timeout)
    expect(root.locator(".cb-error-log")).to_have_text("", timeout=timeout)


def focus_direction(target: Locator) -> int:
    """0 when ``target`` has the keyboard focus, 1 when it comes after the focused element, -1 when before."""
    return target.evaluate(
        """t => {
            const a = document.activeElement;
            if (a === t || t.contains(a)) return 0;
            if (!a || a === document.body) return 1;
            return (a.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING) ? 1 : -1;
        }"""
    )


def tab_to(page: Page, target: Locator, limit: int = 300) -> dict[str, int]:
    """Move the keyboard focus to ``target`` with Tab (or Shift+Tab when it lies behind); how often each key was
    pressed."""
    pressed = {"Tab": 0, "Shift+Tab": 0}
    for _ in range(limit):
        direction = focus_direction(target)
        if direction == 0:
            return pressed
        key = "Tab" if direction > 0 else "Shift+Tab"
        page.keyboard.press(key)
        pressed[key] += 1
    raise AssertionError(f"the keyboard focus did not reach {target} in {limit} presses of Tab / Shift+Tab")


def focus_outline(page: Page) -> dict:
    """The focused element's outline as the browser draws it: style, width in px and colour as (r, g, b)."""
    return page.evaluate(
        """() => {
            const st = getComputedStyle(document.activeElement);
            const rgb = st.outlineColor.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
            return {style: st.outlineStyle, width: parseFloat(st.outlineWidth), rgb: rgb,
                    element: document.activeElement.className};
        }"""
    )


def contrast_on_white(rgb: Iterable[float]) -> float:
    """WCAG contrast ratio of a colour against white."""

    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def choose_by_keyboard(page: Page, container: Locator, css_class: str, label: str, limit: int = 100) -> None:
    """Tab to a Dropdown and move its choice with the arrow keys until ``label`` is chosen."""
    select = container.locator(f".{css_class} select")
    tab_to(page, select)
    options = select.evaluate("s => [...s.options].map(o => o.value)")
    if label not in options:
        raise AssertionError(f"{label!r} is not an option of .{css_class} (options: {options})")
    for _ in range(limit):
        current = select.evaluate("s => s.value")
        if current == label:
            break
        page.keyboard.press("ArrowDown" if options.index(label) > options.index(current) else "ArrowUp")
    expect(select).to_have_value(label)


def page_inertness(page: Page) -> dict:
    """What a hostile payload would leave behind if it had been rendered as HTML instead of text."""
    return page.evaluate(
        """() => ({
            pwned: typeof window.__pwned,
            payload_scripts: [...document.querySelectorAll('script')]
                .filter(s => /^(window|parent)\\.__pwned=1$/.test(s.textContent.trim())).length,
            img_onerror: document.querySelectorAll('img[onerror]').length,
            svg_onload: document.querySelectorAll('svg[onload]').length,
            javascript_links: document.querySelectorAll('a[href^="javascript:"]').length,
            iframe_srcdoc: document.querySelectorAll('iframe[srcdoc]').length,
        })"""
    )


INERT = {
    "pwned": "undefined",
    "payload_scripts": 0,
    "img_onerror": 0,
    "svg_onload": 0,
    "javascript_links": 0,
    "iframe_srcdoc": 0,
}


def settle_images(page: Page) -> None:
    """Wait until a broken image added now has fired its error handler: any payload image added earlier has fired by
    then too."""
    page.evaluate(
        "() => { const i = new Image(); i.onerror = () => { window.__canary = 1; }; i.src = 'x?canary=' + Date.now(); }"
    )
    page.wait_for_function("() => window.__canary === 1")


def positive_control(page: Page) -> None:
    """Prove the inertness check can fail: insert one payload as raw HTML and see it run."""
    page.evaluate("() => document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"window.__pwned=1\">')")
    page.wait_for_function("() => window.__pwned === 1")


# ---------------------------------------------------------------- accessibility (axe-core)

AXE_SCRIPT = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_MISSING = (
    "axe-core is missing (node_modules/axe-core/axe.min.js): the accessibility tests need it. "
    "Install it with `make node_modules` (npm ci, from package.json at the repo root)."
)
# The casebook's own top-level containers; JupyterLab's and Voila's own page chrome is not ours to fix.
CASEBOOK_CONTAINERS = (".cb-start", ".cb-app", ".cb-seminar", ".cb-compare-box", ".cb-export-box", ".cb-alias-box")
BLOCKING_IMPACTS = ("serious", "critical")


def run_axe(page: Page, containers: Iterable[str] = CASEBOOK_CONTAINERS) -> list[dict]:
    """axe-core's violations inside the casebook's containers on the page (the outermost match of each selector).

    Each violation: rule id, impact, help text and the failing nodes (CSS target, a snippet, axe's summary).
    """
    if not AXE_SCRIPT.is_file():
        raise AssertionError(AXE_MISSING)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    return page.evaluate(
        """async selectors => {
            const all = selectors.join(', ');
            const roots = [...document.querySelectorAll(all)].filter(el => !el.parentElement.closest(all));
            if (!roots.length) throw new Error('no casebook container on the page: ' + all);
            const result = await axe.run({include: roots}, {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                          summary: n.failureSummary})),
            }));
        }""",
        list(containers),
    )


def axe_by_impact(violations: list[dict]) -> dict[str, int]:
    """How many rules fail at each impact (critical, serious, moderate, minor), with the failing node count."""
    out: dict[str, int] = {}
    for v in violations:
        out[v["impact"] or "unknown"] = out.get(v["impact"] or "unknown", 0) + 1
    return out


def check_accessible(page: Page, where: str, folder: Path | None = None) -> list[dict]:
    """Run axe-core on the casebook's content; fail on any serious or critical violation, listing each node.

    The full result is written to ``folder/axe-<where>.json`` (for the report); moderate and minor ones are returned.
    """
    violations = run_axe(page)
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"axe-{where}.json").write_text(json.dumps(violations, indent=1), encoding="utf-8")
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        lines = [
            f"{v['impact']} {v['id']} ({v['help']}): {n['target']}\n      {n['summary']}"
            for v in blocking
            for n in v["nodes"]
        ]
        raise AssertionError(f"axe-core on {where}: {len(blocking)} serious/critical rule(s)\n  " + "\n  ".join(lines))
    return violations
