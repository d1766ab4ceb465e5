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
from casebook.session import CaseSession
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


def _untranslated(*roots: w.Widget, skip: tuple[w.Widget, ...] = (), extra: tuple[str, ...] = ()) -> list[str]:
    """The words on screen under ``roots`` that are neither content nor inside ⟦…⟧ (skipping ``skip`` subtrees;
    ``extra``: more texts that come from a student or a file, such as typed questions or an alias)."""
    skipped = {id(s) for s in skip}
    content = sorted({*CONTENT, *extra}, key=len, reverse=True)
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
            for known in content:
                if known in text:
                    text = text.replace(known, " ")
            left += re.findall(r"[A-Za-z]{2,}", text)
    return left


def test_a_case_in_the_pseudo_language_shows_no_untranslated_word_through_to_feedback():
    """Header, history, examination, decision, the feedback and its items, and the controls of a played case (menu
    mode): every word on screen is wrapped or content."""
    app = CaseApp(BOOK, CASE.id, lang="qps")
    assert _untranslated(app.widget) == []
    app.history.buttons[CASE.key_questions[0]].click()
    assert _untranslated(app.widget) == []
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
    assert _untranslated(app.widget) == []
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


# ---------------------------------------------------------------- every other view in the pseudo-language


def _upload(view, name: str, data: bytes) -> None:
    """Hand ``data`` to a TransferView's upload control as the browser would (one file called ``name``)."""
    import datetime

    view.upload.value = (
        {
            "name": name,
            "type": "",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": datetime.datetime.now(datetime.UTC),
        },
    )


def _store(tmp_path, alias: str | None = "calf-detective"):
    from casebook.progress import ProgressStore

    store = ProgressStore(tmp_path / "progress.sqlite")
    if alias:
        store.alias = alias
    return store


def test_the_start_page_in_the_pseudo_language(tmp_path):
    """Language switch, alias box, Download/Upload, the history mode choice and the picker: every word is wrapped, the
    alias or a language's own name; the page's HTML says lang="qps"."""
    from casebook.i18n import LANGUAGES
    from casebook.ui import StartPage

    store = _store(tmp_path)
    page = StartPage(BOOK, store, lang="qps")
    names = tuple(LANGUAGES.values())
    assert _untranslated(page.widget, extra=(store.alias, *names)) == []
    assert [label for label, _ in page.language.options][: len(names)] == list(names)
    html = "".join(c.value for c in page.widget.children if isinstance(c, w.HTML))
    assert 'lang="qps"' in html
    page.alias.text.value = "tab\tinside"
    page.alias.save.click()  # refused: the progress store's own sentence, translated
    assert PSEUDO_OPEN in page.alias.status.value and _untranslated(page.widget, extra=(store.alias, *names)) == []
    page.close()


def test_a_recall_case_in_the_pseudo_language_through_to_feedback():
    """Recall mode: the question box, a clear, an unclear and an unmatched typed question, the choices, Show question
    list, the feedback: every word is wrapped, content or what the student typed."""
    import recall_examples

    app = CaseApp(BOOK, CASE.id, lang="qps", mode="recall")
    clear = recall_examples.typed_with(BOOK, "clear")["text"]
    unclear = recall_examples.typed_with(BOOK, "ambiguous")["text"]
    nothing = "xyzzy plugh"
    typed = (clear, unclear, nothing)
    box = app.history.recall_box
    box.put(clear)
    assert _untranslated(app.widget, extra=typed) == []
    box.put(unclear)
    assert box.choices.children and _untranslated(app.widget, extra=typed) == []
    box.choices.children[0].click()
    box.put(nothing)
    assert _untranslated(app.widget, extra=typed) == []
    app.history.show_menu.click()
    app.decision.ranks[0].value = CASE.diagnosis
    app.decision.next_step.value = CASE.correct_steps[0].step
    app.decision.submit.click()
    assert app.session.submitted and app.session.asked_unaided
    assert _untranslated(app.widget, extra=typed) == []
    app.close()


