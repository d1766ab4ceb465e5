"""The widgets, driven without a browser: clicks and values change what the student reads."""

from __future__ import annotations

import gc
import logging
import re
from html import unescape
from pathlib import Path

import ipywidgets as w
import pytest
import recall_examples

import casebook
from casebook.render import text_html
from casebook.session import CaseSession
from casebook.ui import AliasView, CaseApp, CasePicker, CompareView, ExportView, StartPage
from casebook.ui import exam_view as exam_module
from casebook.ui import history_view as history_module
from casebook.ui.seminar_view import SeminarView

BOOK = casebook.load()
CASE_ID = "dvt-after-long-flight" if "dvt-after-long-flight" in BOOK.cases else next(iter(BOOK.cases))
CASE = BOOK.cases[CASE_ID]
HOSTILE = Path(__file__).parent / "data" / "hostile"


def play_right(app: CaseApp, case=CASE) -> None:
    """Choose the case's diagnosis and first correct next step, then press Submit."""
    app.decision.ranks[0].value = case.diagnosis
    app.decision.next_step.value = case.correct_steps[0].step
    app.decision.submit.click()


def shown_text(html: str) -> str:
    """What a student reads in an HTML value: tags dropped, character references resolved, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def live_widgets() -> int:
    """How many widget models are alive in this process (ipywidgets 8 keeps them in ``widget._instances``)."""
    from ipywidgets.widgets import widget

    registry = getattr(widget, "_instances", None)
    if registry is None:  # ipywidgets 7
        registry = w.Widget.widgets
    gc.collect()
    return len(registry)


def widget_tree(*roots: w.Widget) -> list[w.Widget]:
    """Every widget under ``roots`` in document order (children depth first)."""
    out: list[w.Widget] = []
    stack = list(reversed(roots))
    while stack:
        widget = stack.pop()
        out.append(widget)
        stack.extend(reversed([c for c in getattr(widget, "children", ()) if isinstance(c, w.Widget)]))
    return out


def html_values(*roots: w.Widget) -> list[str]:
    """The values of every HTML widget under ``roots``, in document order."""
    return [x.value for x in widget_tree(*roots) if isinstance(x, w.HTML)]


# ---------------------------------------------------------------- playing a case


def test_clicking_questions_builds_the_transcript_and_the_counter():
    """Each question button reveals the case's answer in the transcript and counts once."""
    app = CaseApp(BOOK, CASE_ID)
    qid = CASE.key_questions[0]
    app.history.buttons[qid].click()
    app.history.buttons[qid].click()
    transcript = shown_text(app.history.transcript.value)
    assert BOOK.bank.questions[qid].text.en in transcript
    assert " ".join(CASE.answers[qid].text.en.split()) in transcript
    assert (
        app.history.counter.value == f'<span lang="en"><b>Questions asked:</b> 1 of {len(BOOK.bank.questions)}</span>'
    )
    assert app.history.buttons[qid].icon == "check"


def test_asked_questions_use_the_casebooks_own_high_contrast_class_not_button_style_info():
    """An asked question is marked with the class cb-asked (white on #006d77, 6:1), never ipywidgets' 'info' style."""
    app = CaseApp(BOOK, CASE_ID)
    qid = CASE.key_questions[0]
    app.history.buttons[qid].click()
    assert "cb-asked" in app.history.buttons[qid]._dom_classes
    assert [q for q, b in app.history.buttons.items() if b.button_style == "info"] == []
    assert [q for q, b in app.history.buttons.items() if "cb-asked" in b._dom_classes] == [qid]


def test_submit_without_choices_shows_a_hint_not_an_error():
    """Submitting with nothing chosen explains what is missing and logs no error."""
    app = CaseApp(BOOK, CASE_ID)
    app.decision.submit.click()
    assert "Choose at least one diagnosis." in app.decision.status.value
    assert app.log.lines == []


