"""Class analytics: a folder of hand-ins with bad files, the tidy tables, a student's own tables, the demo data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import attempt_json, make_record, write_jsonl

import casebook
from casebook import analytics, demo
from casebook.progress import ProgressStore

BOOK = casebook.load()
V1 = Path(__file__).resolve().parent / "data" / "v1"  # files written before records had a version (never edited)


@pytest.fixture
def class_folder(tmp_path: Path) -> Path:
    """Three students' hand-ins, a file with a bad line, one that is not attempts at all, an attempt handed in twice."""
    folder = tmp_path / "hand-ins"
    write_jsonl(
        folder / "anna.jsonl",
        [
            attempt_json(1, alias="anna"),
            attempt_json(
                2,
                alias="anna",
                case_id="case-b",
                diagnosis="gastrocnemius_tear",
                leading="dvt",
                verdict="wrong",
                differential=["dvt"],
                missed_key_questions=["q_snap", "q_tiptoe"],
                missed_red_flags=["q_tiptoe"],
                next_step="ns_reassure",
                next_step_verdict="unsafe",
                unsafe_step=True,
                seconds=1200.0,
            ),
        ],
    )
    write_jsonl(
        folder / "ben.jsonl",
        [
            attempt_json(
                3,
                alias="ben",
                leading="gastrocnemius_tear",
                missed_key_questions=["q_immobilisation"],
                missed_red_flags=["q_immobilisation"],
                next_step_verdict="acceptable",
                asked=["q_onset"],
            ),
            '{"attempt_id": "att-0099", "alias": "ben", "case_id": "case-a"',
            attempt_json(
                4,
                alias="ben",
                case_id="case-b",
                diagnosis="gastrocnemius_tear",
                leading="gastrocnemius_tear",
                missed_key_questions=["q_snap"],
            ),
        ],
    )
    write_jsonl(folder / "sub" / "cara.jsonl", [attempt_json(5, alias="cara"), attempt_json(1, alias="anna")])
    (folder / "essay.jsonl").write_text("Dear teacher, here is my essay.\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not an attempts file, ignored\n", encoding="utf-8")
    (folder / "empty.jsonl").write_text("", encoding="utf-8")
    return folder


def test_read_folder_reads_the_good_attempts_and_reports_every_bad_file_and_line(class_folder):
    """Good lines of every .jsonl file (subfolders too) are read; bad ones are listed with file, line and reason,
    counted once."""
    df, problems = analytics.read_folder(class_folder)
    assert sorted(df["attempt_id"]) == ["att-0001", "att-0002", "att-0003", "att-0004", "att-0005"]
    assert [str(p) for p in problems] == [
        "ben.jsonl, line 2: not valid JSON: the record is cut off after 62 characters",
        "empty.jsonl: holds no attempts (the file is empty)",
        "essay.jsonl, line 1: not valid JSON (Expecting value at column 1)",
        "sub/cara.jsonl, line 2: attempt att-0001 was already read from anna.jsonl, line 1 (counted once)",
    ]
    assert analytics.class_summary(df, problems) == {
        "students": 3,
        "attempts": 5,
        "cases": 2,
        "accuracy": 0.6,
        "unsafe_steps": 1,
        "problems": 4,
        "files_with_problems": 4,
    }


def test_read_folder_reports_progress_per_file(class_folder):
    """on_progress is called once per attempts file with (done, total)."""
    calls = []
    analytics.read_folder(class_folder, on_progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]


def test_read_folder_of_a_missing_folder_says_so(tmp_path):
    """A folder that does not exist raises FileNotFoundError naming it."""
    with pytest.raises(FileNotFoundError) as err:
        analytics.read_folder(tmp_path / "nope")
    assert str(err.value) == f"no such folder: {tmp_path / 'nope'}"


def test_read_folder_reads_csv_exports_too(tmp_path):
    """A CSV exported by the progress store is read like JSONL (lists split back)."""
    store = ProgressStore(tmp_path / "p.sqlite")
    store.import_records([make_record(1), make_record(2, leading="sciatica")])
    store.export_csv(tmp_path / "hand-ins" / "me.csv")
    df, problems = analytics.read_folder(tmp_path / "hand-ins")
    assert problems == []
    assert list(df["leading"]) == ["dvt", "sciatica"]
    assert list(df["n_asked"]) == [3, 3]


