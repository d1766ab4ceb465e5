"""Generates deterministic, made-up class attempt files (JSONL) by playing the real cases with simulated students."""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from .attempts import AttemptRecord, jsonl_line
from .console import EXIT_OK, EXIT_PROBLEMS
from .model import Case, Casebook
from .session import CaseSession

DEFAULT_SEED = 2026
DEFAULT_STUDENTS = 30
COURSE_START = datetime(2026, 9, 1, 8, 0, tzinfo=UTC).timestamp()
COURSE_DAYS = 56
BROKEN_FILE = "handed-in-by-mistake.jsonl"
BROKEN_LINE_STUDENT = 13  # this student's file gets one cut-off line: line 3, or the last line when there are fewer
BROKEN_LINE_NUMBER = 3
DEMO_STUDENT = "demo-student-07"  # the made-up student the progress notebook shows on a fresh store
# Questions simulated students type that no bank question asks (recall mode: the patient does not understand).
OFF_BANK_QUESTIONS = (
    "Do you have any pets?",
    "What do you do for fun?",
    "How many children do you have?",
    "Do you like your job?",
    "Have you been abroad this year?",
)

README = """# Made-up class data (demo)

**Everything in this folder is made up.** No real student produced these attempts.

`python -m casebook.demo --out casebook/demo/class` generated them (seed {seed}) by playing the bundled cases with
{students} simulated students (`demo-student-01` … `demo-student-{students:02d}`), each with their own made-up skill,
through the real session and feedback engine. The simulated students make realistic mistakes: they confuse a case
with its look-alike conditions, skip key and red-flag questions, and sometimes choose an unsafe next step. Some
prefer to take the history in their own words (recall mode): they type questions (now and then too short, misspelt
or about something the bank does not ask), find fewer key questions unaided, and often open the question list to
add more. Their confidence rises with skill and with being right, and most are somewhat over-confident, so the
calibration figures have something to show. Every record carries `"demo": true`.

Two problems are planted on purpose, so the class dashboard (`notebooks/teacher/01-class-dashboard.ipynb`) and
`casebook report` show their problem report:

- `{broken}` is not an attempts file at all (a note saved with the wrong name);
- line {line} of `demo-student-{line_student:02d}.jsonl` is cut off in the middle of a record.

Regenerate after the cases change (the output depends only on the cases and the seed):

```bash
python -m casebook.demo --out casebook/demo/class
```
"""


def demo_folder() -> Path:
    """The made-up class folder shipped with the package (casebook/demo/class)."""
    return Path(str(resources.files("casebook") / "demo" / "class"))


def demo_student_file(alias: str = DEMO_STUDENT) -> Path:
    """One made-up student's attempts file in the shipped demo folder."""
    return demo_folder() / f"{alias}.jsonl"


class _Clock:
    """A fake clock the simulated student advances by hand (deterministic timestamps)."""

    def __init__(self, start: float):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def tick(self, rng: random.Random, low: float, high: float) -> None:
        self.now += rng.uniform(low, high)


def _pick_wrong(rng: random.Random, book: Casebook, case: Case) -> str:
    """A plausible wrong leading diagnosis: usually one of the case's look-alikes, first ones most often."""
    lookalikes = [d.condition for d in case.differential if d.condition in book.conditions]
    if lookalikes and rng.random() < 0.9:
        weights = [1.0 / (i + 1) for i in range(len(lookalikes))]
        return rng.choices(lookalikes, weights=weights)[0]
    others = sorted(c for c in book.conditions if c != case.diagnosis)
    return rng.choice(others) if others else case.diagnosis


def _typed_words(rng: random.Random, book: Casebook, question_id: str) -> str:
    """How a simulated student types a bank question: one of its phrasings or its text, now and then cut down to a
    keyword (often unclear) or with two letters swapped (a typo)."""
    q = book.bank.questions[question_id]
    keywords = list(q.words_for("keywords", "en"))
    roll = rng.random()
    if keywords and roll < 0.12:
        return rng.choice(keywords) + "?"
    text = rng.choice([*q.words_for("phrasings", "en"), q.text.en])
    if roll > 0.88:
        words = text.split()
        long = [i for i, w in enumerate(words) if len(w) > 5]
        if long:
            i = rng.choice(long)
            j = rng.randrange(1, len(words[i]) - 2)
            w = words[i]
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
            text = " ".join(words)
    return text


