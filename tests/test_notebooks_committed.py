"""Notebooks are committed executed, without errors or saved widget state, each with a self-test cell."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
REQUIRED = [
    "00-start-here.ipynb",
    "student/01-play-a-case.ipynb",
    "student/02-random-case.ipynb",
    "student/03-compare-conditions.ipynb",
]


def code_cells(nb_path: Path) -> list[dict]:
    return [
        c
        for c in json.loads(nb_path.read_text(encoding="utf-8"))["cells"]
        if c["cell_type"] == "code" and "".join(c["source"]).strip()
    ]


def test_required_notebooks_exist():
    """The start notebook and the student notebooks are all there."""
    assert [r for r in REQUIRED if not (ROOT / "notebooks" / r).exists()] == []


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_code_cell_was_executed_without_error(nb):
    """nbval skips unexecuted cells silently, so every code cell must carry an execution count and no error output."""
    bad = [
        (i, c["execution_count"])
        for i, c in enumerate(code_cells(nb))
        if c["execution_count"] is None or any(o["output_type"] == "error" for o in c["outputs"])
    ]
    assert bad == []


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_saved_widget_state_and_a_self_test_cell(nb):
    """Widget state is stripped, and at least one cell drives widgets and asserts on what the reader sees."""
    data = json.loads(nb.read_text(encoding="utf-8"))
    assert "widgets" not in data["metadata"]
    sources = ["".join(c["source"]) for c in code_cells(nb)]
    assert any("assert" in s and (".click()" in s or ".value =" in s) for s in sources)
