"""Packaging and docs in step: postBuild, README commands, make targets, Binder badge (the lock: test_binder.py)."""

from __future__ import annotations

import argparse
import os
import re
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from casebook.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
START_NOTEBOOK = "notebooks/00-start-here.ipynb"


def requirements() -> dict[str, Requirement]:
    """pyproject.toml's direct dependencies by canonical name."""
    return {canonicalize_name(Requirement(r).name): Requirement(r) for r in PYPROJECT["project"]["dependencies"]}


def subcommands() -> list[str]:
    """The sub-commands of `casebook`, read from the real argument parser."""
    actions = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(name for a in actions for name in a.choices)


def test_postbuild_stops_on_errors_and_installs_the_package():
    """postBuild is an executable bash script with `set -e` that pip-installs this package."""
    path = ROOT / "postBuild"
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines[0] in ("#!/bin/bash", "#!/usr/bin/env bash")
    assert any(re.fullmatch(r"set -[a-z]*e[a-z]*( -o pipefail)?", line) for line in lines), "postBuild has no 'set -e'"
    assert any(re.fullmatch(r"(python -m )?pip install( --no-deps)? (-e )?\.", line) for line in lines), (
        "postBuild does not pip-install the package"
    )
    assert os.access(path, os.X_OK), "postBuild is not executable"


@pytest.mark.parametrize("command", subcommands())
def test_every_cli_subcommand_is_documented_in_readme(command):
    """Each sub-command of the real parser appears in README.md as `casebook COMMAND`."""
    assert f"casebook {command}" in README, f"'casebook {command}' is not documented in README.md"


def test_every_make_target_named_in_readme_exists():
    """Every `make TARGET` the README mentions is a target of the Makefile."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([A-Za-z0-9_-]+):", makefile, flags=re.M))
    named = set(re.findall(r"\bmake ([a-z][a-z0-9_-]*)", README))
    assert named, "the README names no make target"
    assert sorted(named - targets) == []


def test_binder_badge_opens_the_start_notebook_in_lab():
    """README's Binder badge points at urlpath lab/tree/notebooks/00-start-here.ipynb, and that notebook exists."""
    links = re.findall(r"\(https://mybinder\.org/v2/[^)\s]+\)", README)
    assert len(links) == 1, "expected exactly one Binder link in README.md"
    query = parse_qs(urlparse(links[0][1:-1]).query)
    assert query["urlpath"] == [f"lab/tree/{START_NOTEBOOK}"]
    assert (ROOT / START_NOTEBOOK).is_file()


def test_binder_badge_image_is_present():
    """The README shows the Binder badge image at the top."""
    top = README.splitlines()[:5]
    assert any(
        line.startswith("[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/") for line in top
    )