def test_accuracy_by_case_counts_right_leading_diagnoses(class_folder):
    """Accuracy per case is right-as-leading over attempts; right-but-not-leading is counted apart."""
    df, _ = analytics.read_folder(class_folder)
    table = analytics.accuracy_by_case(df)
    assert table.to_dict("records") == [
        {
            "case_id": "case-a",
            "diagnosis": "dvt",
            "attempts": 3,
            "correct": 2,
            "correct_not_leading": 1,
            "accuracy": 0.667,
        },
        {
            "case_id": "case-b",
            "diagnosis": "gastrocnemius_tear",
            "attempts": 2,
            "correct": 1,
            "correct_not_leading": 0,
            "accuracy": 0.5,
        },
    ]


def test_accuracy_by_condition_uses_the_condition_names():
    """Conditions are named from the casebook; an id the casebook lacks is shown as the id."""
    df = analytics.records_frame(
        [
            make_record(1),
            make_record(2, leading="sciatica"),
            make_record(3, diagnosis="not_a_condition", leading="not_a_condition"),
        ]
    )
    table = analytics.accuracy_by_condition(df, BOOK)
    assert table.to_dict("records") == [
        {
            "condition_id": "dvt",
            "condition": BOOK.conditions["dvt"].name.en,
            "cases": 1,
            "attempts": 2,
            "correct": 1,
            "accuracy": 0.5,
        },
        {
            "condition_id": "not_a_condition",
            "condition": "not_a_condition",
            "cases": 1,
            "attempts": 1,
            "correct": 1,
            "accuracy": 1.0,
        },
    ]


def test_confusion_matrix_counts_correct_against_chosen_leading(class_folder):
    """Rows are the correct diagnosis, columns the leading one chosen; every attempt lands in exactly one cell."""
    df, _ = analytics.read_folder(class_folder)
    m = analytics.confusion_matrix(df)
    assert list(m.index) == list(m.columns) == ["dvt", "gastrocnemius_tear"]
    assert m.to_numpy().tolist() == [[2, 1], [1, 1]]
    assert int(m.to_numpy().sum()) == len(df)


def test_missed_questions_are_counted_and_ranked(class_folder):
    """Most-missed first; without a casebook the share is unknown, with it the denominator is the attempts where the
    question was key."""
    df, _ = analytics.read_folder(class_folder)
    table = analytics.missed_key_questions(df)
    assert table[["question_id", "missed"]].to_dict("records") == [
        {"question_id": "q_snap", "missed": 2},
        {"question_id": "q_immobilisation", "missed": 1},
        {"question_id": "q_tiptoe", "missed": 1},
    ]
    assert analytics.missed_red_flags(df)[["question_id", "missed"]].to_dict("records") == [
        {"question_id": "q_immobilisation", "missed": 1},
        {"question_id": "q_tiptoe", "missed": 1},
    ]


def test_missed_questions_share_uses_the_case_key_questions():
    """With the casebook, of_attempts counts attempts at cases where the question is key; share_missed divides by it."""
    case = next(iter(BOOK.cases.values()))
    q = case.key_questions[0]
    df = analytics.records_frame(
        [
            make_record(
                n,
                case_id=case.id,
                diagnosis=case.diagnosis,
                leading=case.diagnosis,
                missed_key_questions=[q] if n < 2 else [],
            )
            for n in range(4)
        ]
    )
    row = analytics.missed_key_questions(df, BOOK).iloc[0]
    assert (row["question_id"], row["question"], row["missed"], row["of_attempts"], row["share_missed"]) == (
        q,
        BOOK.bank.questions[q].text.en,
        2,
        4,
        0.5,
    )


