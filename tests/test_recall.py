"""Free recall (issue 15): typed questions in the session, the record, the feedback, answers files and the store."""

from __future__ import annotations

import itertools
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
import recall_examples

import casebook
from casebook import progress, seminar
from casebook.answers import answers_problems, play_answers
from casebook.attempts import AttemptRecord, TypedQuestion
from casebook.feedback import evaluate
from casebook.i18n import format_percent
from casebook.matcher import match
from casebook.progress import ProgressStore, ProgressStoreError
from casebook.session import NOT_UNDERSTOOD, CaseSession, SessionError

BOOK = casebook.load()
CASE_ID = "dvt-after-long-flight"
CASE = BOOK.cases[CASE_ID]
V1 = Path(__file__).parent / "data" / "v1"


def typed_with(status: str, expected: str | None = None, lang: str = "en") -> dict:
    """A labelled typed question of the bundled casebook's bank that the matcher rates ``status``."""
    return recall_examples.typed_with(BOOK, status, expected, lang)


def session(mode: str = "recall", **kwargs) -> CaseSession:
    ticks = itertools.count(1000.0, 2.5)
    return CaseSession(BOOK, CASE_ID, mode=mode, clock=lambda: next(ticks), **kwargs)


def clear_key_question(n: int = 0) -> dict:
    """A labelled typed question that clearly finds one of the case's key questions (the n-th such one)."""
    return recall_examples.clear_key_questions(BOOK, CASE_ID)[n]


# ---------------------------------------------------------------- the session


def test_a_clear_typed_question_is_asked_at_once_with_the_students_words_and_the_match():
    """A clear match is asked: the patient's answer comes back, the ask event carries the typed words and the match."""
    example = clear_key_question()
    s = session()
    result = s.ask_typed(example["text"])
    assert result.is_clear and s.asked == [example["expected"]]
    event = s.events[-1]
    assert (event.kind, event.item, event.data["typed"]) == ("ask", example["expected"], example["text"])
    assert event.data["match"]["status"] == "clear" and event.data["match"]["choices"] == [example["expected"]]
    assert s.typed == [TypedQuestion(example["text"], "clear", example["expected"])]
    assert s.history()[-1].answer == CASE.answers[example["expected"]].text.en
    assert s.asked_unaided == (example["expected"],)


def test_an_ambiguous_typed_question_asks_nothing_until_the_student_picks_a_choice():
    """Ambiguous: a 'typed' event with the choices and nothing asked; picking one asks it, still unaided."""
    example = typed_with("ambiguous")
    s = session()
    result = s.ask_typed(example["text"])
    choices = tuple(c.question_id for c in result.choices)
    assert result.is_ambiguous and 2 <= len(choices) <= 3 and s.asked == []
    assert (s.events[-1].kind, s.events[-1].data["typed"]) == ("typed", example["text"])
    assert s.typed == [TypedQuestion(example["text"], "ambiguous", None, choices)]
    assert s.history() == []
    answer = s.ask(example["expected"], typed=example["text"])
    assert answer == s.answer_text(example["expected"])
    assert s.typed == [TypedQuestion(example["text"], "ambiguous", example["expected"], choices)]
    assert s.events[-1].data == {"typed": example["text"], "chosen_from": list(choices)}
    assert s.asked_unaided == (example["expected"],)


def test_a_typed_question_nothing_fits_stays_in_the_transcript_unanswered():
    """None fits: nothing is asked, and the transcript keeps the student's words with the no-answer sentence."""
    example = typed_with("none")
    s = session()
    assert s.ask_typed(example["text"]).is_none and s.asked == []
    entry = s.history()[-1]
    assert (entry.question_id, entry.typed, entry.answer) == (None, example["text"], NOT_UNDERSTOOD)
    assert s.transcript() == [(f"“{example['text']}”", NOT_UNDERSTOOD)]
    assert s.typed == [TypedQuestion(example["text"], "none")]


def test_questions_asked_after_the_list_is_opened_are_not_unaided():
    """open_menu records the time once; typed and listed questions after it count as asked but not unaided."""
    first, second = clear_key_question(0), clear_key_question(1)
    s = session()
    s.ask_typed(first["text"])
    s.open_menu()
    s.open_menu()
    assert [e.kind for e in s.events].count("menu") == 1 and s.menu_opened_at == s.events[-1].at
    s.ask_typed(second["text"])
    s.ask(CASE.key_questions[-1])
    assert s.asked == [first["expected"], second["expected"], CASE.key_questions[-1]]
    assert s.asked_unaided == (first["expected"],)
    assert s.transcript()[0] == (
        f"“{first['text']}” → {BOOK.bank.questions[first['expected']].text.en}",
        CASE.answers[first["expected"]].text.en,
    )