def test_a_played_case_shows_feedback_and_closes_the_controls():
    """After Submit the panel shows every feedback item's title, Submit is disabled and the question, examination and
    investigation buttons are hidden with a note in their place (what they revealed stays); Restart opens it all."""
    app = CaseApp(BOOK, CASE_ID)
    qid, exam_id = CASE.key_questions[0], next(iter(BOOK.bank.examinations))
    app.history.buttons[qid].click()
    app.exam.exam_buttons[exam_id].click()
    play_right(app)
    shown = " ".join(app.feedback.text.split())
    assert [i.title for i in app.session.feedback.items if " ".join(i.title.split()) not in shown] == []
    assert app.session.feedback.verdict == "correct"
    assert app.decision.submit.disabled
    assert app.history.menu.layout.display == "none"
    assert [grid.layout.display for grid in app.exam.grids] == ["none", "none"]
    assert all(
        b in grid.children
        for grid, bs in zip(app.exam.grids, (app.exam.exam_buttons, app.exam.investigation_buttons), strict=True)
        for b in bs.values()
    )
    assert history_module.CLOSED in shown_text(app.history.counter.value)
    assert exam_module.CLOSED in shown_text(app.exam.findings.value)
    assert " ".join(CASE.answers[qid].text.en.split()) in shown_text(app.history.transcript.value)
    assert " ".join(app.session.finding_text(exam_id).split()) in shown_text(app.exam.findings.value)
    asked = list(app.session.asked)
    app.history.buttons[CASE.key_questions[-1]].click()  # a click that reaches a hidden button changes nothing
    assert app.session.asked == asked and app.session.submitted
    app.restart_button.click()
    assert "Feedback appears here after you submit." in app.feedback.text
    assert not app.decision.submit.disabled and app.decision.ranks[0].value == ""
    assert app.history.menu.layout.display is None and [g.layout.display for g in app.exam.grids] == [None, None]
    assert history_module.CLOSED not in shown_text(app.history.counter.value)
    assert exam_module.CLOSED not in shown_text(app.exam.findings.value)
    assert [q for q, b in app.history.buttons.items() if "cb-asked" in b._dom_classes] == []


def test_views_follow_the_session_without_the_app_fanning_out_render():
    """Actions taken on the session itself (not through a button) show up in every view: the views subscribe."""
    app = CaseApp(BOOK, CASE_ID)
    qid, exam_id = CASE.key_questions[0], next(iter(BOOK.bank.examinations))
    app.session.ask(qid)
    app.session.examine(exam_id)
    assert " ".join(CASE.answers[qid].text.en.split()) in shown_text(app.history.transcript.value)
    assert " ".join(app.session.finding_text(exam_id).split()) in shown_text(app.exam.findings.value)
    app.session.diagnose([CASE.diagnosis], 70)
    app.session.decide(CASE.correct_steps[0].step)
    app.session.submit()
    assert app.decision.submit.disabled and "Feedback appears here" not in app.feedback.text
    app.session.restart()
    assert "Feedback appears here after you submit." in app.feedback.text and not app.decision.submit.disabled


def test_the_feedback_takes_the_focus_after_submit(monkeypatch):
    """Submit hands the keyboard focus to the feedback's one-sentence summary (Submit itself becomes disabled)."""
    app = CaseApp(BOOK, CASE_ID)
    focused = []
    monkeypatch.setattr(app.feedback.summary, "focus", lambda: focused.append("feedback"))
    play_right(app)
    assert focused == ["feedback"]
    assert app.feedback.summary.tabbable is False  # focusable from code, not an extra Tab stop
    assert (
        app.feedback.summary.value
        == "Feedback: your leading diagnosis is right; your next step is right. The details follow."
    )


def test_skip_to_diagnosis_moves_the_focus_to_the_first_diagnosis(monkeypatch):
    """The "Skip to diagnosis" button, placed before the question list, focuses the first diagnosis drop-down."""
    app = CaseApp(BOOK, CASE_ID)
    focused = []
    monkeypatch.setattr(app.decision.ranks[0], "focus", lambda: focused.append("diagnosis"))
    children = list(app.widget.children)
    assert children.index(app.skip_button) < children.index(app.history.widget)
    app.skip_button.click()
    assert focused == ["diagnosis"] and app.log.lines == []


def test_the_confidence_control_has_a_label_and_keeps_whole_numbers():
    """Confidence is a labelled drop-down of 0-100 in steps of 5 whose value reaches the attempt record."""
    app = CaseApp(BOOK, CASE_ID)
    assert app.decision.confidence.description == "Confidence"
    assert [v for _, v in app.decision.confidence.options] == list(range(0, 101, 5))
    app.decision.confidence.value = 80
    play_right(app)
    assert app.session.confidence == 80


