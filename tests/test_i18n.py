"""The translation core (casebook/i18n.py) and the pieces that show the casebook's own words in nb and da."""

from __future__ import annotations

import html
import pickle
import re
from pathlib import Path

import pytest

import casebook
from casebook import i18n
from casebook.cli import main
from casebook.console import format_problems
from casebook.handout import handout_html
from casebook.i18n import (
    M_,
    PSEUDO_CLOSE,
    PSEUDO_OPEN,
    Message,
    error_message,
    format_number,
    format_percent,
    from_query_string,
    nM_,
    normalise,
    or_list,
    pM_,
    resolve,
    translator,
    translator_for,
)
from casebook.loading import validate_file
from casebook.model import REGIONS, SETTINGS, Patient, Text, format_sources, setting_label
from casebook.session import CaseSession

BOOK = casebook.load()
CASE = BOOK.cases["dvt-pregnant"] if "dvt-pregnant" in BOOK.cases else next(iter(BOOK.cases.values()))
INVALID = Path(__file__).parent / "data" / "invalid"
NB, DA = translator("nb"), translator("da")


@pytest.fixture(autouse=True)
def _no_language_in_the_environment(monkeypatch):
    monkeypatch.delenv("CASEBOOK_LANG", raising=False)


def shown(markup: str) -> str:
    """The text a reader sees in an HTML page: styles dropped, tags removed, references resolved, spaces collapsed."""
    markup = re.sub(r"<style>.*?</style>", " ", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


# ---------------------------------------------------------------- choosing the language


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("nb", "nb"),
        ("nb_NO", "nb"),
        ("no_NO", "nb"),  # JupyterLab's Bokmål language pack
        ("no-NO", "nb"),
        ("nob", "nb"),
        ("da_DK.UTF-8", "da"),
        ("DA", "da"),
        ("en_GB", "en"),
        ("eng", "en"),
        ("sv_SE", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_normalise_maps_language_codes_to_the_casebooks_languages(code, expected):
    """Locale names, macro-language codes and aliases become 'nb', 'da' or 'en'; anything else is None."""
    assert normalise(code) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [("lang=nb", "nb"), ("?lang=da_DK", "da"), ("x=1&lang=no", "nb"), ("lang=fr", None), ("", None), (None, None)],
)
def test_from_query_string_reads_the_lang_parameter(query, expected):
    """A Voila page's QUERY_STRING (with or without its '?') gives the language asked for, or None."""
    assert from_query_string(query) == expected


def test_resolve_takes_the_first_supported_preference(monkeypatch):
    """resolve() skips unsupported and missing preferences and returns the first one the casebook speaks."""
    monkeypatch.setenv("CASEBOOK_LANG", "da")
    assert resolve(None, "fr", "nb_NO", "da") == "nb"


def test_resolve_falls_back_to_casebook_lang_then_english(monkeypatch):
    """Without a usable preference, CASEBOOK_LANG decides; without that, English."""
    assert resolve("fr") == "en"
    monkeypatch.setenv("CASEBOOK_LANG", "da_DK.UTF-8")
    assert resolve("fr", None) == "da"


def test_translator_for_accepts_the_pseudo_language_and_the_environment(monkeypatch):
    """translator_for('qps') is the pseudo-language; an unknown code follows CASEBOOK_LANG."""
    monkeypatch.setenv("CASEBOOK_LANG", "nb")
    assert (translator_for("qps").lang, translator_for("xx").lang, translator_for(DA).lang) == ("qps", "nb", "da")


def test_an_unknown_language_gives_the_english_translator():
    """translator('fr') speaks English: every message comes back unchanged."""
    t = translator("fr")
    assert (t.lang, t("Submit"), t.ngettext("{n} condition", "{n} conditions", 2)) == ("en", "Submit", "{n} conditions")


def test_a_string_missing_from_the_catalogue_falls_back_to_english_whole():
    """A msgid the catalogue lacks is shown in English as it is (per string, never half translated)."""
    assert NB("A sentence no catalogue holds.") == "A sentence no catalogue holds."


def test_translators_translate_plural_and_context_messages():
    """ngettext picks the language's plural form; pgettext tells the two senses of a word apart."""
    one, two = (NB.ngettext("{n} condition", "{n} conditions", n).format(n=n) for n in (1, 2))
    assert one != two and one.startswith("1 ") and two.startswith("2 ")
    assert NB.pgettext("confidence", "Confidence") != "Confidence"


def test_the_pseudo_language_wraps_every_string_and_keeps_placeholders():
    """translator('qps') returns the English inside ⟦…⟧, placeholders intact for format()."""
    t = translator("qps")
    assert t("Case {id}: {title}").format(id="a", title="b") == f"{PSEUDO_OPEN}Case a: b{PSEUDO_CLOSE}"
    assert t.ngettext("{n} file", "{n} files", 3) == f"{PSEUDO_OPEN}{{n}} files{PSEUDO_CLOSE}"


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("lang", "value", "digits", "expected"),
    [
        ("en", 1234.5, 1, "1,234.5"),
        ("nb", 1234.5, 1, "1\u00a0234,5"),
        ("da", 1234.5, 1, "1.234,5"),
        ("da", 0.78, 2, "0,78"),
        ("nb", 37.5, 1, "37,5"),
        ("en", 3, 0, "3"),
    ],
)
def test_format_number_uses_the_languages_decimal_mark_and_thousands(lang, value, digits, expected):
    """Numbers follow the translation guide: en 1,234.5; nb 1 234,5 (no-break space); da 1.234,5."""
    assert format_number(value, lang, digits) == expected