def test_listeners_hear_of_each_recall_action_with_the_state_already_changed():
    """A view following the session sees the typed question recorded and the list open when it hears the event."""
    seen = []
    s = session()
    s.subscribe(lambda e: seen.append((e.kind, len(s.typed), s.menu_open, s.asked_unaided)))
    example = clear_key_question()
    s.ask_typed(typed_with("none")["text"])
    s.ask_typed(example["text"])
    s.open_menu()
    assert seen == [
        ("typed", 1, False, ()),
        ("ask", 2, False, (example["expected"],)),
        ("menu", 2, True, (example["expected"],)),
    ]


def test_the_recall_record_holds_mode_language_typed_questions_unaided_and_when_the_list_opened(tmp_path):
    """The attempt record carries the recall fields and the recall score, survives JSON and the progress store."""
    example, wrong = clear_key_question(), typed_with("none")
    s = session(alias="recaller")
    s.ask_typed(example["text"])
    s.ask_typed(wrong["text"])
    s.open_menu()
    s.ask(CASE.key_questions[-1])
    s.diagnose([CASE.diagnosis], 80)
    s.decide(CASE.correct_steps[0].step)
    s.submit()
    r = s.attempt_record()
    menu_at = next(e.at for e in s.events if e.kind == "menu") - s.events[0].at
    assert (r.mode, r.lang, r.asked_unaided, r.menu_opened_at) == ("recall", "en", (example["expected"],), menu_at)
    assert r.typed == (
        TypedQuestion(example["text"], "clear", example["expected"]),
        TypedQuestion(wrong["text"], "none"),
    )
    key = CASE.key_questions
    assert r.scores["recall"] == round(sum(q in r.asked_unaided for q in key) / len(key), 3)
    assert r.scores["thoroughness"] == round(sum(q in r.asked for q in key) / len(key), 3)
    assert AttemptRecord.from_json(json.loads(json.dumps(r.to_json()))) == r
    store = ProgressStore(tmp_path / "progress.sqlite")
    assert store.save_attempt(r) and store.attempts() == [r]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Type a question first."),
        ("x" * 201, "Your question is 201 characters long; keep it to 200 (ask one thing at a time)."),
    ],
    ids=["blank", "too-long"],
)
def test_a_typed_question_that_cannot_be_asked_is_a_clear_message(text, message):
    """Blank or overlong typed questions raise SessionError with a sentence for the student; nothing is recorded."""
    s = session()
    with pytest.raises(SessionError) as err:
        s.ask_typed(text)
    assert str(err.value) == message and s.typed == [] and len(s.events) == 1


def test_choosing_for_words_that_wait_for_no_choice_and_typing_in_menu_mode_are_refused():
    """ask(qid, typed=...) needs an ambiguous typed question waiting; menu mode takes no typed questions."""
    s = session()
    with pytest.raises(SessionError, match="^Type the question first: “did it pop\\?” is not waiting for a choice.$"):
        s.ask("q_snap", typed="did it pop?")
    with pytest.raises(SessionError, match="^Typed questions belong to recall mode"):
        session("menu").ask_typed("did it pop?")
    with pytest.raises(SessionError, match="^Unknown history mode 'voice': use one of menu, recall.$"):
        session("voice")


def test_menu_mode_is_unchanged():
    """In menu mode opening the list does nothing, nothing is unaided, and the record says menu with no recall score."""
    s = session("menu")
    s.open_menu()
    s.ask(CASE.key_questions[0])
    s.diagnose([CASE.diagnosis], 70)
    s.decide(CASE.correct_steps[0].step)
    fb = s.submit()
    r = s.attempt_record()
    assert [e.kind for e in s.events] == ["start", "ask", "diagnose", "decide", "submit"]
    assert (r.mode, r.asked_unaided, r.typed, r.menu_opened_at, "recall" in r.scores) == ("menu", (), (), None, False)
    assert fb.section("expert_path") == evaluate(BOOK, CASE, s.asked, (), (), s.differential, s.next_step).section(
        "expert_path"
    )


def test_restart_keeps_the_mode_and_closes_the_list_again():
    """After Restart the session is still in recall mode, with the list closed and nothing typed or found unaided."""
    s = session()
    s.ask_typed(clear_key_question()["text"])
    s.open_menu()
    s.restart()
    assert (s.mode, s.menu_open, s.typed, s.asked_unaided) == ("recall", False, [], ())