def test_headings_start_at_h2_and_never_skip_a_level():
    """The case's headings, feedback included, start at h2 (the notebook owns h1) and go down one level at a time."""
    app = CaseApp(BOOK, CASE_ID)
    play_right(app)
    levels = [int(n) for value in html_values(app.widget) for n in re.findall(r"<h([1-6])\b", value)]
    assert levels[0] == 2 and min(levels) == 2
    assert [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1] == []


# ---------------------------------------------------------------- errors


def test_a_broken_callback_shows_a_plain_sentence_and_logs_the_traceback(caplog):
    """A callback error shows the student a sentence without exception names; the traceback goes to the log."""
    app = CaseApp(BOOK, CASE_ID)

    def broken(_session):
        raise RuntimeError("the store is on fire")

    app.on_submit.append(broken)
    with caplog.at_level(logging.ERROR, logger="casebook.ui"):
        play_right(app)
    assert app.log.lines == [
        "Something went wrong while saving your attempt. What you did so far is kept: try again, "
        "and if it keeps happening, show your teacher the details below."
    ]
    assert "RuntimeError" not in " ".join(app.log.lines)
    records = [r for r in caplog.records if r.name == "casebook.ui"]
    assert len(records) == 1 and records[0].exc_info[0] is RuntimeError
    assert app.log.last_traceback.rstrip().endswith("RuntimeError: the store is on fire")
    assert "<details><summary>Details for your teacher</summary>" in app.log.widget.value
    assert text_html("RuntimeError: the store is on fire") in app.log.widget.value
    assert app.log.widget.layout.display is None
    assert "Diagnosis:" in app.feedback.text  # the feedback was shown before saving failed


def test_the_standalone_alias_view_shows_its_own_error_log(tmp_path):
    """An alias box on its own shows its error log; one inside the start page reports to the page's log instead."""
    from casebook.progress import ProgressStore

    store = ProgressStore(tmp_path / "progress.sqlite")
    alone = AliasView(store)
    assert alone.log.widget in alone.widget.children

    class BrokenStore:
        alias, recovered = "", None

        def attempts(self, _alias=None):
            return []

        def __setattr__(self, name, value):
            raise OSError("disk full")

    broken = AliasView(BrokenStore())
    broken.text.value = "calf-detective"
    broken.save.click()
    assert broken.log.lines[0].startswith("Something went wrong while saving the alias.")
    assert broken.log.widget in broken.widget.children and broken.log.widget.layout.display is None
    page = StartPage(BOOK, store)
    assert page.log.widget not in page.alias.widget.children


# ---------------------------------------------------------------- closing


def test_next_case_twenty_times_keeps_the_widget_count_flat():
    """Clicking Next case 20 times ends with at most 1.1 times the widget models alive after the first case."""
    base = live_widgets()
    app = CaseApp(BOOK, CASE_ID)
    after_one = live_widgets() - base
    for _ in range(20):
        app.next_button.click()
    after_twenty = live_widgets() - base
    assert app.log.lines == []
    assert after_twenty <= 1.1 * after_one, (after_one, after_twenty)
    app.close()
    assert live_widgets() - base == 0


def test_a_replaced_case_stops_following_its_session():
    """After Next case the old views are closed and unsubscribed: acting on the old session changes nothing shown."""
    app = CaseApp(BOOK, CASE_ID)
    old_session, old_history = app.session, app.history
    app.next_button.click()
    assert old_session._listeners == []
    assert old_history.transcript.comm is None and old_history.widget.comm is None
    old_session.ask(CASE.key_questions[0])
    assert app.log.lines == [] and app.session.asked == []


def test_the_start_page_closes_the_case_it_replaces():
    """Playing a second case from the start page closes the first case's app."""
    page = StartPage(BOOK)
    page.picker.play.click()
    first = page.app
    page.picker.play.click()
    assert first is not page.app and first.widget.comm is None and first.session._listeners == []
    assert page.case_box.children == (page.app.widget,)


