"""Take your progress with you: a student's attempts as a file to download, and a file imported back into the store.

One core serves the notebooks' "Download my progress" / "Upload progress" controls and the commands
``casebook export`` / ``casebook import``: :func:`export_bytes` builds the file, :func:`import_bytes` and
:func:`import_path` read one back through the progress store. An import never changes or removes anything stored:
attempts already there are counted and skipped, unusable lines are listed and skipped, and a file that cannot be a
progress file (empty, too large, binary, another format, made by a newer casebook) is refused whole with a sentence
saying what is wrong and what to do.

Attempts under another alias than the student's are left out unless asked for (``any_alias``); a store without an
alias yet takes the alias of a file whose attempts all carry one (a fresh Binder session picks up where the last one
ended). Imported attempts keep the alias they carry: records are never rewritten.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .attempts import (
    REQUIRED_FIELDS,
    SCORE_PREFIX,
    VERSION_KEY,
    AttemptRecord,
    RecordError,
    RecordProblem,
    RecordVersionError,
    read_attempts,
    write_csv,
    write_jsonl,
)
from .console import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, add_lang_option, command_translator
from .i18n import M_, N_, Translator, as_translator, error_message, format_number, translator, translator_for
from .progress import ProgressStore, ProgressStoreError, validate_alias

# The largest file an import reads. A progress file holds about 2 KB per attempt, so this is room for about 2,000
# attempts; a larger file is almost surely the wrong one. (A Jupyter server drops any websocket message above 10 MiB
# by default, before the kernel sees it: jupyter-config/ raises that to 100 MiB, so a larger upload gets its answer.)
MAX_IMPORT_BYTES = 5_000_000
ATTEMPTS_PER_LIMIT = 2_000  # what MAX_IMPORT_BYTES holds, for the sentence that refuses a larger file
FORMATS = ("jsonl", "csv")
FORMAT_NAMES = {"jsonl": N_("JSON Lines"), "csv": N_("CSV")}
MEDIA_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv"}
WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".ods", ".numbers")
SHOWN_PROBLEMS = 5  # lines the notebook lists before "and N more" (the command line lists them all)

_NEWER = str(RecordVersionError(2, 1)).split(" (", 1)[0]  # how attempts.py begins the message for a newer record
_FILE_NAME_UNSAFE = re.compile(r"[^\w-]+")  # dots too: no "..", no hidden file, one suffix


# ------------------------------------------------------------------ export


def format_of(path: str | os.PathLike) -> str | None:
    """'jsonl' or 'csv' by a file name's suffix (any case); None for any other name."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else None


def export_bytes(store: ProgressStore, fmt: str = "jsonl", alias: str | None = None) -> tuple[bytes, int]:
    """The attempts (``alias``'s only when given) as the bytes of a JSON Lines or CSV file, and how many there are.

    The same bytes ``ProgressStore.export_jsonl`` / ``export_csv`` write to a file (UTF-8; CSV rows end in CRLF).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    records = store.attempts(alias)
    out = io.StringIO(newline="")
    (write_jsonl if fmt == "jsonl" else write_csv)(out, records)
    return out.getvalue().encode("utf-8"), len(records)


def download_name(alias: str | None, fmt: str, day: dt.date | None = None) -> str:
    """The file name a download gets: casebook-progress-ALIAS-DATE.jsonl (the alias reduced to letters, digits, '_'
    and '-')."""
    safe = _FILE_NAME_UNSAFE.sub("-", alias or "").strip("-")[:40].strip("-")
    day = day or dt.date.today()
    return f"casebook-progress-{safe + '-' if safe else ''}{day.isoformat()}.{fmt}"


def size_text(size: int, lang: str | Translator | None = "en") -> str:
    """A file size as a person reads it: '812 bytes', '48 KB', '52.4 MB' (decimal units, as file browsers show), with
    the language's decimal mark (nb and da: '52,4 MB')."""
    t = as_translator(lang)
    if size < 1000:
        return t.ngettext("{n} byte", "{n} bytes", size).format(n=size)
    if size < 1_000_000:
        return t("{n} KB").format(n=format_number(size / 1000, t))
    megabytes = size / 1_000_000
    digits = 0 if round(megabytes, 1) == round(megabytes) else 1
    return t("{n} MB").format(n=format_number(megabytes, t, digits))


# ------------------------------------------------------------------ the result of an import