def test_typed_questions_are_matched_in_the_sessions_language():
    """A Norwegian session matches Norwegian words and answers in Norwegian."""
    example = typed_with("clear", lang="nb")
    s = session(lang="nb")
    s.ask_typed(example["text"])
    assert s.asked == [example["expected"]]
    assert (
        s.history()[0].answer
        == s.answer_text(example["expected"])
        == (
            CASE.answers[example["expected"]].text.get("nb")
            if example["expected"] in CASE.answers
            else BOOK.bank.questions[example["expected"]].default_answer.get("nb")
        )
    )


# ---------------------------------------------------------------- feedback


def test_the_expert_path_separates_key_questions_found_unaided_from_the_list_and_missed():
    """Recall feedback marks each key question found unaided, asked from the list or missed, in the expert's order."""
    key = CASE.key_questions
    unaided, listed = key[:2], key[2:4]
    fb = evaluate(
        BOOK, CASE, [*unaided, *listed], (), (), [CASE.diagnosis], CASE.correct_steps[0].step,
        mode="recall", asked_unaided=unaided,
    )  # fmt: skip
    (item,) = fb.section("expert_path")
    texts = [BOOK.bank.questions[q].text.en for q in key]
    expected = [
        f"{n}. ✓ found unaided: {texts[n - 1]}"
        if q in unaided
        else f"{n}. ✓ asked from the question list: {texts[n - 1]}"
        for n, q in enumerate(key, 1)
        if q in unaided or q in listed
    ]
    assert [line for line in item.lines if "✓" in line] == expected
    assert sum("✗ missed:" in line for line in item.lines) == len(key) - 4
    assert (
        item.title
        == f"Expert path: 2 of {len(key)} key questions found unaided, 2 more from the question list, "
        + (f"{len(key) - 4} missed")
    )
    assert (fb.scores.recall, fb.scores.thoroughness) == (2 / len(key), 4 / len(key))
    assert f"Recall thoroughness {format_percent(round(100 * 2 / len(key)))}" in fb.section("scores")[0].lines[1]


# ---------------------------------------------------------------- answers files


