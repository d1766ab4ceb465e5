"""The class report's worker processes: reading a folder and drawing the figures with an executor's help gives the
same report as without, whatever the executor does (takes some of the work, all of it, none, or dies)."""

from __future__ import annotations

import gc
import json
import os
import pickle
import shutil
import threading
import time
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from builders import attempt_json, make_record, write_jsonl

import casebook
from casebook import analytics, attempts, demo, report

matplotlib.use("Agg")
BOOK = casebook.load()
PNG = b"\x89PNG\r\n\x1a\n"
FILES = 12  # attempts files in mixed_folder


@pytest.fixture
def mixed_folder(tmp_path: Path) -> Path:
    """Newest-version hand-ins (the made-up class), version-1 ones, a CSV export, bad lines of every kind, attempts
    handed in twice (in one file and across files), an empty file and one that is not UTF-8."""
    folder = tmp_path / "hand-ins"
    (folder / "sub").mkdir(parents=True)
    demo_files = sorted(demo.demo_folder().glob("demo-student-*.jsonl"))[:6]
    for path in demo_files:
        shutil.copy(path, folder / path.name)
    first_demo = json.loads(demo_files[0].read_text(encoding="utf-8").splitlines()[0])
    newer = {**first_demo, "attempt_id": "from-the-future", "record_version": attempts.RECORD_VERSION + 1}
    bad_types = {**first_demo, "attempt_id": "bad-types", "asked": ["q_onset", 3]}
    bad_typed = {**first_demo, "attempt_id": "bad-typed", "typed": [{"text": "hi", "status": "maybe"}]}
    bad_events = {**first_demo, "attempt_id": "bad-events", "events": "none"}
    unknown_key = {**first_demo, "attempt_id": "unknown-key", "homework": "done"}
    write_jsonl(
        folder / "anna.jsonl",
        [
            attempt_json(1, alias="anna"),
            '{"attempt_id": "att-0099", "alias": "anna", "case_id": "case-a"',
            attempt_json(2, alias="anna", leading="sciatica"),
            attempt_json(1, alias="anna"),  # the same attempt twice in one file
            "",
            "[1, 2]",
            newer,
            bad_types,
            bad_typed,
            bad_events,
            unknown_key,
            {**first_demo},  # already read from the demo file
        ],
    )
    write_jsonl(folder / "sub" / "ben.jsonl", [attempt_json(3, alias="ben"), attempt_json(2, alias="anna")])
    store_csv = folder / "sub" / "cara.csv"
    with open(store_csv, "w", newline="", encoding="utf-8") as f:
        attempts.write_csv(f, [make_record(4, alias="cara"), make_record(1, alias="anna")])
    (folder / "empty.jsonl").write_text("", encoding="utf-8")
    (folder / "latin-1.jsonl").write_bytes('{"alias": "Bjørn"}\n'.encode("latin-1"))
    (folder / "essay.jsonl").write_text("Dear teacher, here is my essay.\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def small_folder(tmp_path_factory) -> Path:
    """A small class for the report (two cases, so that its figures draw quickly): newest-version and version-1
    hand-ins, a bad line, an attempt handed in twice, an empty file and one that is not UTF-8."""
    folder = tmp_path_factory.mktemp("small") / "hand-ins"
    newest = make_record(5, alias="dan", case_id="case-b", leading="sciatica").to_json()
    write_jsonl(
        folder / "anna.jsonl",
        [attempt_json(1, alias="anna"), '{"attempt_id": 7', attempt_json(2, alias="anna", leading="sciatica")],
    )
    write_jsonl(folder / "ben.jsonl", [attempt_json(3, alias="ben", case_id="case-b"), attempt_json(1, alias="anna")])
    write_jsonl(folder / "dan.jsonl", [newest, {**newest, "attempt_id": "att-0006", "unsafe_step": True}])
    (folder / "empty.jsonl").write_text("", encoding="utf-8")
    (folder / "latin-1.jsonl").write_bytes('{"alias": "Bjørn"}\n'.encode("latin-1"))
    return folder


@pytest.fixture(scope="module")
def alone(small_folder, tmp_path_factory) -> tuple[report.ReportSummary, Path]:
    """The report of small_folder written with no worker process (what the tests compare with), and where."""
    out = tmp_path_factory.mktemp("alone") / "report"
    return report.build_report(small_folder, out, BOOK, on_progress=lambda d, n: None, workers=0), out


@pytest.fixture
def shared(monkeypatch):
    """Small folders shared with the executor too (they are read alone otherwise), cut into many small chunks."""
    monkeypatch.setattr(analytics, "SHARED_READ_MIN_BYTES", 0)
    monkeypatch.setattr(analytics, "SHARED_CHUNKS", 8)


@pytest.fixture
def one_worker(monkeypatch):
    """report_executor starts one real (forked) worker process, even on a machine with one processor."""
    monkeypatch.setattr(report, "report_workers", lambda: 1)


def _done(value=None, error: BaseException | None = None) -> Future:
    future: Future = Future()
    future.set_running_or_notify_cancel()
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)
    return future