def test_my_progress_in_the_pseudo_language(tmp_path):
    """The export box, Download my progress, an upload with a bad line and another alias's attempt, and a refused
    file: every word is wrapped or the student's; each problem inside a sentence is translated on its own."""
    import json

    from casebook.ui import ExportView

    store = _store(tmp_path)
    session = CaseSession(BOOK, CASE.id, alias=store.alias)
    session.diagnose([CASE.diagnosis], 80)
    session.decide(CASE.correct_steps[0].step)
    session.submit()
    store.record_session(session)
    view = ExportView(store, folder=tmp_path, lang="qps")
    view.button.click()
    extra = (store.alias, str(tmp_path), "jsonl", "csv", view.default_name)
    assert _untranslated(view.widget, extra=extra) == []
    other = json.loads(next(iter((tmp_path / f"{view.default_name}.jsonl").read_text(encoding="utf-8").splitlines())))
    other.update(attempt_id="someone-else", alias="another-student")
    data = b'{"not": "an attempt"}\n' + json.dumps(other).encode("utf-8") + b"\n"
    _upload(view.transfer, "upload.jsonl", data)
    status = view.transfer.status.value
    extra += ("upload.jsonl", "another-student")
    assert _untranslated(view.widget, extra=extra) == []
    problems = re.findall(r"<li>(.*?)</li>", status)
    assert problems and all(p.count(PSEUDO_OPEN) >= 2 for p in problems)  # the line's sentence and its problem
    _upload(view.transfer, "grades.xlsx", b"PK\x03\x04 a workbook")
    assert 'role="alert"' in view.transfer.status.value
    assert _untranslated(view.widget, extra=(*extra, "grades.xlsx")) == []
    view.close()


def test_the_notes_at_the_top_of_a_notebook_in_the_pseudo_language(monkeypatch):
    """The Binder and hub notes, each notebook's line on what to do and the dashboard's first lines are wrapped."""
    from casebook.ui import note_view

    monkeypatch.setenv("BINDER_LAUNCH_HOST", "https://mybinder.org/")
    lines = [note_view.note_html(note_view.progress_note("qps"), "qps")]
    lines += [
        note_view.intro_html(key, "qps", student="demo", alias="me", n="1", total="2") for key in note_view.INTROS
    ]
    summary = {"attempts": 3, "students": 2, "cases": 1, "accuracy": 0.5, "unsafe_steps": 1}
    summary |= {"problems": 2, "files_with_problems": 1}
    lines += note_view.class_overview(summary, note_view.DEMO_CLASS, "qps")
    assert _untranslated(*(w.HTML(line) for line in lines), extra=("demo", "me")) == []
    assert all('lang="qps"' in line for line in lines[: 1 + len(note_view.INTROS)])


@pytest.mark.parametrize("mode", ["menu", "recall"])
def test_the_seminar_in_the_pseudo_language_every_step(mode):
    """Every step of the seminar, the class's own questions included (recall mode), and its controls: every word is
    wrapped, content or typed by the teacher."""
    import recall_examples

    from casebook.ui.seminar_view import SeminarView

    view = SeminarView(BOOK, CASE.id, lang="qps", mode=mode)
    typed = (recall_examples.typed_with(BOOK, "clear")["text"], "xyzzy plugh")
    for _ in range(len(view.steps)):
        if view.recall_box is not None and view.steps[view.shown - 1].kind == "recall" and not view.session.typed:
            for text in typed:
                view.recall_box.put(text)
        assert (view.steps[view.shown - 1].kind, _untranslated(view.widget, extra=typed)) == (
            view.steps[view.shown - 1].kind,
            [],
        )
        view.next.click()
    assert view.next.disabled and 'lang="qps"' in view.stage.value
    view.close()


def _figure_texts(ax) -> list[str]:
    """Every text a figure shows: title, axis labels, tick labels, legend entries and annotations."""
    legend = ax.get_legend()
    return [
        ax.get_title(),
        ax.get_xlabel(),
        ax.get_ylabel(),
        *(t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()),
        *(t.get_text() for t in (legend.get_texts() if legend else ())),
        *(t.get_text() for t in ax.texts),
    ]


