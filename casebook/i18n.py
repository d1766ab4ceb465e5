"""The casebook's own words in the reader's language: gettext catalogues, one translator object per session or command.

Strings a student or teacher reads are written in English in the code and looked up through a :class:`Translator`
(``t.gettext``, ``t.ngettext`` for counts, ``t.pgettext`` where a word is ambiguous). Never ``gettext.install()``:
under JupyterHub or Voila several languages may share one kernel, so each session holds its own translator.
Catalogues live in ``casebook/locale/<lang>/LC_MESSAGES/casebook.po`` (and the compiled ``.mo``).

Mark module-level strings with :func:`N_` (extracted, not translated) and translate them where they are shown; a
sentence built where the reader's language is not known yet (a validation problem, an error raised deep in the core)
is a :class:`Message` made with :func:`M_` / :func:`nM_`: it *is* its English text, and ``t(message)`` shows it in
another language later. Numbers and percentages in the reader's convention: :func:`format_number`,
:func:`format_percent` ("12,5 %" in nb and da).

Falling back to English happens per string, never inside a sentence: a msgid the catalogue lacks is shown whole in
English, and a template whose inserted content text lacks the language still reads as one language only because the
bundled content is complete in nb and da (a teacher's own English-only case shows English content in a Norwegian
frame, sentence by sentence). The pseudo-language ``qps`` (:data:`PSEUDO`) wraps every translated string in ⟦…⟧, so
a test can find any text on screen that did not go through a translator.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

DOMAIN = "casebook"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DEFAULT_LANG = "en"
# The languages the casebook speaks, each named in its own language (for a language switch).
LANGUAGES = {"en": "English", "nb": "Norsk bokmål", "da": "Dansk"}
# Codes other software uses for these languages: JupyterLab's Bokmål pack is no_NO; "no" is the macro-language.
_ALIASES = {"no": "nb", "nob": "nb", "dan": "da", "eng": "en"}
# The pseudo-language of the tests: every translated string comes back as ⟦…⟧ (never offered to users).
PSEUDO = "qps"
PSEUDO_OPEN, PSEUDO_CLOSE = "⟦", "⟧"


def N_(message: str) -> str:  # noqa: N802 - the conventional name for "mark for extraction only"
    """Mark ``message`` for the catalogues without translating it (translate where it is shown)."""
    return message


def NC_(context: str, message: str) -> str:  # noqa: N802 - N_ with a msgctxt (translate with t.pgettext(context, ..))
    """Mark ``message`` in ``context`` for the catalogues without translating it."""
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
    values = parse_qs((query or "").lstrip("?")).get("lang", [])
    return normalise(values[0]) if values else None


def resolve(*preferences: str | None) -> str:
    """The first supported language among ``preferences``, then ``CASEBOOK_LANG``, then English."""
    for code in (*preferences, os.environ.get("CASEBOOK_LANG")):
        lang = normalise(code)
        if lang is not None:
            return lang
    return DEFAULT_LANG


def preferred_language(store: Any = None, query: str | None = None) -> str:
    """The language a notebook page speaks: ``?lang=..`` in the page's URL (``query``, by default the kernel's
    ``QUERY_STRING``, which Voila sets), else the language stored with the student's alias in the progress store
    (``store.language``, chosen with the start page's language switch), else ``CASEBOOK_LANG``, else English.

    Every notebook's first code cell calls it, so the start page's choice carries over to the other notebooks, and a
    Voila link such as ``…/02-seminar.ipynb?lang=da`` opens the page in Danish whatever was stored.
    """
    asked = from_query_string(os.environ.get("QUERY_STRING") if query is None else query)
    stored = getattr(store, "language", None) if store is not None else None
    return resolve(asked, stored)


class Translator:
    """The translations of one language; falls back to the English message for any string it lacks."""

    def __init__(self, lang: str, catalogue: gettext.NullTranslations):
        self.lang = lang
        self._catalogue = catalogue

    def gettext(self, message: str) -> str:
        """``message`` in this language; a :class:`Message` is rendered whole (its template and its values)."""
        if isinstance(message, Message):
            return message.render(self)
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
    """The (shared, immutable) translator for ``lang``; unsupported or missing codes give English.

    ``translator(PSEUDO)`` is the tests' pseudo-language: English wrapped in ⟦…⟧.
    """
    if lang == PSEUDO:
        return Translator(PSEUDO, _PseudoCatalogue())
    code = normalise(lang) or DEFAULT_LANG
    catalogue = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[code], fallback=True)
    return Translator(code, catalogue)


def translator_for(lang: str | Translator | None = None) -> Translator:
    """The translator of a page or command: ``lang`` when supported (or the pseudo-language, or a Translator as it
    is), else $CASEBOOK_LANG, else English."""
    if isinstance(lang, Translator):
        return lang
    return translator(PSEUDO) if lang == PSEUDO else translator(resolve(lang))


def as_translator(lang_or_t: str | Translator | None) -> Translator:
    """A translator from a language code (or None: English), or the translator itself."""
    return lang_or_t if isinstance(lang_or_t, Translator) else translator(lang_or_t)


class _PseudoCatalogue(gettext.NullTranslations):
    """English with every string wrapped in ⟦…⟧ (placeholders kept), to find text that bypasses the translator."""

    @staticmethod
    def _wrap(text: str) -> str:
        return f"{PSEUDO_OPEN}{text}{PSEUDO_CLOSE}"

    def gettext(self, message: str) -> str:
        return self._wrap(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self._wrap(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return self._wrap(message)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return self._wrap(msgid1 if n == 1 else msgid2)


# ---------------------------------------------------------------- messages rendered later


class Message(str):
    """A sentence whose reader's language is not known where it is made: its English text, plus how to translate it.

    It is a ``str`` holding the English, so comparing, printing, storing or pickling it behaves as before; ``t(m)``
    (or ``m.render(t)``) gives the sentence in ``t``'s language: the msgid (with its plural and context) looked up,
    then the named values put in, each value that is itself a Message (or a content ``Text``) rendered in the same
    language. Make one with
    :func:`M_`, :func:`nM_` or :func:`pM_`, which the catalogue extraction knows.
    """

    msgid: str
    plural: str | None
    n: int | None
    context: str | None
    params: Mapping[str, Any]

    def __new__(
        cls,
        msgid: str,
        params: Mapping[str, Any] | None = None,
        *,
        plural: str | None = None,
        n: int | None = None,
        context: str | None = None,
    ) -> Message:
        params = dict(params or {})
        english = _render(None, msgid, plural, n, context, params)
        self = super().__new__(cls, english)
        self.msgid, self.plural, self.n, self.context, self.params = msgid, plural, n, context, params
        return self

    def render(self, t: Translator | None = None) -> str:
        """The sentence in ``t``'s language (English without ``t``)."""
        return _render(t, self.msgid, self.plural, self.n, self.context, self.params)

    def __reduce__(self):
        return (_message, (self.msgid, self.params, self.plural, self.n, self.context))

    def __repr__(self) -> str:
        return f"Message({str.__repr__(self)})"


def _message(msgid, params, plural, n, context) -> Message:
    return Message(msgid, params, plural=plural, n=n, context=context)


def _render(
    t: Translator | None,
    msgid: str,
    plural: str | None,
    n: int | None,
    context: str | None,
    params: Mapping[str, Any],
) -> str:
    if t is None:
        template = msgid if plural is None or n == 1 else plural
    elif plural is not None:
        template = t.npgettext(context, msgid, plural, n) if context else t.ngettext(msgid, plural, n)
    else:
        template = t.pgettext(context, msgid) if context else t._catalogue.gettext(msgid)
    if not params:
        return template  # braces in a message without values are literal
    values = {k: _value(t, v) for k, v in params.items()}
    return template.format(**values)


def _value(t: Translator | None, value: Any) -> Any:
    """A message's value in ``t``'s language: a Message rendered, a content text (model.Text) in that language."""
    if isinstance(value, Message):
        return value.render(t)
    if hasattr(value, "en") and callable(getattr(value, "get", None)):  # a model.Text (i18n cannot import model)
        return value.get(t.lang) if t is not None else value.en
    return value


def M_(msgid: str, /, **params: Any) -> Message:  # noqa: N802 - a gettext-style marker
    """A :class:`Message`: ``msgid`` with named ``{placeholders}`` filled from ``params`` (translated when shown).

    With ``params``, literal braces in ``msgid`` are doubled (``{{``), as in ``str.format``; without, they are kept.
    """
    return Message(msgid, params)


def nM_(singular: str, plural: str, n: int, /, **params: Any) -> Message:  # noqa: N802
    """A :class:`Message` with a count: singular or plural form chosen by ``n`` in the reader's language."""
    return Message(singular, params, plural=plural, n=n)


def pM_(context: str, msgid: str, /, **params: Any) -> Message:  # noqa: N802
    """A :class:`Message` whose msgid is ambiguous without ``context`` (a msgctxt)."""
    return Message(msgid, params, context=context)


def error_message(error: BaseException, lang: str | Translator | None = None) -> str:
    """An exception's message for the reader: its first argument translated when it is a msgid or a Message (as the
    core raises them), else the exception's text as it is."""
    first = error.args[0] if len(error.args) == 1 else None
    if isinstance(first, str):
        return as_translator(lang)(first)
    return str(error)


def or_list(items: list[str] | tuple[str, ...]) -> str:
    """'a', 'a or b', 'a or b or c': the items joined with the reader's word for 'or' (a Message when more than one)."""
    items = list(items)
    if len(items) <= 1:
        return items[0] if items else ""
    return M_("{first} or {rest}", first=items[0], rest=or_list(items[1:]))


# ---------------------------------------------------------------- numbers

# (decimal mark, thousands separator): nb writes 1 000 with a no-break space, da 1.000 (translation guide, section 4).
_NUMBER_MARKS = {"en": (".", ","), "nb": (",", "\u00a0"), "da": (",", ".")}
NBSP = "\u00a0"


def _lang_code(lang: str | Translator | None) -> str:
    code = lang.lang if isinstance(lang, Translator) else (normalise(lang) or DEFAULT_LANG)
    return code if code in _NUMBER_MARKS else DEFAULT_LANG


def format_number(value: float, lang: str | Translator | None = "en", digits: int = 0) -> str:
    """``value`` with ``digits`` decimals in the language's convention: en 1,234.5; nb 1 234,5; da 1.234,5.

    (nb's thousands separator is a no-break space, U+00A0.)
    """
    decimal, group = _NUMBER_MARKS[_lang_code(lang)]
    text = f"{value:,.{digits}f}"
    return text.translate(str.maketrans({",": group, ".": decimal}))


class LocalNumber:
    """A number to put into a :class:`Message`: written in the reader's convention when the message is shown (en
    1,499; nb 1 499; da 1.499). It quacks like a content text (``en``, ``get(lang)``), which messages render per
    language."""

    __slots__ = ("value", "digits", "percent")

    def __init__(self, value: float, digits: int = 0, percent: bool = False):
        self.value, self.digits, self.percent = value, digits, percent

    def get(self, lang: str | Translator | None = "en") -> str:
        show = format_percent if self.percent else format_number
        return show(self.value, lang, self.digits)

    @property
    def en(self) -> str:
        return self.get("en")

    def __str__(self) -> str:
        return self.en

    def __format__(self, spec: str) -> str:
        return format(self.en, spec)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LocalNumber) and (self.value, self.digits, self.percent) == (
            other.value,
            other.digits,
            other.percent,
        )

    def __hash__(self) -> int:
        return hash((self.value, self.digits, self.percent))

    def __reduce__(self):
        return (LocalNumber, (self.value, self.digits, self.percent))


def format_percent(value: float, lang: str | Translator | None = "en", digits: int = 0) -> str:
    """A percentage (``value`` already in per cent: 12.5, not 0.125): en "12.5%", nb and da "12,5 %".

    In nb and da the space before the sign is a no-break space (U+00A0), so the sign never starts a line.
    """
    number = format_number(value, lang, digits)
    return f"{number}%" if _lang_code(lang) == "en" else f"{number}{NBSP}%"