def test_questions_safety_and_time_per_case(class_folder):
    """Questions asked, next-step verdicts and minutes are summarised per case."""
    df, _ = analytics.read_folder(class_folder)
    assert analytics.questions_per_case(df).to_dict("records") == [
        {"case_id": "case-a", "attempts": 3, "mean": 2.3, "median": 3.0, "min": 1, "max": 3},
        {"case_id": "case-b", "attempts": 2, "mean": 3.0, "median": 3.0, "min": 3, "max": 3},
    ]
    assert analytics.next_step_safety(df).to_dict("records") == [
        {
            "case_id": "case-a",
            "attempts": 3,
            "correct": 2,
            "acceptable": 1,
            "not_indicated": 0,
            "unsafe": 0,
            "unsafe_share": 0.0,
        },
        {
            "case_id": "case-b",
            "attempts": 2,
            "correct": 1,
            "acceptable": 0,
            "not_indicated": 0,
            "unsafe": 1,
            "unsafe_share": 0.5,
        },
    ]
    assert analytics.time_on_case(df)[["case_id", "median_minutes", "max_minutes"]].to_dict("records") == [
        {"case_id": "case-a", "median_minutes": 10.0, "max_minutes": 10.0},
        {"case_id": "case-b", "median_minutes": 15.0, "max_minutes": 20.0},
    ]


def test_tables_of_an_empty_folder_are_empty_not_errors(tmp_path):
    """An empty folder gives an empty attempts table and empty class tables."""
    df, problems = analytics.read_folder(tmp_path)
    assert (len(df), problems) == (0, [])
    for f in (
        analytics.accuracy_by_case,
        analytics.confusion_matrix,
        analytics.missed_key_questions,
        analytics.questions_per_case,
        analytics.next_step_safety,
        analytics.time_on_case,
        analytics.attempts_over_time,
        analytics.thoroughness_by_case,
        analytics.thoroughness_by_mode,
    ):
        assert f(df).empty
    assert list(analytics.calibration_table(df)["attempts"]) == [0] * len(analytics.CONFIDENCE_BINS)


def test_attempts_over_time_has_a_running_accuracy():
    """Attempts are numbered oldest first and the running accuracy is right-so-far over attempts-so-far."""
    df = analytics.records_frame([make_record(3), make_record(1, leading="sciatica"), make_record(2)])
    table = analytics.attempts_over_time(df)
    assert list(table["attempt"]) == [1, 2, 3]
    assert list(table["running_accuracy"]) == [0.0, 0.5, 0.667]


def test_student_scores_by_condition_topic_red_flags_and_cases_not_done():
    """A student's own tables: mean scores per condition, key questions asked per topic, red flags missed, cases
    left."""
    case = next(c for c in BOOK.cases.values() if c.red_flag_questions)
    rf = case.red_flag_questions[0]
    df = analytics.records_frame(
        [
            make_record(
                1,
                case_id=case.id,
                diagnosis=case.diagnosis,
                leading=case.diagnosis,
                missed_key_questions=[rf],
                missed_red_flags=[rf],
            ),
            make_record(
                2,
                case_id=case.id,
                diagnosis=case.diagnosis,
                leading=case.diagnosis,
                scores={"thoroughness": 0.5, "efficiency": 0.5, "diagnosis": 1.0, "next_step": 0.0},
            ),
        ]
    )
    by_condition = analytics.scores_by_condition(df, BOOK)
    assert by_condition[["condition", "attempts", "accuracy", "score_thoroughness", "score_next_step"]].to_dict(
        "records"
    ) == [
        {
            "condition": BOOK.condition_name(case.diagnosis),
            "attempts": 2,
            "accuracy": 1.0,
            "score_thoroughness": 0.75,
            "score_next_step": 0.5,
        },
    ]
    topics = analytics.scores_by_topic(df, BOOK)
    rf_topic = BOOK.bank.questions[rf].topic
    expected_keys = {
        t: 2 * sum(1 for q in case.key_questions if BOOK.bank.questions[q].topic == t) for t in set(topics["topic_id"])
    }
    assert dict(zip(topics["topic_id"], topics["key_questions"], strict=True)) == expected_keys
    assert dict(zip(topics["topic_id"], topics["missed"], strict=True))[rf_topic] == 1
    assert analytics.red_flags_missed_most(df, BOOK)[["question_id", "missed", "of_attempts"]].to_dict("records") == [
        {"question_id": rf, "missed": 1, "of_attempts": 2}
    ]
    not_done = analytics.cases_not_done(df, BOOK)
    assert set(not_done["case_id"]) == set(BOOK.cases) - {case.id}
    assert "diagnosis" not in not_done.columns