def _class_tables(lang: str):
    from casebook import analytics, report
    from casebook.demo import demo_folder

    df, problems = analytics.read_folder(demo_folder())
    return report.class_tables(df, problems, BOOK, lang)


def test_the_class_reports_figures_in_the_pseudo_language():
    """Titles, axis labels, legends and notes of every class-report figure are wrapped; what is left is ids, names from
    the condition files and numbers."""
    from matplotlib.figure import Figure

    from casebook import report

    tables = _class_tables("en")
    ids = (*BOOK.cases, *BOOK.conditions, *BOOK.bank.questions)
    for name, make in report._figure_makers("qps").items():
        ax = Figure().add_subplot()
        make(tables[name], ax)
        texts = [t for t in _figure_texts(ax) if t]
        assert any(PSEUDO_OPEN in t for t in texts), name
        assert (name, _untranslated(*(w.Label(t) for t in texts), extra=ids)) == (name, [])


# ---------------------------------------------------------------- the command line in nb and da

# Words of English sentences that neither Norwegian nor Danish uses (so none may appear in nb or da feedback).
ENGLISH_ONLY_WORDS = frozenset(
    "the you your with this that was were what which did found missed asked questions right wrong should would "
    "could not of from there none every".split()
)
_PLACEHOLDER_RE = re.compile(r"\{[A-Za-z_]\w*(?:[:!][^{}]*)?\}")


def _templates(lang: str) -> list[re.Pattern]:
    """Every msgstr of the language's catalogue as a pattern: its words literal, each placeholder any text."""
    out = []
    for m in _entries(CATALOGUES.po_path(lang), lang):
        for text in m.string if isinstance(m.string, tuple) else (m.string,):
            parts = _PLACEHOLDER_RE.split(text)
            literal = [re.escape(p.replace("{{", "{").replace("}}", "}")) for p in parts]
            out.append(re.compile("(.+?)".join(literal), re.S))
    return sorted(out, key=lambda p: -len(p.pattern))


def _content(lang: str) -> list[str]:
    """Every content text of the bundled casebook in ``lang`` (also without its closing full stop, as a list of
    findings quotes it), the source titles (never translated) and the catalogue's msgstrs that take no values (labels
    such as a document's gloss or a section heading), longest first."""
    from casebook.model import DOCUMENTS

    texts = {t.get(lang) for t in _texts(BOOK)} | {title for title, _ in DOCUMENTS.values() if title}
    texts |= {BOOK.condition_name(c, lang, in_sentence=True) for c in BOOK.conditions}  # "This is deep vein thrombosis"
    texts |= {t.rstrip(" .") for t in texts if t}
    for m in _entries(CATALOGUES.po_path(lang), lang):
        texts |= {t for t in (m.string if isinstance(m.string, tuple) else (m.string,)) if "{" not in t}
    return sorted((t for t in texts if t), key=len, reverse=True)


def _explained(text: str, templates: list[re.Pattern], content: list[str], extra: tuple[str, ...], depth: int = 0):
    """True when ``text`` is content of the language (texts joined by punctuation, numbers, ids) or a rendering of one
    of its catalogue's msgstrs whose every inserted value is explained the same way."""
    rest = text
    for known in (*extra, *content):
        if known in rest:
            rest = rest.replace(known, " ")
    if not re.search(r"[^\W\d_]", rest):  # nothing but content, digits, spaces and punctuation
        return True
    if depth > 6:
        return False
    for template in templates:
        m = template.fullmatch(text)
        if m and all(_explained(g, templates, content, extra, depth + 1) for g in m.groups()):
            return True
    return False