@dataclass
class ImportReport:
    """What importing one file did: counts, the unusable lines, and any sentence a student must read.

    ``refused`` is set when the whole file was refused (nothing read); ``left_out`` counts attempts under other
    aliases that were not imported; ``adopted_alias`` is the alias the store took from the file, if it did.
    """

    name: str
    lang: str = "en"
    added: int = 0
    duplicates: int = 0
    problems: list[RecordProblem] = field(default_factory=list)
    refused: str = ""
    left_out: dict[str, int] = field(default_factory=dict)
    other_aliases: dict[str, int] = field(default_factory=dict)  # imported under another alias (with any_alias)
    adopted_alias: str = ""
    alias: str = ""  # the student's alias after the import ('' when none)

    @property
    def skipped(self) -> int:
        """How many lines (or rows) could not be used."""
        return len(self.problems)

    @property
    def ok(self) -> bool:
        """True when the whole file was imported: nothing refused, skipped or left out."""
        return not self.refused and not self.problems and not self.left_out

    def counts(self) -> str:
        """'N attempts added, M already there, K lines skipped', in the report's language."""
        t = translator(self.lang)
        return ", ".join(
            (
                t.ngettext("{n} attempt added", "{n} attempts added", self.added).format(n=self.added),
                t.ngettext("{n} already there", "{n} already there", self.duplicates).format(n=self.duplicates),
                t.ngettext("{n} line skipped", "{n} lines skipped", self.skipped).format(n=self.skipped),
            )
        )

    def notes(self, include_hint: str = "") -> list[str]:
        """The sentences after the counts: the alias taken from the file, attempts left out or kept under another
        alias, lines from a newer casebook. ``include_hint`` says how to import the left-out attempts anyway."""
        t = translator(self.lang)
        out: list[str] = []
        if self.adopted_alias:
            out.append(
                t("Your alias is now {alias}, the alias the attempts in this file carry.").format(
                    alias=self.adopted_alias
                )
            )
        if self.left_out:
            n = sum(self.left_out.values())
            aliases = _quoted(self.left_out)
            if self.alias:
                sentence = t.ngettext(
                    "{n} attempt under another alias ({aliases}) was left out: your alias is '{alias}'.",
                    "{n} attempts under another alias ({aliases}) were left out: your alias is '{alias}'.",
                    n,
                )
            else:
                sentence = t.ngettext(
                    "{n} attempt was left out: it is saved under {aliases} and you have no alias yet.",
                    "{n} attempts were left out: they are saved under {aliases} and you have no alias yet.",
                    n,
                )
            out.append(sentence.format(n=n, aliases=aliases, alias=self.alias))
            if self.alias:
                out.append(t("If they are yours, save that alias as yours first, or {hint}.").format(hint=include_hint))
            else:
                out.append(t("Save your alias first, or {hint}.").format(hint=include_hint))
        if self.other_aliases:
            n = sum(self.other_aliases.values())
            out.append(
                t.ngettext(
                    "{n} imported attempt keeps its other alias ({aliases}); My progress shows the attempts of your "
                    "alias.",
                    "{n} imported attempts keep their other alias ({aliases}); My progress shows the attempts of your "
                    "alias.",
                    n,
                ).format(n=n, aliases=_quoted(self.other_aliases))
            )
        newer = sum(1 for p in self.problems if p.message.startswith(_NEWER))
        if newer and not self.refused:
            out.append(
                t.ngettext(
                    "{n} line was made by a newer casebook: update the casebook to import it.",
                    "{n} lines were made by a newer casebook: update the casebook to import them.",
                    newer,
                ).format(n=newer)
            )
        return out

    def problem_lines(self, limit: int | None = SHOWN_PROBLEMS) -> list[str]:
        """'line 3: what is wrong' for the unusable lines: the first ``limit``, then 'and N more' (None: all)."""
        t = translator(self.lang)
        shown = self.problems if limit is None else self.problems[:limit]
        out = [
            t("line {line}: {message}").format(line=p.line, message=t(p.message)) if p.line else t(p.message)
            for p in shown
        ]
        rest = len(self.problems) - len(shown)
        if rest:
            out.append(t.ngettext("and {n} more line", "and {n} more lines", rest).format(n=rest))
        return out


def _quoted(aliases: dict[str, int]) -> str:
    """Aliases for a sentence: each in quotes (an alias may hold a comma or spaces), sorted."""
    return ", ".join(f"'{a}'" for a in sorted(aliases))


