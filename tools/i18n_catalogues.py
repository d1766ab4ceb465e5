"""Extracts the casebook's UI strings into casebook/locale/casebook.pot, updates the nb and da .po files, compiles .mo.

    python tools/i18n_catalogues.py update    # what `make i18n` runs: extract -> .pot -> update both .po -> .mo
    python tools/i18n_catalogues.py check     # exit 1 when the .pot, a .po or a .mo is out of date (nothing written)

Babel is a development tool here (the `test` extra); the casebook itself reads the .mo files with the standard
library's gettext. The keywords below are every way code marks a string: the translator ``t`` (``t(...)``,
``self.t(...)``, ``session.t.ngettext(...)``: the name of the called function or method counts; ``tr`` where ``t``
names something else), the markers
``N_``/``NC_`` (module-level strings translated where shown) and the late messages ``M_``/``nM_``/``pM_``
(casebook/i18n.py). New entries arrive untranslated (never fuzzy-matched): translate them in both .po files.

Python files are read with the standard library's ``ast`` (:func:`extract_python`), not Babel's token scanner: the
scanner takes a subscript of a variable named ``t`` (``t["case_id"]``, a table) for a call and extracts its strings.
"""

from __future__ import annotations

import ast
import io
import sys
import tomllib
import warnings
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "babel.cfg"
LOCALE = ROOT / "casebook" / "locale"
DOMAIN = "casebook"
POT = LOCALE / f"{DOMAIN}.pot"
LANGS = ("nb", "da")
KEYWORDS = {
    "t": None,
    "tr": None,  # the translator where ``t`` names something else (plots.py: ``t`` is a table)
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": None,
    "NC_": ((1, "c"), 2),
    "M_": None,
    "nM_": (1, 2),
    "pM_": ((1, "c"), 2),
}
PROJECT = "Leg Pain Casebook"
BUGS = "https://github.com/legpain-casebook/legpain-casebook/issues"
LANGUAGE_NAMES = {None: "UI strings (template)", "nb": "Norwegian Bokmål translations", "da": "Danish translations"}
TEAMS = {
    "nb": "Norsk bokmål: the casebook's clinician-translators (docs/translation-guide.md)",
    "da": "Dansk: the casebook's clinician-translators (docs/translation-guide.md)",
}
# Header lines that change on every run; a file whose other lines are unchanged is not rewritten.
_DATE_HEADERS = (b'"POT-Creation-Date:', b'"PO-Revision-Date:')


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def extract_python(fileobj, keywords, comment_tags, options):
    """A Babel extraction method over the syntax tree: (line, function, (arguments...), comments) for every call of
    a keyword (as a function or a method); an argument that is not a string literal is None, which Babel skips."""
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if name not in keywords or not node.args:
            continue
        args = []
        for arg in node.args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                args.append(arg.value)
            else:
                if isinstance(arg, ast.JoinedStr) and len(args) < 1:
                    warnings.warn(
                        f"line {node.lineno}: an f-string passed to {name}() cannot be translated", stacklevel=1
                    )
                args.append(None)
        yield node.lineno, name, tuple(args) if len(args) > 1 else args[0], []


def _version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["project"]["version"]


def _header(lang: str | None) -> str:
    return (
        f"# {LANGUAGE_NAMES[lang]} of the {PROJECT}'s own words (issue 16): written in the code in English, shown\n"
        "# through casebook/i18n.py. Terms: cases/glossary.csv; register, numbers and placeholders:\n"
        "# docs/translation-guide.md. Regenerate with `make i18n` (tools/i18n_catalogues.py); never leave an entry\n"
        "# fuzzy or empty. Distributed under the same license as the project (MIT)."
    )


def extract() -> Catalog:
    """The template catalogue of every marked string under the mapping's paths (locations by file, no line numbers)."""
    with MAPPING.open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    method_map = [(pattern, extract_python if method == "python" else method) for pattern, method in method_map]
    template = Catalog(
        project=PROJECT,
        version=_version(),
        msgid_bugs_address=BUGS,
        header_comment=_header(None),
        fuzzy=False,
    )
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def msgids(catalog: Catalog) -> set[tuple[str | None, str | tuple[str, ...]]]:
    """(context, msgid) of every message; a plural message's msgid is its (singular, plural)."""
    return {(m.context, m.id) for m in catalog if m.id}


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=120, include_lineno=False, sort_output=True, ignore_obsolete=True)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    """The compiled catalogue (fuzzy entries left out, as gettext would)."""
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _without_dates(data: bytes) -> list[bytes]:
    return [line for line in data.splitlines() if not line.startswith(_DATE_HEADERS)]


def updated(lang: str, template: Catalog) -> Catalog:
    """The language's catalogue with the template's messages: translations kept, new ones empty, gone ones dropped."""
    path = po_path(lang)
    catalog = read(path, lang) if path.exists() else Catalog(locale=lang, project=PROJECT, fuzzy=False)
    catalog.update(template, no_fuzzy_matching=True)
    catalog.project, catalog.version, catalog.msgid_bugs_address = PROJECT, template.version, BUGS
    catalog.header_comment = _header(lang)
    catalog.language_team = TEAMS[lang]
    catalog.last_translator = TEAMS[lang]
    catalog.fuzzy = False
    return catalog


def plan() -> dict[Path, bytes]:
    """{path: new content} of the .pot, both .po and both .mo, for the files whose content would change."""
    template = extract()
    now = datetime.now(UTC)
    template.creation_date = now
    files: dict[Path, bytes] = {POT: _po_bytes(template)}
    for lang in LANGS:
        catalog = updated(lang, template)
        catalog.revision_date = now
        files[po_path(lang)] = _po_bytes(catalog)
        files[mo_path(lang)] = mo_bytes(read_po(io.BytesIO(files[po_path(lang)]), locale=lang))
    changed = {}
    for path, data in files.items():
        old = path.read_bytes() if path.exists() else None
        if old is None or (_without_dates(old) != _without_dates(data) if path.suffix != ".mo" else old != data):
            changed[path] = data
    # A .mo follows its .po: when only the .po's date would change, the .mo is compared as compiled from the old .po.
    for lang in LANGS:
        if po_path(lang) not in changed and mo_path(lang) in changed and po_path(lang).exists():
            current = mo_bytes(read(po_path(lang), lang))
            if mo_path(lang).exists() and mo_path(lang).read_bytes() == current:
                del changed[mo_path(lang)]
            else:
                changed[mo_path(lang)] = current
    return changed


def untranslated(lang: str) -> list[str]:
    """The msgids of ``lang``'s .po with no (or a partly empty) translation."""
    out = []
    for m in read(po_path(lang), lang):
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if not all(strings):
            out.append(m.id if isinstance(m.id, str) else m.id[0])
    return out


def main(argv: list[str]) -> int:
    if argv == ["update"]:
        changed = plan()
        for path, data in changed.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"wrote {path.relative_to(ROOT)}")
        for lang in LANGS:
            missing = untranslated(lang)
            if missing:
                print(f"{po_path(lang).relative_to(ROOT)}: {len(missing)} message(s) to translate", file=sys.stderr)
        return 0
    if argv == ["check"]:
        changed = plan()
        for path in changed:
            print(f"out of date: {path.relative_to(ROOT)} (run make i18n)", file=sys.stderr)
        return 1 if changed else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