def _play_json(capsys, tmp_path, lang: str) -> dict:
    """`casebook play` in ``lang`` over answers that reach every rule: typed questions in that language (recall mode),
    a wrong leading diagnosis, a confidence, reasoning and an unsafe next step."""
    import json

    import recall_examples

    from casebook.cli import main

    typed = [recall_examples.typed_with(BOOK, "clear", lang=lang if lang in LANGS else "en")["text"]]
    wrong = CASE.differential[0].condition
    verdicts = {s: CASE.judge_step(s)[0] for s in BOOK.bank.next_steps}
    unsafe = next(s for s, verdict in verdicts.items() if verdict == "unsafe")  # the safety section's warnings too
    answers = {
        "typed": typed,
        "asked": [CASE.key_questions[-1]],
        "examined": [next(iter(BOOK.bank.examinations))],
        "differential": [wrong, CASE.diagnosis],
        "confidence": 85,
        "next_step": unsafe,
        "reasoning": "X",
    }
    path = tmp_path / f"answers-{lang}.json"
    path.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
    assert main(["play", CASE.id, "--answers", str(path), "--format", "json", "--lang", lang]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("lang", LANGS)
def test_casebook_play_gives_feedback_with_no_english_sentence(lang, capsys, tmp_path):
    """`casebook play --lang nb|da --format json`: every title, line and source is a rendering of one of the language's
    msgstrs filled with its content (checked word for word against the .po and the case files), the feedback has the
    structure the pseudo-language run shows (same items, same number of lines, each wrapped there), and no English
    word is left."""
    ours, pseudo = _play_json(capsys, tmp_path, lang), _play_json(capsys, tmp_path, "qps")
    assert (ours["lang"], pseudo["lang"]) == (lang, "qps")
    shape = lambda fb: [(i["section"], i["level"], len(i["lines"]), bool(i["source"])) for i in fb["items"]]  # noqa: E731
    assert shape(ours) == shape(pseudo)
    sections = {i["section"] for i in ours["items"]}
    assert {"verdict", "calibration", "reasoning", "findings", "why_not", "expert_path", "safety"} <= sections
    templates, content = _templates(lang), _content(lang)
    texts = [t for i in ours["items"] for t in (i["title"], *i["lines"], i["source"]) if t]
    assert [t for t in texts if not _explained(t, templates, content, extra=("X",))] == []
    words = {w.lower() for t in texts for w in re.findall(r"[A-Za-z]+", t)}
    assert words & ENGLISH_ONLY_WORDS == set()
    english = {
        w.lower() for i in pseudo["items"] for t in (i["title"], *i["lines"]) for w in re.findall(r"[A-Za-z]+", t)
    }
    assert english & ENGLISH_ONLY_WORDS  # the check would see an English sentence: the same run in English has them


def test_the_pseudo_language_feedback_has_no_word_outside_a_translator_or_a_case_file(capsys, tmp_path):
    """`casebook play --lang qps`: every title, line and source is wrapped or content, so every sentence of the
    feedback comes through the catalogue (what the nb and da checks rely on)."""
    fb = _play_json(capsys, tmp_path, "qps")
    lines = [t for i in fb["items"] for t in (i["title"], *i["lines"], i["source"]) if t]
    assert _untranslated(*(w.Label(t) for t in lines), extra=("X",)) == []


def test_casebook_report_lang_nb_writes_the_report_and_its_figures_in_norwegian(tmp_path, capsys):
    """`casebook report --lang nb`: index.html declares nb and has the catalogue's Norwegian heading, the summary
    printed is Norwegian, and every figure's title and axis labels are msgstrs of the nb catalogue, not English."""
    from matplotlib.figure import Figure

    from casebook import report
    from casebook.cli import main
    from casebook.demo import demo_folder

    nb = translator("nb")
    assert main(["report", str(demo_folder()), "--out", str(tmp_path / "out"), "--lang", "nb"]) in (0, 1)
    out = capsys.readouterr().out.splitlines()
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert index.startswith('<!doctype html><html lang="nb">') and f"<h1>{nb('Class report')}</h1>" in index
    assert out[0].startswith(nb("Read {attempts} by {students} on {cases} from {files} in {folder}.").split("{")[0])
    msgstrs = {m.string for m in _entries(CATALOGUES.po_path("nb"), "nb") if isinstance(m.string, str)}
    msgids = {m.id for m in _entries(CATALOGUES.po_path("nb"), "nb") if isinstance(m.id, str)}
    tables = _class_tables("nb")
    for name, make in report._figure_makers("nb").items():
        ax = Figure().add_subplot()
        make(tables[name], ax)
        labels = [t for t in (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) if t]
        assert labels and all(t in msgstrs and t not in msgids for t in labels), (name, labels)