@pytest.mark.parametrize(
    ("lang", "expected"), [("en", "12.5%"), ("nb", "12,5\u00a0%"), ("da", "12,5\u00a0%"), (DA, "12,5\u00a0%")]
)
def test_format_percent_puts_a_no_break_space_before_the_sign_in_nb_and_da(lang, expected):
    """12.5 per cent reads '12,5 %' in nb and da, '12.5%' in English; a Translator may stand for its language."""
    assert format_percent(12.5, lang, 1) == expected


# ---------------------------------------------------------------- late messages


def test_a_message_is_its_english_text():
    """A Message compares, hashes, prints and joins as the English sentence (what English tests read)."""
    m = M_("unknown case '{id}'", id="calf")
    assert (m, str(m), f"{m}!", hash(m)) == (
        "unknown case 'calf'",
        "unknown case 'calf'",
        "unknown case 'calf'!",
        hash(str(m)),
    )


def test_a_message_is_shown_in_the_translators_language():
    """t(message) looks up the msgid in the catalogue and fills in the values."""
    m = M_("unknown case '{id}'", id="calf")
    assert NB(m) == NB("unknown case '{id}'").format(id="calf") != str(m)


def test_values_that_are_messages_or_content_texts_follow_the_language():
    """A nested Message and a content Text inside a Message are shown in the reader's language too."""
    why = Text("English why", (("nb", "norsk hvorfor"), ("da", "dansk hvorfor")))
    m = M_("the answer contradicts the diagnosis '{condition}': {why}", condition="dvt", why=why)
    assert str(m).endswith(": English why")
    assert DA(m) == DA("the answer contradicts the diagnosis '{condition}': {why}").format(
        condition="dvt", why="dansk hvorfor"
    )
    joined = or_list(["'a'", "'b'", "'c'"])
    assert (str(joined), NB(joined)) == (
        "'a' or 'b' or 'c'",
        NB("{first} or {rest}").format(first="'a'", rest=NB("{first} or {rest}").format(first="'b'", rest="'c'")),
    )


def test_plural_and_context_messages_render_by_count_and_context():
    """nM_ chooses the form by its count in each language; pM_ keeps its context."""
    one, many = nM_("{n} condition", "{n} conditions", 1, n=1), nM_("{n} condition", "{n} conditions", 4, n=4)
    assert (str(one), str(many)) == ("1 condition", "4 conditions")
    assert DA(many) == DA.ngettext("{n} condition", "{n} conditions", 4).format(n=4)
    assert NB(pM_("confidence", "Confidence")) == NB.pgettext("confidence", "Confidence")


def test_a_message_survives_pickling_with_its_msgid():
    """Pickled and read back (as a notebook kernel or a cache may do), a Message still translates."""
    m = pickle.loads(pickle.dumps(M_("still a placeholder: {text}", text="TODO")))
    assert isinstance(m, Message) and NB(m) == NB("still a placeholder: {text}").format(text="TODO")


