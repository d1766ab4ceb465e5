"""The casebook's own words in the reader's language: gettext catalogues, one translator object per session or command.

Strings a student or teacher reads are written in English in the code and looked up through a :class:`Translator`
(``t.gettext``, ``t.ngettext`` for counts, ``t.pgettext`` where a word is ambiguous). Never ``gettext.install()``:
under JupyterHub or Voila several languages may share one kernel, so each session holds its own translator.
Catalogues live in ``casebook/locale/<lang>/LC_MESSAGES/casebook.po`` (and the compiled ``.mo``).

Mark module-level strings with :func:`N_` (extracted, not translated) and translate them where they are shown.
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs

DOMAIN = "casebook"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DEFAULT_LANG = "en"
# The languages the casebook speaks, each named in its own language (for a language switch).
LANGUAGES = {"en": "English", "nb": "Norsk bokmål", "da": "Dansk"}
# Codes other software uses for these languages: JupyterLab's Bokmål pack is no_NO; "no" is the macro-language.
_ALIASES = {"no": "nb", "nob": "nb", "dan": "da", "eng": "en"}


def N_(message: str) -> str:  # noqa: N802 - the conventional name for "mark for extraction only"
    """Mark ``message`` for the catalogues without translating it (translate where it is shown)."""
    return message


def normalise(code: str | None) -> str | None:
    """'nb', 'da' or 'en' for a language code such as 'nb_NO', 'no-NO', 'da_DK.UTF-8' or 'EN'; None when unsupported."""
    if not code or not isinstance(code, str):
        return None
    code = code.strip().split(".", 1)[0].split("@", 1)[0].replace("-", "_").lower()
    base = code.split("_", 1)[0]
    for candidate in (code, base):
        candidate = _ALIASES.get(candidate, candidate)
        if candidate in LANGUAGES:
            return candidate
    return None


def from_query_string(query: str | None) -> str | None:
    """The language asked for by ``?lang=..`` in a page's query string (Voila passes it as QUERY_STRING)."""
    values = parse_qs(query or "").get("lang", [])
    return normalise(values[0]) if values else None


def resolve(*preferences: str | None) -> str:
    """The first supported language among ``preferences``, then ``CASEBOOK_LANG``, then English."""
    for code in (*preferences, os.environ.get("CASEBOOK_LANG")):
        lang = normalise(code)
        if lang is not None:
            return lang
    return DEFAULT_LANG


class Translator:
    """The translations of one language; falls back to the English message for any string it lacks."""

    def __init__(self, lang: str, catalogue: gettext.NullTranslations):
        self.lang = lang
        self._catalogue = catalogue

    def gettext(self, message: str) -> str:
        return self._catalogue.gettext(message)

    __call__ = gettext

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalogue.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self._catalogue.pgettext(context, message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self._catalogue.npgettext(context, singular, plural, n)

    def __repr__(self) -> str:
        return f"Translator({self.lang!r})"


@cache
def translator(lang: str | None = None) -> Translator:
    """The (shared, immutable) translator for ``lang``; unsupported or missing codes give English."""
    code = normalise(lang) or DEFAULT_LANG
    catalogue = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[code], fallback=True)
    return Translator(code, catalogue)