def write_answers(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_answers_with_typed_questions_play_in_recall_mode(tmp_path):
    """Typed questions are asked unaided first; the listed ids after them come from the opened list."""
    example = clear_key_question()
    answers = {
        "typed": [example["text"]],
        "asked": [CASE.key_questions[-1]],
        "differential": [CASE.diagnosis],
        "next_step": CASE.correct_steps[0].step,
    }
    feedback, problems, s = play_answers(BOOK, CASE_ID, write_answers(tmp_path, answers))
    assert problems == [] and feedback is not None
    assert (s.mode, s.asked, s.asked_unaided) == (
        "recall",
        [example["expected"], CASE.key_questions[-1]],
        (example["expected"],),
    )
    assert feedback.scores.recall == 1 / len(CASE.key_questions)


def test_typed_answers_are_matched_in_the_answers_language(tmp_path):
    """With lang nb, a Norwegian typed question resolves to its labelled question."""
    example = typed_with("clear", lang="nb")
    answers = {"typed": [example["text"]], "differential": [CASE.diagnosis], "next_step": CASE.correct_steps[0].step}
    _, problems, s = play_answers(BOOK, CASE_ID, write_answers(tmp_path, answers), lang="nb")
    assert problems == [] and s.asked == [example["expected"]]


def test_a_typed_answer_that_does_not_resolve_is_a_problem_with_its_index(tmp_path):
    """Unclear or unknown typed questions are problems at $.typed[i], naming the closest questions; nothing is
    played."""
    good, unclear, unknown = clear_key_question(), typed_with("ambiguous"), typed_with("none")
    data = {
        "typed": [good["text"], unclear["text"], unknown["text"], 7],
        "differential": [CASE.diagnosis],
        "next_step": CASE.correct_steps[0].step,
    }
    closest = ", ".join(c.question_id for c in match(BOOK.bank, unclear["text"]).choices)
    problems = answers_problems(data, BOOK, "answers.json")
    assert [(p.json_path, p.message) for p in problems] == [
        ("$.typed[1]", f"{json.dumps(unclear['text'])} does not clearly match one question (closest: {closest})"),
        ("$.typed[2]", f"{json.dumps(unknown['text'])} matches no question of the bank"),
        ("$.typed[3]", "should be a question (non-empty text)"),
    ]
    assert all('casebook match "TEXT"' in p.hint for p in problems[:2])
    feedback, found, s = play_answers(BOOK, CASE_ID, write_answers(tmp_path, data))
    assert (feedback, s, [p.json_path for p in found]) == (None, None, ["$.typed[1]", "$.typed[2]", "$.typed[3]"])


def test_casebook_play_takes_typed_questions_and_names_an_unresolved_one(tmp_path, capsys):
    """`casebook play --answers` plays typed questions (exit 0, recall thoroughness printed) and refuses an unclear one
    with its JSON path (exit 1)."""
    from casebook.cli import main

    example, unclear = clear_key_question(), typed_with("ambiguous")
    answers = {"typed": [example["text"]], "differential": [CASE.diagnosis], "next_step": CASE.correct_steps[0].step}
    assert main(["play", CASE_ID, "--answers", str(write_answers(tmp_path, answers))]) == 0
    out = capsys.readouterr().out
    n = CASE.key_questions.index(example["expected"]) + 1
    assert (
        f"Recall thoroughness {format_percent(round(100 / len(CASE.key_questions)))}" in out
        and f"{n}. ✓ found unaided" in out
    )
    answers["typed"].append(unclear["text"])
    assert main(["play", CASE_ID, "--answers", str(write_answers(tmp_path, answers))]) == 1
    err = capsys.readouterr().err
    assert "$.typed[1]" in err and "does not clearly match one question" in err


# ---------------------------------------------------------------- the progress store


def test_the_store_remembers_the_history_mode_and_refuses_an_unknown_one(tmp_path):
    """history_mode is None until chosen, then kept across openings; an unknown mode is refused and nothing changes."""
    path = tmp_path / "progress.sqlite"
    store = ProgressStore(path)
    assert store.history_mode is None
    store.history_mode = "recall"
    with pytest.raises(ValueError, match="^The history mode is one of menu, recall, not 'voice'.$"):
        store.history_mode = "voice"
    store.close()
    assert ProgressStore(path).history_mode == "recall"


def test_a_version_1_progress_file_is_migrated_and_a_recall_attempt_joins_it(tmp_path):
    """Opening a v1 store raises its schema to the newest; its attempts read as menu mode beside a new recall one."""
    path = tmp_path / "progress.sqlite"
    shutil.copyfile(V1 / "progress.sqlite", path)
    store = ProgressStore(path)
    before = store.attempts()
    s = session()
    s.ask_typed(clear_key_question()["text"])
    s.diagnose([CASE.diagnosis], 60)
    s.decide(CASE.correct_steps[0].step)
    s.submit()
    store.record_session(s)
    store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == progress.SCHEMA_VERSION == 2
    conn.close()
    again = ProgressStore(path).attempts()
    assert sorted((r.mode, r.attempt_id) for r in again) == sorted(
        [("menu", r.attempt_id) for r in before] + [("recall", s.attempt_id)]
    )


def test_a_casebook_that_knows_only_version_1_refuses_a_version_2_store_on_opening(tmp_path, monkeypatch):
    """With the version-2 step taken away (an older casebook), opening the file fails with a clear error, untouched."""
    path = tmp_path / "progress.sqlite"
    ProgressStore(path).close()
    before = path.read_bytes()
    monkeypatch.setattr(progress, "MIGRATIONS", progress.MIGRATIONS[:1])
    with pytest.raises(
        ProgressStoreError, match="written by a newer version of the casebook \\(schema 2; this version "
    ):
        ProgressStore(path)
    assert path.read_bytes() == before


# ---------------------------------------------------------------- the seminar


def test_a_recall_seminar_replaces_the_expert_questions_with_the_class_and_the_expert_path():
    """In recall mode the key-question steps give way to a class-asks step after the complaint and a class-vs-expert
    step before the answer; every other step stays; an unknown mode is refused."""
    menu = [s.kind for s in seminar.seminar_steps(BOOK, CASE)]
    recall = [s.kind for s in seminar.seminar_steps(BOOK, CASE, mode="recall")]
    assert menu.count("history") == len(CASE.key_questions)
    rest = [k for k in menu if k != "history"]
    assert recall == [rest[0], "recall", *rest[1:-2], "class_path", *rest[-2:]]
    with pytest.raises(ValueError, match="^unknown seminar mode 'quiz': use one of menu, recall$"):
        seminar.seminar_steps(BOOK, CASE, mode="quiz")


def test_the_class_path_escapes_and_counts_what_the_class_found():
    """The class-vs-expert html counts the key questions found, and the class's typed words reach it escaped."""
    example = clear_key_question()
    s = session()
    s.ask_typed(example["text"])
    s.ask_typed('<img src=x onerror="1"> any <b>pets</b>?')
    html = seminar.class_path_html(s)
    assert f"The class found 1 of {len(CASE.key_questions)} key questions" in html
    assert html.count('class="cb-found"') == 1 and html.count('class="cb-missed"') == len(CASE.key_questions) - 1
    asked = seminar.class_questions_html(s)
    assert "<img" not in asked and "&lt;img src=x" in asked
    recall_step = next(x for x in seminar.seminar_steps(BOOK, CASE, mode="recall") if x.kind == "recall")
    assert seminar.step_html(recall_step, s) == asked and seminar.step_html(recall_step, None) == ""
