"""Lists, exports and applies the translatable texts of content files (questions, conditions, cases) by JSON path.

A text is translatable where the file's JSON Schema allows a localisable text (a string, or {"en": ..., "nb": ...}).

    python tools/i18n_strings.py export FILE [--lang nb,da] > strings.json   # {json path: {"en": .., "nb": ..}}
    python tools/i18n_strings.py apply FILE strings.json                    # writes nb/da back into FILE (layout kept)
    python tools/i18n_strings.py missing FILE... [--lang nb,da]             # paths lacking a language; exit 1 if any
    python tools/i18n_strings.py stamp FILE...                              # en_hash on every text with nb and da
    python tools/i18n_strings.py stale FILE...                              # texts whose English changed; exit 1 if any

`export` gives every text with the translations it already has (empty strings where missing); fill them in and
`apply`. English is never changed by `apply`: a path whose "en" differs from the file's English is refused, so a
translation always belongs to the English it was made from.

Freshness: a text translated into nb and da carries "en_hash", the first 8 hex digits of the SHA-1 of the English it
was translated from (or last checked against). `apply` stamps every text it writes; `stamp` stamps every translated
text of a file, so run it after re-checking nb and da of a text whose English changed. `stale` (and
tests/test_translations.py) lists every text whose English no longer matches its stamp.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from casebook import validation  # noqa: E402
from casebook.loading import kind_of  # noqa: E402

LANGS = ("nb", "da")
HASH_KEY = "en_hash"


def _schema(kind: str) -> dict:
    full = validation.schema(kind)
    return validation._inline_refs(full, full.get("$defs", {}))


def _is_text(node: dict) -> bool:
    return validation._is_local_text(node)


def texts(node: Any, data: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """(path, value) for every localisable text in ``data``, guided by the schema ``node``."""
    if not isinstance(node, dict):
        return
    if _is_text(node):
        yield path, data
        return
    if isinstance(data, dict):
        props = node.get("properties", {})
        extra = node.get("additionalProperties")
        for key, value in data.items():
            if key in props:
                yield from texts(props[key], value, (*path, key))
            elif isinstance(extra, dict):
                yield from texts(extra, value, (*path, key))
    elif isinstance(data, list) and isinstance(node.get("items"), dict):
        for i, value in enumerate(data):
            yield from texts(node["items"], value, (*path, i))


def path_str(path: tuple) -> str:
    return validation.json_path(path)


def file_texts(file: Path) -> tuple[dict, list[tuple[tuple, Any]]]:
    data = json.loads(file.read_text(encoding="utf-8"))
    kind = kind_of(file, data)
    return data, list(texts(_schema(kind), data))


def english(value: Any) -> str:
    return value if isinstance(value, str) else value["en"]


def en_hash(text: str) -> str:
    """The freshness stamp of an English text: the first 8 hex digits of the SHA-1 of its UTF-8 bytes."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def _translated(value: Any, langs: tuple[str, ...] = LANGS) -> bool:
    return isinstance(value, dict) and all(isinstance(value.get(lang), str) and value[lang].strip() for lang in langs)


def _stamped(value: dict) -> dict:
    """``value`` with its en_hash (re)written last, from its English."""
    out = {k: v for k, v in value.items() if k != HASH_KEY}
    out[HASH_KEY] = en_hash(value["en"])
    return out


def _write(file: Path, data: Any) -> None:
    file.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def stamp(file: Path) -> int:
    """Stamp every text of ``file`` that has nb and da with the hash of its English; returns how many changed."""
    data, found = file_texts(file)
    changed = 0
    for path, value in found:
        if _translated(value) and value.get(HASH_KEY) != en_hash(value["en"]):
            _set(data, path, _stamped(value))
            changed += 1
    if changed:
        _write(file, data)
    return changed