def test_demo_generation_is_deterministic_and_marked_made_up(tmp_path):
    """Two runs with the same seed write identical files; every record says demo, 30 students, and the planted problems
    are reported."""
    a, b = tmp_path / "a", tmp_path / "b"
    counts = demo.generate(BOOK, a)
    demo.generate(BOOK, b)
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert all((a / n).read_bytes() == (b / n).read_bytes() for n in names)
    assert "**Everything in this folder is made up.**" in (a / "README.md").read_text()
    df, problems = analytics.read_folder(a)
    assert len(df) == counts["attempts"] and df["demo"].all()
    assert sorted(df["alias"].unique()) == [f"demo-student-{n:02d}" for n in range(1, 31)]
    assert set(df["case_id"]) <= set(BOOK.cases)
    line = counts["broken_line"]
    assert [(p.file, p.line) for p in problems] == [
        ("demo-student-13.jsonl", line),
        (demo.BROKEN_FILE, 1),
        (demo.BROKEN_FILE, 2),
    ]
    assert problems[0].message.startswith("not valid JSON: the record is cut off")
    assert (
        (df["verdict"] != "correct").any() and df["unsafe_step"].any() and df["missed_red_flags"].map(len).gt(0).any()
    )


def test_no_demo_student_has_done_every_case():
    """Each made-up student leaves some cases undone, so 'cases not done' has something to show (with 2+ cases)."""
    df, _ = analytics.read_folder(demo.demo_folder())
    if len(BOOK.cases) > 1:
        assert df.groupby("alias")["case_id"].nunique().max() < len(BOOK.cases)
    assert demo.demo_student_file().is_file()


def test_hidden_files_and_folders_are_not_read(tmp_path):
    """Checkpoint folders and dot-files (editor or OS leftovers) are skipped without a problem."""
    write_jsonl(tmp_path / "anna.jsonl", [attempt_json(1)])
    write_jsonl(tmp_path / ".ipynb_checkpoints" / "anna-checkpoint.jsonl", [attempt_json(2)])
    (tmp_path / "._anna.jsonl").write_bytes(b"\x00\x05\x16\x07 resource fork")
    df, problems = analytics.read_folder(tmp_path)
    assert (list(df["attempt_id"]), problems) == (["att-0001"], [])


