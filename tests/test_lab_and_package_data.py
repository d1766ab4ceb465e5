"""Newcomer papercuts (issue 12): package data declared so setuptools stays quiet, and `make lab` at the repo root."""

from __future__ import annotations

import fnmatch
import os
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def data_files() -> list[Path]:
    """Every file under casebook/ that is not Python source or bytecode."""
    return sorted(
        p
        for p in (ROOT / "casebook").rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    )


def declared(path: Path) -> bool:
    """True when a package-data pattern of pyproject.toml covers ``path`` (patterns are relative to their package)."""
    for package, patterns in SETUPTOOLS["package-data"].items():
        folder = ROOT.joinpath(*package.split("."))
        if folder not in path.parents:
            continue
        relative = path.relative_to(folder).as_posix()
        if any(fnmatch.fnmatchcase(relative, pattern) for pattern in patterns):
            return True
    return False


def test_every_folder_of_the_package_is_found_as_a_package():
    """Package discovery includes namespace folders, so a data folder (demo/class, data) is never 'ignored'."""
    find = SETUPTOOLS["packages"]["find"]
    assert find["namespaces"] is True and find["include"] == ["casebook*"]


def test_every_data_file_of_the_package_is_declared():
    """Each non-Python file under casebook/ is covered by a package-data pattern, so the wheel ships it."""
    files = data_files()
    assert files, "no data files found under casebook/"
    assert [str(p.relative_to(ROOT)) for p in files if not declared(p)] == []


@pytest.fixture(scope="module")
def lab_command() -> list[str]:
    """The command `make lab` would run (from `make -n`: nothing is installed or started)."""
    if shutil.which("make") is None:
        pytest.fail("make is missing: the project's tasks need it", pytrace=False)
    out = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, timeout=60).stdout
    joined = out.replace("\\\n", " ")
    line = next(line for line in joined.splitlines() if "jupyter lab" in line)
    return shlex.split(line)


def test_make_lab_roots_jupyterlab_at_the_repo_so_cases_is_visible(lab_command):
    """`make lab` serves the repository root (cases/ in the file browser) and opens the start notebook."""
    assert f"--ServerApp.root_dir={ROOT}" in lab_command
    assert lab_command[-1] == "notebooks/00-start-here.ipynb"
    assert (ROOT / lab_command[-1]).is_file() and (ROOT / "cases").is_dir()


def test_make_lab_puts_the_venv_first_on_path_for_its_terminals(lab_command):
    """`make lab` runs JupyterLab with the venv's bin first on PATH, where the `casebook` command is."""
    assignment = next(word for word in lab_command if word.startswith("PATH="))
    first = assignment.removeprefix("PATH=").split(os.pathsep)[0]
    assert Path(first) == ROOT / ".venv" / "bin"
    assert (Path(first) / "casebook").exists(), f"no casebook command in {first}"
