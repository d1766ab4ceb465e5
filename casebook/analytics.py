"""Attempt records -> tidy pandas tables: class analytics over a folder of hand-ins, and a student's own progress."""

from __future__ import annotations

import os
import pickle
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from itertools import chain
from operator import methodcaller
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .attempts import (
    FIELD_NAMES,
    FILE_SUFFIXES,
    SCORE_NAMES,
    AttemptRecord,
    RecordProblem,
    read_attempt_values,
    record_values,
)
from .i18n import M_, Translator, as_translator, format_percent, translator

if TYPE_CHECKING:  # pandas is imported lazily inside the functions
    import pandas as pd

    from .model import Casebook

ATTEMPT_FILE_SUFFIXES = FILE_SUFFIXES
STEP_VERDICTS = ("correct", "acceptable", "not_indicated", "unsafe")
# Confidence bins of the calibration curve, in % (the last one includes 100).
CONFIDENCE_BINS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 100))
# Fewer attempts with a confidence than this, and calibration_summary does not judge (one case says little).
MIN_CALIBRATION_ATTEMPTS = 5
# Mean confidence more than this many percentage points above (below) the share right is named over- (under-)
# confidence; within it, confidence and accuracy are in step.
CALIBRATION_GAP = 10
# Columns of the attempts table read_folder returns (one row per attempt).
ATTEMPT_COLUMNS = (
    "attempt_id",
    "alias",
    "case_id",
    "correct_diagnosis",
    "mode",
    "lang",
    "leading",
    "differential",
    "verdict",
    "correct",
    "confidence",
    "next_step",
    "next_step_verdict",
    "unsafe_step",
    "seconds",
    "n_asked",
    "n_asked_unaided",
    "n_typed",
    "menu_opened_at",
    "n_examined",
    "n_investigated",
    "asked",
    "asked_unaided",
    "missed_key_questions",
    "missed_red_flags",
    *(f"score_{s}" for s in SCORE_NAMES),
    "started_at",
    "submitted_at",
    "demo",
    "file",
    "line",
)


def _pd():
    import pandas as pd

    return pd


def attempt_files(folder: str | os.PathLike) -> list[Path]:
    """The attempts files (.jsonl, .csv) in a folder and its subfolders, in a stable order; hidden ones are left out."""
    root = Path(folder)
    found = (
        p
        for p in root.rglob("*")
        if p.suffix.lower() in ATTEMPT_FILE_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
        and p.is_file()
    )
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


# Columns of the attempts table copied from the record's field of the same name (its ids already interned on reading).
_COPIED = (
    "attempt_id",
    "alias",
    "case_id",
    "correct_diagnosis",
    "mode",
    "lang",
    "differential",
    "verdict",
    "confidence",
    "next_step_verdict",
    "unsafe_step",
    "asked",
    "asked_unaided",
    "menu_opened_at",
    "missed_key_questions",
    "missed_red_flags",
    "started_at",
    "submitted_at",
    "demo",
)
_COUNTED = ("asked", "asked_unaided", "typed", "examined", "investigated")  # n_asked, ...: the length of the field
_NAN = float("nan")


class _Columns:
    """The attempts table being built, one list per column; records are added a file at a time, column by column
    (a class report adds 100,000 of them: one C-level pass per column instead of Python code per record)."""

    def __init__(self) -> None:
        self.data: dict[str, list] = {name: [] for name in ATTEMPT_COLUMNS}

    def add(self, records: list[AttemptRecord], file: str, lines: Iterable[int]) -> None:
        """Add one file's records (``lines``: where each was read) to the columns."""
        self.add_values(list(map(record_values, records)), file, lines)

    def add_values(self, rows: list[tuple | list], file: str, lines: Iterable[int]) -> None:
        """Add one file's records, each as its field values (attempts.FIELD_NAMES order, as read_attempt_values reads
        them), to the columns."""
        if not rows:
            return
        fields = dict(zip(FIELD_NAMES, zip(*rows, strict=True), strict=True))
        c = self.data
        for name in _COPIED:
            c[name] += fields[name]
        c["leading"] += [d[0] if d else "" for d in fields["differential"]]
        c["correct"] += [v == "correct" for v in fields["verdict"]]
        c["next_step"] += [s or "" for s in fields["next_step"]]
        c["seconds"] += [
            float(s) if s is not None else float(end - start) if start is not None else _NAN
            for s, start, end in zip(fields["seconds"], fields["started_at"], fields["submitted_at"], strict=True)
        ]
        for name in _COUNTED:
            c[f"n_{name}"] += map(len, fields[name])
        for score in SCORE_NAMES:
            c[f"score_{score}"] += map(methodcaller("get", score), fields["scores"])
        c["file"] += [file] * len(rows)
        c["line"] += lines

    def extend(self, data: dict[str, list]) -> None:
        """Append the columns of another _Columns (``data``), row for row."""
        for name, column in self.data.items():
            column += data[name]

    def frame(self) -> pd.DataFrame:
        """The attempts table (columns as ATTEMPT_COLUMNS, times as UTC datetimes, numbers and flags typed)."""
        pd = _pd()
        df = pd.DataFrame({name: _column_array(self.data[name]) for name in ATTEMPT_COLUMNS}, columns=ATTEMPT_COLUMNS)
        for col in ("started_at", "submitted_at"):
            times = pd.to_numeric(df[col], errors="coerce")  # a time beyond the calendar (1e25 s) is no time: NaT
            df[col] = pd.to_datetime(times, unit="s", utc=True, errors="coerce").dt.floor("s")
        for col in ("seconds", "confidence", "menu_opened_at", *(f"score_{s}" for s in SCORE_NAMES)):
            df[col] = pd.to_numeric(df[col], errors="coerce")
        for col in ("correct", "unsafe_step", "demo"):
            df[col] = df[col].astype(bool)
        df["line"] = df["line"].astype(int)
        return df