def _take_history_in_own_words(
    rng: random.Random, s: CaseSession, clock: _Clock, wanted: list[str], extras: list[str], skill: float
) -> list[str]:
    """Recall mode: type the questions that come to mind (fewer key ones than a list would cue, and a question or two
    the bank does not ask), pick among unclear matches, then perhaps open the list; returns what is left to ask."""
    recalled = [q for q in wanted if rng.random() < 0.55 + 0.35 * skill]
    typed = recalled + extras[: rng.randint(0, len(extras))]
    rng.shuffle(typed)
    if rng.random() < 0.6:
        typed.insert(rng.randrange(len(typed) + 1), rng.choice(OFF_BANK_QUESTIONS))
    for qid in typed:
        clock.tick(rng, 10, 40)
        text = qid if qid in OFF_BANK_QUESTIONS else _typed_words(rng, s.book, qid)
        result = s.ask_typed(text)
        choices = [c.question_id for c in result.choices]
        if result.is_ambiguous and qid in choices and rng.random() < 0.85:
            clock.tick(rng, 3, 10)
            s.ask(qid, typed=result.query)
    if rng.random() < 0.85 - 0.4 * skill:  # the weaker the student, the likelier the list
        clock.tick(rng, 5, 20)
        s.open_menu()
        return [q for q in wanted if q not in s.asked]
    return []


def play_attempt(
    rng: random.Random,
    book: Casebook,
    case: Case,
    alias: str,
    skill: float,
    start: float,
    attempt_id: str,
    mode: str = "menu",
    bias: float = 8.0,
) -> AttemptRecord:
    """One simulated attempt through the real CaseSession; returns its attempt record (marked demo).

    ``mode``: how the history is taken ("menu" or "recall"); ``bias``: the student's over-confidence in points.
    """
    clock = _Clock(start)
    s = CaseSession(book, case, alias=alias, clock=clock, mode=mode)
    s.attempt_id = attempt_id
    bank = book.bank
    difficulty_shift = {"introductory": 0.12, "intermediate": 0.0, "advanced": -0.15}.get(case.difficulty, 0.0)
    p_key = min(0.97, 0.45 + 0.5 * skill + difficulty_shift)
    red_flags = set(case.red_flag_questions)
    wanted = [q for q in case.key_questions if rng.random() < (p_key - 0.12 if q in red_flags else p_key)]
    others = [q for q in bank.questions if q not in case.key_questions]
    extras = rng.sample(others, k=min(len(others), rng.randint(1, 4 + int(6 * (1 - skill)))))
    if mode == "recall":
        order = _take_history_in_own_words(rng, s, clock, wanted, extras, skill)
    else:
        order = wanted + extras
        rng.shuffle(order)
    for qid in order:
        clock.tick(rng, 6, 35)
        s.ask(qid)
    exam_pool = list(case.examination) or list(bank.examinations)
    for eid in rng.sample(exam_pool, k=min(len(exam_pool), rng.randint(0, 3))):
        clock.tick(rng, 10, 45)
        s.examine(eid)
    inv_pool = list(case.investigations)
    if inv_pool and rng.random() < 0.5:
        clock.tick(rng, 15, 60)
        s.investigate(rng.choice(inv_pool))
    key_share = len(set(s.asked) & set(case.key_questions)) / len(case.key_questions) if case.key_questions else 1.0
    p_right = min(0.95, max(0.05, 0.25 + 0.55 * skill + 0.3 * key_share + difficulty_shift - 0.2))
    lookalikes = [
        d.condition for d in case.differential if d.condition in book.conditions and d.condition != case.diagnosis
    ]
    if rng.random() < p_right:
        ranked = [case.diagnosis] + rng.sample(lookalikes, k=min(len(lookalikes), rng.randint(0, 2)))
    else:
        wrong = _pick_wrong(rng, book, case)
        ranked = [wrong]
        if wrong != case.diagnosis and rng.random() < 0.45:
            ranked.append(case.diagnosis)  # right, but not leading
        spare = [c for c in lookalikes if c not in ranked]
        if spare and len(ranked) < 3 and rng.random() < 0.4:
            ranked.append(rng.choice(spare))
    clock.tick(rng, 30, 120)
    right = ranked[0] == case.diagnosis
    feel = 38 + 32 * skill + (8 if right else -4) + bias + rng.gauss(0, 12)  # a sense of being right, and a bias
    confidence = int(5 * round(max(5, min(100, feel)) / 5))  # the form offers 0-100 in steps of 5
    s.diagnose(ranked, confidence)
    roll = rng.random()
    correct = [j.step for j in case.correct_steps]
    acceptable = [j.step for j in case.acceptable_steps]
    unsafe = [j.step for j in case.unsafe_steps]
    if correct and roll < 0.35 + 0.55 * skill:
        step = rng.choice(correct)
    elif acceptable and roll < 0.5 + 0.4 * skill:
        step = rng.choice(acceptable)
    elif unsafe and rng.random() < 0.6:
        step = rng.choice(unsafe)
    else:
        step = rng.choice(sorted(bank.next_steps))
    clock.tick(rng, 10, 60)
    s.decide(step)
    clock.tick(rng, 3, 15)
    s.submit()
    return replace(s.attempt_record(), demo=True)


