"""CaseSession: one student working one case; every action is a timestamped event.

Two ways to take the history (``mode``): "menu", every bank question a button (``ask``); and "recall", the student
types questions in their own words (``ask_typed``: the matcher asks a clear match at once, offers the closest two or
three when unsure, and keeps a question nothing fits as unanswered) and may open the question list at any time
(``open_menu``). The questions asked from typed words before the list was opened are ``asked_unaided``; the feedback
scores them as recall thoroughness.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .attempts import MODES, AttemptRecord, Event, TypedQuestion
from .i18n import M_, N_, LocalNumber, translator
from .model import Case, Casebook

MAX_DIFFERENTIAL = 3


REASONING_MAX = 1000  # characters of free-text reasoning a student can hand in with an attempt
TYPED_MAX = 200  # characters of one typed question (recall mode)
# The transcript's answer to a typed question nothing in the bank fits (translated where shown).
NOT_UNDERSTOOD = N_("(no answer: the patient did not understand; ask in other words)")


def _match_details(result) -> dict[str, Any]:
    """What an event keeps of a MatchResult: the verdict, the words scored, each candidate's id, score and kind of
    bank text it matched on (phrasing, keyword or text: what a teacher improving the bank's phrasings needs), and the
    choices offered. The typed words and the language are in the event and the record already."""
    return {
        "status": result.status,
        "words": list(result.words),
        "candidates": [
            {"question_id": c.question_id, "score": c.score, "matched_on": c.matched_on} for c in result.candidates
        ],
        "choices": [c.question_id for c in result.choices],
    }


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the history transcript: the bank question asked (None when nothing fitted the student's words),
    its text, the patient's answer, and the student's own words in recall mode ('' when asked from the list)."""

    question_id: str | None
    question: str
    answer: str
    typed: str = ""


class SessionError(ValueError):
    """A student action that cannot be carried out; the message (a late i18n Message: English as a str) is shown to
    the student in their language with ``i18n.error_message(error, t)``."""


class CaseSession:
    """The state of one attempt at one case, changed only through its action methods."""

    def __init__(
        self,
        book: Casebook,
        case: Case | str,
        *,
        alias: str = "",
        lang: str = "en",
        mode: str = "menu",
        clock: Callable[[], float] = time.time,
    ):
        if mode not in MODES:
            raise SessionError(
                M_("Unknown history mode '{mode}': use one of {modes}.", mode=mode, modes=", ".join(MODES))
            )
        self.book = book
        self.case = book.case(case) if isinstance(case, str) else case
        self.alias = alias
        self.lang = lang
        self.mode = mode
        self._clock = clock
        self._listeners: list[Callable[[Event], None]] = []
        self._reset()

    def _reset(self) -> None:
        self.attempt_id = uuid.uuid4().hex
        self.asked: list[str] = []
        self.examined: list[str] = []
        self.investigated: list[str] = []
        self.differential: tuple[str, ...] = ()
        self.confidence: int | None = None
        self.next_step: str | None = None
        self.reasoning = ""
        self.feedback = None
        self.typed: list[TypedQuestion] = []
        self.menu_opened_at: float | None = None  # clock time the question list was opened (recall mode)
        self._unaided: list[str] = []
        self.events: list[Event] = []
        self._log("start", self.case.id)

    # ------------------------------------------------------------ observers

    def subscribe(self, listener: Callable[[Event], None]) -> None:
        """Call ``listener(event)`` after every action (views re-render, the progress store records)."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[Event], None]) -> None:
        """Stop calling ``listener`` (a view that closes); unknown listeners are ignored."""
        self._listeners = [f for f in self._listeners if f != listener]

    def _log(self, kind: str, item: str = "", **data: Any) -> Event:
        return self._emit(Event(kind, self._clock(), item, data))

    def _emit(self, event: Event) -> Event:
        """Keep ``event`` and tell the listeners (the state it reports is already in place)."""
        self.events.append(event)
        for listener in list(self._listeners):
            listener(event)
        return event

    # ------------------------------------------------------------ actions

    @property
    def t(self):
        """The translator of the session's language (``lang``): the views and feedback show their words through it."""
        return translator(self.lang)

    def set_language(self, lang: str) -> None:
        """Show the attempt in another language from now on (the start page's language switch): the answers and
        findings follow at once, and submitted feedback is made again in ``lang`` (the same verdicts and scores).
        Nothing is recorded: the attempt record keeps the language it ends in."""
        if lang == self.lang:
            return
        self.lang = lang
        if self.feedback is not None:
            self.feedback = self._evaluate()

    def _evaluate(self):
        from .feedback import evaluate

        return evaluate(
            self.book,
            self.case,
            self.asked,
            self.examined,
            self.investigated,
            self.differential,
            self.next_step,
            lang=self.lang,
            reasoning=self.reasoning,
            mode=self.mode,
            asked_unaided=self.asked_unaided,
            confidence=self.confidence,
        )

    @property
    def submitted(self) -> bool:
        return self.feedback is not None

    def _check_open(self) -> None:
        if self.submitted:
            raise SessionError(M_("This case is already submitted: press Restart to work it again."))

    def ask(self, question_id: str, *, typed: str | None = None) -> str:
        """Ask a history question; returns the patient's answer (asking again repeats it, counted once).

        ``typed``: the student's own words, when the question is one of the choices ``ask_typed`` offered for them
        (recall mode); the typed question is then recorded as asked as ``question_id``.
        """
        self._check_open()
        if question_id not in self.book.bank.questions:
            raise SessionError(M_("Unknown question '{id}'.", id=question_id))
        if typed is None:
            return self._ask(question_id, {})
        for n in range(len(self.typed) - 1, -1, -1):
            entry = self.typed[n]
            if entry.text == typed and entry.status == "ambiguous" and entry.question is None:
                self.typed[n] = entry._replace(question=question_id)
                return self._ask(question_id, {"typed": typed, "chosen_from": list(entry.choices)}, typed=True)
        raise SessionError(M_("Type the question first: “{text}” is not waiting for a choice.", text=typed))

    def _ask(self, question_id: str, data: dict[str, Any], typed: bool = False) -> str:
        if question_id not in self.asked:
            self.asked.append(question_id)
        if typed and self.mode == "recall" and self.menu_opened_at is None and question_id not in self._unaided:
            self._unaided.append(question_id)
        self._log("ask", question_id, **data)
        return self.answer_text(question_id)

    def ask_typed(self, text: str):
        """Recall mode: match a typed question to the bank (in the session's language) and act on the result.

        Clear: the best match is asked at once (an 'ask' event with the typed words and the match). Ambiguous: a
        'typed' event records the choices and nothing is asked (the student picks one: ``ask(qid, typed=text)``).
        None: a 'typed' event keeps the question, unanswered. Returns the matcher's MatchResult.
        """
        from .matcher import languages, match

        self._check_open()
        if self.mode != "recall":
            raise SessionError(M_("Typed questions belong to recall mode: choose the question from the list."))
        if not isinstance(text, str) or not text.strip():
            raise SessionError(M_("Type a question first."))
        text = " ".join(text.split())
        if len(text) > TYPED_MAX:
            raise SessionError(
                M_(
                    "Your question is {n} characters long; keep it to {max} (ask one thing at a time).",
                    n=len(text),
                    max=TYPED_MAX,
                )
            )
        result = match(self.book.bank, text, lang=self.lang if self.lang in languages() else "en")
        details = _match_details(result)
        if result.is_clear:
            qid = result.best.question_id
            self.typed.append(TypedQuestion(text, "clear", qid))
            self._ask(qid, {"typed": text, "match": details}, typed=True)
        else:
            choices = tuple(c.question_id for c in result.choices)
            self.typed.append(TypedQuestion(text, result.status, None, choices))
            self._log("typed", "", typed=text, match=details)
        return result

    def open_menu(self) -> None:
        """Recall mode: the student opens the question list; the first time is recorded (a 'menu' event).

        Questions asked after it are no longer unaided. In menu mode the list is always open: nothing happens.
        """
        self._check_open()
        if self.mode == "recall" and self.menu_opened_at is None:
            event = Event("menu", self._clock(), self.case.id, {})
            self.menu_opened_at = event.at  # before the listeners hear of it: views show the list at once
            self._emit(event)

    @property
    def menu_open(self) -> bool:
        """True when the question list is on show: always in menu mode, once opened in recall mode."""
        return self.mode == "menu" or self.menu_opened_at is not None

    @property
    def asked_unaided(self) -> tuple[str, ...]:
        """Recall mode: the questions asked from typed words before the question list was opened, in order."""
        return tuple(self._unaided)

    def answer_text(self, question_id: str) -> str:
        ans = self.case.answers.get(question_id)
        return ans.text.get(self.lang) if ans else self.book.bank.questions[question_id].default_answer.get(self.lang)

    def examine(self, exam_id: str) -> str:
        """Perform an examination item; returns the finding."""
        self._check_open()
        item = self.book.bank.examinations.get(exam_id)
        if item is None:
            raise SessionError(M_("Unknown examination '{id}'.", id=exam_id))
        if exam_id not in self.examined:
            self.examined.append(exam_id)
        self._log("examine", exam_id)
        return self.finding_text(exam_id)

    def finding_text(self, exam_id: str) -> str:
        found = self.case.examination.get(exam_id)
        return (found or self.book.bank.examinations[exam_id].default_finding).get(self.lang)

    def investigate(self, investigation_id: str) -> str:
        """Order an investigation; returns the result."""
        self._check_open()
        item = self.book.bank.investigations.get(investigation_id)
        if item is None:
            raise SessionError(M_("Unknown investigation '{id}'.", id=investigation_id))
        if investigation_id not in self.investigated:
            self.investigated.append(investigation_id)
        self._log("investigate", investigation_id)
        return self.result_text(investigation_id)

    def result_text(self, investigation_id: str) -> str:
        found = self.case.investigations.get(investigation_id)
        return (found or self.book.bank.investigations[investigation_id].default_result).get(self.lang)

    def diagnose(self, ranked: Sequence[str], confidence: int) -> None:
        """Commit a ranked differential of 1-3 conditions (any of all conditions) with a confidence of 0-100."""
        self._check_open()
        ranked = [c for c in ranked if c]
        if not ranked:
            raise SessionError(M_("Choose at least one diagnosis."))
        if len(ranked) > MAX_DIFFERENTIAL:
            raise SessionError(M_("Choose at most {n} diagnoses.", n=MAX_DIFFERENTIAL))
        if len(set(ranked)) != len(ranked):
            raise SessionError(M_("Each diagnosis can be listed only once."))
        unknown = [c for c in ranked if c not in self.book.conditions]
        if unknown:
            raise SessionError(M_("Unknown condition '{id}'.", id=unknown[0]))
        if isinstance(confidence, bool) or not isinstance(confidence, int) or not 0 <= confidence <= 100:
            raise SessionError(M_("Confidence must be a whole number from 0 to 100."))
        self.differential = tuple(ranked)
        self.confidence = confidence
        self._log("diagnose", ranked[0], differential=list(ranked), confidence=confidence)

    def decide(self, step_id: str) -> None:
        """Choose the next step."""
        self._check_open()
        if step_id not in self.book.bank.next_steps:
            raise SessionError(M_("Unknown next step '{id}'.", id=step_id))
        self.next_step = step_id
        self._log("decide", step_id)

    def note(self, text: str) -> None:
        """Keep the student's own reasoning (optional free text, saved with the attempt and echoed in the feedback)."""
        self._check_open()
        if not isinstance(text, str):
            raise SessionError(M_("Your reasoning must be text."))
        text = text.strip()
        if len(text) > REASONING_MAX:
            raise SessionError(
                M_(
                    "Your reasoning is {n} characters long; keep it to {max} (a few sentences).",
                    n=LocalNumber(len(text)),
                    max=LocalNumber(REASONING_MAX),
                )
            )
        if text != self.reasoning:
            self.reasoning = text
            self._log("note", self.case.id, characters=len(text))

    def submit(self):
        """Hand in the attempt; returns the Feedback (also kept as ``self.feedback``)."""
        self._check_open()
        if not self.differential:
            raise SessionError(M_("Choose your diagnosis (at least one) before submitting."))
        if self.next_step is None:
            raise SessionError(M_("Choose a next step before submitting."))
        feedback = self._evaluate()
        self.feedback = feedback
        self._log("submit", self.case.id, verdict=feedback.verdict, **feedback.scores.as_dict())
        return feedback

    def restart(self) -> None:
        """Start the same case again from the beginning (a new attempt)."""
        self._reset()
        self._log("restart", self.case.id)

    # ------------------------------------------------------------ views of the state

    def history(self) -> list[HistoryEntry]:
        """The history so far, in order: each question asked from the list (once), and in recall mode each typed
        question asked (with the student's words) or kept unanswered because nothing fitted it."""
        questions = self.book.bank.questions
        out: list[HistoryEntry] = []
        listed: set[str] = set()
        for event in self.events:
            typed = event.data.get("typed", "")
            if event.kind == "ask" and (typed or event.item not in listed):
                listed.add(event.item)
                q = questions[event.item].text.get(self.lang)
                out.append(HistoryEntry(event.item, q, self.answer_text(event.item), typed))
            elif event.kind == "typed" and event.data.get("match", {}).get("status") == "none":
                out.append(HistoryEntry(None, "", translator(self.lang)(NOT_UNDERSTOOD), typed))
        return out

    def transcript(self) -> list[tuple[str, str]]:
        """(question, answer) pairs in the order asked; a typed question reads “the student's words” → bank question."""
        out = []
        for entry in self.history():
            if not entry.typed:
                out.append((entry.question, entry.answer))
            else:
                said = f"“{entry.typed}”"
                out.append((f"{said} → {entry.question}" if entry.question else said, entry.answer))
        return out

    @property
    def seconds_on_case(self) -> float:
        return self.events[-1].at - self.events[0].at if self.events else 0.0

    def attempt_record(self) -> AttemptRecord:
        """The submitted attempt as its typed record: what the progress store saves and students export."""
        if self.feedback is None:
            raise SessionError(M_("Submit the case first."))
        fb = self.feedback
        return AttemptRecord(
            attempt_id=self.attempt_id,
            alias=self.alias,
            case_id=self.case.id,
            correct_diagnosis=self.case.diagnosis,
            mode=self.mode,
            lang=self.lang,
            started_at=round(self.events[0].at, 3),
            submitted_at=round(self.events[-1].at, 3),
            seconds=round(self.seconds_on_case, 3),
            asked=tuple(self.asked),
            asked_unaided=self.asked_unaided,
            typed=tuple(self.typed),
            menu_opened_at=(
                round(self.menu_opened_at - self.events[0].at, 3) if self.menu_opened_at is not None else None
            ),
            examined=tuple(self.examined),
            investigated=tuple(self.investigated),
            differential=tuple(self.differential),
            confidence=self.confidence,
            next_step=self.next_step,
            reasoning=self.reasoning,
            verdict=fb.verdict,
            next_step_verdict=fb.next_step_verdict,
            scores=fb.scores.as_dict(),
            missed_key_questions=tuple(fb.missed_key_questions),
            missed_red_flags=tuple(fb.missed_red_flags),
            unsafe_step=fb.unsafe_step,
            events=tuple(Event(e.kind, round(e.at, 3), e.item, dict(e.data)) for e in self.events),
        )