@pytest.mark.parametrize("name", ["attempts.jsonl", "attempts.csv"])
def test_version_1_hand_ins_give_every_attempt_and_field_in_the_attempts_table(tmp_path, name):
    """A JSONL or CSV hand-in written before records had a version: every attempt, every column from its fields."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / name).write_bytes((V1 / name).read_bytes())
    df, problems = analytics.read_folder(tmp_path / "in")
    lines = [json.loads(line) for line in (V1 / "attempts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert problems == [] and len(df) == len(lines) == 4
    for row, line in zip(df.to_dict("records"), lines, strict=True):
        assert {k: row[k] for k in ("attempt_id", "alias", "case_id", "correct_diagnosis", "verdict")} == {
            k: line[k] for k in ("attempt_id", "alias", "case_id", "correct_diagnosis", "verdict")
        }
        assert (row["leading"], row["differential"], row["correct"]) == (
            line["differential"][0],
            tuple(line["differential"]),
            line["verdict"] == "correct",
        )
        assert (row["next_step"], row["next_step_verdict"], row["unsafe_step"], row["demo"]) == (
            line["next_step"],
            line["next_step_verdict"],
            line["unsafe_step"],
            line.get("demo", False),
        )
        assert (row["confidence"], row["seconds"]) == (line["confidence"], line["seconds"])
        assert (row["n_asked"], row["n_examined"], row["n_investigated"]) == tuple(
            len(line[k]) for k in ("asked", "examined", "investigated")
        )
        assert (row["asked"], row["missed_key_questions"], row["missed_red_flags"]) == tuple(
            tuple(line[k]) for k in ("asked", "missed_key_questions", "missed_red_flags")
        )
        assert {s: row[f"score_{s}"] for s in line["scores"]} == line["scores"]
        assert row["submitted_at"].timestamp() == int(line["submitted_at"])
        assert row["started_at"].timestamp() == int(line["started_at"])


# ---------------------------------------------------------------- free recall (issue 15)


def recall_record(n: int, *, thoroughness: float, recall: float, case_id: str = "case-a", **fields):
    """A version-2 recall-mode record with the given thoroughness and recall scores (two key questions unaided)."""
    return make_record(
        n,
        record_version=2,
        mode="recall",
        case_id=case_id,
        asked_unaided=["q_swelling", "q_onset"],
        typed=[{"text": "swollen?", "status": "clear", "question": "q_swelling", "choices": []}],
        menu_opened_at=120.0,
        scores={"thoroughness": thoroughness, "recall": recall, "efficiency": 1.0, "diagnosis": 1.0, "next_step": 1.0},
        **fields,
    )


def test_recall_records_fill_the_recall_columns_and_menu_ones_leave_them_empty():
    """mode, typed count, unaided questions, when the list opened and the recall score come from the records; a menu
    (or version-1) record has mode menu and no recall score."""
    df = analytics.records_frame([make_record(1), recall_record(2, thoroughness=1.0, recall=0.5)])
    menu, recall = df.iloc[0], df.iloc[1]
    assert (menu["mode"], menu["n_typed"], menu["n_asked_unaided"], menu["asked_unaided"]) == ("menu", 0, 0, ())
    assert menu["score_recall"] != menu["score_recall"] and menu["menu_opened_at"] != menu["menu_opened_at"]  # NaN
    assert (recall["mode"], recall["n_typed"], recall["n_asked_unaided"], recall["menu_opened_at"]) == (
        "recall",
        1,
        2,
        120.0,
    )
    assert (recall["asked_unaided"], recall["score_recall"]) == (("q_swelling", "q_onset"), 0.5)


def test_thoroughness_by_case_sets_recall_beside_menu_thoroughness():
    """Per case: menu attempts and their mean thoroughness, recall attempts with their recall thoroughness and their
    thoroughness once the list could help; a mode with no attempt is NaN."""
    df = analytics.records_frame(
        [
            make_record(1, scores={"thoroughness": 0.5}),
            make_record(2, scores={"thoroughness": 1.0}),
            recall_record(3, thoroughness=1.0, recall=0.25),
            recall_record(4, thoroughness=0.5, recall=0.75),
            recall_record(5, thoroughness=0.8, recall=0.4, case_id="case-b"),
        ]
    )
    table = analytics.thoroughness_by_case(df).set_index("case_id")
    a, b = table.loc["case-a"], table.loc["case-b"]
    assert (a["menu_attempts"], a["menu_thoroughness"], a["recall_attempts"]) == (2, 0.75, 2)
    assert (a["recall_thoroughness"], a["recall_with_list"]) == (0.5, 0.75)
    assert (b["menu_attempts"], b["recall_attempts"], b["recall_thoroughness"]) == (0, 1, 0.4)
    assert b["menu_thoroughness"] != b["menu_thoroughness"]  # NaN: no menu attempt at case-b
    modes = analytics.thoroughness_by_mode(df).set_index("mode")
    assert (modes.loc["menu", "attempts"], modes.loc["menu", "thoroughness"]) == (2, 0.75)
    assert (modes.loc["recall", "attempts"], modes.loc["recall", "recall_thoroughness"]) == (3, round(1.4 / 3, 3))
    assert list(analytics.thoroughness_by_mode(analytics.records_frame([make_record(1)]))["mode"]) == ["menu"]


def test_the_progress_line_adds_recall_thoroughness_only_when_there_are_recall_attempts():
    """A student with recall attempts reads their recall thoroughness in the summary line; a menu-only one does not."""
    menu_only = analytics.progress_summary(analytics.records_frame([make_record(1)]))
    assert "recall" not in menu_only
    both = analytics.records_frame([make_record(1), recall_record(2, thoroughness=1.0, recall=0.5)])
    assert analytics.progress_summary(both).endswith(
        " · recall thoroughness 50% in 1 recall attempt (key questions found unaided)"
    )