def student_attempts(rng: random.Random, book: Casebook, number: int) -> list[AttemptRecord]:
    """All attempts of one simulated student, oldest first: a subset of the cases (never all), some retried."""
    alias = f"demo-student-{number:02d}"
    skill = rng.uniform(0.25, 0.95)
    recall_share = rng.choice((0.0, 0.2, 0.6, 0.9))  # how often this student asks in their own words
    bias = rng.gauss(8, 9)  # most students are somewhat over-confident, a few under-confident
    case_ids = sorted(book.cases)
    n = len(case_ids)
    how_many = n if n == 1 else rng.randint(max(1, math.ceil(n * 0.3)), n - 1)
    chosen = rng.sample(case_ids, k=how_many)
    plan: list[str] = []
    for cid in chosen:
        plan.append(cid)
        if rng.random() < 0.15:
            plan.append(cid)  # a retry later on
    starts = sorted(COURSE_START + rng.uniform(0, COURSE_DAYS * 86400) for _ in plan)
    records = []
    for i, (cid, start) in enumerate(zip(plan, starts, strict=True), start=1):
        skill_now = min(0.98, skill + 0.1 * i / len(plan))  # a little better towards the end of the course
        mode = "recall" if rng.random() < recall_share else "menu"
        attempt_id = f"demo-{number:02d}-{i:03d}"
        records.append(
            play_attempt(rng, book, book.cases[cid], alias, skill_now, round(start, 3), attempt_id, mode, bias)
        )
    return records


def generate(book: Casebook, out: Path, seed: int = DEFAULT_SEED, students: int = DEFAULT_STUDENTS) -> dict[str, int]:
    """Write one JSONL file per made-up student, the planted broken file and the README into ``out``; returns counts."""
    if students < 1:
        raise ValueError("at least one student is needed")
    if not book.cases:
        raise ValueError("no valid cases to play: run 'casebook validate' and fix the cases first")
    out.mkdir(parents=True, exist_ok=True)
    for old in list(out.glob("demo-student-*.jsonl")) + [out / BROKEN_FILE]:
        if old.exists():
            old.unlink()
    rng = random.Random(seed)
    total = 0
    broken_line = 0
    for number in range(1, students + 1):
        records = student_attempts(random.Random(rng.getrandbits(64)), book, number)
        lines = [jsonl_line(r) for r in records]
        if number == BROKEN_LINE_STUDENT or (number == students and not broken_line):
            broken_line = min(BROKEN_LINE_NUMBER, len(lines))
            cut = lines[broken_line - 1]
            lines[broken_line - 1] = cut[: len(cut) // 2] + "\n"  # a record cut off mid-way (planted problem)
            broken_student = number
            total -= 1
        total += len(records)
        (out / f"demo-student-{number:02d}.jsonl").write_text("".join(lines), encoding="utf-8")
    (out / BROKEN_FILE).write_text(
        "My notes for the seminar on Thursday:\n- ask about the long flight first\n", encoding="utf-8"
    )
    (out / "README.md").write_text(
        README.format(seed=seed, students=students, broken=BROKEN_FILE, line=broken_line, line_student=broken_student),
        encoding="utf-8",
    )
    return {
        "students": students,
        "attempts": total,
        "cases": len(book.cases),
        "broken_line": broken_line,
        "broken_student": broken_student,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """python -m casebook.demo --out FOLDER [--seed N] [--students N] [--cases FOLDER]"""
    from .loading import load

    parser = argparse.ArgumentParser(
        prog="python -m casebook.demo", description="Generate made-up class attempt files (demo data) from the cases."
    )
    parser.add_argument(
        "--out", required=True, metavar="FOLDER", help="where to write the files (e.g. casebook/demo/class)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument(
        "--students", type=int, default=DEFAULT_STUDENTS, help=f"how many made-up students (default {DEFAULT_STUDENTS})"
    )
    parser.add_argument("--cases", metavar="FOLDER", help="a cases folder (default: the bundled cases)")
    args = parser.parse_args(argv)
    book = load(args.cases)
    if book.problems:
        print(
            f"note: {len(book.problems)} problem(s) kept some case files out; "
            f"generating from the {len(book.cases)} valid case(s)",
            file=sys.stderr,
        )
    try:
        counts = generate(book, Path(args.out), seed=args.seed, students=args.students)
    except ValueError as e:
        print(f"casebook.demo: {e}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(
        f"wrote {counts['attempts']} made-up attempts by {counts['students']} students "
        f"over {counts['cases']} cases to {args.out}"
    )
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