def _column_array(values: list) -> object:
    """A column's values as the numpy array pandas would make of them when they are all numbers (int64; float64, None
    as NaN) or all True/False (bool), made without pandas' inference, which looks at each value in Python (15-30 ms per
    100,000 values, a tenth of a class report's time after reading); otherwise the list, for pandas to infer."""
    kinds = set(map(type, values))
    if not kinds or not kinds <= _ARRAY_KINDS:
        return values
    import numpy as np

    try:
        if kinds == {int}:
            return np.array(values, dtype=np.int64)
        if kinds == {bool}:
            return np.array(values, dtype=np.bool_)
        if bool not in kinds and kinds != {type(None)}:
            if int in kinds:  # an int beyond int64 among floats or None stays an object in pandas: so here too
                np.array([v for v in values if type(v) is int], dtype=np.int64)
            return np.array(values, dtype=np.float64)
    except OverflowError:  # an int too large for 64 bits: pandas decides
        pass
    return values


_ARRAY_KINDS = frozenset((int, float, bool, type(None)))


def records_frame(records: Iterable[AttemptRecord]) -> pd.DataFrame:
    """An attempts table (one row per attempt, the columns of ATTEMPT_COLUMNS) from attempt records."""
    records = list(records)
    columns = _Columns()
    columns.add(records, "", range(1, len(records) + 1))
    return columns.frame()


# A folder read with an executor's help is cut into about this many chunks (by size): small enough that the two ends
# meet evenly, large enough that handing a chunk over costs little.
SHARED_CHUNKS = 48
# Smaller folders are read by this process alone: sharing would cost about as much as it saves.
SHARED_READ_MIN_BYTES = 2 * 2**20


class _FileRead(NamedTuple):
    """One file's attempts as table columns and its problems, as a reader (this process or a worker) hands them over
    to be merged, in file order, into the folder's table."""

    name: str
    columns: dict[str, list]
    problems: list[tuple[int, int, str]]  # (records read before it, line, message), in the order they were read


def _read_file(root: Path, path: Path) -> _FileRead:
    """Every attempt and problem in one file (duplicates are found later, when the files are merged in order)."""
    name = path.relative_to(root).as_posix()
    rows: list[tuple | list] = []
    lines: list[int] = []
    problems: list[tuple[int, int, str]] = []
    for line, values, problem in read_attempt_values(path):
        if values is None:
            problems.append((len(rows), line, problem or ""))
        else:
            rows.append(values)
            lines.append(line)
    columns = _Columns()
    columns.add_values(rows, name, lines)
    return _FileRead(name, columns.data, problems)


def _read_files(root: Path, paths: list[Path]) -> list[_FileRead]:
    """Read several files (a chunk of read_folder's)."""
    return [_read_file(root, path) for path in paths]