class ScriptedExecutor(Executor):
    """An executor in this process: the first ``run`` tasks submitted are run at once (their results pickled and
    unpickled, as from a worker process), the rest are left waiting (so the caller takes them back); with ``broken``
    every task fails as when its worker died, and ``refuse_after`` tasks on, submit raises as a broken pool does."""

    def __init__(self, run: int = 10**6, broken: bool = False, refuse_after: int | None = None):
        self.run, self.broken, self.refuse_after = run, broken, refuse_after
        self.submitted = 0
        self.ran = 0
        self.waiting: list[Future] = []

    def submit(self, fn, /, *args, **kwargs) -> Future:
        if self.refuse_after is not None and self.submitted >= self.refuse_after:
            raise BrokenProcessPool("a worker died")
        self.submitted += 1
        if self.broken:
            return _done(error=BrokenProcessPool("a worker died"))
        if self.submitted <= self.run:
            self.ran += 1
            return _done(pickle.loads(pickle.dumps(fn(*args, **kwargs))))
        future: Future = Future()
        self.waiting.append(future)
        return future


def _read_alone(folder: Path):
    calls: list[tuple[int, int]] = []
    df, problems = analytics.read_folder(folder, on_progress=lambda done, total: calls.append((done, total)))
    return df, problems, calls


def _assert_same_read(folder: Path, executor: Executor) -> list[tuple[int, int]]:
    """read_folder with ``executor`` gives the table and problems (same order) read_folder gives alone; returns the
    progress calls, checked to grow and end at (total, total)."""
    expected_df, expected_problems, expected_calls = _read_alone(folder)
    calls: list[tuple[int, int]] = []
    df, problems = analytics.read_folder(
        folder, on_progress=lambda done, total: calls.append((done, total)), executor=executor
    )
    pd.testing.assert_frame_equal(df, expected_df)
    assert problems == expected_problems
    assert calls and calls[-1] == expected_calls[-1]
    assert all(total == calls[-1][1] for _, total in calls)
    assert [done for done, _ in calls] == sorted({done for done, _ in calls})  # growing, each count once
    return calls


def test_the_mixed_folder_has_every_kind_of_problem(mixed_folder):
    """The folder the tests below share: what it holds, read without help (the reference they compare with)."""
    df, problems, calls = _read_alone(mixed_folder)
    messages = [str(p) for p in problems]
    demo_file = min(p.name for p in mixed_folder.glob("demo-student-*.jsonl"))
    first_id = json.loads((mixed_folder / demo_file).read_text(encoding="utf-8").splitlines()[0])["attempt_id"]
    for expected in (
        "anna.jsonl, line 2: not valid JSON: the record is cut off after 63 characters",
        "anna.jsonl, line 4: attempt att-0001 was already read from anna.jsonl, line 1 (counted once)",
        "anna.jsonl, line 6: expected an attempt record (a JSON object), found a list",
        "anna.jsonl, line 8: field 'asked' should be a list of ids (text), found a list with other values",
        "anna.jsonl, line 9: typed[0]: 'status' should be one of clear, ambiguous, none, found 'maybe'",
        "anna.jsonl, line 10: field 'events' should be a list, found 'none'",
        "empty.jsonl: holds no attempts (the file is empty)",
        "essay.jsonl, line 1: not valid JSON (Expecting value at column 1)",
        "latin-1.jsonl: not a UTF-8 text file (invalid start byte at byte 13)",
        "sub/ben.jsonl, line 2: attempt att-0002 was already read from anna.jsonl, line 3 (counted once)",
        "sub/cara.csv, line 3: attempt att-0001 was already read from anna.jsonl, line 1 (counted once)",
    ):
        assert expected in messages
    assert any(m.startswith("anna.jsonl, line 7: written by a newer casebook") for m in messages)
    assert (
        f"{demo_file}, line 1: attempt {first_id} was already read from anna.jsonl, line 12 (counted once)" in messages
    )
    assert "unknown-key" in set(df["attempt_id"])  # an unknown key is kept, not a problem
    assert len(df) == df["attempt_id"].nunique() > 100
    assert calls == [(n, FILES) for n in range(1, FILES + 1)]


