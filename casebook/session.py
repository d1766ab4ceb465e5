"""CaseSession: one student working one case; every action is a timestamped event."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from .attempts import AttemptRecord, Event
from .model import Case, Casebook

MAX_DIFFERENTIAL = 3


REASONING_MAX = 1000  # characters of free-text reasoning a student can hand in with an attempt


class SessionError(ValueError):
    """A student action that cannot be carried out; the message is shown to the student."""


class CaseSession:
    """The state of one attempt at one case, changed only through its action methods."""

    def __init__(
        self,
        book: Casebook,
        case: Case | str,
        *,
        alias: str = "",
        lang: str = "en",
        clock: Callable[[], float] = time.time,
    ):
        self.book = book
        self.case = book.case(case) if isinstance(case, str) else case
        self.alias = alias
        self.lang = lang
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
        event = Event(kind, self._clock(), item, data)
        self.events.append(event)
        for listener in list(self._listeners):
            listener(event)
        return event

    # ------------------------------------------------------------ actions

    @property
    def submitted(self) -> bool:
        return self.feedback is not None

    def _check_open(self) -> None:
        if self.submitted:
            raise SessionError("This case is already submitted: press Restart to work it again.")

    def ask(self, question_id: str) -> str:
        """Ask a history question; returns the patient's answer (asking again repeats it, counted once)."""
        self._check_open()
        q = self.book.bank.questions.get(question_id)
        if q is None:
            raise SessionError(f"Unknown question '{question_id}'.")
        if question_id not in self.asked:
            self.asked.append(question_id)
        self._log("ask", question_id)
        return self.answer_text(question_id)

    def answer_text(self, question_id: str) -> str:
        ans = self.case.answers.get(question_id)
        return ans.text.get(self.lang) if ans else self.book.bank.questions[question_id].default_answer.get(self.lang)

    def examine(self, exam_id: str) -> str:
        """Perform an examination item; returns the finding."""
        self._check_open()
        item = self.book.bank.examinations.get(exam_id)
        if item is None:
            raise SessionError(f"Unknown examination '{exam_id}'.")
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
            raise SessionError(f"Unknown investigation '{investigation_id}'.")
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
            raise SessionError("Choose at least one diagnosis.")
        if len(ranked) > MAX_DIFFERENTIAL:
            raise SessionError(f"Choose at most {MAX_DIFFERENTIAL} diagnoses.")
        if len(set(ranked)) != len(ranked):
            raise SessionError("Each diagnosis can be listed only once.")
        unknown = [c for c in ranked if c not in self.book.conditions]
        if unknown:
            raise SessionError(f"Unknown condition '{unknown[0]}'.")
        if isinstance(confidence, bool) or not isinstance(confidence, int) or not 0 <= confidence <= 100:
            raise SessionError("Confidence must be a whole number from 0 to 100.")
        self.differential = tuple(ranked)
        self.confidence = confidence
        self._log("diagnose", ranked[0], differential=list(ranked), confidence=confidence)

    def decide(self, step_id: str) -> None:
        """Choose the next step."""
        self._check_open()
        if step_id not in self.book.bank.next_steps:
            raise SessionError(f"Unknown next step '{step_id}'.")
        self.next_step = step_id
        self._log("decide", step_id)

    def note(self, text: str) -> None:
        """Keep the student's own reasoning (optional free text, saved with the attempt and echoed in the feedback)."""
        self._check_open()
        if not isinstance(text, str):
            raise SessionError("Your reasoning must be text.")
        text = text.strip()
        if len(text) > REASONING_MAX:
            raise SessionError(
                f"Your reasoning is {len(text):,} characters long; keep it to {REASONING_MAX:,} (a few sentences)."
            )
        if text != self.reasoning:
            self.reasoning = text
            self._log("note", self.case.id, characters=len(text))

    def submit(self):
        """Hand in the attempt; returns the Feedback (also kept as ``self.feedback``)."""
        from .feedback import evaluate

        self._check_open()
        if not self.differential:
            raise SessionError("Choose your diagnosis (at least one) before submitting.")
        if self.next_step is None:
            raise SessionError("Choose a next step before submitting.")
        feedback = evaluate(
            self.book,
            self.case,
            self.asked,
            self.examined,
            self.investigated,
            self.differential,
            self.next_step,
            lang=self.lang,
            reasoning=self.reasoning,
        )
        self.feedback = feedback
        self._log("submit", self.case.id, verdict=feedback.verdict, **feedback.scores.as_dict())
        return feedback

    def restart(self) -> None:
        """Start the same case again from the beginning (a new attempt)."""
        self._reset()
        self._log("restart", self.case.id)

    # ------------------------------------------------------------ views of the state

    def transcript(self) -> list[tuple[str, str]]:
        """(question, answer) pairs in the order asked."""
        return [(self.book.bank.questions[q].text.get(self.lang), self.answer_text(q)) for q in self.asked]

    @property
    def seconds_on_case(self) -> float:
        return self.events[-1].at - self.events[0].at if self.events else 0.0

    def attempt_record(self) -> AttemptRecord:
        """The submitted attempt as its typed record: what the progress store saves and students export."""
        if self.feedback is None:
            raise SessionError("Submit the case first.")
        fb = self.feedback
        return AttemptRecord(
            attempt_id=self.attempt_id,
            alias=self.alias,
            case_id=self.case.id,
            correct_diagnosis=self.case.diagnosis,
            started_at=round(self.events[0].at, 3),
            submitted_at=round(self.events[-1].at, 3),
            seconds=round(self.seconds_on_case, 3),
            asked=tuple(self.asked),
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