@pytest.mark.parametrize(
    "make",
    [
        lambda: CompareView(BOOK, initial=tuple(list(BOOK.conditions)[:2])),
        lambda: SeminarView(BOOK, CASE_ID),
        lambda: SeminarView(BOOK, CASE_ID, mode="recall"),
        lambda: CasePicker(BOOK, lambda _c: None),
        lambda: StartPage(BOOK),
    ],
    ids=["compare", "seminar", "seminar-recall", "picker", "start-page"],
)
def test_every_view_closes_every_widget_it_built(make):
    """close() leaves no widget model of the view alive."""
    base = live_widgets()
    view = make()
    assert live_widgets() > base
    view.close()
    assert live_widgets() == base


# ---------------------------------------------------------------- other views


def test_next_case_moves_on_and_calls_submit_listeners_with_the_session():
    """Next case loads another case; on_submit listeners receive the submitted session."""
    got: list[CaseSession] = []
    app = CaseApp(BOOK, CASE_ID, on_submit=[got.append])
    play_right(app)
    assert [s.case.id for s in got] == [CASE_ID]
    app.next_button.click()
    assert app.session.case.id != CASE_ID and not app.session.submitted


def test_the_picker_filters_and_plays_the_selected_case():
    """Filtering by difficulty lists only such cases; Play hands the selected id over."""
    played = []
    picker = CasePicker(BOOK, played.append)
    picker.difficulty.value = CASE.difficulty
    ids = [v for _, v in picker.cases.options]
    assert ids and all(BOOK.cases[i].difficulty == CASE.difficulty for i in ids)
    picker.play.click()
    assert played == [ids[0]]


def test_the_picker_never_shows_the_diagnosis():
    """Case list labels hold titles, never condition names."""
    picker = CasePicker(BOOK, lambda _c: None)
    names = [c.name.en.lower() for c in BOOK.conditions.values()]
    assert [label for label, _ in picker.cases.options if any(n in label.lower() for n in names)] == []


def test_compare_view_needs_two_to_four_conditions_and_shows_the_table():
    """Fewer than two conditions gives a hint; two give a table with both names and their tell-apart text."""
    a, b = CASE.diagnosis, CASE.differential[0].condition
    view = CompareView(BOOK)
    view.choice.value = (a,)
    view.compare.click()
    assert "Choose 2 to 4 conditions" in view.status.value
    view.choice.value = (a, b)
    view.compare.click()
    ca, cb = BOOK.conditions[a], BOOK.conditions[b]
    assert text_html(ca.name.en) in view.table.value and text_html(cb.name.en) in view.table.value
    assert list(view.frame.columns) == [ca.name.en, cb.name.en]
    apart = ca.how_to_tell_from(b)
    assert view.frame.loc[f"Told apart from {cb.name.en}", ca.name.en] == (apart.en if apart else "—")
    assert "<th></th>" not in view.table.value and '<th scope="col">Aspect</th>' in view.table.value


def test_typed_reasoning_is_echoed_as_inert_text_and_saved_with_the_attempt():
    """A student's reasoning (here carrying HTML) reaches the feedback escaped and the attempt record verbatim."""
    app = CaseApp(BOOK, CASE_ID)
    typed = 'Swollen calf after a flight <img src=x onerror="alert(1)"> so a clot'
    app.decision.reasoning.value = typed
    play_right(app)
    assert f"You wrote: “{typed}”" in app.feedback.text
    assert text_html('<img src=x onerror="alert(1)">') in app.feedback.panel.value
    assert "<img src=x" not in app.feedback.panel.value
    assert app.session.reasoning == typed
    assert app.decision.reasoning.disabled


def test_overlong_reasoning_is_refused_with_a_hint_and_kept_in_the_box():
    """Reasoning over 1,000 characters gives a clear hint; the text stays in the box so nothing is lost."""
    app = CaseApp(BOOK, CASE_ID)
    app.decision.reasoning.value = "calf " * 300
    play_right(app)
    assert "Your reasoning is 1,499 characters long; keep it to 1,000 (a few sentences)." in app.decision.status.value
    assert app.decision.reasoning.value == "calf " * 300 and not app.session.submitted


def test_export_box_writes_the_aliases_attempts_and_says_how_many(tmp_path):
    """Export writes only the current alias's attempts, strips folders from the typed name, and says where."""
    from casebook.progress import ProgressStore

    store = ProgressStore(tmp_path / "progress.sqlite")
    store.alias = "calf-detective"
    app = CaseApp(BOOK, CASE_ID, alias="calf-detective", on_submit=[store.record_session])
    play_right(app)
    export = ExportView(store, folder=tmp_path)
    export.name.value = "../../elsewhere/hand-in.txt"
    export.format.value = "csv"
    export.button.click()
    target = tmp_path / "hand-in.csv"
    assert export.status.value == (
        f'<p lang="en">Wrote 1 attempt of <b>calf-detective</b> to <code>{text_html(target)}</code>. '
        "Hand this file in to your teacher.</p>"
    )
    assert target.read_text(encoding="utf-8").count("\n") == 2 and export.log.lines == []


