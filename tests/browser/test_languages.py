"""Chromium and the casebook's languages (issue 16): the start page switched to Norwegian in JupyterLab and a case
played to feedback in Norwegian; the start page in Danish in Voila through ?lang=da. Every expected text is read from
the catalogues (casebook/locale) and the case files, never copied here."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from casebook.i18n import LANGUAGES, translator

from .helpers import (
    artefact_folder,
    check_accessible,
    check_no_errors,
    choose,
    copy_notebook,
    open_in_lab,
    voila_path,
    write_notebook,
)

pytestmark = pytest.mark.browser

READY = "language start page ready"
START_NOTEBOOK = "notebooks/00-start-here.ipynb"


def language_start_page(folder, name: str = "language-start.ipynb"):
    """A start page as 00-start-here opens it (in the preferred language), on a throw-away progress store: the language
    chosen here is stored there, so the servers' own store keeps English for the other tests."""
    return write_notebook(
        folder / name,
        [
            """
import tempfile
from pathlib import Path

import casebook
from casebook.i18n import preferred_language
from casebook.progress import ProgressStore
from casebook.ui import StartPage

book = casebook.load()
store = ProgressStore(Path(tempfile.mkdtemp()) / "progress.sqlite")
start = StartPage(book, store, lang=preferred_language(store))
start
""",
            f'print("{READY}")',
        ],
    )


def shown(markup: str) -> str:
    """A catalogue string as the page shows it: tags dropped."""
    return re.sub(r"<[^>]+>", "", markup)


def play_in(start, book, case, lang: str) -> None:
    """Pick ``case`` in the picker by its title in ``lang``, play it as an expert would (every key question, the right
    diagnosis and the first correct next step, all chosen by their texts in ``lang``) and submit."""
    t = translator(lang)
    cases = start.locator(".cb-case-list select")
    labels = cases.evaluate("s => [...s.options].map(o => o.value)")
    title = case.title.get(lang)
    cases.select_option(value=next(label for label in labels if label.removeprefix("✓ ").startswith(title)))
    start.locator(".cb-play").click()
    app = start.locator(".cb-app").first
    expect(app.locator(".cb-complaint")).to_contain_text(case.presenting_complaint.get(lang))
    counter = app.locator(".cb-question-counter")
    total = len(book.bank.questions)
    for n, qid in enumerate(case.key_questions, 1):
        app.locator(f".cb-q-{qid}").click()
        expect(counter).to_contain_text(shown(t("<b>Questions asked:</b> {n} of {total}").format(n=n, total=total)))
    last = case.key_questions[-1]
    expect(app.locator(".cb-transcript-box")).to_contain_text(" ".join(case.answers[last].text.get(lang).split()))
    choose(app, "cb-diagnosis-1", book.conditions[case.diagnosis].name.get(lang))
    choose(app, "cb-next-step", book.bank.next_steps[case.correct_steps[0].step].text.get(lang))
    app.locator(".cb-submit").click()


def check_feedback_in(page, start, book, case, lang: str) -> None:
    """The feedback panel is in ``lang`` (its heading, the verdict, the expert path) and marked lang=..; no error."""
    t = translator(lang)
    app = start.locator(".cb-app").first
    panel = app.locator(".cb-feedback-panel")
    verdict = t("Diagnosis: right. This is {condition}.").format(
        condition=book.condition_name(case.diagnosis, lang, in_sentence=True)
    )
    expect(panel).to_contain_text(verdict, timeout=20_000)
    expect(panel).to_contain_text(t("Expert path: you asked every key question"))
    expect(panel).to_contain_text(t("Teaching points"))
    expect(app.locator(f'.cb-feedback[lang="{lang}"]')).to_have_count(1)
    expect(app.locator(".cb-submit")).to_have_text(t("Submit"))
    check_no_errors(page, app)
    expect(start.locator(".cb-picker .cb-error-log")).to_have_text("")


def test_switch_the_start_page_to_norwegian_and_play_a_case_to_feedback_in_lab(
    page, shots, request, lab, scratch, book, dvt_case
):
    """In JupyterLab, choosing Norsk bokmål in the start page's language switch shows the page in Norwegian at once
    (picker, buttons, alias box, lang="nb" on its HTML); the DVT case played by clicking reads in Norwegian through to
    the feedback, and axe-core finds no serious or critical violation on the Norwegian page."""
    nb = translator("nb")
    notebook = language_start_page(scratch)
    open_in_lab(page, lab, notebook, done_text=READY)
    start = page.locator(".cb-start").first
    switch = start.locator(".cb-language select")
    expect(switch).to_have_value(LANGUAGES["en"])
    expect(start.locator(".cb-play")).to_have_text("Play this case")
    shots("english")
    choose(start, "cb-language", LANGUAGES["nb"])
    expect(start.locator(".cb-play")).to_have_text(nb("Play this case"))
    expect(start.locator(".cb-picker")).to_contain_text(nb("Choose a case"))
    expect(start.locator(".cb-language")).to_contain_text(nb("Language"))
    expect(start.locator(".cb-alias-save")).to_have_text(nb("Save alias"))
    expect(start.locator(".cb-disclaimer")).to_have_text(
        nb("Teaching material for students: not a diagnostic device and not medical advice.")
    )
    assert start.locator('[lang="nb"]').count() >= 3  # disclaimer, picker heading, alias status, ...
    expect(start.locator('[lang="en"]')).to_have_count(0)
    shots("norwegian")
    check_accessible(page, "norwegian-start-page", artefact_folder(request.node.name))
    play_in(start, book, dvt_case, "nb")
    check_feedback_in(page, start, book, dvt_case, "nb")
    start.locator(".cb-feedback-panel").scroll_into_view_if_needed()
    shots("norwegian-feedback")
    check_accessible(page, "norwegian-feedback", artefact_folder(request.node.name))


def test_the_start_page_in_danish_through_lang_da_in_voila(page, shots, request, voila, scratch, book, dvt_case):
    """00-start-here served by Voila with ?lang=da: the page declares <html lang="da">, the switch shows Dansk, the
    page and a case played to feedback read in Danish, and axe-core finds no serious or critical violation."""
    da = translator("da")
    notebook = copy_notebook(START_NOTEBOOK, scratch, name="start-here-da.ipynb")
    page.goto(voila.url(voila_path(notebook)) + "?lang=da", timeout=120_000)
    start = page.locator(".cb-start").first
    expect(start).to_be_visible(timeout=120_000)
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(start.locator(".cb-language select")).to_have_value(LANGUAGES["da"])
    expect(start.locator(".cb-play")).to_have_text(da("Play this case"))
    expect(start.locator(".cb-picker")).to_contain_text(da("Choose a case"))
    assert start.locator('[lang="da"]').count() >= 3
    shots("danish")
    play_in(start, book, dvt_case, "da")
    check_feedback_in(page, start, book, dvt_case, "da")
    start.locator(".cb-feedback-panel").scroll_into_view_if_needed()
    shots("danish-feedback")
    check_accessible(page, "danish-feedback", artefact_folder(request.node.name))
