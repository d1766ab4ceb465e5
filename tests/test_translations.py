"""Completeness of the translations: the catalogues against the code, the content files in three languages, and the
views in the pseudo-language (every word on screen from a file or through the translator)."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
from html import unescape
from pathlib import Path

import ipywidgets as w
import pytest
from babel.messages.pofile import read_po

import casebook
from casebook.i18n import PSEUDO_CLOSE, PSEUDO_OPEN, translator
from casebook.model import Text
from casebook.render import feedback_html
from casebook.ui import AliasView, CaseApp, CasePicker, CompareView

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"
CONTENT_FILES = sorted([CASES / "questions.json", *CASES.glob("conditions/*.json"), *CASES.glob("vignettes/*.json")])
LANGS = ("nb", "da")
BOOK = casebook.load()
CASE = BOOK.cases["dvt-after-long-flight"] if "dvt-after-long-flight" in BOOK.cases else next(iter(BOOK.cases.values()))


def _tool(name: str):
    """A module of tools/ (the catalogue and content-string tools the tests share with `make i18n`)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


CATALOGUES = _tool("i18n_catalogues")
STRINGS = _tool("i18n_strings")


def _entries(path: Path, lang: str | None = None) -> list:
    with path.open("rb") as f:
        return [m for m in read_po(f, locale=lang) if m.id]


def _id(message) -> tuple:
    return (message.context, message.id)


def _label(message) -> str:
    text = message.id if isinstance(message.id, str) else message.id[0]
    return f"{message.context + ': ' if message.context else ''}{text}"


# ---------------------------------------------------------------- catalogues


def test_the_committed_template_holds_exactly_the_strings_in_the_code():
    """Extracting the code gives the committed .pot's msgids: a string added or changed without `make i18n` fails."""
    extracted = {_id(m): _label(m) for m in CATALOGUES.extract() if m.id}
    committed = {_id(m): _label(m) for m in _entries(CATALOGUES.POT)}
    assert sorted(extracted[k] for k in extracted.keys() - committed.keys()) == []  # in the code, not in the .pot
    assert sorted(committed[k] for k in committed.keys() - extracted.keys()) == []  # in the .pot, gone from the code


def test_extraction_finds_attribute_calls_and_markers_but_no_subscripts(tmp_path):
    """self.t(...), session.t.ngettext(...), N_ and M_ are extracted; t["key"] (a table, not a call) is not."""
    source = tmp_path / "sample.py"
    source.write_text(
        "def f(self, session, t):\n"
        "    self.t('attribute call')\n"
        "    session.t.ngettext('{n} thing', '{n} things', 2)\n"
        "    t.pgettext('clinical', 'Examination')\n"
        "    M_('late {x}', x=1)\n"
        "    N_('marked')\n"
        "    return t['case_id'], t(f'no {self}')\n",
        encoding="utf-8",
    )
    with source.open("rb") as f, pytest.warns(UserWarning, match="f-string passed to t"):
        found = [(name, message) for _, name, message, _ in CATALOGUES.extract_python(f, CATALOGUES.KEYWORDS, (), {})]
    assert found == [
        ("t", "attribute call"),
        ("ngettext", ("{n} thing", "{n} things", None)),
        ("pgettext", ("clinical", "Examination")),
        ("M_", "late {x}"),
        ("N_", "marked"),
        ("t", None),
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_each_catalogue_has_every_message_of_the_template(lang):
    """The .po holds the .pot's msgids, no more, no fewer (run `make i18n` after changing the code)."""
    template = {_id(m) for m in _entries(CATALOGUES.POT)}
    catalogue = {_id(m) for m in _entries(CATALOGUES.po_path(lang), lang)}
    assert (sorted(map(str, template - catalogue)), sorted(map(str, catalogue - template))) == ([], [])


@pytest.mark.parametrize("lang", LANGS)
def test_each_catalogue_is_fully_translated_and_nothing_is_fuzzy(lang):
    """Every msgstr (both plural forms) is filled in and no entry is marked fuzzy."""
    entries = _entries(CATALOGUES.po_path(lang), lang)
    empty = [_label(m) for m in entries if not all(m.string if isinstance(m.string, tuple) else (m.string,))]
    fuzzy = [_label(m) for m in entries if m.fuzzy]
    assert (empty, fuzzy) == ([], [])


@pytest.mark.parametrize("lang", LANGS)
def test_each_catalogue_declares_its_language_and_plural_forms(lang):
    """The header names the language and team and gives nb/da's two plural forms, 0 taking the plural."""
    with CATALOGUES.po_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang)
    headers = dict(catalog.mime_headers)
    assert headers["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert headers["Language"] == lang
    assert "LANGUAGE" not in headers["Language-Team"] and "EMAIL@ADDRESS" not in headers["Last-Translator"]
    assert not catalog.fuzzy


_PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_]\w*)(?:[:!][^{}]*)?\}(?!\})")
_TAG = re.compile(r"</?(?:b|i|em|strong|code|q|br|p|span)\b[^>]*>")


