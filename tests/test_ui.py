"""The widgets, driven without a browser: clicks and values change what the student reads."""

from __future__ import annotations

import casebook
from casebook.session import CaseSession
from casebook.ui import CaseApp, CasePicker, CompareView

BOOK = casebook.load()
CASE_ID = "dvt-after-long-flight"


def test_clicking_questions_builds_the_transcript_and_the_counter():
    """Each question button reveals the answer in the transcript and counts once."""
    app = CaseApp(BOOK, CASE_ID)
    app.history.buttons["q_swelling"].click()
    app.history.buttons["q_swelling"].click()
    assert "Is the calf swollen?" in app.history.transcript.value
    assert "my sock left a deep mark" in app.history.transcript.value
    assert app.history.counter.value == f"<b>Questions asked:</b> 1 of {len(BOOK.bank.questions)}"
    assert app.history.buttons["q_swelling"].icon == "check"


def test_submit_without_choices_shows_a_hint_not_an_error():
    """Submitting with nothing chosen explains what is missing and logs no error."""
    app = CaseApp(BOOK, CASE_ID)
    app.decision.submit.click()
    assert "Choose at least one diagnosis." in app.decision.status.value
    assert app.log.lines == []


def test_a_played_case_shows_feedback_and_locks_the_controls():
    """After Submit the feedback panel shows the verdict and the controls are disabled; Restart clears it."""
    app = CaseApp(BOOK, CASE_ID)
    app.history.buttons["q_immobilisation"].click()
    app.decision.ranks[0].value = "dvt"
    app.decision.next_step.value = "ns_same_day"
    app.decision.submit.click()
    assert "Diagnosis: right. This is Deep vein thrombosis (DVT)." in app.feedback.text
    assert app.decision.submit.disabled and app.history.buttons["q_onset"].disabled
    app.restart_button.click()
    assert "Feedback appears here after you submit." in app.feedback.text
    assert not app.decision.submit.disabled and app.decision.ranks[0].value == ""


def test_a_broken_callback_is_shown_in_the_error_log():
    """An exception inside a callback appears in the visible log instead of vanishing."""
    app = CaseApp(BOOK, CASE_ID)

    def broken(_session):
        raise RuntimeError("the store is on fire")

    app.on_submit.append(broken)
    app.decision.ranks[0].value = "dvt"
    app.decision.next_step.value = "ns_same_day"
    app.decision.submit.click()
    assert app.log.lines == ["Something went wrong in saving your attempt: RuntimeError: the store is on fire"]
    assert "the store is on fire" in app.log.widget.value and app.log.widget.layout.display is None


def test_next_case_moves_on_and_calls_submit_listeners_with_the_session():
    """Next case loads another case; on_submit listeners receive the submitted session."""
    got: list[CaseSession] = []
    app = CaseApp(BOOK, CASE_ID, on_submit=[got.append])
    app.decision.ranks[0].value = "dvt"
    app.decision.next_step.value = "ns_same_day"
    app.decision.submit.click()
    assert [s.case.id for s in got] == [CASE_ID]
    app.next_button.click()
    assert app.session.case.id != CASE_ID and not app.session.submitted


def test_the_picker_filters_and_plays_the_selected_case():
    """Filtering by difficulty lists only such cases; Play hands the selected id over."""
    played = []
    picker = CasePicker(BOOK, played.append)
    picker.difficulty.value = "advanced"
    ids = [v for _, v in picker.cases.options]
    assert ids and all(BOOK.cases[i].difficulty == "advanced" for i in ids)
    picker.play.click()
    assert played == [ids[0]]


def test_the_picker_never_shows_the_diagnosis():
    """Case list labels hold titles, never condition names."""
    picker = CasePicker(BOOK, lambda _c: None)
    names = [c.name.en.lower() for c in BOOK.conditions.values()]
    assert [label for label, _ in picker.cases.options if any(n in label.lower() for n in names)] == []