def _read_files_into(root: Path, paths: list[Path], folder: str) -> str | list[_FileRead]:
    """Read several files (a chunk a worker process reads for read_folder) and leave what was read in a new file in
    ``folder``; returns that file's path, or what was read when the file cannot be written (see _take_reads).

    A worker hands a chunk over through a file rather than through the executor's pipe: the pipe holds 64 KiB, so a
    worker handing over half a megabyte waits, piece by piece, for this process, busy reading chunks of its own, to take
    it in (measured over 100,000 attempts: a tenth of a second lost per chunk, the worker idle a third of the time).
    """
    reads = _read_files(root, paths)
    try:
        fd, name = tempfile.mkstemp(suffix=".pickle", dir=folder)
    except OSError:
        return reads
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(reads, f, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:  # a full disk: hand it over through the pipe after all
        _remove(name)
        return reads
    return name


def _take_reads(handed: str | list[_FileRead]) -> list[_FileRead]:
    """What a worker read (see _read_files_into), its file removed; OSError, EOFError or UnpicklingError when that file
    cannot be read. The file is in a folder of this process's own (mkdtemp makes it readable by its user alone)."""
    if not isinstance(handed, str):
        return handed
    try:
        with open(handed, "rb") as f:
            return pickle.load(f)
    finally:
        _remove(handed)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


class _Merge:
    """The folder's table and problems, built from _FileReads merged in file order: an attempt already read from an
    earlier file or line is a problem of its own line (counted once); a file with neither attempts nor problems is
    reported empty."""

    def __init__(self) -> None:
        self.columns = _Columns()
        self.problems: list[RecordProblem] = []
        self.seen: dict[str, tuple[str, int]] = {}

    def add(self, read: _FileRead) -> None:
        name, data = read.name, read.columns
        seen = self.seen
        repeats: list[tuple[int, int, str]] = []
        for row, (attempt_id, line) in enumerate(zip(data["attempt_id"], data["line"], strict=True)):
            first = seen.get(attempt_id)
            if first is None:
                seen[attempt_id] = (name, line)
            else:
                message = M_(
                    "attempt {id} was already read from {file}, line {line} (counted once)",
                    id=attempt_id,
                    file=first[0],
                    line=first[1],
                )
                repeats.append((row, line, message))
        if repeats:
            dropped = {row for row, _, _ in repeats}
            data = {key: [v for row, v in enumerate(column) if row not in dropped] for key, column in data.items()}
        self.columns.extend(data)
        # In reading order: a problem read before record n sorts before the repeat of record n.
        ordered = sorted(
            [(before, 0, line, message) for before, line, message in read.problems]
            + [(row, 1, line, message) for row, line, message in repeats],
            key=lambda p: (p[0], p[1]),
        )
        self.problems += [RecordProblem(name, line, message) for _, _, line, message in ordered]
        if not read.columns["attempt_id"] and not read.problems:
            self.problems.append(RecordProblem(name, 0, M_("holds no attempts (the file is empty)")))


def read_folder(
    folder: str | os.PathLike,
    on_progress: Callable[[int, int], None] | None = None,
    *,
    executor: Executor | None = None,
) -> tuple[pd.DataFrame, list[RecordProblem]]:
    """Every attempt in a folder of hand-ins (.jsonl, .csv): (attempts table, problems).

    Bad files and lines are skipped, listed and counted; an attempt handed in twice is counted once.
    ``on_progress(files_done, files_total)`` is called after each file (files done only grows, and the last call has
    files_done == files_total). With an ``executor`` (worker processes, see report.report_executor) the files are
    shared with it; the table and the problems are the same as without. Raises FileNotFoundError when the folder does
    not exist.
    """
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"no such folder: {root}")
    files = attempt_files(root)
    merged = _Merge()
    sizes = _sizes(files) if executor is not None and len(files) > 1 else []
    if sizes and sum(sizes) >= SHARED_READ_MIN_BYTES:
        with tempfile.TemporaryDirectory(prefix="casebook-report-", ignore_cleanup_errors=True) as handover:
            _read_shared(root, _chunks(files, sizes, SHARED_CHUNKS), executor, merged, on_progress, handover)
    else:
        for done, path in enumerate(files, start=1):
            merged.add(_read_file(root, path))
            if on_progress is not None:
                on_progress(done, len(files))
    return merged.columns.frame(), merged.problems


def _sizes(paths: list[Path]) -> list[int]:
    """Each file's size in bytes (0 when it cannot be read: read_attempts reports why)."""
    sizes = []
    for path in paths:
        try:
            sizes.append(path.stat().st_size)
        except OSError:
            sizes.append(0)
    return sizes


def _chunks(paths: list[Path], sizes: list[int], n: int) -> list[list[Path]]:
    """``paths`` in order, cut into at most about ``n`` runs of about the same number of bytes."""
    target = sum(sizes) / max(1, n)
    chunks: list[list[Path]] = [[]]
    filled = 0.0
    for path, size in zip(paths, sizes, strict=True):
        if chunks[-1] and filled + size / 2 > target:
            chunks.append([])
            filled = 0.0
        chunks[-1].append(path)
        filled += size
    return chunks