def _marks(text: str) -> tuple[list[str], list[str]]:
    """The named placeholders and the HTML tags of a string, sorted."""
    return sorted(_PLACEHOLDER.findall(text)), sorted(_TAG.findall(text))


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_placeholders_and_markup_byte_for_byte(lang):
    """Each msgstr has the placeholders ({name}, {n:g}) and tags of its msgid; plural forms those of their form."""
    wrong = []
    for m in _entries(CATALOGUES.po_path(lang), lang):
        if isinstance(m.id, tuple):
            pairs = [(m.id[0], m.string[0]), (m.id[1], m.string[1])]
        else:
            pairs = [(m.id, m.string)]
        for source, translated in pairs:
            if _marks(source) != _marks(translated):
                wrong.append((source, translated))
    assert wrong == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_compiled_catalogue_is_current(lang):
    """The committed .mo is exactly what the committed .po compiles to (`make i18n` after editing a .po)."""
    with CATALOGUES.po_path(lang).open("rb") as f:
        compiled = CATALOGUES.mo_bytes(read_po(f, locale=lang))
    assert compiled == CATALOGUES.mo_path(lang).read_bytes()


@pytest.mark.parametrize("lang", LANGS)
def test_the_casebook_reads_the_compiled_catalogue(lang):
    """The translator gives every msgstr of the .po (so the .mo the package ships is the one read)."""
    t = translator(lang)
    for m in _entries(CATALOGUES.po_path(lang), lang):
        if isinstance(m.id, str) and not m.context:
            assert t(m.id) == m.string


# ---------------------------------------------------------------- content files


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda p: str(p.relative_to(CASES)))
def test_every_content_text_has_english_norwegian_and_danish(path):
    """Every localisable text of the raw file (not what the loader kept) is {"en", "nb", "da"}, none empty."""
    _data, texts = STRINGS.file_texts(path)
    lacking = [
        f"{STRINGS.path_str(p)} lacks {lang}"
        for p, value in texts
        for lang in ("en", *LANGS)
        if not (isinstance(value, dict) and isinstance(value.get(lang), str) and value[lang].strip())
    ]
    assert texts and lacking == []


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda p: str(p.relative_to(CASES)))
def test_no_english_content_text_changed_since_its_translations_were_checked(path):
    """Each text's en_hash matches its English: otherwise re-check nb/da, then run tools/i18n_strings.py stamp FILE."""
    assert STRINGS.stale(path) == []


def test_a_changed_english_text_is_reported_until_it_is_stamped_again(tmp_path):
    """Changing one English text makes it stale (path and what to do); `stamp` after re-checking clears it."""
    copy = tmp_path / "questions.json"
    shutil.copyfile(CASES / "questions.json", copy)
    data = json.loads(copy.read_text(encoding="utf-8"))
    data["questions"][0]["text"]["en"] += " (changed)"
    copy.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (line,) = STRINGS.stale(copy)
    assert "$.questions[0].text" in line and "re-check nb/da, then run tools/i18n_strings.py stamp" in line
    assert STRINGS.stamp(copy) == 1 and STRINGS.stale(copy) == []


def test_apply_stamps_the_texts_it_translates(tmp_path):
    """A translation written by `apply` carries the hash of the English it was made from."""
    copy = tmp_path / "questions.json"
    data = json.loads((CASES / "questions.json").read_text(encoding="utf-8"))
    data["questions"][0]["text"] = data["questions"][0]["text"]["en"]  # English only, no stamp
    copy.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    english = data["questions"][0]["text"]
    assert STRINGS.apply(copy, {"$.questions[0].text": {"en": english, "nb": "Norsk", "da": "Dansk"}}) == []
    written = json.loads(copy.read_text(encoding="utf-8"))["questions"][0]["text"]
    assert written == {"en": english, "nb": "Norsk", "da": "Dansk", "en_hash": STRINGS.en_hash(english)}


