"""Download my progress and Upload progress without a browser: what the link holds and what the student reads."""

from __future__ import annotations

import base64
import datetime as dt
import gc
import re
import tempfile
from html import unescape
from pathlib import Path

import ipywidgets as w
import pytest
from builders import make_record

import casebook
from casebook import attempts, transfer
from casebook.progress import ProgressStore
from casebook.render import text_html
from casebook.ui import ExportView, StartPage, note_view
from casebook.ui.transfer_view import TransferView

BOOK = casebook.load()


@pytest.fixture
def store(tmp_path: Path):
    """A store with the alias 'me' and two attempts of it, closed after the test."""
    with ProgressStore(tmp_path / "mine" / "progress.sqlite") as s:
        s.alias = "me"
        s.import_records([make_record(1, alias="me"), make_record(2, alias="me")])
        yield s


@pytest.fixture
def fresh(tmp_path: Path):
    """An empty store without an alias (a new Binder session), closed after the test."""
    with ProgressStore(tmp_path / "fresh" / "progress.sqlite") as s:
        yield s


def link_parts(html: str) -> tuple[str, bytes, str]:
    """The download link's file name, the bytes its data: URL holds, and its text as read."""
    match = re.search(r'<a class="cb-download" download="([^"]*)" href="data:[^,]*;base64,([^"]*)">([^<]*)</a>', html)
    assert match, html[:300]
    return unescape(match[1]), base64.b64decode(match[2]), unescape(match[3])


def upload(view: TransferView, name: str, data: bytes) -> None:
    """Set the FileUpload's value as the browser does when a file is chosen."""
    view.upload.value = (
        {
            "name": name,
            "type": "",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": dt.datetime.now(dt.UTC),
        },
    )


def shown(html: str) -> str:
    """What a student reads in an HTML value: tags dropped, references resolved, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_download_link_holds_the_students_attempts_and_says_how_many(store):
    """The link's data is exactly the alias's JSON Lines export; its name carries the alias and date, its text the
    count and the format."""
    store.save_attempt(make_record(3, alias="someone-else"))
    view = TransferView(store)
    name, data, label = link_parts(view.download.value)
    assert name == transfer.download_name("me", "jsonl")
    assert data == transfer.export_bytes(store, "jsonl", "me")[0]
    assert [r.attempt_id for _, r, _ in _read(data, "jsonl")] == ["att-0001", "att-0002"]
    assert label == "Download my progress (2 attempts, JSON Lines)"


def _read(data: bytes, fmt: str) -> list:
    """(line, record, problem) for each line of ``data`` read as a .jsonl or .csv file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"x.{fmt}"
        path.write_bytes(data)
        return list(attempts.read_attempts(path))


def test_choosing_csv_rebuilds_the_link_as_a_csv_file(store):
    """The file type toggle turns the link into the CSV export, named .csv."""
    view = TransferView(store)
    view.format.value = "csv"
    name, data, label = link_parts(view.download.value)
    assert name.endswith(".csv") and label == "Download my progress (2 attempts, CSV)"
    assert data == transfer.export_bytes(store, "csv", "me")[0]


def test_without_attempts_there_is_no_link_but_a_sentence(fresh):
    """An empty store shows no link (nothing to download) and says when one appears."""
    view = TransferView(fresh)
    assert "<a " not in view.download.value
    assert shown(view.download.value) == "Nothing to download yet: your attempts appear here once you submit a case."


def test_a_hostile_alias_reaches_the_link_as_text_only(tmp_path):
    """An alias carrying HTML is escaped in the link: no raw tag, and the file name keeps only safe characters."""
    alias = '"><img src=x onerror="alert(1)">'
    with ProgressStore(tmp_path / "p.sqlite") as s:
        s.alias = alias
        s.save_attempt(make_record(1, alias=alias))
        html = TransferView(s).download.value
    assert "<img" not in html and 'onerror="' not in html
    name, data, _ = link_parts(html)
    assert name == transfer.download_name(alias, "jsonl") and re.fullmatch(r"[\w.-]+", name)
    assert _read(data, "jsonl")[0][1].alias == alias


def test_an_upload_imports_says_what_it_did_and_rebuilds_the_link(store, fresh):
    """Uploading a downloaded file into a fresh store: the counts sentence, the alias taken over, the link now
    counting the attempts, the upload emptied for the next file, and the page's callbacks told."""
    _name, data, _ = link_parts(TransferView(store).download.value)
    seen = []
    view = TransferView(fresh, on_import=[seen.append])
    upload(view, "casebook-progress-me.jsonl", data)
    assert shown(view.status.value) == (
        "casebook-progress-me.jsonl : 2 attempts added, 0 already there, 0 lines skipped. "
        "Your alias is now me, the alias the attempts in this file carry."
    )
    assert 'role="status"' in view.status.value
    assert fresh.attempts() == store.attempts() and fresh.alias == "me"
    assert link_parts(view.download.value)[2] == "Download my progress (2 attempts, JSON Lines)"
    assert view.upload.value == () and [r.added for r in seen] == [2] and view.log.lines == []
    upload(view, "again.jsonl", data)
    assert "0 attempts added, 2 already there, 0 lines skipped" in shown(view.status.value)


def test_a_refused_upload_is_an_alert_and_changes_nothing(store):
    """An empty file: the refusal sentence as an alert, 'nothing was imported', the store as it was."""
    before = store.attempts()
    view = TransferView(store)
    upload(view, "empty.jsonl", b"")
    assert 'role="alert"' in view.status.value
    assert shown(view.status.value) == (
        "! empty.jsonl is empty: it holds no attempts. Download your progress again and import the new file. "
        "Nothing was imported; your saved progress is unchanged."
    )
    assert store.attempts() == before