def test_export_with_no_attempts_says_to_play_a_case_first(tmp_path):
    """An empty export still writes the file and tells the student to play a case first."""
    from casebook.progress import ProgressStore

    export = ExportView(ProgressStore(tmp_path / "progress.sqlite"), folder=tmp_path)
    export.button.click()
    assert "Wrote 0 attempts to" in export.status.value and "play a case first" in export.status.value
    assert (tmp_path / "my-attempts.jsonl").read_text(encoding="utf-8") == ""


def test_the_start_page_tells_the_student_when_a_damaged_progress_file_was_moved_aside(tmp_path):
    """A corrupt progress file is moved aside and the alias box shows the store's message naming both files."""
    from casebook.progress import ProgressStore

    damaged = tmp_path / "progress.sqlite"
    damaged.write_bytes(b"this is not a database" * 100)
    store = ProgressStore(damaged)
    page = StartPage(BOOK, store)
    assert store.recovered and str(damaged) in store.recovered
    assert unescape(page.alias.status.value).count(store.recovered) == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("progress.sqlite.corrupt-")] != []


def test_the_seminar_keeps_the_focus_on_a_live_control_after_the_last_step(monkeypatch):
    """Next on the last step is disabled, so the focus moves to Start over (and to Next when Back reaches step 1)."""
    view = SeminarView(BOOK, CASE_ID)
    focused = []
    monkeypatch.setattr(view.restart, "focus", lambda: focused.append("start over"))
    monkeypatch.setattr(view.next, "focus", lambda: focused.append("next"))
    for _ in range(len(view.steps) - 1):
        view.next.click()
    assert view.next.disabled and focused == ["start over"]
    view.restart.click()
    view.next.click()
    view.back.click()
    assert view.back.disabled and focused == ["start over", "next"]


# ---------------------------------------------------------------- hostile text


def hostile_pages(tmp_path):
    """Every view over the hostile folder, played: a novice attempt (hints shown), an expert one, seminar, compare."""
    from casebook.progress import ProgressStore

    book = casebook.load(HOSTILE)
    assert not book.problems, book.problems
    case = next(iter(book.cases.values()))
    store = ProgressStore(tmp_path / "progress.sqlite")
    store.alias = "hostile"
    page = StartPage(book, store)
    page.picker.play.click()
    app = page.app
    app.decision.ranks[0].value = case.differential[0].condition
    app.decision.next_step.value = next(iter(book.bank.next_steps))
    app.decision.submit.click()
    novice = app.feedback.panel.value  # no question asked: the missed key questions are named with their hints
    app.restart_button.click()
    for qid in book.bank.questions:
        app.history.buttons[qid].click()
    for item in (*book.bank.examinations, *book.bank.investigations):
        (app.exam.exam_buttons.get(item) or app.exam.investigation_buttons[item]).click()
    play_right(app, case)
    seminar = SeminarView(book, case.id)
    for _ in seminar.steps:
        seminar.next.click()
    compare = CompareView(book, initial=tuple(book.conditions))
    compare.compare.click()
    export = ExportView(store, folder=tmp_path)
    export.button.click()
    assert [v.log.lines for v in (app, page, seminar, compare, export)] == [[]] * 5
    return book, [page.widget, seminar.widget, compare.widget, export.widget], novice