# ------------------------------------------------------------------ import


def import_path(
    store: ProgressStore, path: str | os.PathLike, *, any_alias: bool = False, lang: str | None = None
) -> ImportReport:
    """Import the attempts of a .jsonl or .csv file (see :func:`import_bytes`); a file over the size limit is refused
    from its size alone, before any of it is read. A missing or unreadable file is refused with the reason."""
    path = Path(path)
    report = ImportReport(str(path), translator_for(lang).lang)
    t = translator(report.lang)
    refusal = _refuse_by_name(path.name, t)
    if refusal:
        report.refused = refusal
        return report
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            report.refused = _too_large(str(path), size, t)
            return report
        data = path.read_bytes()
    except OSError as e:
        report.refused = t("{name} cannot be read ({reason}).").format(name=path, reason=e.strerror or e)
        return report
    return import_bytes(store, str(path), data, any_alias=any_alias, lang=report.lang)


def import_bytes(
    store: ProgressStore, name: str, data: bytes, *, any_alias: bool = False, lang: str | None = None
) -> ImportReport:
    """Import the attempts in ``data``, the content of a file called ``name`` (.jsonl or .csv), into ``store``.

    Nothing stored is changed or removed. Attempts already there are counted, unusable lines are listed and skipped,
    attempts under another alias are left out unless ``any_alias``; a store without an alias takes the alias of a file
    whose attempts all carry one. A file that cannot be a progress file is refused whole (``refused``).
    """
    report = ImportReport(name, translator_for(lang).lang)
    t = translator(report.lang)
    report.refused = _refuse_by_name(name, t) or _refuse_by_content(name, data, t)
    if report.refused:
        return report
    fmt = format_of(name)
    text = data.decode("utf-8-sig")  # _refuse_by_content checked it decodes; a BOM (Notepad, Excel) is dropped
    if fmt == "csv":
        good, report.problems, report.refused = _read_csv(text, name, t)
    else:
        good, report.problems = _read_jsonl(text, name)
    if report.refused:
        return report
    if not good:
        report.refused = _nothing_usable(name, report.problems, t)
        return report
    _import_records(store, good, report, any_alias)
    return report


def _refuse_by_name(name: str, t: Translator) -> str:
    """The sentence refusing a file whose name says it is not a progress file ('' when the suffix is right)."""
    if format_of(name):
        return ""
    if Path(name).suffix.lower() in WORKBOOK_SUFFIXES:
        return t(
            "{name} is a spreadsheet workbook, not a progress file: save it from your spreadsheet as 'CSV UTF-8' "
            "and import that file."
        ).format(name=name)
    return t(
        "{name} is not a progress file: the casebook imports .jsonl and .csv files, as 'Download my progress' and "
        "'casebook export' make them."
    ).format(name=name)


def _too_large(name: str, size: int, t: Translator) -> str:
    return t(
        "{name} is {size}; the casebook imports progress files of up to {limit} (about {n} attempts), so it was not "
        "read. Is it the right file? A file from 'Download my progress' is much smaller."
    ).format(
        name=name,
        size=size_text(size, t),
        limit=size_text(MAX_IMPORT_BYTES, t),
        n=format_number(ATTEMPTS_PER_LIMIT, t),
    )


def _refuse_by_content(name: str, data: bytes, t: Translator) -> str:
    """The sentence refusing content that cannot be a progress file: too large, empty, binary, not UTF-8 text."""
    if len(data) > MAX_IMPORT_BYTES:
        return _too_large(name, len(data), t)
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        return t("{name} is empty: it holds no attempts. Download your progress again and import the new file.").format(
            name=name
        )
    head = data[:8192]
    if head.startswith(b"PK\x03\x04"):
        return t(
            "{name} is a spreadsheet workbook or another zipped file, not a progress file: save it from your "
            "spreadsheet as 'CSV UTF-8' and import that file."
        ).format(name=name)
    if b"\x00" in head:
        return t(
            "{name} is not a text file (it looks like a picture, a document or another binary file): import the "
            ".jsonl or .csv file that 'Download my progress' made."
        ).format(name=name)
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return t(
            "{name} is not saved as UTF-8 text ({reason} at byte {at}). If a spreadsheet saved it, save it again as "
            "'CSV UTF-8'; or import the .jsonl file that 'Download my progress' made."
        ).format(name=name, reason=e.reason, at=e.start)
    return ""