def test_literal_braces_are_kept_in_a_message_without_values():
    """A hint quoting JSON ({"en": ...}) and taking no values is shown with its braces."""
    hint = M_('write a string, or {"en": "English text", "nb": "norsk tekst"}')
    assert str(hint) == 'write a string, or {"en": "English text", "nb": "norsk tekst"}'


def test_error_message_translates_what_the_core_raises():
    """An exception carrying a Message or a msgid is shown translated; any other text as it is."""
    assert error_message(ValueError(M_("compare 2 to 4 conditions, not {n}", n=5)), NB) == NB(
        "compare 2 to 4 conditions, not {n}"
    ).format(n=5)
    assert error_message(KeyError("no such thing"), NB) == "no such thing"
    assert error_message(RuntimeError(1, 2), NB) == "(1, 2)"


# ---------------------------------------------------------------- the model in a language


@pytest.mark.parametrize(
    ("lang", "age", "sex", "expected_msgid"),
    [
        ("nb", 44, "male", "{age}-year-old man"),
        ("da", 44, "male", "{age}-year-old man"),
        ("nb", 31, "female", "{age}-year-old woman"),
        ("da", 7, "female", "{age}-year-old girl"),
        ("nb", 10, "male", "{age}-year-old boy"),
    ],
)
def test_patient_describe_says_age_and_sex_in_the_language(lang, age, sex, expected_msgid):
    """'44-year-old man' is the catalogue's phrase for the language (nb '44 år gammel mann', da '44-årig mand')."""
    t = translator(lang)
    assert Patient(age, sex).describe(lang) == t(expected_msgid).format(age=age)
    assert Patient(age, sex).describe(lang) != Patient(age, sex).describe("en")


def test_patient_describe_keeps_name_and_gives_occupation_in_the_language():
    """The name stays; occupation and activity come in the reader's language."""
    p = CASE.patient
    text = p.describe("da")
    assert text.startswith(p.name) and p.occupation.get("da") in text and p.occupation.en not in text


def test_settings_and_regions_are_translated_labels_of_english_msgids():
    """Every setting and region has a translation in nb and da; the English labels stay the glossary's msgids."""
    for lang in ("nb", "da"):
        t = translator(lang)
        assert all(t(label) != label for label in (*SETTINGS.values(), *REGIONS.values()))
    assert setting_label("emergency", "nb") == NB(SETTINGS["emergency"]) and setting_label("nowhere", "nb") == "nowhere"


def test_format_sources_in_nb_has_no_english_gloss():
    """Sources in nb: the titles untranslated, the glosses and the guide's headings in Norwegian, no English words."""
    english = format_sources(CASE.sources)
    norwegian = format_sources(CASE.sources, "nb")
    assert "Leggsmerter, veiviser" in norwegian and "Norwegian patient guide" in english
    assert "Norwegian patient guide" not in norwegian and "General textbook knowledge" not in norwegian
    assert format_sources(CASE.sources, "qps").count(PSEUDO_OPEN) >= 2


def test_a_case_session_carries_the_translator_of_its_language():
    """CaseSession.t is the translator of the session's language (what the views show their words through)."""
    assert CaseSession(BOOK, CASE.id, lang="da").t is translator("da")


# ---------------------------------------------------------------- problems for teachers


def test_problems_keep_their_english_and_show_in_norwegian():
    """A loading problem reads word for word in English, and in Norwegian through the translator."""
    (problem,) = validate_file(INVALID / "blank--empty-file.json")
    assert (problem.message, problem.hint) == ("the file is empty", "write a JSON object, or delete the file")
    assert NB(problem.message) == NB("the file is empty") != problem.message
    assert problem.describe(NB).endswith(NB("how to fix: {hint}").format(hint=NB(problem.hint)))


def test_every_problem_of_the_invalid_examples_is_translated_whole():
    """In the pseudo-language, every problem line and hint of the invalid examples is one wrapped sentence."""
    problems = casebook.load(INVALID).problems  # the folder as `casebook validate tests/data/invalid` reads it
    assert len({p.file for p in problems}) == len(list(INVALID.glob("*.json")))
    lines = format_problems(problems, "qps").splitlines()
    unwrapped = [line for line in lines[1:] if line.startswith(" ") and PSEUDO_OPEN not in line]
    assert unwrapped == []