def test_hostile_bank_and_condition_texts_reach_no_widget_as_markup(tmp_path):
    """With HTML payloads in every bank, condition and case text, no HTML widget value holds an unescaped tag."""
    book, roots, novice = hostile_pages(tmp_path)
    values = [*html_values(*roots), novice]
    for tag in ("<img", "<script", "<svg", "<iframe", "<a href"):
        assert [v[:120] for v in values if tag in v] == [], f"unescaped {tag} in a widget value"
    joined = "\n".join(values)
    expected = {
        **{f"topic {t.id}": t.title.en for t in book.bank.topics},
        **{f"question {q.id}": q.text.en for q in book.bank.questions.values()},
        **{f"hint {q.id}": q.hint.en for q in book.bank.questions.values() if q.hint and q.id in novice_missed(book)},
        **{f"exam {e.id}": e.text.en for e in book.bank.examinations.values()},
        **{f"investigation {i.id}": i.text.en for i in book.bank.investigations.values()},
        **{f"condition {c.id}": c.name.en for c in book.conditions.values()},
        **{f"summary {c.id}": c.summary.en for c in book.conditions.values()},
    }
    assert [label for label, text in expected.items() if text_html(text) not in joined] == []


def novice_missed(book) -> set[str]:
    """The key and red-flag questions of the hostile case (the novice feedback names them with their hints)."""
    case = next(iter(book.cases.values()))
    return set(case.key_questions) | set(case.red_flag_questions)


def test_hostile_texts_in_buttons_and_drop_downs_stay_plain_text(tmp_path):
    """Buttons, drop-downs and labels show hostile texts as text: no widget allows HTML in its description."""
    _book, roots, _novice = hostile_pages(tmp_path)
    allowing = [type(x).__name__ for x in widget_tree(*roots) if getattr(x, "description_allow_html", False)]
    assert allowing == []


# ---------------------------------------------------------------- free recall (issue 15)


def recall_app() -> CaseApp:
    """The case in recall mode, as the start page opens it when the student chose to ask in their own words."""
    return CaseApp(BOOK, CASE_ID, mode="recall")


def test_recall_mode_asks_typed_questions_and_hides_the_list_until_it_is_opened():
    """Typing a question and pressing Enter asks its clear match: the transcript shows the words and the bank question;
    the question list stays hidden until Show question list, which the session records."""
    example = recall_examples.clear_key_questions(BOOK, CASE_ID)[0]
    app = recall_app()
    history = app.history
    assert history.menu.layout.display == "none" and history.show_menu.layout.display is None
    history.ask_box.value = example["text"]  # what Enter sends (continuous_update is off)
    question = BOOK.bank.questions[example["expected"]].text.en
    assert app.session.asked == [example["expected"]] and history.ask_box.value == ""
    assert shown_text(history.status.value) == f"Understood as: “{question}”"
    transcript = shown_text(history.transcript.value)
    assert f"“{example['text']}” → {question}" in transcript
    assert " ".join(CASE.answers[example["expected"]].text.en.split()) in transcript
    assert "found unaided: 1" in history.counter.value
    history.show_menu.click()
    assert history.menu.layout.display is None and history.show_menu.layout.display == "none"
    assert app.session.menu_open and "count as asked with help" in history.menu_note.value
    history.buttons[CASE.key_questions[-1]].click()
    assert app.session.asked_unaided == (example["expected"],) and len(app.session.asked) == 2


def test_an_unclear_typed_question_offers_its_closest_questions_as_buttons():
    """Ambiguous: two or three choices and a way out; picking one asks it and clears the choices."""
    example = recall_examples.typed_with(BOOK, "ambiguous")
    app = recall_app()
    history = app.history
    history.ask_box.value = example["text"]
    offered = [b.description for b in history.choices.children]
    assert app.session.asked == [] and offered[-1] == "None of these" and 2 <= len(offered) - 1 <= 3
    assert BOOK.bank.questions[example["expected"]].text.en in offered
    chosen = next(b for b in history.choices.children if f"cb-choice-{example['expected']}" in b._dom_classes)
    chosen.click()
    assert app.session.asked == [example["expected"]] and history.choices.children == ()
    assert app.session.asked_unaided == (example["expected"],)
    history.ask_box.value = example["text"]
    history.choices.children[-1].click()  # None of these
    assert history.choices.children == () and "ask in other words" in history.status.value


def test_a_typed_question_nothing_fits_is_said_and_kept_unanswered():
    """No match: the student reads that the patient did not understand, and the transcript keeps the question."""
    example = recall_examples.typed_with(BOOK, "none")
    app = recall_app()
    app.history.ask_box.value = example["text"]
    assert "The patient did not understand" in app.history.status.value and app.session.asked == []
    assert f"“{example['text']}” (no answer: the patient did not understand" in shown_text(app.history.transcript.value)
    app.history.ask_button.click()  # Ask with an empty box right after a question: nothing more to say
    assert "The patient did not understand" in app.history.status.value
    app.history.ask_button.click()
    assert "Type a question first." in app.history.status.value and app.log.lines == []


