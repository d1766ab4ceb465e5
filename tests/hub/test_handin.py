"""casebook.handin: the attempt file handed in to the class's folder, atomically, in the store's export format."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

import casebook
from casebook import handin
from casebook.progress import ProgressStore
from casebook.session import CaseSession

BOOK = casebook.load()
CASE = BOOK.cases[sorted(BOOK.cases)[0]]


def play(store: ProgressStore, alias: str = "kim") -> str:
    """Play the case as an expert would and save it in ``store``; the attempt id."""
    session = CaseSession(BOOK, CASE, alias=alias)
    for question in CASE.key_questions:
        session.ask(question)
    session.diagnose([CASE.diagnosis], 70)
    session.decide(CASE.correct_steps[0].step)
    session.submit()
    store.record_session(session)
    return session.attempt_id


@pytest.fixture
def store(tmp_path: Path):
    with ProgressStore(tmp_path / "home" / "progress.sqlite") as opened:
        yield opened


@pytest.fixture
def class_folder(tmp_path: Path, monkeypatch) -> Path:
    """A hand-in folder with a folder for the student 'kim', who is the class server's current user."""
    folder = tmp_path / "hand-in"
    (folder / "kim").mkdir(parents=True)
    monkeypatch.setenv(handin.HANDIN_ENV, str(folder))
    monkeypatch.setenv(handin.USER_ENV, "kim")
    return folder


def test_no_hand_in_folder_means_nothing_is_written(store, monkeypatch):
    """Without $CASEBOOK_HANDIN_DIR (not on a class server) there is no hand-in folder and hand_in writes nothing."""
    monkeypatch.delenv(handin.HANDIN_ENV, raising=False)
    play(store)
    assert (handin.handin_dir(), handin.hand_in(store)) == (None, None)


def test_hand_in_writes_the_stores_own_export(store, class_folder, tmp_path):
    """The hand-in file is byte for byte what the store's JSONL export writes, in the student's folder, mode 0640."""
    play(store)
    written = handin.hand_in(store)
    store.export_jsonl(tmp_path / "export.jsonl")
    assert written == class_folder / "kim" / handin.HANDIN_FILE
    assert written.read_bytes() == (tmp_path / "export.jsonl").read_bytes()
    assert stat.S_IMODE(written.stat().st_mode) == handin.FILE_MODE
    assert sorted(p.name for p in (class_folder / "kim").iterdir()) == [handin.HANDIN_FILE]  # no temp file left


def test_each_hand_in_holds_every_attempt_so_far(store, class_folder):
    """After a second attempt the file is replaced whole and holds both attempts, oldest first."""
    first = play(store)
    handin.hand_in(store)
    second = play(store, alias="kim-again")
    lines = handin.hand_in(store).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["attempt_id"] for line in lines] == [first, second]


def test_a_user_without_a_folder_hands_in_nothing(store, class_folder, monkeypatch):
    """The teacher has no folder of their own in the hand-in folder, so their attempts are not handed in."""
    monkeypatch.setenv(handin.USER_ENV, "teacher")
    play(store)
    assert handin.hand_in(store) is None
    assert sorted(p.name for p in class_folder.iterdir()) == ["kim"]


def test_an_unwritable_folder_is_a_clear_error_that_keeps_the_attempt(store, monkeypatch):
    """A folder that cannot be written raises HandInError saying the attempt itself is saved and what to do."""
    monkeypatch.setenv(handin.HANDIN_ENV, "/proc")  # /proc/1 is a folder nobody, not even root, can create files in
    play(store)
    with pytest.raises(handin.HandInError) as caught:
        handin.hand_in(store, name="1")
    message = str(caught.value)
    assert message.startswith(
        "Your attempt is saved in your progress, but the copy for your teacher could not be written"
    )
    assert message.endswith("Tell your teacher; the next attempt you submit hands in all of them again.")
    assert store.count() == 1


def test_a_name_that_is_not_a_folder_name_is_refused(class_folder):
    """A user name with a slash cannot reach outside the hand-in folder."""
    with pytest.raises(handin.HandInError) as caught:
        handin.handin_path("../kim")
    assert str(caught.value) == "'../kim' cannot name a hand-in folder (letters, digits, '.', '_' and '-' only)."


def test_the_class_servers_user_name_wins_over_the_login_name(monkeypatch):
    """On the class server the student is $JUPYTERHUB_USER (in demo mode every server runs as the same Unix user)."""
    monkeypatch.setenv(handin.USER_ENV, "kim")
    assert handin.student_name() == "kim"