def test_many_broken_lines_show_five_and_and_n_more(fresh):
    """A file with one good and eight broken lines lists five of them, then 'and 3 more lines'."""
    data = attempts.jsonl_line(make_record(1, alias="me")).encode() + b"nope\n" * 8
    view = TransferView(fresh)
    upload(view, "x.jsonl", data)
    items = re.findall(r"<li>(.*?)</li>", view.status.value)
    assert len(items) == 6 and unescape(items[-1]) == "and 3 more lines"
    assert "1 attempt added, 0 already there, 8 lines skipped" in shown(view.status.value)


def test_another_alias_is_left_out_until_the_box_is_ticked(store, tmp_path):
    """A classmate's file: left out with a hint naming the checkbox; ticked, the same file imports."""
    theirs = attempts.jsonl_line(make_record(7, alias="kim")).encode()
    view = TransferView(store)
    upload(view, "kim.jsonl", theirs)
    assert view.any_alias.description in shown(view.status.value)
    assert "1 attempt under another alias ('kim') was left out: your alias is 'me'." in shown(view.status.value)
    assert store.count("kim") == 0
    view.any_alias.value = True
    upload(view, "kim.jsonl", theirs)
    assert store.count("kim") == 1 and "1 attempt added" in shown(view.status.value)


def test_the_start_page_rebuilds_the_link_after_a_submit_and_marks_uploaded_cases_done(tmp_path):
    """On the start page a submitted case raises the link's count and the alias box's; uploading that file on a fresh
    page marks the case done in the picker and shows the alias taken over."""
    with ProgressStore(tmp_path / "a.sqlite") as first, ProgressStore(tmp_path / "b.sqlite") as second:
        first.alias = "calf-detective"
        page = StartPage(BOOK, first)
        assert shown(page.transfer.download.value).startswith("Nothing to download yet")
        page.picker.play.click()
        case = page.app.session.case
        page.app.decision.ranks[0].value = case.diagnosis
        page.app.decision.next_step.value = case.correct_steps[0].step
        page.app.decision.submit.click()
        _name, data, label = link_parts(page.transfer.download.value)
        assert label == "Download my progress (1 attempt, JSON Lines)"
        assert "Saving your attempts as calf-detective (1 so far)." in shown(page.alias.status.value)
        other = StartPage(BOOK, second)
        upload(other.transfer, "progress.jsonl", data)
        assert "calf-detective" in shown(other.alias.status.value) and "(1 so far)" in shown(other.alias.status.value)
        assert [label for label, cid in other.picker.cases.options if cid == case.id][0].startswith("✓ ")
        assert page.log.lines == other.log.lines == []
        page.close()
        other.close()


def test_saving_another_alias_on_the_start_page_rebuilds_the_link(store):
    """Changing the alias in the alias box re-renders the download for the new alias (none of its attempts yet)."""
    page = StartPage(BOOK, store)
    assert "(2 attempts" in shown(page.transfer.download.value)
    page.alias.text.value = "new-me"
    page.alias.save.click()
    assert shown(page.transfer.download.value).startswith("Nothing to download yet")
    page.close()


def test_the_export_box_shares_one_file_type_and_still_saves_next_to_the_notebook(store, tmp_path):
    """In My progress the file type chosen for the download is the one Export writes."""
    box = ExportView(store, folder=tmp_path)
    box.format.value = "csv"
    assert link_parts(box.transfer.download.value)[0].endswith(".csv")
    box.button.click()
    assert (tmp_path / "my-attempts.csv").read_bytes() == transfer.export_bytes(store, "csv", "me")[0]


def test_an_upload_in_my_progress_says_to_run_the_page_again(store, fresh):
    """After an upload that added attempts, My progress says how to see them in its figures."""
    data = transfer.export_bytes(store)[0]
    box = ExportView(fresh)
    upload(box.transfer, "p.jsonl", data)
    assert shown(box.transfer.status.value).endswith(
        "To see them in the figures above, run this notebook again (or reload the page)."
    )


def live_widgets() -> int:
    """How many widget models are alive in this process."""
    from ipywidgets.widgets import widget

    gc.collect()
    return len(getattr(widget, "_instances", None) or w.Widget.widgets)


@pytest.mark.parametrize(
    "make",
    [TransferView, ExportView, lambda s: StartPage(BOOK, s)],
    ids=["transfer", "export", "start-page-with-store"],
)
def test_closing_leaves_no_widget_alive(store, make):
    """close() closes every widget the view built, the download and upload included."""
    base = live_widgets()
    view = make(store)
    assert live_widgets() > base
    view.close()
    assert live_widgets() == base


def test_the_progress_note_shows_nothing_on_ones_own_computer(monkeypatch):
    """Without Binder or JupyterHub variables nothing is displayed."""
    displayed = []
    monkeypatch.setattr(note_view, "display", displayed.append)
    monkeypatch.setattr(note_view, "progress_note", lambda lang=None: None)
    note_view.show_progress_note()
    assert displayed == []


def test_the_progress_note_is_escaped_text_in_a_note(monkeypatch):
    """On Binder the note is displayed as HTML holding the core's sentence, escaped, in an element marked as a note."""
    displayed = []
    monkeypatch.setattr(note_view, "display", displayed.append)
    monkeypatch.setenv("BINDER_LAUNCH_HOST", "https://mybinder.org/")
    note_view.show_progress_note()
    (html,) = [d.data for d in displayed]
    sentence = casebook.environment.progress_note()
    assert sentence and text_html(sentence) in html and 'role="note"' in html
    assert note_view.note_html("<b>x</b>").count("<b>") == 0