def test_typed_text_reaches_the_page_as_inert_text():
    """A typed question full of markup is shown escaped in the status line and the transcript."""
    app = recall_app()
    payload = '<img src=x onerror="window.__pwned=1"> did it <b>pop</b>?'
    app.history.ask_box.value = payload
    for value in (app.history.status.value, app.history.transcript.value):
        assert "<img" not in value and "<b>pop" not in value
    assert text_html(payload) in app.history.transcript.value


def test_after_submit_the_recall_controls_are_locked_and_the_feedback_separates_unaided_questions():
    """Submitting locks the box, Ask and Show question list; the expert path marks what was found unaided."""
    examples = recall_examples.clear_key_questions(BOOK, CASE_ID)[:2]
    app = recall_app()
    for example in examples:
        app.history.ask_box.value = example["text"]
    play_right(app)
    history = app.history
    assert history.ask_box.disabled and history.ask_button.disabled and history.show_menu.disabled
    (item,) = app.session.feedback.section("expert_path")
    found = [line for line in item.lines if "✓ found unaided:" in line]
    assert found == [
        f"{CASE.key_questions.index(e['expected']) + 1}. ✓ found unaided: {BOOK.bank.questions[e['expected']].text.en}"
        for e in sorted(examples, key=lambda e: CASE.key_questions.index(e["expected"]))
    ]
    assert " ".join(item.title.split()) in " ".join(app.feedback.text.split())
    app.restart_button.click()
    assert (history.menu.layout.display, history.ask_box.disabled, history.status.value) == ("none", False, "")


def test_the_start_page_remembers_how_the_student_takes_the_history(tmp_path):
    """The mode choice is saved in the store, opens cases in that mode, reopens an untouched case in a new mode and
    leaves a case under way as it is."""
    from casebook.progress import ProgressStore

    store = ProgressStore(tmp_path / "progress.sqlite")
    page = StartPage(BOOK, store)
    assert page.mode.value == "menu" and page.mode.description == "How do you take the history?"
    page.picker.play.click()
    page.mode.value = "recall"
    assert store.history_mode == "recall" and page.app.session.mode == "recall"  # nothing asked yet: reopened
    page.app.history.show_menu.click()
    page.mode.value = "menu"
    assert page.app.session.mode == "recall" and "the next one uses the new one" in page.mode_note.value
    page.app.next_button.click()
    assert page.app.session.mode == "menu"
    page.close()
    again = StartPage(BOOK, store)
    assert again.mode.value == "menu"
    store.history_mode = "recall"
    again.close()
    third = StartPage(BOOK, store)
    third.picker.play.click()
    assert third.mode.value == "recall" and third.app.session.mode == "recall"


def test_the_recall_view_closes_every_widget_it_built_choices_included():
    """close() leaves no widget model alive, also with choice buttons on show."""
    base = live_widgets()
    app = recall_app()
    app.history.ask_box.value = recall_examples.typed_with(BOOK, "ambiguous")["text"]
    assert app.history.choices.children
    app.close()
    assert live_widgets() == base


def test_in_a_recall_seminar_the_teacher_types_the_class_questions_and_the_class_meets_the_expert_path():
    """Recall seminar: the box shows on the class-asks step, typed questions and answers reach the stage, the
    expert-path step marks what the class found and tells the rest; Start over and menu mode start afresh."""
    example = recall_examples.clear_key_questions(BOOK, CASE_ID)[0]
    view = SeminarView(BOOK, CASE_ID, mode="recall")
    kinds = [s.kind for s in view.steps]
    assert view.recall_area.layout.display == "none" and "history" not in kinds
    view.next.click()
    assert view.steps[view.shown - 1].kind == "recall" and view.recall_area.layout.display is None
    view.recall_box.ask_box.value = example["text"]
    stage = shown_text(view.stage.value)
    assert f"“{example['text']}” → {BOOK.bank.questions[example['expected']].text.en}" in stage
    assert " ".join(CASE.answers[example["expected"]].text.en.split()) in stage
    view.step(kinds.index("class_path") + 1 - view.shown)
    assert view.recall_area.layout.display == "none"
    stage = shown_text(view.stage.value)
    n = CASE.key_questions.index(example["expected"]) + 1
    assert f"✓ {n}. {BOOK.bank.questions[example['expected']].text.en} — the class asked it" in stage
    assert f"The class found 1 of {len(CASE.key_questions)} key questions" in stage
    missed = next(q for q in CASE.key_questions if q != example["expected"])
    answer = " ".join(CASE.answers[missed].text.en.split())
    assert f"{BOOK.bank.questions[missed].text.en} — not asked; the patient would have said: “{answer}”" in stage
    view.restart.click()
    assert view.session.asked == [] and view.shown == 1
    view.mode.value = "menu"
    assert view.session is None and view.recall_area.children == () and "history" in [s.kind for s in view.steps]
    assert view.log.lines == []