def _nothing_usable(name: str, problems: list[RecordProblem], t: Translator) -> str:
    """The sentence refusing a file none of whose lines holds a usable attempt."""
    newer = [p for p in problems if p.message.startswith(_NEWER)]
    if problems and len(newer) == len(problems):
        first = newer[0].message
        params = getattr(first, "params", {})  # a late Message from attempts.RecordVersionError
        detail = t(params["detail"]) if "detail" in params else first.split(" (", 1)[1].split(")", 1)[0]
        return t(
            "{name} was made by a newer casebook ({detail}): update the casebook to import it; nothing was imported."
        ).format(name=name, detail=detail)
    if not problems:
        return t("{name} holds no attempts (only the column names).").format(name=name)
    return t.ngettext(
        "The one line of {name} holds no usable attempt, so nothing was imported: is it a casebook progress file?",
        "None of the {n} lines of {name} holds a usable attempt, so nothing was imported: is it a casebook progress "
        "file?",
        len(problems),
    ).format(name=name, n=len(problems))


def _read_jsonl(text: str, name: str) -> tuple[list[AttemptRecord], list[RecordProblem]]:
    """The records and problems of JSON Lines text, read by attempts.read_attempts (the one JSON Lines reader)."""
    good: list[AttemptRecord] = []
    problems: list[RecordProblem] = []
    with tempfile.TemporaryDirectory(prefix="casebook-import-") as folder:
        path = Path(folder) / "upload.jsonl"
        path.write_text(text, encoding="utf-8")
        for line, record, problem in read_attempts(path):
            if record is None:
                problems.append(RecordProblem(name, line, problem or ""))
            else:
                good.append(record)
    return good, problems


# CSV as spreadsheets save it: columns renamed by case or spacing ("Attempt ID"), moved, separated by ';' or tabs (a
# Norwegian or Danish Excel), numbers with a decimal comma, true/false in the spreadsheet's language.
_KIND = {f.name: f.metadata["kind"] for f in fields(AttemptRecord) if f.metadata}
_KNOWN_COLUMNS = frozenset(_KIND) | {VERSION_KEY}
_TRUE = frozenset(("true", "1", "yes", "sann", "sand", "ja", "wahr", "vrai"))
_FALSE = frozenset(("false", "0", "no", "usann", "falsk", "nei", "nej", "falsch", "faux"))
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")


def _column(header: str) -> str:
    """A header cell as the column it names: known columns matched whatever their case, spaces or hyphens."""
    name = header.strip().lstrip("\ufeff")
    normal = re.sub(r"[\s\-]+", "_", name).lower()
    return normal if normal in _KNOWN_COLUMNS or normal.startswith(SCORE_PREFIX) else name


def _is_number_column(column: str) -> bool:
    return _KIND.get(column) in ("number", "number?") or column.startswith(SCORE_PREFIX) or column == VERSION_KEY


def _delimiter(text: str) -> str:
    """',' ';' or tab: whichever splits the first row into the most known columns (',' when none does better)."""
    best, best_known = ",", -1
    for candidate in (",", ";", "\t"):
        try:
            first = next(csv.reader(io.StringIO(text, newline=""), delimiter=candidate), [])
        except csv.Error:
            continue
        known = sum(1 for h in first if _column(h) in _KNOWN_COLUMNS or _column(h).startswith(SCORE_PREFIX))
        if known > best_known:
            best, best_known = candidate, known
    return best


