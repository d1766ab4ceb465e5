"""Fixtures of the browser suite: Debian's Chromium, JupyterLab and Voila, started and stopped by the tests."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .helpers import (
    DVT_CASE,
    REPO,
    SEMINAR_NOTEBOOK,
    ChromiumMissing,
    Server,
    Shots,
    artefact_folder,
    chromium_path,
    scratch_dir,
    start_lab,
    start_voila,
    tidy_scratch,
)

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError as e:  # pragma: no cover - the test extra installs it
    raise pytest.UsageError("Python Playwright is missing: `pip install -e '.[test]'` (or `make install`)") from e

expect.set_options(timeout=20_000)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium; the suite FAILS (never skips) when it is missing, naming what to install."""
    try:
        return chromium_path()
    except ChromiumMissing as e:
        message = str(e)
    pytest.fail(message, pytrace=False)


@pytest.fixture(scope="session")
def browser(chromium: str):
    """One headless Chromium for the whole session."""
    with sync_playwright() as p:
        from .helpers import launch_chromium

        b = launch_chromium(p)
        yield b
        b.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so the page fixture knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, request):
    """A fresh browser context and page per test; JavaScript dialogs are recorded (and dismissed) in ``page.dialogs``.

    When the test fails, the page as it was is saved as test-output/browser/<test-name>/failure.png.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
    yield pg
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        folder = artefact_folder(request.node.name)
        folder.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(folder / "failure.png"), full_page=True)
    context.close()


@pytest.fixture
def shots(page, request) -> Shots:
    """Saves a screenshot per step under test-output/browser/<test-name>/."""
    return Shots(page, request.node.name)


@pytest.fixture(scope="session")
def server_home() -> Iterator[Path]:
    """A throw-away folder for the servers' settings, logs and progress stores."""
    with tempfile.TemporaryDirectory(prefix="casebook-browser-") as d:
        yield Path(d)


def _serve(start: Callable[[], Server]) -> Iterator[Server]:
    """Start a server for the session and stop it by process id at the end; a server that will not start fails the
    tests with its log."""
    try:
        server = start()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def lab(server_home: Path) -> Iterator[Server]:
    """JupyterLab rooted at the repo (loopback, token, free port, windowing mode off), stopped by process id."""
    yield from _serve(lambda: start_lab(server_home / "lab"))


@pytest.fixture(scope="session")
def voila(server_home: Path) -> Iterator[Server]:
    """Voila serving the repo's notebooks (/voila/render/<path>), stopped by process id at the end."""
    yield from _serve(lambda: start_voila(server_home / "voila"))


@pytest.fixture(scope="session")
def voila_seminar(server_home: Path) -> Iterator[Server]:
    """Voila serving only the seminar notebook at /, exactly as `make seminar` does, stopped by process id."""
    yield from _serve(lambda: start_voila(server_home / "voila-seminar", REPO / SEMINAR_NOTEBOOK))


@pytest.fixture(scope="session")
def scratch() -> Iterator[Path]:
    """A folder inside the servers' root for notebook copies (the committed notebooks are never modified)."""
    folder = scratch_dir("notebooks-")
    yield folder
    tidy_scratch(folder)


@pytest.fixture(scope="session")
def book():
    """The casebook the notebooks load (the bundled cases, or $CASEBOOK_CASES)."""
    import casebook

    return casebook.load()


@pytest.fixture(scope="session")
def dvt_case(book):
    """The reference case; the suite fails when it does not load."""
    if DVT_CASE not in book.cases:
        problems = "\n".join(f"  {p.file} {p.json_path}: {p.message}" for p in book.problems[:10])
        pytest.fail(
            f"the case '{DVT_CASE}' does not load from {book.root}; run `casebook validate`:\n{problems}", pytrace=False
        )
    return book.cases[DVT_CASE]