def test_the_language_switch_shows_the_page_and_the_case_under_way_in_the_chosen_language(tmp_path):
    """Choosing Norsk bokmål stores it with the alias and shows the page in nb at once: the picker keeps its filters,
    the case under way keeps its questions and the filled-in form, and the feedback comes in nb; the next start page
    opens in nb."""
    from casebook.i18n import LANGUAGES, translator
    from casebook.progress import ProgressStore

    nb = translator("nb")
    store = ProgressStore(tmp_path / "progress.sqlite")
    store.alias = "calf-detective"
    page = StartPage(BOOK, store)
    assert (page.lang, page.language.value, [label for label, _ in page.language.options]) == (
        "en",
        "en",
        list(LANGUAGES.values()),
    )
    page.mode.value = "recall"
    page.picker.difficulty.value = CASE.difficulty
    page.picker.cases.value = CASE_ID
    page.picker.play.click()
    session = page.app.session
    page.app.history.show_menu.click()
    page.app.history.buttons[CASE.key_questions[0]].click()
    page.app.decision.ranks[0].value = CASE.diagnosis
    page.app.decision.next_step.value = CASE.correct_steps[0].step
    page.language.value = "nb"
    assert (store.language, page.lang, page.language.description) == ("nb", "nb", nb("Language"))
    assert nb("Choose a case") in " ".join(html_values(page.picker.widget))
    assert (page.picker.difficulty.value, page.mode.value, page.mode.description) == (
        CASE.difficulty,
        "recall",
        nb("How do you take the history?"),
    )
    assert page.app.session is session and session.lang == "nb" and session.asked == [CASE.key_questions[0]]
    assert text_html(CASE.answers[CASE.key_questions[0]].text.get("nb")) in page.app.history.transcript.value
    assert page.app.restart_button.description == nb("Restart case")
    assert (page.app.decision.ranks[0].value, page.app.decision.next_step.value) == (
        CASE.diagnosis,
        CASE.correct_steps[0].step,
    )
    assert 'lang="nb"' in page.app.header.value and 'lang="nb"' in page.alias.status.value
    page.app.decision.submit.click()
    name = BOOK.condition_name(CASE.diagnosis, "nb", in_sentence=True)
    assert page.app.session.feedback.items[0].title == nb("Diagnosis: right. This is {condition}.").format(
        condition=name
    )
    assert [r.lang for r in store.attempts()] == ["nb"] and page.log.lines == []
    page.close()
    again = StartPage(BOOK, store)
    assert (again.lang, again.language.value) == ("nb", "nb")
    again.language.value = "en"
    assert store.language == "en" and again.picker.play.description == "Play this case"
    again.close()


def test_a_submitted_case_shows_its_feedback_again_in_the_new_language(tmp_path):
    """After Submit, switching to Danish shows the same verdict in Danish and saves nothing twice."""
    from casebook.i18n import translator
    from casebook.progress import ProgressStore

    da = translator("da")
    store = ProgressStore(tmp_path / "progress.sqlite")
    page = StartPage(BOOK, store)
    page.picker.cases.value = CASE_ID
    page.picker.play.click()
    play_right(page.app)
    page.language.value = "da"
    name = BOOK.condition_name(CASE.diagnosis, "da", in_sentence=True)
    assert da("Diagnosis: right. This is {condition}.").format(condition=name) in shown_text(
        page.app.feedback.panel.value
    )
    assert page.app.decision.submit.disabled and store.count() == 1 and page.log.lines == []
    page.close()