@pytest.mark.parametrize(
    "executor",
    [
        ScriptedExecutor(),  # the executor takes every chunk
        ScriptedExecutor(run=3),  # it takes the last three; this process reads the rest
        ScriptedExecutor(run=0),  # it takes none in time: this process takes every chunk back
    ],
    ids=["all", "some", "none"],
)
def test_read_folder_with_an_executor_gives_the_same_table_and_problems(mixed_folder, shared, executor):
    """Whatever share of the chunks the executor reads, the table, the problems (in order, duplicates across chunks
    included) and the progress are those of reading alone."""
    _assert_same_read(mixed_folder, executor)
    assert executor.submitted > 1
    assert all(f.cancelled() for f in executor.waiting)


def test_read_folder_reads_the_chunks_of_a_broken_executor_itself(mixed_folder, shared):
    """Every task failing as when its worker died, or the pool refusing work part way: the same table and problems."""
    _assert_same_read(mixed_folder, ScriptedExecutor(broken=True))
    _assert_same_read(mixed_folder, ScriptedExecutor(refuse_after=2))
    _assert_same_read(mixed_folder, ScriptedExecutor(refuse_after=0))


def test_small_folders_are_read_without_the_executor(mixed_folder):
    """Below SHARED_READ_MIN_BYTES the executor is not used (handing work over would cost more than it saves)."""
    executor = ScriptedExecutor()
    _assert_same_read(mixed_folder, executor)
    assert executor.submitted == 0


def test_read_folder_with_a_real_worker_process(mixed_folder, shared, one_worker):
    """A forked worker process reads its share; the result is the same as reading alone."""
    with report.report_executor(1) as executor:
        assert executor is not None
        _assert_same_read(mixed_folder, executor)


def _die_in_workers(monkeypatch, module, name: str, marker: Path) -> None:
    """Make ``module.name`` end any worker process that calls it (after writing ``marker``); in this process it waits
    (up to 10 s) for a worker to have died before doing its work, so that a worker surely had some work to die on."""
    original = getattr(module, name)
    parent = os.getpid()

    def dying(*args, **kwargs):
        if os.getpid() != parent:
            marker.write_text("a worker died here")
            os._exit(3)
        deadline = time.monotonic() + 10
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, dying)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")  # see below
def test_read_folder_survives_a_worker_process_that_dies(mixed_folder, shared, one_worker, monkeypatch, tmp_path):
    """A worker that dies while reading (out of memory, killed): its chunks are read here; nothing is lost."""
    expected_df, expected_problems, _ = _read_alone(mixed_folder)
    marker = tmp_path / "died"
    _die_in_workers(monkeypatch, analytics, "_read_file", marker)
    calls: list[tuple[int, int]] = []
    with report.report_executor(1) as executor:
        df, problems = analytics.read_folder(mixed_folder, lambda d, n: calls.append((d, n)), executor=executor)
    assert marker.exists()
    pd.testing.assert_frame_equal(df, expected_df)
    assert problems == expected_problems
    assert calls[-1] == (FILES, FILES) and [d for d, _ in calls] == sorted(set(d for d, _ in calls))