def test_the_loader_keeps_the_stamp_out_of_the_text():
    """en_hash is no language: no loaded text lists it among its translations."""
    codes = {code for t in _texts(BOOK) for code, _ in t.translations}
    assert codes == set(LANGS)


def test_a_malformed_stamp_is_a_schema_problem(tmp_path):
    """An en_hash that is not 8 lower-case hex digits is reported with the way to rewrite it."""
    from casebook.validation import schema_problems

    data = json.loads((CASES / "questions.json").read_text(encoding="utf-8"))
    data["questions"][0]["text"]["en_hash"] = "XYZ"
    (problem,) = schema_problems(data, "bank", "questions.json")
    assert problem.json_path == "$.questions[0].text.en_hash"
    assert "tools/i18n_strings.py stamp" in problem.hint


# ---------------------------------------------------------------- the views in the pseudo-language


def _texts(node) -> list[Text]:
    """Every content Text under a model object (bank, conditions, cases)."""
    out: list[Text] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Text):
            out.append(item)
        elif isinstance(item, str):
            continue
        elif hasattr(item, "__dataclass_fields__"):
            stack.extend(getattr(item, f) for f in item.__dataclass_fields__)
        elif hasattr(item, "values"):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return out


CONTENT = sorted(
    {t.en for t in _texts(BOOK) if t.en}
    | {c.patient.name for c in BOOK.cases.values() if c.patient.name}
    | {str(p) for p in (CASE.patient.age,)},
    key=len,
    reverse=True,
)
_WRAPPED = re.compile(f"{PSEUDO_OPEN}[^{PSEUDO_OPEN}{PSEUDO_CLOSE}]*{PSEUDO_CLOSE}")


def _visible(widget: w.Widget) -> list[str]:
    """What a student reads on a widget: its description, tooltip, placeholder, option labels and text value."""
    out = [getattr(widget, name, "") or "" for name in ("description", "tooltip", "placeholder")]
    labels = getattr(widget, "_options_labels", None)
    if labels:
        out += list(labels)
    value = getattr(widget, "value", None)
    if isinstance(widget, w.HTML | w.Label) and isinstance(value, str):
        value = re.sub(r"<style>.*?</style>|<pre>.*?</pre>", " ", value, flags=re.S)  # styles; a traceback
        out += re.findall(r'aria-label="([^"]*)"', value)
        out.append(unescape(re.sub(r"<[^>]+>", " ", value)))
    return [text for text in out if text.strip()]


def _untranslated(*roots: w.Widget, skip: tuple[w.Widget, ...] = ()) -> list[str]:
    """The words on screen under ``roots`` that are neither content nor inside ⟦…⟧ (skipping ``skip`` subtrees)."""
    skipped = {id(s) for s in skip}
    left: list[str] = []
    stack = list(roots)
    while stack:
        widget = stack.pop()
        if id(widget) in skipped:
            continue
        stack.extend(c for c in getattr(widget, "children", ()) if isinstance(c, w.Widget))
        for text in _visible(widget):
            while _WRAPPED.search(text):
                text = _WRAPPED.sub(" ", text)
            for content in CONTENT:
                if content in text:
                    text = text.replace(content, " ")
            left += re.findall(r"[A-Za-z]{2,}", text)
    return left


def test_a_case_in_the_pseudo_language_shows_no_untranslated_word_through_to_feedback():
    """Header, examination, decision, feedback summary and controls of a played case: every word is wrapped or
    content (the history view and the feedback items' own words are checked where they are made)."""
    app = CaseApp(BOOK, CASE.id, lang="qps")
    assert _untranslated(app.widget, skip=(app.history.widget,)) == []
    app.decision.submit.click()  # no diagnosis yet: the session's message
    app.decision.ranks[0].value = CASE.diagnosis
    app.decision.submit.click()  # no next step: the view's message
    assert PSEUDO_OPEN in app.decision.status.value
    exam, investigation = next(iter(BOOK.bank.examinations)), next(iter(BOOK.bank.investigations))
    app.exam.exam_buttons[exam].click()
    app.exam.investigation_buttons[investigation].click()
    app.decision.next_step.value = CASE.correct_steps[0].step
    app.decision.submit.click()
    assert app.session.submitted
    items = [app.feedback.panel]  # the items come from the feedback rules, whose words are checked with them
    assert _untranslated(app.widget, skip=(app.history.widget, *items)) == []
    assert 'lang="qps"' in app.header.value and 'lang="qps"' in app.feedback.panel.value
    app.close()


