"""Chromium: play a case, download the progress, upload it in a fresh home, and My progress shows it (JupyterLab);
the same link and upload in Voila.

The two notebooks are copies of the committed 00-start-here and 04-my-progress with one cell put first that gives each
kernel its own CASEBOOK_HOME, as two Binder sessions have two homes: the second one starts empty.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from casebook.selection import filter_cases
from casebook.transfer import download_name

from .helpers import (
    PANEL,
    REPO,
    artefact_folder,
    check_accessible,
    check_case_page,
    check_no_errors,
    code_cell,
    decide_by_clicking,
    open_in_lab,
    open_in_voila,
    right_verdict,
    run_all_again,
)

pytestmark = pytest.mark.browser

ALIAS = "calf-detective"


def notebook_in_home(src: str, dest: Path, home: Path) -> Path:
    """A copy of the committed notebook ``src`` whose first cell sets CASEBOOK_HOME to ``home`` (before any import)."""
    nb = json.loads((REPO / src).read_text(encoding="utf-8"))
    nb["cells"].insert(0, code_cell(f"import os\nos.environ['CASEBOOK_HOME'] = {str(home)!r}"))
    dest.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return dest


def test_progress_leaves_one_home_and_comes_back_in_a_fresh_one(page, shots, request, lab, scratch, book, tmp_path):
    """Play a case on the start page, click Download my progress (the browser receives the file, holding the attempt),
    then in a fresh home upload that file in My progress: it says 1 attempt added, and run again it shows it."""
    folder = artefact_folder(request.node.name)
    first_home, second_home = tmp_path / "first-session", tmp_path / "second-session"
    start_nb = notebook_in_home("notebooks/00-start-here.ipynb", scratch / "transfer-00-start-here.ipynb", first_home)
    open_in_lab(page, lab, start_nb, done_text="Download and upload checked")
    start = page.locator(f"{PANEL} .cb-start").first
    start.locator(".cb-alias input").fill(ALIAS)
    start.locator(".cb-alias-save").click()
    expect(start.locator(".cb-alias-status")).to_contain_text(f"Saving your attempts as {ALIAS} (0 so far)")
    expect(start.locator(".cb-download-box")).to_contain_text("Nothing to download yet")

    case = filter_cases(book, "", "", "")[0]  # the picker selects the first case of the unfiltered list
    start.locator(".cb-play").click()
    app = start.locator(".cb-app")
    step = book.bank.next_steps[case.correct_steps[0].step].text.en
    decide_by_clicking(app, book.conditions[case.diagnosis].name.en, step)
    check_case_page(page, app, right_verdict(book, case))
    link = start.locator("a.cb-download")
    expect(link).to_have_text("Download my progress (1 attempt, JSON Lines)")
    link.scroll_into_view_if_needed()
    shots("download-link")
    check_accessible(page, "start-page-with-download", folder)

    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == download_name(ALIAS, "jsonl")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    (record,) = [json.loads(line) for line in saved.read_text(encoding="utf-8").splitlines()]
    assert (record["alias"], record["case_id"], record["verdict"]) == (ALIAS, case.id, "correct")

    progress_nb = notebook_in_home(
        "notebooks/student/04-my-progress.ipynb", scratch / "transfer-04-my-progress.ipynb", second_home
    )
    page = shots.page = page.context.new_page()  # a second tab: the first one's run notebook would ask to be left
    open_in_lab(page, lab, progress_nb, done_text="Self-test passed:")
    outputs = page.locator(f"{PANEL} .jp-OutputArea-output")
    expect(outputs.get_by_text("DEMO DATA").first).to_be_visible()  # the fresh home has no attempt yet
    box = page.locator(f"{PANEL} .cb-export-box").first
    box.scroll_into_view_if_needed()
    with page.expect_file_chooser() as chooser:
        box.locator(".cb-upload").click()
    chooser.value.set_files(str(saved))
    status = box.locator(".cb-upload-status")
    expect(status).to_contain_text(f"{saved.name}: 1 attempt added, 0 already there, 0 lines skipped.")
    expect(status).to_contain_text(f"Your alias is now {ALIAS}")
    expect(box.locator("a.cb-download")).to_have_text("Download my progress (1 attempt, JSON Lines)")
    check_no_errors(page, box)
    shots("uploaded")
    check_accessible(page, "my-progress-after-upload", folder)

    run_all_again(page, lab, progress_nb, done_text="Self-test passed:")
    expect(outputs.get_by_text(f"Your attempts, saved as {ALIAS}.").first).to_be_visible()
    expect(outputs.get_by_text(f"1 attempt on 1 of {len(book.cases)} cases").first).to_be_visible()
    assert not (second_home / "progress.sqlite").samefile(first_home / "progress.sqlite")
    shots("my-progress-shows-the-attempt")


def test_download_and_upload_work_in_voila_too(page, request, voila, book, tmp_path):
    """In Voila (no JupyterLab around it) the same link hands the browser the file, and uploading that file back says
    it is already there."""
    open_in_voila(page, voila, "notebooks/00-start-here.ipynb", ready_selector=".cb-start .cb-picker")
    start = page.locator(".cb-start").first
    start.locator(".cb-alias input").fill("voila-student")
    start.locator(".cb-alias-save").click()
    expect(start.locator(".cb-alias-status")).to_contain_text("Saving your attempts as voila-student")
    case = filter_cases(book, "", "", "")[0]
    start.locator(".cb-play").click()
    app = start.locator(".cb-app")
    decide_by_clicking(
        app, book.conditions[case.diagnosis].name.en, book.bank.next_steps[case.correct_steps[0].step].text.en
    )
    check_case_page(page, app, right_verdict(book, case))
    link = start.locator("a.cb-download")
    expect(link).to_have_text("Download my progress (1 attempt, JSON Lines)")
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    (record,) = [json.loads(line) for line in saved.read_text(encoding="utf-8").splitlines()]
    assert (record["alias"], record["case_id"]) == ("voila-student", case.id)
    with page.expect_file_chooser() as chooser:
        start.locator(".cb-upload").click()
    chooser.value.set_files(str(saved))
    expect(start.locator(".cb-upload-status")).to_contain_text("0 attempts added, 1 already there, 0 lines skipped")
    check_no_errors(page, start.locator(".cb-picker"))  # the page's error log (the transfer box reports to it)


def test_a_fifty_megabyte_upload_gets_the_refusal_sentence(page, voila, tmp_path):
    """A 50 MB file is refused with the casebook's sentence, not silently dropped: the servers take websocket messages
    of up to 100 MiB (jupyter-config/, installed by make install and Binder's postBuild), the casebook refuses above
    its own limit before reading the file."""
    from casebook.i18n import translator
    from casebook.transfer import _too_large

    big = tmp_path / "fifty-megabytes.jsonl"
    line = json.dumps({"attempt_id": "x" * 32, "note": "y" * 900}) + "\n"
    with big.open("w", encoding="utf-8") as f:
        for _ in range(50_000_000 // len(line) + 1):
            f.write(line)
    size = big.stat().st_size
    assert size > 50_000_000
    open_in_voila(page, voila, "notebooks/00-start-here.ipynb", ready_selector=".cb-start .cb-picker")
    start = page.locator(".cb-start").first
    with page.expect_file_chooser() as chooser:
        start.locator(".cb-upload").click()
    chooser.value.set_files(str(big))
    expected = _too_large(big.name, size, translator("en"))
    expect(start.locator(".cb-upload-status")).to_contain_text(expected, timeout=60_000)
