"""Rebuilds this hostile cases folder from the bundled bank and DVT case: every text field carries HTML payloads.

The question bank keeps its ids (the case refers to them) but every topic title, question, option, default answer,
hint, examination item and finding, investigation and result, next step and source section carries the payloads.

Run it when the question bank or the file formats change: `.venv/bin/python tests/data/hostile/make_hostile.py`.
tests/browser/helpers.py reads PAYLOADS from here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
PAYLOADS = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '<a href="javascript:window.__pwned=1">click me</a>',
    '<svg onload="window.__pwned=1"></svg>',
    "<img src=y onerror=\"alert('pwned')\">",
    '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
    "مرحبا \u202eevil\u202c עברית",  # Arabic, a right-to-left override, Hebrew
    "🦵🩺💥",
]
IDS = {"dx": "hostile_clot", "a": "hostile_lookalike_a", "b": "hostile_lookalike_b"}
NAMES = {
    "dx": "Hostile clot <script>window.__pwned=1</script><img src=x onerror=\"alert('pwned')\"> 🦵",
    "a": 'Look-alike A <img src=x onerror="window.__pwned=1">',
    "b": 'Look-alike B <a href="javascript:window.__pwned=1">x</a> עברית',
}


def every(label: str) -> str:
    """A label followed by every payload."""
    return f"{label} " + " ".join(PAYLOADS)


def short(label: str) -> str:
    return f"{label} {PAYLOADS[0]} {PAYLOADS[1]} 🦵"


def long_text(length: int = 20_000) -> str:
    """A 20,000-character text of markup-looking words, right-to-left text and emoji."""
    unit = "<b>long</b> مرحبا 🦵 &amp; "
    return ("Long text: " + unit * (length // len(unit) + 1))[:length]


def condition(key: str, dvt: dict) -> dict:
    return {
        "$schema": "../../../../casebook/schemas/condition.schema.json",
        "schema_version": 1,
        "id": IDS[key],
        "name": NAMES[key],
        "aliases": [short("alias")],
        "category": "vascular",
        "regions": ["calf"],
        "summary": every("summary"),
        "who_and_triggers": [every("who")],
        "key_features": [{"id": f["id"], "text": short(f"feature {f['id']}")} for f in dvt["key_features"]],
        "exam_findings": [every("exam finding")],
        "investigations": [every("investigation")],
        "management": [every("management")],
        "red_flags": [every("red flag")],
        "tell_apart": [{"condition": IDS[o], "text": every(f"tell apart from {o}")} for o in IDS if o != key],
        "defining_answers": [{"question": "q_both_legs", "options": ["one"], "why": short("defining answer")}],
        "sources": [{"document": "general", "section": short("source section"), "note": short("source note")}],
    }


def hostile_bank(bank: dict) -> dict:
    """The bank with the same ids and every text replaced by a label and every payload."""
    b = json.loads(json.dumps(bank))
    b["$schema"] = "../../../casebook/schemas/question-bank.schema.json"
    for t in b["topics"]:
        t["title"] = every(f"topic {t['id']}")
    for q in b["questions"]:
        q["text"] = every(f"question {q['id']}")
        q["default_answer"] = every(f"default answer {q['id']}")
        q["hint"] = every(f"hint {q['id']}")
        for o in q.get("options", []):
            o["text"] = short(f"option {o['id']}")
    for section, default in (("examinations", "default_finding"), ("investigations", "default_result")):
        for item in b[section]:
            item["text"] = every(f"{section} {item['id']}")
            item[default] = every(f"{default} {item['id']}")
    for step in b["next_steps"]:
        step["text"] = every(f"next step {step['id']}")
    for section in ("questions", "examinations", "investigations", "next_steps"):
        for item in b[section]:
            for source in item.get("sources", []):
                source["section"] = short("bank source")
    return b


def hostile_case(case: dict) -> dict:
    c = dict(case)
    c["$schema"] = "../../../../casebook/schemas/case.schema.json"
    c["id"] = "hostile-text"
    c["title"] = 'Hostile <script>window.__pwned=1</script> title <img src=x onerror="window.__pwned=1"> 🦵 עברית'
    c["patient"] = {
        "name": "<b>Ingrid</b><script>window.__pwned=1</script>",
        "age": 52,
        "sex": "female",
        "occupation": short("occupation"),
        "activity": short("activity"),
    }
    c["presenting_complaint"] = every("complaint")
    c["answers"] = {
        q: {"text": every(f"answer {q}"), **({"options": a["options"]} if "options" in a else {})}
        for q, a in case["answers"].items()
    }
    c["examination"] = {k: every(f"finding {k}") for k in case["examination"]}
    c["investigations"] = {k: every(f"result {k}") for k in case["investigations"]}
    c["diagnosis"] = IDS["dx"]
    c["differential"] = [
        {"condition": IDS["a"], "why_less_likely": every("why not A")},
        {"condition": IDS["b"], "why_less_likely": every("why not B")},
    ]
    c["key_findings"] = [{**k, "text": every(f"key finding {k['feature']}")} for k in case["key_findings"]]
    c["next_steps"] = {
        v: [{"step": s["step"], "why": every(f"{v} step {s['step']}")} for s in steps]
        for v, steps in case["next_steps"].items()
    }
    c["teaching_points"] = [every("teaching point"), long_text()]
    c["sources"] = [{"document": "general", "section": every("case source"), "note": short("case source note")}]
    c.pop("lookalike_cases", None)
    return c


def write(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    for sub in ("conditions", "vignettes"):
        shutil.rmtree(HERE / sub, ignore_errors=True)
        (HERE / sub).mkdir()
    bank = json.loads((REPO / "cases" / "questions.json").read_text(encoding="utf-8"))
    write(HERE / "questions.json", hostile_bank(bank))
    dvt = json.loads((REPO / "cases" / "conditions" / "dvt.json").read_text(encoding="utf-8"))
    for key in IDS:
        write(HERE / "conditions" / f"{IDS[key]}.json", condition(key, dvt))
    case = json.loads((REPO / "cases" / "vignettes" / "dvt-after-long-flight.json").read_text(encoding="utf-8"))
    write(HERE / "vignettes" / "hostile-text.json", hostile_case(case))


if __name__ == "__main__":
    main()