def test_the_error_log_speaks_the_pages_language():
    """A failing callback's sentence and its details toggle come through the translator."""
    app = CaseApp(BOOK, CASE.id, lang="qps")
    app.log.guard(translator("qps").pgettext("while", "saving your attempt"))(lambda: 1 / 0)()
    assert _untranslated(app.log.widget) == []
    app.close()


def test_the_feedback_panel_frame_and_levels_are_translated():
    """The panel's heading and region name, each item's level label and its 'Source' label go through the
    translator (item titles and lines given as content here)."""
    from casebook.feedback import FeedbackItem, evaluate

    fb = evaluate(BOOK, CASE, [], [], [], [CASE.diagnosis], CASE.correct_steps[0].step)
    condition = BOOK.conditions[CASE.diagnosis]
    items = tuple(
        FeedbackItem("s", level, condition.name.en, (condition.summary.en,), condition.name.en)
        for level in ("good", "partial", "bad", "warning", "info")
    )
    panel = w.HTML(feedback_html(type(fb)(**{**fb.__dict__, "items": items}), "qps"))
    assert _untranslated(panel) == []


def test_the_case_picker_in_the_pseudo_language():
    """Filters, list, count, button and the 'no case selected' message are wrapped or content."""
    from casebook.model import DIFFICULTIES, REGIONS, SETTINGS
    from casebook.selection import filter_cases

    picker = CasePicker(BOOK, lambda _case: None, lang="qps")
    assert _untranslated(picker.widget) == []
    empty = next(
        (d, s, r)
        for d in DIFFICULTIES
        for s in SETTINGS
        for r in REGIONS
        if not filter_cases(BOOK, difficulty=d, setting=s, region=r)
    )
    picker.difficulty.value, picker.setting.value, picker.region.value = empty
    picker.play.click()
    assert PSEUDO_OPEN in picker.count.value and _untranslated(picker.widget) == []
    picker.close()


def test_the_compare_view_in_the_pseudo_language():
    """Labels, the 'choose 2 to 4' message and the table's row labels are wrapped; the cells are content."""
    view = CompareView(BOOK, lang="qps")
    view.choice.value = (next(iter(BOOK.conditions)),)
    view.compare.click()
    assert PSEUDO_OPEN in view.status.value
    view.choice.value = tuple(list(BOOK.conditions)[:3])
    view.compare.click()
    assert view.frame is not None and _untranslated(view.widget) == []
    view.close()


class _Store:
    """A progress store with an alias and two attempts (what AliasView reads)."""

    alias = "calf-detective"
    recovered = None

    def attempts(self, alias):
        return [object(), object()] if alias else []


def test_the_alias_box_in_the_pseudo_language():
    """The alias box, its button and the 'saving as' line are wrapped (the alias itself is the student's)."""
    view = AliasView(_Store(), lang="qps")
    texts = _untranslated(view.widget)
    assert [word for word in texts if word not in ("calf", "detective")] == []
    assert "calf-detective" in view.status.value
    view.close()


@pytest.mark.parametrize("lang", LANGS)
def test_a_case_in_nb_and_da_labels_its_controls_in_the_language(lang):
    """The buttons and form labels of a case read in the chosen language (each differs from the English)."""
    app, english = CaseApp(BOOK, CASE.id, lang=lang), CaseApp(BOOK, CASE.id, lang="en")
    pairs = [
        (app.decision.submit.description, english.decision.submit.description),
        (app.decision.next_step.description, english.decision.next_step.description),
        (app.decision.confidence.description, english.decision.confidence.description),
        (app.next_button.description, english.next_button.description),
        (app.restart_button.description, english.restart_button.description),
        (app.skip_button.description, english.skip_button.description),
    ]
    assert [a for a, b in pairs if a == b] == []
    assert f'lang="{lang}"' in app.header.value
    assert app.decision.confidence.options[1][0] == "5\u00a0%"
    app.close()
    english.close()
