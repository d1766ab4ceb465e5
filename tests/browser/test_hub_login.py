"""The class server in Chromium: a student logs in through the hub's login page and lands on the start notebook; Voila
serves the play notebook at the student's own /user/NAME/voila/ address, and the attempt lands in their own progress."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from hub.harness import CLASS_PASSWORD, ClassServer, class_server_for, classroom, unique_names
from playwright.sync_api import Page, expect

from .helpers import NOTEBOOK_TIMEOUT, PLAY_NOTEBOOK, REPO, check_case_page, play_expert_by_clicking, right_verdict

pytestmark = [pytest.mark.browser, pytest.mark.hub]

START_NOTEBOOK = "notebooks/00-start-here.ipynb"


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    """Fresh user names: a teacher and one student."""
    return unique_names("teacher", "erin")


@pytest.fixture(scope="module")
def class_server(names) -> Iterator[ClassServer]:
    """The class server in users mode; afterwards no process, user or home is left."""
    yield from class_server_for(names)


def log_in(page: Page, server: ClassServer, name: str, password: str) -> None:
    """Fill in the hub's login form and submit it, as a student does."""
    page.goto(f"{server.url}/hub/login")
    page.locator("#username_input").fill(name)
    page.locator("#password_input").fill(password)
    page.locator("#login_submit").click()


def start_heading() -> str:
    """The start notebook's title, read from the notebook itself."""
    cells = json.loads((REPO / START_NOTEBOOK).read_text(encoding="utf-8"))["cells"]
    return "".join(cells[0]["source"]).splitlines()[0].lstrip("# ").strip()


def test_student_logs_in_and_lands_on_the_start_notebook(page, shots, class_server, names):
    """Through the login page a student's server starts and JupyterLab opens their own copy of the start notebook;
    after the hub is restarted, the open page keeps working without a reload (a case opens from its start page)."""
    log_in(page, class_server, names["erin"], CLASS_PASSWORD)
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    expect(panel.locator(".jp-RenderedMarkdown h1").first).to_contain_text(start_heading(), timeout=NOTEBOOK_TIMEOUT)
    shots("start-notebook")
    assert urlparse(page.url).path == f"/user/{names['erin']}/lab/tree/{START_NOTEBOOK}"
    current_tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel")
    expect(current_tab).to_have_text("00-start-here.ipynb")
    panel.locator(".jp-CodeCell").first.click()
    page.keyboard.press("Shift+Enter")  # run the start page's cell
    start = panel.locator(".cb-start").first
    expect(start).to_be_visible(timeout=NOTEBOOK_TIMEOUT)
    class_server.stop_hub()
    class_server.start()
    start.locator(".cb-play").click()
    expect(panel.locator(".cb-app").first).to_be_visible(timeout=NOTEBOOK_TIMEOUT)
    shots("case-opened-after-hub-restart")


def test_voila_serves_the_play_notebook_for_the_student(page, shots, class_server, names, book, dvt_case):
    """/user/NAME/voila/render/... plays the DVT case on the student's own server; the attempt is in their progress."""
    log_in(page, class_server, names["erin"], CLASS_PASSWORD)
    page.wait_for_url(f"**/user/{names['erin']}/lab/**", timeout=NOTEBOOK_TIMEOUT)
    page.goto(f"{class_server.url}/user/{names['erin']}/voila/render/{PLAY_NOTEBOOK}", timeout=NOTEBOOK_TIMEOUT)
    app = page.locator(".cb-app").first
    expect(app).to_be_visible(timeout=NOTEBOOK_TIMEOUT)
    shots("voila-case")
    expect(app.locator(".cb-complaint")).to_contain_text(dvt_case.presenting_complaint.en)
    play_expert_by_clicking(app, book, dvt_case)
    check_case_page(page, app, right_verdict(book, dvt_case))
    shots("voila-feedback")
    store = class_server.settings.homes / names["erin"] / ".local" / "share" / "casebook" / "progress.sqlite"
    code = f"from casebook.progress import ProgressStore; print(ProgressStore({str(store)!r}).done_case_ids())"
    python = classroom.singleuser_python(class_server.settings)
    read = classroom.run_as(names["erin"], [python, "-c", code])  # as the student: root must not touch her files
    assert (read.returncode, read.stderr) == (0, ""), read.stderr
    assert read.stdout.strip() == str({dvt_case.id})