def _read_shared(
    root: Path,
    chunks: list[list[Path]],
    executor: Executor,
    merged: _Merge,
    on_progress: Callable[[int, int], None] | None,
    handover: str,
) -> None:
    """Read the files of ``chunks`` into ``merged`` with the executor's help, merged in file order; the workers hand
    their chunks over through files in the folder ``handover`` (see _read_files_into).

    The executor takes chunks from the end of the list while this process reads from the front, taking back each
    chunk no worker has started yet, so the two meet wherever the machine's load puts them; this process also merges
    (and so stays the one that counts repeats and reports problems in file order).
    """
    total = sum(map(len, chunks))
    futures: list[Future | None] = [None] * len(chunks)
    try:
        for i in reversed(range(len(chunks))):  # the executor starts at the end
            futures[i] = executor.submit(_read_files_into, root, chunks[i], handover)
    except (BrokenExecutor, RuntimeError):
        pass  # no (more) help: this process reads what was not handed over

    done, reported = 0, 0

    def report() -> None:  # files done here and by the workers; each count once, growing
        nonlocal reported
        count = done + sum(len(c) for c, f in zip(chunks, futures, strict=True) if f is not None and f.done())
        if on_progress is not None and count > reported:
            reported = count
            on_progress(count, total)

    first_taken = len(chunks)
    for i, chunk in enumerate(chunks):
        future = futures[i]
        if future is not None and not future.cancel():
            first_taken = i  # a worker has this chunk, and every one after it
            break
        futures[i] = None
        for path in chunk:
            merged.add(_read_file(root, path))
            done += 1
            report()
    pending = {f for f in futures if f is not None}
    while pending:
        _, pending = wait(pending, return_when=FIRST_COMPLETED)
        report()
    for chunk, future in zip(chunks[first_taken:], futures[first_taken:], strict=True):
        try:
            reads = _take_reads(future.result()) if future is not None else _read_files(root, chunk)
        except (BrokenExecutor, OSError, EOFError, pickle.UnpicklingError):  # a worker died (out of memory?), or its
            # file is gone or damaged: read the chunk here
            reads = _read_files(root, chunk)
        for read in reads:
            merged.add(read)
    if on_progress is not None and reported < total:
        on_progress(total, total)


def problems_frame(problems: Iterable[RecordProblem]) -> pd.DataFrame:
    """The problem report as a table: file, line (0 = the whole file), message."""
    return _pd().DataFrame([(p.file, p.line, p.message) for p in problems], columns=["file", "line", "message"])


def _name(book: Casebook | None, condition_id: str, lang: str = "en") -> str:
    return book.condition_name(condition_id, lang) if book is not None else condition_id


def _question_text(book: Casebook | None, qid: str, lang: str = "en") -> str:
    if book is not None and qid in book.bank.questions:
        return book.bank.questions[qid].text.get(lang)
    return qid


# ------------------------------------------------------------------ class analytics


def accuracy_by_case(df: pd.DataFrame) -> pd.DataFrame:
    """Per case: attempts, leading diagnosis right, right but not leading, and accuracy (share right as leading)."""
    pd = _pd()
    if df.empty:
        return pd.DataFrame(columns=["case_id", "diagnosis", "attempts", "correct", "correct_not_leading", "accuracy"])
    g = df.groupby("case_id", sort=True)
    out = pd.DataFrame(
        {
            "diagnosis": g["correct_diagnosis"].first(),
            "attempts": g.size(),
            "correct": g["correct"].sum().astype(int),
            "correct_not_leading": g["verdict"].apply(lambda v: int((v == "correct_not_leading").sum())),
        }
    ).reset_index()
    out["accuracy"] = (out["correct"] / out["attempts"]).round(3)
    return out