def _report_files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def _assert_same_report(alone: Path, helped: Path) -> None:
    """The same CSV tables and index.html (but for the folder named in it), the same figures, every one a PNG."""
    a, b = _report_files(alone), _report_files(helped)
    assert sorted(a) == sorted(b)
    assert {n for n in a if n.endswith(".png")} == {f"{n}.png" for n in report.SECTION_TITLES}
    for name in a:
        if name.endswith(".csv"):
            assert a[name] == b[name], name
        elif name.endswith(".png"):
            assert a[name][:8] == b[name][:8] == PNG, name
    index = b["index.html"].decode("utf-8").replace(str(helped), str(alone))
    assert index == a["index.html"].decode("utf-8")


def test_build_report_with_a_worker_process_writes_the_same_report(small_folder, alone, shared, one_worker, tmp_path):
    """workers=0 and workers=1 write the same tables, problems and index.html, and the same figures."""
    calls: list[tuple[int, int]] = []
    out = tmp_path / "helped"
    helped = report.build_report(small_folder, out, BOOK, on_progress=lambda d, n: calls.append((d, n)), workers=1)
    _assert_same_report(alone[1], out)
    assert helped.problems == alone[0].problems and helped.attempts == alone[0].attempts == 5
    assert calls[-1] == (5, 5) and [d for d, _ in calls] == sorted(set(d for d, _ in calls))


# Python 3.11's pool, broken by a dead worker, fails to mark the futures cancelled before as broken too (its manager
# thread raises InvalidStateError after it has marked every other one): nothing is lost, but pytest sees the thread.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_build_report_survives_a_worker_process_that_dies_drawing(
    small_folder, alone, one_worker, monkeypatch, tmp_path
):
    """A worker that dies while drawing a figure: the figures are drawn here; the report is the same."""
    marker = tmp_path / "died"
    _die_in_workers(monkeypatch, report, "report_figure", marker)
    report.build_report(small_folder, tmp_path / "helped", BOOK, on_progress=lambda d, n: None, workers=1)
    assert marker.exists()
    _assert_same_report(alone[1], tmp_path / "helped")


def test_write_figures_with_an_executor_draws_every_figure(small_folder, tmp_path):
    """Every figure is written, whatever the executor does (takes some, fails every one, refuses more work)."""
    df, problems = analytics.read_folder(small_folder)
    tables = report.class_tables(df, problems, BOOK)
    for n, executor in enumerate(
        [ScriptedExecutor(run=4), ScriptedExecutor(broken=True), ScriptedExecutor(refuse_after=3)]
    ):
        out = tmp_path / str(n)
        out.mkdir()
        figures = report.write_figures(tables, out, "en", executor)
        assert sorted(figures) == sorted(report.SECTION_TITLES)
        assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.png" for name in figures)
        for path in figures.values():
            assert path.read_bytes()[:8] == PNG
        assert executor.submitted >= 1