def _read_csv(text: str, name: str, t: Translator) -> tuple[list[AttemptRecord], list[RecordProblem], str]:
    """The records, problems and any refusal of CSV text, read by column name (see the note above _KIND)."""
    good: list[AttemptRecord] = []
    problems: list[RecordProblem] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = [_column(h) for h in next(reader, [])]
        missing = [c for c in REQUIRED_FIELDS if c not in header]
        if missing:
            found = ", ".join(h for h in header[:12] if h) + (", ..." if len(header) > 12 else "")
            return (
                [],
                [],
                t.ngettext(
                    "{name} is not a casebook progress CSV: it has no column {missing} (its columns: {found}). A "
                    "spreadsheet may have renamed or deleted it: put it back under this name in the first row, or "
                    "import the file that 'Download my progress' made.",
                    "{name} is not a casebook progress CSV: it has no columns {missing} (its columns: {found}). A "
                    "spreadsheet may have renamed or deleted them: put them back under these names in the first row, "
                    "or import the file that 'Download my progress' made.",
                    len(missing),
                ).format(name=name, missing=", ".join(missing), found=found or t("none")),
            )
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue  # a blank line, or a row a spreadsheet left empty
            line = reader.line_num
            if len(row) > len(header):
                if any(cell.strip() for cell in row[len(header) :]):
                    said = M_(
                        "row has {n} values, expected {expected} (one per column)", n=len(row), expected=len(header)
                    )
                    problems.append(RecordProblem(name, line, said))
                    continue
                row = row[: len(header)]  # empty cells a spreadsheet added after the last column
            cells = dict(zip(header, [*row, *[""] * (len(header) - len(row))], strict=True))
            try:
                good.append(AttemptRecord.from_row(_spreadsheet_cells(cells)))
            except RecordError as e:
                problems.append(RecordProblem(name, line, e.args[0] if len(e.args) == 1 else str(e)))
    except csv.Error as e:
        problems.append(RecordProblem(name, reader.line_num, M_("not readable as CSV ({reason})", reason=str(e))))
    return good, problems, ""


def _spreadsheet_cells(cells: dict[str, str]) -> dict[str, str]:
    """Cells as the casebook writes them: a decimal comma as a point, a spreadsheet's true/false words as true/false.

    Raises RecordError for a true/false column holding any other word (a spreadsheet would not show it as false).
    """
    out = dict(cells)
    for column, cell in cells.items():
        text = cell.strip()
        if not text:
            continue
        if _is_number_column(column) and _DECIMAL_COMMA.match(text):
            out[column] = text.replace(",", ".")
        elif _KIND.get(column) == "bool":
            word = text.lower()
            if word not in _TRUE and word not in _FALSE:
                raise RecordError(
                    M_("column '{column}' should be true or false, found '{text}'", column=column, text=text[:40])
                )
            out[column] = "true" if word in _TRUE else "false"
    return out


def _import_records(store: ProgressStore, records: list[AttemptRecord], report: ImportReport, any_alias: bool) -> None:
    """Add ``records`` to the store by the alias rules of import_bytes, counting into ``report``."""
    mine = store.alias or ""
    carried = Counter(r.alias for r in records if r.alias)
    if not mine and len(carried) == 1:
        (alias,) = carried
        try:
            store.alias = validate_alias(alias)
        except ValueError:
            pass  # an alias the alias box would refuse is not taken over; its attempts count as another alias
        else:
            mine = report.adopted_alias = store.alias or ""
    report.alias = mine
    keep: list[AttemptRecord] = []
    for record in records:
        if not record.alias:
            record = replace(record, alias=mine)  # a blank alias cell (CSV): the attempt is the student's
        elif record.alias != mine and not any_alias:
            report.left_out[record.alias] = report.left_out.get(record.alias, 0) + 1
            continue
        elif record.alias != mine and mine:
            report.other_aliases[record.alias] = report.other_aliases.get(record.alias, 0) + 1
        keep.append(record)
    result = store.import_records(keep)
    report.added, report.duplicates = result.added, result.duplicates


# ------------------------------------------------------------------ command line


def _open_store(t: Translator) -> ProgressStore | None:
    try:
        store = ProgressStore()
    except ProgressStoreError as e:
        print(error_message(e, t), file=sys.stderr)
        return None
    if store.recovered:
        print(t(store.recovered), file=sys.stderr)
    return store


