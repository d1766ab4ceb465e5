"""Shared fixtures: a small, fully valid casebook in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import small_cases, small_conditions, write_casebook


@pytest.fixture
def tmp_cases_dir(tmp_path: Path) -> Path:
    """A valid cases folder named 'cases' (bank, four conditions that name only each other, three cases)."""
    return write_casebook(tmp_path / "cases", small_conditions(), small_cases())
