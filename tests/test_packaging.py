"""Packaging and docs in step: environment.yml vs pyproject.toml, postBuild, README commands, targets and Binder badge."""

from __future__ import annotations

import argparse
import os
import re
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from casebook.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
ENVIRONMENT = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
NOT_PACKAGES = {"python", "pip"}  # environment.yml entries that are not dependencies of the package
START_NOTEBOOK = "notebooks/00-start-here.ipynb"


def requirements() -> dict[str, Requirement]:
    """pyproject.toml's direct dependencies by canonical name."""
    return {canonicalize_name(Requirement(r).name): Requirement(r) for r in PYPROJECT["project"]["dependencies"]}


def conda_pins() -> dict[str, str]:
    """environment.yml's conda entries as {canonical name: spec after the name ('' when unpinned)}."""
    pins = {}
    for entry in ENVIRONMENT["dependencies"]:
        if isinstance(entry, str):
            name, spec = re.match(r"^([A-Za-z0-9_.-]+)\s*(.*)$", entry).groups()
            pins[canonicalize_name(name)] = spec.strip()
    return pins


def subcommands() -> list[str]:
    """The sub-commands of `casebook`, read from the real argument parser."""
    actions = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(name for a in actions for name in a.choices)


def test_environment_uses_conda_forge_only():
    """environment.yml takes packages from conda-forge alone (no defaults channel)."""
    assert ENVIRONMENT["channels"] == ["conda-forge"]


def test_environment_pins_python_3_11():
    """environment.yml pins Python to 3.11, the version CI tests."""
    assert conda_pins()["python"] in ("=3.11", "==3.11")


@pytest.mark.parametrize("name", sorted(requirements()))
def test_every_pyproject_dependency_is_pinned_in_environment_yml(name):
    """Each direct dependency of pyproject.toml is pinned with == in environment.yml at a version inside the pyproject range."""
    pins = conda_pins()
    assert name in pins, f"{name} is a pyproject.toml dependency but missing from environment.yml"
    spec = pins[name]
    assert spec.startswith("=="), f"{name} is not pinned with == in environment.yml (found '{spec}')"
    version = Version(spec[2:])
    assert requirements()[name].specifier.contains(version, prereleases=True), (
        f"{name}=={version} in environment.yml is outside pyproject.toml's range '{requirements()[name].specifier}'"
    )


def test_environment_yml_has_no_package_pyproject_does_not_declare():
    """Every package in environment.yml (besides python and pip) is a direct dependency in pyproject.toml."""
    extra = sorted(set(conda_pins()) - set(requirements()) - NOT_PACKAGES)
    assert extra == [], f"in environment.yml but not in pyproject.toml dependencies: {extra}"


def test_environment_yml_uses_no_pip_section():
    """Every dependency comes from conda-forge; none slips in through a pip: section."""
    assert [e for e in ENVIRONMENT["dependencies"] if not isinstance(e, str)] == []


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