def test_compare_view_needs_two_to_four_conditions_and_shows_the_table():
    """Fewer than two conditions gives a hint; two give a table with both names and their tell-apart text."""
    view = CompareView(BOOK)
    view.choice.value = ("dvt",)
    view.compare.click()
    assert "Choose 2 to 4 conditions" in view.status.value
    view.choice.value = ("dvt", "gastrocnemius_tear")
    view.compare.click()
    assert "Deep vein thrombosis (DVT)" in view.table.value
    assert list(view.frame.columns) == [BOOK.conditions["dvt"].name.en, BOOK.conditions["gastrocnemius_tear"].name.en]
    apart = BOOK.conditions["dvt"].how_to_tell_from("gastrocnemius_tear").en
    assert (
        view.frame.loc[
            f"Told apart from {BOOK.conditions['gastrocnemius_tear'].name.en}", BOOK.conditions["dvt"].name.en
        ]
        == apart
    )


def test_typed_reasoning_is_echoed_as_inert_text_and_saved_with_the_attempt():
    """A student's reasoning (here carrying HTML) reaches the feedback escaped, beside the deciding findings, and the attempt record."""
    app = CaseApp(BOOK, CASE_ID)
    typed = 'Swollen calf after a flight <img src=x onerror="alert(1)"> so a clot'
    app.decision.reasoning.value = typed
    app.decision.ranks[0].value = "dvt"
    app.decision.next_step.value = "ns_same_day"
    app.decision.submit.click()
    assert f"You wrote: “{typed}”" in app.feedback.text
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in app.feedback.panel.value
    assert "<img src=x" not in app.feedback.panel.value
    assert (
        "The deciding findings: The right calf is swollen and measures 3.5 cm more than the left." in app.feedback.text
    )
    assert app.session.attempt_record()["reasoning"] == typed
    assert app.decision.reasoning.disabled


def test_overlong_reasoning_is_refused_with_a_hint_and_kept_in_the_box():
    """Reasoning over 1,000 characters gives a clear hint; the text stays in the box so nothing is lost."""
    app = CaseApp(BOOK, CASE_ID)
    app.decision.reasoning.value = "calf " * 300
    app.decision.ranks[0].value = "dvt"
    app.decision.next_step.value = "ns_same_day"
    app.decision.submit.click()
    assert "Your reasoning is 1,499 characters long; keep it to 1,000 (a few sentences)." in app.decision.status.value
    assert app.decision.reasoning.value == "calf " * 300 and not app.session.submitted


def test_export_box_writes_the_aliases_attempts_and_says_how_many(tmp_path):
    """Export writes only the current alias's attempts, strips folders from the typed name, and says where the file went."""
    from casebook.progress import ProgressStore
    from casebook.ui import ExportView

    store = ProgressStore(tmp_path / "progress.sqlite")
    store.alias = "calf-detective"
    app = CaseApp(BOOK, CASE_ID, alias="calf-detective", on_submit=[store.record_session])
    app.decision.ranks[0].value = "dvt"
    app.decision.next_step.value = "ns_same_day"
    app.decision.submit.click()
    export = ExportView(store, folder=tmp_path)
    export.name.value = "../../elsewhere/hand-in.txt"
    export.format.value = "csv"
    export.button.click()
    target = tmp_path / "hand-in.csv"
    assert (
        export.status.value
        == f"<p>Wrote 1 attempt(s) of <b>calf-detective</b> to <code>{target}</code>. Hand this file in to your teacher.</p>"
    )
    assert target.read_text(encoding="utf-8").count("\n") == 2 and export.log.lines == []


def test_export_with_no_attempts_says_to_play_a_case_first(tmp_path):
    """An empty export still writes the file and tells the student to play a case first."""
    from casebook.progress import ProgressStore
    from casebook.ui import ExportView

    export = ExportView(ProgressStore(tmp_path / "progress.sqlite"), folder=tmp_path)
    export.button.click()
    assert "Wrote 0 attempt(s) to" in export.status.value and "play a case first" in export.status.value
    assert (tmp_path / "my-attempts.jsonl").read_text(encoding="utf-8") == ""


def test_the_start_page_tells_the_student_when_a_damaged_progress_file_was_moved_aside(tmp_path):
    """A corrupt progress file is moved aside and the alias box shows the store's message naming both files."""
    from casebook.progress import ProgressStore
    from casebook.ui import StartPage

    damaged = tmp_path / "progress.sqlite"
    damaged.write_bytes(b"this is not a database" * 100)
    store = ProgressStore(damaged)
    page = StartPage(BOOK, store)
    assert store.recovered and str(damaged) in store.recovered
    from html import unescape

    assert unescape(page.alias.status.value).count(store.recovered) == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("progress.sqlite.corrupt-")] != []