def stale(file: Path) -> list[str]:
    """Every translated text of ``file`` whose English changed since its nb and da were made or checked (or that
    was never stamped), as 'FILE: PATH ...' lines."""
    _data, found = file_texts(file)
    out = []
    for path, value in found:
        if not isinstance(value, dict) or not any(lang in value for lang in LANGS):
            continue
        if value.get(HASH_KEY) is None:
            out.append(
                f"{file}: {path_str(path)} has no {HASH_KEY}: check nb/da, then run tools/i18n_strings.py stamp {file}"
            )
        elif value[HASH_KEY] != en_hash(value["en"]):
            out.append(
                f"{file}: {path_str(path)}: the English changed since nb/da were written: re-check nb/da, "
                f"then run tools/i18n_strings.py stamp {file}"
            )
    return out


def export(file: Path, langs: tuple[str, ...]) -> dict:
    _data, found = file_texts(file)
    out = {}
    for path, value in found:
        entry = {"en": english(value)}
        for lang in langs:
            entry[lang] = value.get(lang, "") if isinstance(value, dict) else ""
        out[path_str(path)] = entry
    return out


def _set(data: Any, path: tuple, value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def apply(file: Path, strings: dict) -> list[str]:
    """Write the nb/da texts of ``strings`` into ``file``; returns the problems (nothing is written if any)."""
    data, found = file_texts(file)
    by_path = {path_str(p): (p, v) for p, v in found}
    problems = []
    for key, entry in strings.items():
        if key not in by_path:
            problems.append(f"{key}: no localisable text at this path")
            continue
        path, value = by_path[key]
        if entry.get("en") != english(value):
            problems.append(f"{key}: the English differs from the file's; export again")
            continue
        new = {"en": english(value)} | {
            k: v for k, v in (value.items() if isinstance(value, dict) else []) if k != "en"
        }
        for lang, text in entry.items():
            if lang == "en" or not text:
                continue
            if not isinstance(text, str) or text != text.strip():
                problems.append(f"{key}: the {lang} text must be a string without leading or trailing spaces")
                continue
            new[lang] = text
        if _translated(new):
            new = _stamped(new)  # the translations were just made from this English
        _set(data, path, new if len(new) > 1 else english(value))
    if not problems:
        _write(file, data)
    return problems


def missing(file: Path, langs: tuple[str, ...]) -> list[str]:
    _data, found = file_texts(file)
    return [
        f"{file}: {path_str(p)} lacks {lang}"
        for p, v in found
        for lang in langs
        if not (isinstance(v, dict) and isinstance(v.get(lang), str) and v[lang].strip())
    ]


def main(argv: list[str]) -> int:
    langs = LANGS
    if "--lang" in argv:
        i = argv.index("--lang")
        langs = tuple(argv[i + 1].split(","))
        del argv[i : i + 2]
    if len(argv) >= 2 and argv[0] == "export":
        print(json.dumps(export(Path(argv[1]), langs), indent=1, ensure_ascii=False))
        return 0
    if len(argv) == 3 and argv[0] == "apply":
        problems = apply(Path(argv[1]), json.loads(Path(argv[2]).read_text(encoding="utf-8")))
        for p in problems:
            print(p, file=sys.stderr)
        return 1 if problems else 0
    if len(argv) >= 2 and argv[0] == "stamp":
        for f in argv[1:]:
            print(f"{f}: {stamp(Path(f))} text(s) stamped", file=sys.stderr)
        return 0
    if len(argv) >= 2 and argv[0] == "stale":
        lines = [line for f in argv[1:] for line in stale(Path(f))]
        for line in lines:
            print(line)
        print(f"{len(lines)} stale", file=sys.stderr)
        return 1 if lines else 0
    if len(argv) >= 2 and argv[0] == "missing":
        lines = [line for f in argv[1:] for line in missing(Path(f), langs)]
        for line in lines:
            print(line)
        print(f"{len(lines)} missing", file=sys.stderr)
        return 1 if lines else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