def test_casebook_validate_speaks_the_language_asked_for(capsys):
    """`casebook validate --lang nb FILE` prints the problem, hint and total in Norwegian."""
    assert main(["validate", "--lang", "nb", str(INVALID / "blank--empty-file.json")]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"  {NB('(whole file)')}: {NB('the file is empty')}" in out
    assert f"    {NB('how to fix: {hint}').format(hint=NB('write a JSON object, or delete the file'))}" in out
    total = NB("{problems} in {files}").format(
        problems=NB.ngettext("{n} problem(s)", "{n} problem(s)", 1).format(n=1),
        files=NB.ngettext("{n} file(s)", "{n} file(s)", 1).format(n=1),
    )
    assert out[-1] == total


def test_casebook_lang_is_the_default_language_of_commands(capsys, monkeypatch):
    """With CASEBOOK_LANG=da and no --lang, `casebook conditions` gives the names in Danish."""
    monkeypatch.setenv("CASEBOOK_LANG", "da")
    assert main(["conditions", "--format", "json"]) == 0
    import json

    names = {row["id"]: row["name"] for row in json.loads(capsys.readouterr().out)}
    assert names == {c.id: c.name.get("da") for c in BOOK.conditions.values()}


def test_casebook_list_in_the_pseudo_language_wraps_its_own_words(capsys):
    """`casebook list --lang qps`: the footer and every setting label come through the translator."""
    assert main(["list", "--lang", "qps"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith(PSEUDO_OPEN) and lines[-1].endswith(PSEUDO_CLOSE)
    rows = lines[2:-2]
    assert rows and all(PSEUDO_OPEN in row for row in rows)


# ---------------------------------------------------------------- handouts


@pytest.mark.parametrize("answer_key", [False, True])
@pytest.mark.parametrize("lang", ["nb", "da"])
def test_a_handout_declares_its_language(lang, answer_key):
    """The printed page says <html lang=..> for its language and shows the case in that language."""
    page = handout_html(BOOK, CASE, answer_key=answer_key, lang=lang)
    assert page.startswith(f'<!doctype html><html lang="{lang}">')
    assert html.escape(CASE.presenting_complaint.get(lang)) in page and CASE.presenting_complaint.en not in shown(page)


def test_a_student_handout_has_no_word_that_skipped_the_translator():
    """In the pseudo-language every word of the student handout is content or wrapped: no English label is left."""
    page = handout_html(BOOK, CASE, lang="qps")
    text = shown(page)
    for content in sorted(_content_strings(), key=len, reverse=True):
        text = text.replace(content, " ")
    left = re.sub(f"{PSEUDO_OPEN}[^{PSEUDO_OPEN}{PSEUDO_CLOSE}]*{PSEUDO_CLOSE}", " ", _strip_nested(text))
    assert re.findall(r"[A-Za-z]{2,}", left) == []


def test_casebook_handout_lang_da_writes_a_danish_page(tmp_path, capsys):
    """`casebook handout CASE --lang da --out FILE` writes <html lang="da"> and reports in Danish."""
    out = tmp_path / "x.html"
    assert main(["handout", CASE.id, "--lang", "da", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith('<!doctype html><html lang="da">')
    assert capsys.readouterr().out.strip() == DA("Wrote student handout for {id} to {file}").format(
        id=CASE.id, file=out
    )


# ---------------------------------------------------------------- helpers


def _content_strings() -> set[str]:
    """Every text of the bundled casebook as the pseudo-language shows it (English), and the patients' names."""
    out: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, Text):
            out.add(node.en)
        elif isinstance(node, dict) or hasattr(node, "items") and not isinstance(node, str):
            for v in node.values():
                walk(v)
        elif isinstance(node, list | tuple):
            for v in node:
                walk(v)
        elif hasattr(node, "__dataclass_fields__"):
            for name in node.__dataclass_fields__:
                walk(getattr(node, name))

    walk(BOOK.bank)
    walk(list(BOOK.conditions.values()))
    walk(list(BOOK.cases.values()))
    out |= {c.patient.name for c in BOOK.cases.values() if c.patient.name}
    out |= {c.id for c in BOOK.cases.values()} | set(BOOK.conditions)
    return {s for s in out if s}


def _strip_nested(text: str) -> str:
    """``text`` with every ⟦…⟧ span (nested ones included) replaced by a space."""
    pattern = re.compile(f"{PSEUDO_OPEN}[^{PSEUDO_OPEN}{PSEUDO_CLOSE}]*{PSEUDO_CLOSE}")
    while True:
        stripped = pattern.sub(" ", text)
        if stripped == text:
            return text
        text = stripped


def test_the_i18n_module_keeps_its_documented_interface():
    """The names other modules import from casebook.i18n are all there."""
    names = {"translator", "Translator", "normalise", "from_query_string", "resolve", "N_", "LANGUAGES", "LOCALE_DIR"}
    assert names <= set(dir(i18n))


# ---------------------------------------------------------------- the language a page speaks


class _StoreWithLanguage:
    """A progress store as preferred_language reads it: only its stored language."""

    def __init__(self, language):
        self.language = language


@pytest.mark.parametrize(
    ("query", "stored", "env", "expected"),
    [
        ("lang=da", "nb", "nb", "da"),  # ?lang= in a Voila URL wins for that page
        ("", "nb", "da", "nb"),  # then the language chosen on the start page
        ("lang=fr", None, "da_DK.UTF-8", "da"),  # then CASEBOOK_LANG
        (None, None, None, "en"),  # then English
    ],
)
def test_preferred_language_reads_the_url_then_the_stored_choice_then_the_environment(
    monkeypatch, query, stored, env, expected
):
    """preferred_language: QUERY_STRING's ?lang=, else the store's language, else CASEBOOK_LANG, else English."""
    if query is None:
        monkeypatch.delenv("QUERY_STRING", raising=False)
    else:
        monkeypatch.setenv("QUERY_STRING", query)
    if env:
        monkeypatch.setenv("CASEBOOK_LANG", env)
    assert i18n.preferred_language(_StoreWithLanguage(stored)) == expected


def test_the_progress_store_keeps_the_chosen_language(tmp_path):
    """ProgressStore.language is None until chosen, then kept across openings; an unknown code is refused."""
    from casebook.progress import ProgressStore

    store = ProgressStore(tmp_path / "p.sqlite")
    assert store.language is None
    store.language = "da"
    with pytest.raises(ValueError, match="one of en, nb, da"):
        store.language = "qps"
    store.close()
    assert ProgressStore(tmp_path / "p.sqlite").language == "da"


def test_numbers_inside_messages_follow_the_readers_language():
    """A LocalNumber value is written 1,499 in English, 1 499 in nb and 1.499 in da when the message is shown."""
    from casebook.i18n import LocalNumber

    m = M_("Your reasoning is {n} characters long; keep it to {max} (a few sentences).", n=LocalNumber(1499), max=1000)
    assert str(m).startswith("Your reasoning is 1,499 characters")
    assert "1\u00a0499" in NB(m) and "1.499" in DA(m) and NB(m) != str(m)


def test_a_session_error_is_shown_in_the_readers_language():
    """What CaseSession refuses is a Message: English as raised, nb through error_message."""
    from casebook.session import SessionError

    session = CaseSession(BOOK, CASE.id)
    with pytest.raises(SessionError) as refused:
        session.submit()
    assert str(refused.value) == "Choose your diagnosis (at least one) before submitting."
    assert error_message(refused.value, NB) == NB("Choose your diagnosis (at least one) before submitting.")


def test_a_session_switched_to_another_language_makes_its_feedback_again():
    """set_language: the same verdict and scores, the feedback's own words and the answers in the new language."""
    session = CaseSession(BOOK, CASE.id)
    session.ask(CASE.key_questions[0])
    session.diagnose([CASE.diagnosis], 70)
    session.decide(CASE.correct_steps[0].step)
    english = session.submit()
    session.set_language("da")
    danish = session.feedback
    assert (danish.verdict, danish.scores, danish.lang) == (english.verdict, english.scores, "da")
    name = BOOK.condition_name(CASE.diagnosis, "da", in_sentence=True)
    assert danish.items[0].title == DA("Diagnosis: right. This is {condition}.").format(condition=name)
    assert session.transcript()[0][1] == CASE.answers[CASE.key_questions[0]].text.get("da")


def test_casebook_play_text_marks_and_sources_follow_the_language(tmp_path, capsys):
    """`casebook play --lang da` (text): the level marks and 'Source' lines come from the da catalogue."""
    import json

    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"differential": [CASE.diagnosis], "next_step": CASE.correct_steps[0].step}))
    assert main(["play", CASE.id, "--answers", str(answers), "--lang", "da"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(DA("Case {id}: {title}").format(id=CASE.id, title=CASE.title.get("da")))
    source = DA("Source: {source}").split("{")[0]
    assert f"    {source}" in out and "    Source:" not in out


@pytest.mark.parametrize("lang", ["nb", "da"])
def test_casebook_export_and_import_speak_the_language_asked_for(tmp_path, capsys, monkeypatch, lang):
    """`casebook export --lang` and `casebook import --lang` say what they did in that language."""
    from casebook.progress import ProgressStore

    monkeypatch.setenv("CASEBOOK_HOME", str(tmp_path / "home"))
    session = CaseSession(BOOK, CASE.id, alias="me")
    session.diagnose([CASE.diagnosis], 70)
    session.decide(CASE.correct_steps[0].step)
    session.submit()
    store = ProgressStore()
    store.alias = "me"
    store.record_session(session)
    store.close()
    t = translator(lang)
    out = tmp_path / "mine.jsonl"
    assert main(["export", "--out", str(out), "--lang", lang]) == 0
    wrote = t.ngettext("Wrote {n} attempt to {out} ({format}).", "Wrote {n} attempts to {out} ({format}).", 1)
    assert capsys.readouterr().out.strip() == wrote.format(n=1, out=out, format=t("JSON Lines"))
    assert main(["import", str(out), "--lang", lang]) == 0
    counts = ", ".join(
        (
            t.ngettext("{n} attempt added", "{n} attempts added", 0).format(n=0),
            t.ngettext("{n} already there", "{n} already there", 1).format(n=1),
            t.ngettext("{n} line skipped", "{n} lines skipped", 0).format(n=0),
        )
    )
    assert capsys.readouterr().out.strip() == t("{name}: {counts}").format(name=out, counts=counts)


def test_no_module_calls_a_translator_method_under_another_name():
    """``n = t.ngettext`` hides every string passed to ``n(...)`` from the catalogue tool (tools/i18n_catalogues.py
    extracts calls by the name called): the class report's and the dashboard's counts stayed English in nb and da."""
    import ast

    methods = {"gettext", "ngettext", "pgettext", "npgettext"}
    aliases = []
    for path in sorted((Path(casebook.__file__).parent).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute) and node.value.attr in methods:
                aliases.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    assert aliases == []


@pytest.mark.parametrize("lang", ["nb", "da"])
def test_the_class_reports_and_dashboards_counts_are_translated(lang):
    """Every count in the report's summary and the dashboard's overview comes from the catalogue (one and many)."""
    from casebook.attempts import RecordProblem
    from casebook.report import ReportSummary
    from casebook.ui.note_view import class_overview

    # English words only ("student" and "problem" are nb and da words too)
    english = re.compile(r"\b(students|files?|tables?|figures?|problems|unsafe|was|were|skipped)\b")
    for n in (1, 2):
        problems = [RecordProblem(f"{k}.jsonl", 2, "x") for k in range(n)]
        summary = ReportSummary(Path("f"), Path("o"), n, n, n, n, 0.5, problems, lang=lang)
        summary.tables = {f"t{k}": Path(f"t{k}.csv") for k in range(n)}
        summary.figures = {f"t{k}": Path(f"t{k}.png") for k in range(n)}
        overview = {"attempts": n, "students": n, "cases": n, "accuracy": 0.5, "unsafe_steps": n, "problems": n}
        shown = [str(summary), *class_overview({**overview, "files_with_problems": n}, "folder", lang)]
        assert [english.findall(text.replace("problems.csv", "")) for text in shown] == [[]] * len(shown)