def accuracy_by_condition(df: pd.DataFrame, book: Casebook | None = None, lang: str = "en") -> pd.DataFrame:
    """Per correct diagnosis (condition): its name (from the casebook if given, in ``lang``), cases, attempts, correct,
    accuracy."""
    pd = _pd()
    cols = ["condition_id", "condition", "cases", "attempts", "correct", "accuracy"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    g = df.groupby("correct_diagnosis", sort=True)
    out = pd.DataFrame(
        {"cases": g["case_id"].nunique(), "attempts": g.size(), "correct": g["correct"].sum().astype(int)}
    ).reset_index()
    out = out.rename(columns={"correct_diagnosis": "condition_id"})
    out.insert(1, "condition", [_name(book, c, lang) for c in out["condition_id"]])
    out["accuracy"] = (out["correct"] / out["attempts"]).round(3)
    return out[cols]


def confusion_matrix(df: pd.DataFrame) -> pd.DataFrame:
    """Counts of attempts by correct diagnosis (rows) and leading diagnosis chosen (columns); the diagonal is right."""
    pd = _pd()
    if df.empty:
        return pd.DataFrame()
    labels = sorted(set(df["correct_diagnosis"]) | set(df["leading"]))
    table = pd.crosstab(df["correct_diagnosis"], df["leading"]).reindex(index=labels, columns=labels, fill_value=0)
    table.index.name, table.columns.name = "correct diagnosis", "chosen as leading"
    return table.astype(int)


def _missed(df: pd.DataFrame, column: str, book: Casebook | None, key: str, lang: str = "en") -> pd.DataFrame:
    """How often each question was missed; with the casebook, also in how many attempts it was key (or a red flag)."""
    pd = _pd()
    missed = Counter(chain.from_iterable(df[column]))
    of: Counter[str] = Counter()
    if book is not None:
        per_case = df["case_id"].value_counts()
        for case_id, n in per_case.items():
            case = book.cases.get(case_id)
            if case is not None:
                for q in getattr(case, key):
                    of[q] += int(n)
    rows = []
    for q in sorted(set(missed) | set(of)):
        denominator = of.get(q) if book is not None else None
        rows.append((q, _question_text(book, q, lang), missed.get(q, 0), denominator))
    out = pd.DataFrame(rows, columns=["question_id", "question", "missed", "of_attempts"])
    out["of_attempts"] = pd.to_numeric(out["of_attempts"], errors="coerce").astype("Int64")
    out["share_missed"] = (out["missed"] / out["of_attempts"].astype("float")).round(3)
    out = out[out["missed"] > 0].sort_values(["missed", "question_id"], ascending=[False, True]).reset_index(drop=True)
    return out


def missed_key_questions(df: pd.DataFrame, book: Casebook | None = None, lang: str = "en") -> pd.DataFrame:
    """Key questions by how often students missed them (most missed first), with the share of the attempts at stake
    (question texts in ``lang``)."""
    return _missed(df, "missed_key_questions", book, "key_questions", lang)


def missed_red_flags(df: pd.DataFrame, book: Casebook | None = None, lang: str = "en") -> pd.DataFrame:
    """Red-flag questions by how often students missed them (most missed first; question texts in ``lang``)."""
    return _missed(df, "missed_red_flags", book, "red_flag_questions", lang)


def questions_per_case(df: pd.DataFrame) -> pd.DataFrame:
    """Per case: attempts and the history questions asked (mean, median, min, max)."""
    pd = _pd()
    if df.empty:
        return pd.DataFrame(columns=["case_id", "attempts", "mean", "median", "min", "max"])
    g = df.groupby("case_id", sort=True)["n_asked"]
    out = pd.DataFrame(
        {"attempts": g.size(), "mean": g.mean().round(1), "median": g.median(), "min": g.min(), "max": g.max()}
    ).reset_index()
    return out


def next_step_safety(df: pd.DataFrame) -> pd.DataFrame:
    """Per case: how many attempts chose a correct, acceptable, not-indicated or unsafe next step; the unsafe share."""
    pd = _pd()
    cols = ["case_id", "attempts", *STEP_VERDICTS, "unsafe_share"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    table = pd.crosstab(df["case_id"], df["next_step_verdict"]).reindex(columns=list(STEP_VERDICTS), fill_value=0)
    table.columns.name = None
    out = table.reset_index()
    out.insert(1, "attempts", out[list(STEP_VERDICTS)].sum(axis=1))
    out["unsafe_share"] = (out["unsafe"] / out["attempts"]).round(3)
    return out[cols]


def time_on_case(df: pd.DataFrame) -> pd.DataFrame:
    """Per case: attempts and minutes from start to submit (median, mean, min, max)."""
    pd = _pd()
    if df.empty:
        return pd.DataFrame(
            columns=["case_id", "attempts", "median_minutes", "mean_minutes", "min_minutes", "max_minutes"]
        )
    minutes = df.assign(minutes=df["seconds"] / 60).groupby("case_id", sort=True)["minutes"]
    return pd.DataFrame(
        {
            "attempts": minutes.size(),
            "median_minutes": minutes.median().round(1),
            "mean_minutes": minutes.mean().round(1),
            "min_minutes": minutes.min().round(1),
            "max_minutes": minutes.max().round(1),
        }
    ).reset_index()


def thoroughness_by_case(df: pd.DataFrame) -> pd.DataFrame:
    """Per case: menu-mode attempts and their thoroughness (key questions asked / key questions, mean), recall-mode
    attempts with their recall thoroughness (key questions found unaided / key questions) and their thoroughness once
    the question list could help (``recall_with_list``). Means from 0 to 1; NaN where a mode has no attempt."""
    pd = _pd()
    cols = [
        "case_id",
        "menu_attempts",
        "menu_thoroughness",
        "recall_attempts",
        "recall_thoroughness",
        "recall_with_list",
    ]
    if df.empty:
        return pd.DataFrame(columns=cols)
    scores = df[["case_id", "mode", "score_thoroughness", "score_recall"]]  # filtered below: not every column
    menu, recall = scores[scores["mode"] != "recall"], scores[scores["mode"] == "recall"]
    out = pd.DataFrame(index=pd.Index(sorted(df["case_id"].unique()), name="case_id"))
    out["menu_attempts"] = menu.groupby("case_id").size()
    out["menu_thoroughness"] = menu.groupby("case_id")["score_thoroughness"].mean().round(3)
    out["recall_attempts"] = recall.groupby("case_id").size()
    out["recall_thoroughness"] = recall.groupby("case_id")["score_recall"].mean().round(3)
    out["recall_with_list"] = recall.groupby("case_id")["score_thoroughness"].mean().round(3)
    for col in ("menu_attempts", "recall_attempts"):
        out[col] = out[col].fillna(0).astype(int)
    return out.reset_index()[cols]


def thoroughness_by_mode(df: pd.DataFrame) -> pd.DataFrame:
    """One row per history mode that has attempts (menu, recall): attempts, mean thoroughness and, for recall, mean
    recall thoroughness (key questions found unaided / key questions), from 0 to 1."""
    pd = _pd()
    cols = ["mode", "attempts", "thoroughness", "recall_thoroughness"]
    rows = []
    for mode in ("menu", "recall"):
        part = df[df["mode"] == mode] if not df.empty else df
        if len(part):
            recall = round(float(part["score_recall"].mean()), 3) if mode == "recall" else float("nan")
            rows.append((mode, len(part), round(float(part["score_thoroughness"].mean()), 3), recall))
    return pd.DataFrame(rows, columns=cols)


def calibration_table(df: pd.DataFrame) -> pd.DataFrame:
    """The calibration curve's data: per confidence bin (CONFIDENCE_BINS, in %) the attempts with a confidence in it,
    how many had the right leading diagnosis, the share right (accuracy) and the mean confidence (0-100).

    Every bin is a row, empty ones with 0 attempts and NaN shares; attempts without a confidence are left out.
    """
    pd = _pd()
    cols = ["bin", "low", "high", "attempts", "correct", "accuracy", "mean_confidence"]
    rated = df.loc[df["confidence"].notna(), ["confidence", "correct"]] if not df.empty else df
    rows = []
    for low, high in CONFIDENCE_BINS:
        last = high == CONFIDENCE_BINS[-1][1]
        if rated.empty:
            part = rated
        else:
            within = (rated["confidence"] >= low) & (
                (rated["confidence"] <= high) if last else (rated["confidence"] < high)
            )
            part = rated[within]
        n = len(part)
        right = int(part["correct"].sum()) if n else 0
        rows.append(
            (
                f"{low}-{high} %",
                low,
                high,
                n,
                right,
                round(right / n, 3) if n else float("nan"),
                round(float(part["confidence"].mean()), 1) if n else float("nan"),
            )
        )
    return pd.DataFrame(rows, columns=cols)


def calibration_summary(df: pd.DataFrame, lang: str = "en", who: str = "you") -> str:
    """One sentence naming over- or under-confidence (or confidence in step with accuracy) over the attempts with a
    confidence, with the figures it rests on; ``who``: "you" (a student's own page) or "class" (the dashboard)."""
    t = translator(lang)
    rated = df[df["confidence"].notna()] if not df.empty else df
    n = len(rated)
    if n < MIN_CALIBRATION_ATTEMPTS:
        return t.ngettext(
            "Too few attempts to judge confidence yet: {n} attempt with a confidence, {needed} needed.",
            "Too few attempts to judge confidence yet: {n} attempts with a confidence, {needed} needed.",
            n,
        ).format(n=n, needed=MIN_CALIBRATION_ATTEMPTS)
    confidence = float(rated["confidence"].mean())
    accuracy = 100 * float(rated["correct"].mean())
    gap = confidence - accuracy
    facts = {"confidence": round(confidence), "accuracy": round(accuracy), "n": n, "gap": round(abs(gap))}
    if gap > CALIBRATION_GAP:
        text = {
            "you": t.ngettext(
                "Over-confident: you were {confidence} % sure on average, but your leading diagnosis was right in "
                "{accuracy} % of {n} attempt ({gap} points less).",
                "Over-confident: you were {confidence} % sure on average, but your leading diagnosis was right in "
                "{accuracy} % of {n} attempts ({gap} points less).",
                n,
            ),
            "class": t.ngettext(
                "Over-confident: the class was {confidence} % sure on average, but the leading diagnosis was right in "
                "{accuracy} % of {n} attempt ({gap} points less).",
                "Over-confident: the class was {confidence} % sure on average, but the leading diagnosis was right in "
                "{accuracy} % of {n} attempts ({gap} points less).",
                n,
            ),
        }[who]
    elif gap < -CALIBRATION_GAP:
        text = {
            "you": t.ngettext(
                "Under-confident: you were {confidence} % sure on average, but your leading diagnosis was right in "
                "{accuracy} % of {n} attempt ({gap} points more): trust your findings more.",
                "Under-confident: you were {confidence} % sure on average, but your leading diagnosis was right in "
                "{accuracy} % of {n} attempts ({gap} points more): trust your findings more.",
                n,
            ),
            "class": t.ngettext(
                "Under-confident: the class was {confidence} % sure on average, but the leading diagnosis was right in "
                "{accuracy} % of {n} attempt ({gap} points more).",
                "Under-confident: the class was {confidence} % sure on average, but the leading diagnosis was right in "
                "{accuracy} % of {n} attempts ({gap} points more).",
                n,
            ),
        }[who]
    else:
        text = {
            "you": t.ngettext(
                "Confidence in step with accuracy: you were {confidence} % sure on average and your leading diagnosis "
                "was right in {accuracy} % of {n} attempt.",
                "Confidence in step with accuracy: you were {confidence} % sure on average and your leading diagnosis "
                "was right in {accuracy} % of {n} attempts.",
                n,
            ),
            "class": t.ngettext(
                "Confidence in step with accuracy: the class was {confidence} % sure on average and the leading "
                "diagnosis was right in {accuracy} % of {n} attempt.",
                "Confidence in step with accuracy: the class was {confidence} % sure on average and the leading "
                "diagnosis was right in {accuracy} % of {n} attempts.",
                n,
            ),
        }[who]
    return text.format(**facts)


def class_summary(df: pd.DataFrame, problems: list[RecordProblem]) -> dict[str, int | float]:
    """Headline figures: students, attempts, cases, overall accuracy, unsafe next steps, files and lines skipped."""
    return {
        "students": int(df["alias"].nunique()) if not df.empty else 0,
        "attempts": len(df),
        "cases": int(df["case_id"].nunique()) if not df.empty else 0,
        "accuracy": round(float(df["correct"].mean()), 3) if not df.empty else 0.0,
        "unsafe_steps": int(df["unsafe_step"].sum()) if not df.empty else 0,
        "problems": len(problems),
        "files_with_problems": len({p.file for p in problems}),
    }


# ------------------------------------------------------------------ a student's own progress


def attempts_over_time(df: pd.DataFrame) -> pd.DataFrame:
    """One row per attempt, oldest first: when, which case, the verdict, the scores and the running accuracy."""
    pd = _pd()
    cols = [
        "attempt",
        "submitted_at",
        "case_id",
        "mode",
        "verdict",
        "correct",
        "confidence",
        "next_step_verdict",
        *(f"score_{s}" for s in SCORE_NAMES),
        "running_accuracy",
    ]
    if df.empty:
        return pd.DataFrame(columns=cols)
    out = df.sort_values(["submitted_at", "attempt_id"]).reset_index(drop=True)
    out["attempt"] = range(1, len(out) + 1)
    out["running_accuracy"] = (out["correct"].cumsum() / out["attempt"]).round(3)
    return out[cols]


def scores_by_condition(df: pd.DataFrame, book: Casebook | None = None, lang: str = "en") -> pd.DataFrame:
    """Per condition (the case's diagnosis, named in ``lang``): attempts, accuracy and mean scores from 0 to 1."""
    pd = _pd()
    score_cols = [f"score_{s}" for s in SCORE_NAMES]
    cols = ["condition_id", "condition", "attempts", "accuracy", *score_cols]
    if df.empty:
        return pd.DataFrame(columns=cols)
    g = df.groupby("correct_diagnosis", sort=True)
    out = g[score_cols].mean().round(3)
    out.insert(0, "accuracy", g["correct"].mean().round(3))
    out.insert(0, "attempts", g.size())
    out = out.reset_index().rename(columns={"correct_diagnosis": "condition_id"})
    out.insert(1, "condition", [_name(book, c, lang) for c in out["condition_id"]])
    return out[cols]


def scores_by_topic(df: pd.DataFrame, book: Casebook, lang: str = "en") -> pd.DataFrame:
    """Per question topic of the bank (titled in ``lang``): key questions that came up in the attempts, how many were
    asked, the share asked.

    Attempts at cases the casebook does not hold are left out (their key questions are unknown).
    """
    pd = _pd()
    bank = book.bank
    key: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    for case_id, missed_qs in zip(df["case_id"], df["missed_key_questions"], strict=True):
        case = book.cases.get(case_id)
        if case is None:
            continue
        for q in case.key_questions:
            if q in bank.questions:
                key[bank.questions[q].topic] += 1
        for q in missed_qs:
            if q in bank.questions and q in case.key_questions:
                missed[bank.questions[q].topic] += 1
    rows = [
        (t.id, t.title.get(lang), key[t.id], key[t.id] - missed[t.id], missed[t.id]) for t in bank.topics if key[t.id]
    ]
    out = pd.DataFrame(rows, columns=["topic_id", "topic", "key_questions", "asked", "missed"])
    out["share_asked"] = (out["asked"] / out["key_questions"]).round(3)
    return out


def red_flags_missed_most(df: pd.DataFrame, book: Casebook | None = None, lang: str = "en") -> pd.DataFrame:
    """The red-flag questions missed, most often first, with the question text (in ``lang``)."""
    return missed_red_flags(df, book, lang)[["question_id", "question", "missed", "of_attempts", "share_missed"]]


def cases_not_done(df: pd.DataFrame, book: Casebook, lang: str | Translator = "en") -> pd.DataFrame:
    """Cases of the casebook with no attempt in ``df``: id, title, difficulty, setting (no diagnosis: no spoilers), in
    ``lang``."""
    from .model import difficulty_label, setting_label

    pd = _pd()
    t = as_translator(lang)
    done = set(df["case_id"]) if not df.empty else set()
    rows = [
        (c.id, c.title.get(t.lang), difficulty_label(c.difficulty, t), setting_label(c.setting, t))
        for c in book.cases.values()
        if c.id not in done
    ]
    return pd.DataFrame(rows, columns=["case_id", "title", "difficulty", "setting"])


# ------------------------------------------------------------------ plain-text summaries (notebooks show them escaped)


def progress_summary(df: pd.DataFrame, total_cases: int | None = None, lang: str | Translator = "en") -> str:
    """One line on a student's attempts, in ``lang``: how many, on how many cases, right leading diagnoses, red flags
    missed, unsafe steps, and the recall thoroughness of recall-mode attempts when there are any."""
    t = as_translator(lang)
    if df.empty:
        return t("No attempts yet.")
    n = len(df)
    right = int(df["correct"].sum())
    cases = int(df["case_id"].nunique())
    red_flags = int(df["missed_red_flags"].map(len).sum())
    unsafe = int(df["unsafe_step"].sum())
    if total_cases:
        on = t.ngettext("{n} of {total} case", "{n} of {total} cases", total_cases).format(n=cases, total=total_cases)
    else:
        on = t.ngettext("{n} case", "{n} cases", cases).format(n=cases)
    parts = [
        t("{attempts} on {cases}").format(attempts=t.ngettext("{n} attempt", "{n} attempts", n).format(n=n), cases=on),
        t("right leading diagnosis in {right} of {n} ({share})").format(
            right=right, n=n, share=format_percent(100 * right / n, t)
        ),
        t.ngettext("red-flag questions missed {n} time", "red-flag questions missed {n} times", red_flags).format(
            n=red_flags
        ),
        t("unsafe next steps {n}").format(n=unsafe),
    ]
    recall = df[df["mode"] == "recall"]
    if len(recall):
        parts.append(
            t.ngettext(
                "recall thoroughness {recall} in {n} recall attempt (key questions found unaided)",
                "recall thoroughness {recall} in {n} recall attempts (key questions found unaided)",
                len(recall),
            ).format(recall=format_percent(100 * float(recall["score_recall"].mean()), t), n=len(recall))
        )
    return " · ".join(parts)


def case_summary(
    df: pd.DataFrame, case_id: str, book: Casebook | None = None, lang: str | Translator = "en"
) -> list[str]:
    """A few plain lines on one case for the teacher, in ``lang``: attempts, accuracy, the commonest wrong leading
    diagnoses and the key questions missed most."""
    t = as_translator(lang)
    code = t.lang if t.lang in ("en", "nb", "da") else "en"
    rows = df[df["case_id"] == case_id]
    if rows.empty:
        return [t("No attempts at {case}.").format(case=case_id)]
    n = len(rows)
    right = int(rows["correct"].sum())
    diagnosis = rows["correct_diagnosis"].iloc[0]
    lines = [
        t.ngettext(
            "{case}: {n} attempt; right leading diagnosis ({condition}) in {right} ({share}).",
            "{case}: {n} attempts; right leading diagnosis ({condition}) in {right} ({share}).",
            n,
        ).format(
            case=case_id,
            n=n,
            condition=_name(book, diagnosis, code),
            right=right,
            share=format_percent(100 * right / n, t),
        )
    ]
    wrong = Counter(rows.loc[~rows["correct"], "leading"])
    if wrong:
        chosen = ", ".join(
            f"{_name(book, c, code)} ({k})" for c, k in sorted(wrong.items(), key=lambda x: (-x[1], x[0]))[:3]
        )
        lines.append(t("Chosen instead: {conditions}.").format(conditions=chosen))
    missed = Counter(q for qs in rows["missed_key_questions"] for q in qs)
    if missed:
        most = "; ".join(
            f"{_question_text(book, q, code)} ({k})" for q, k in sorted(missed.items(), key=lambda x: (-x[1], x[0]))[:3]
        )
        lines.append(t("Key questions missed most: {questions}.").format(questions=most))
    unsafe = int(rows["unsafe_step"].sum())
    lines.append(
        t.ngettext("Unsafe next step in {n} attempt.", "Unsafe next step in {n} attempts.", unsafe).format(n=unsafe)
        if unsafe
        else t("No unsafe next step.")
    )
    return lines