def cmd_export(args: argparse.Namespace) -> int:
    """casebook export --out FILE [--format jsonl|csv] [--alias A]: exit 0 when written, 1 when nothing to write."""
    t = command_translator(args)
    out = Path(args.out)
    by_name = format_of(out)
    if by_name is None:
        print(
            t("casebook export: --out {out} should end in .jsonl or .csv (the files casebook import reads)").format(
                out=out
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    fmt = args.format or by_name
    if fmt != by_name:
        print(
            t("casebook export: --out {out} ends in .{suffix} but --format is {format}: make them agree").format(
                out=out, suffix=by_name, format=fmt
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    if out.is_dir():
        print(
            t("casebook export: --out {out} is a folder: give a file name, e.g. {example}").format(
                out=out, example=out / "progress.jsonl"
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    store = _open_store(t)
    if store is None:
        return EXIT_PROBLEMS
    with store:
        if args.alias is not None and not store.count(args.alias):
            aliases = sorted({r.alias for r in store.attempts()})
            if aliases:
                said = t("casebook export: no attempts of alias '{alias}' in {file} (aliases there: {aliases})")
            else:
                said = t("casebook export: no attempts of alias '{alias}' in {file} (no aliases there yet)")
            print(said.format(alias=args.alias, file=store.path, aliases=", ".join(aliases)), file=sys.stderr)
            return EXIT_USAGE
        if not store.count():
            print(t("No attempts saved in {file} yet: nothing written (play a case first).").format(file=store.path))
            return EXIT_PROBLEMS
        write = store.export_jsonl if fmt == "jsonl" else store.export_csv
        try:
            n = write(out, alias=args.alias)
        except OSError as e:
            print(
                t("casebook export: cannot write {out} ({reason})").format(out=out, reason=e.strerror or e),
                file=sys.stderr,
            )
            return EXIT_PROBLEMS
    if args.alias:
        said = t.ngettext(
            "Wrote {n} attempt of {alias} to {out} ({format}).", "Wrote {n} attempts of {alias} to {out} ({format}).", n
        )
    else:
        said = t.ngettext("Wrote {n} attempt to {out} ({format}).", "Wrote {n} attempts to {out} ({format}).", n)
    print(said.format(n=n, alias=args.alias, out=out, format=t(FORMAT_NAMES[fmt])))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """casebook import FILE... [--any-alias]: exit 0 when every file imported in full, 1 when anything was skipped,
    left out or refused, 2 when a file does not exist."""
    t = command_translator(args)
    for raw in args.files:
        path = Path(raw)
        if not path.exists():
            print(t("casebook import: no such file: {file}").format(file=raw), file=sys.stderr)
            return EXIT_USAGE
        if path.is_dir():
            print(
                t("casebook import: {file} is a folder: name the files, e.g. {example}").format(
                    file=raw, example=path / "*.jsonl"
                ),
                file=sys.stderr,
            )
            return EXIT_USAGE
    store = _open_store(t)
    if store is None:
        return EXIT_PROBLEMS
    lang = t.lang
    reports: list[ImportReport] = []
    with store:
        for raw in args.files:
            report = import_path(store, raw, any_alias=args.any_alias, lang=lang)
            reports.append(report)
            if report.refused:
                print(t("{name}: refused: {reason}").format(name=raw, reason=report.refused))
                continue
            print(t("{name}: {counts}").format(name=raw, counts=report.counts()))
            for line in report.problem_lines(limit=None):
                print(f"  {line}")
            for note in report.notes(include_hint=t("run the command again with --any-alias")):
                print(f"  {note}")
    if len(reports) > 1:
        total = ImportReport(
            "",
            lang,
            added=sum(r.added for r in reports),
            duplicates=sum(r.duplicates for r in reports),
            problems=[p for r in reports for p in r.problems],
        )
        refused = sum(1 for r in reports if r.refused)
        if refused:
            said = t.ngettext(
                "In all: {counts}; {n} file refused", "In all: {counts}; {n} files refused", refused
            ).format(counts=total.counts(), n=refused)
        else:
            said = t("In all: {counts}").format(counts=total.counts())
        print(said)
    return EXIT_OK if all(r.ok for r in reports) else EXIT_PROBLEMS


def register_cli(sub) -> None:
    """Add ``casebook export`` and ``casebook import`` to the command line."""
    p = sub.add_parser(
        "export",
        help="write your saved attempts (in $CASEBOOK_HOME) to a JSON Lines or CSV file, to keep or hand in",
    )
    p.add_argument("--out", required=True, metavar="FILE", help="the file to write: NAME.jsonl or NAME.csv")
    p.add_argument("--format", choices=FORMATS, help="jsonl (everything, with each step) or csv; default: by --out")
    p.add_argument("--alias", metavar="A", help="only the attempts saved under this alias (default: every attempt)")
    add_lang_option(p, "language of the messages")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser(
        "import",
        help="add the attempts of exported files to your saved progress; exit 0 when all imported, 1 when any line "
        "was skipped, left out or a file refused, 2 on bad usage",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help=".jsonl or .csv files from 'casebook export' or a download")
    p.add_argument(
        "--any-alias",
        action="store_true",
        help="also import attempts saved under another alias than yours (they keep the alias they carry)",
    )
    add_lang_option(p, "language of the report")
    p.set_defaults(func=cmd_import)