def test_report_workers_is_0_while_another_thread_runs(monkeypatch):
    """Forking a process that runs other threads is not safe (a Jupyter kernel): no workers there."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    alone = report.report_workers()
    monkeypatch.undo()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with_thread = report.report_workers()
        with report.report_executor(2) as executor:
            assert executor is None
    finally:
        stop.set()
        thread.join()
    assert with_thread == 0
    if report.sys.platform.startswith("linux"):
        assert alone == min(3, report.MAX_WORKERS)


def test_report_workers_leaves_one_processor_to_the_report(monkeypatch):
    """One worker per processor beyond the first: none on a single processor."""
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert report.report_workers() == 0
    with report.report_executor() as executor:
        assert executor is None


def test_a_worker_hands_its_chunk_over_through_a_file_that_is_then_removed(mixed_folder, tmp_path):
    """What a worker read comes back through a file in the handover folder (not the executor's pipe, which a busy
    reader drains slowly); taking it gives the same reads and removes the file."""
    files, handover = analytics.attempt_files(mixed_folder), tmp_path / "handover"
    handover.mkdir()
    handed = analytics._read_files_into(mixed_folder, files, str(handover))
    assert isinstance(handed, str) and Path(handed).parent == handover and Path(handed).stat().st_size > 0
    assert analytics._take_reads(handed) == analytics._read_files(mixed_folder, files)
    assert list(handover.iterdir()) == []


def test_a_chunk_that_cannot_be_handed_over_by_file_comes_back_directly(mixed_folder, monkeypatch, tmp_path):
    """No room for the handover file (a full disk, a folder gone): the reads come back as they are, none left behind."""
    files, handover = analytics.attempt_files(mixed_folder), tmp_path / "handover"
    handover.mkdir()
    expected = analytics._read_files(mixed_folder, files)
    assert analytics._read_files_into(mixed_folder, files, str(tmp_path / "gone")) == expected

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(analytics.pickle, "dump", full_disk)
    assert analytics._read_files_into(mixed_folder, files, str(handover)) == expected
    assert list(handover.iterdir()) == []


@pytest.mark.parametrize("damage", ["removed", "cut short", "emptied"])
def test_read_folder_reads_a_chunk_itself_when_its_handover_file_is_gone(mixed_folder, shared, monkeypatch, damage):
    """A handover file that cannot be read back (removed by a tmp cleaner meanwhile, or damaged): that chunk is read
    here."""
    original = analytics._read_files_into

    def lost(root, paths, folder):
        handed = original(root, paths, folder)
        if isinstance(handed, str):
            path = Path(handed)
            if damage == "removed":
                path.unlink()
            else:
                data = path.read_bytes()
                path.write_bytes(data[: len(data) // 2] if damage == "cut short" else b"")
        return handed

    monkeypatch.setattr(analytics, "_read_files_into", lost)
    executor = ScriptedExecutor()
    _assert_same_read(mixed_folder, executor)
    assert executor.ran > 1


def test_a_report_leaves_no_handover_folder_behind(small_folder, shared, one_worker, monkeypatch, tmp_path):
    """The handover folder lives in the temporary folder only while a report reads, with a real worker process."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(analytics.tempfile, "tempdir", str(scratch))
    seen: list[tuple[str, bool]] = []
    original = analytics._read_shared

    def watched(*args):
        handover = args[-1]
        seen.append((handover, Path(handover).is_dir()))
        return original(*args)

    monkeypatch.setattr(analytics, "_read_shared", watched)
    with report.report_executor(1) as executor:
        _assert_same_read(small_folder, executor)
    assert len(seen) == 1 and Path(seen[0][0]).parent == scratch and seen[0][1]
    assert list(scratch.iterdir()) == []


def test_the_cycle_collector_is_paused_while_a_report_is_made_and_restored_after(small_folder, monkeypatch, tmp_path):
    """Paused while the report reads and draws (the collector would walk 100,000 attempts' objects for nothing), on
    again after it, also when the report fails; left off when it was off before."""
    seen: list[bool] = []
    original = report.class_tables

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(report, "class_tables", watched)
    assert gc.isenabled()
    report.build_report(small_folder, tmp_path / "out", BOOK, on_progress=lambda d, n: None, workers=0)
    assert seen == [False] and gc.isenabled()
    with pytest.raises(FileNotFoundError):
        report.build_report(tmp_path / "no-such-folder", tmp_path / "out2", BOOK, workers=0)
    assert gc.isenabled()
    gc.disable()
    try:
        report.build_report(small_folder, tmp_path / "out3", BOOK, on_progress=lambda d, n: None, workers=0)
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize(
    "values",
    [
        [1, 2, 3],
        [1.5, 2],
        [1, None],
        [None, None],
        [True, False],
        [True, 1],
        [1.0, None, 2],
        [float("nan"), 1],
        [2**70, 1],
        [2**70, None],
        [2**70, 1.5],
        [2**63, None],
        [-(2**63), 2**63 - 1],
        [2**63],
        ["a", 1],
        ["a", "b"],
        [("q_onset",), ()],
        [],
    ],
)
def test_a_column_is_typed_as_pandas_would_type_it(values):
    """The attempts table's columns are made into arrays without pandas' inference, with the same dtype and values
    pandas infers from the list."""
    made, inferred = pd.Series(analytics._column_array(list(values))), pd.Series(list(values))
    assert made.dtype == inferred.dtype
    pd.testing.assert_series_equal(made, inferred)
