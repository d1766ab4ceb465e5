"""One lock for Binder and the tests: requirements/lock.txt pins everything, and Binder and make test use it."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
ENVIRONMENT = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!-]+)$")


def lock_lines() -> list[str]:
    """The requirement lines of the lock (comments and blank lines dropped)."""
    lines = [line.split("#", 1)[0].strip() for line in LOCK.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line]


def pins() -> dict[str, Version]:
    """The lock as {canonical name: pinned version}."""
    out = {}
    for line in lock_lines():
        m = PIN.match(line)
        if m:
            out[canonicalize_name(m.group(1))] = Version(m.group(2))
    return out


def declared() -> list[Requirement]:
    """pyproject.toml's dependencies plus the extras the lock is compiled with (test)."""
    project = PYPROJECT["project"]
    return [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]]


def test_every_lock_line_pins_one_version():
    """Every line of the lock is `name==version`: no ranges, URLs, editables or options."""
    assert [line for line in lock_lines() if not PIN.match(line)] == []


def test_lock_names_the_command_that_regenerates_it():
    """The lock's header says how to regenerate it, and the Makefile has that target."""
    header = LOCK.read_text(encoding="utf-8").splitlines()[:3]
    assert any("make lock" in line for line in header)
    assert re.search(r"^lock:", (ROOT / "Makefile").read_text(encoding="utf-8"), flags=re.M)


@pytest.mark.parametrize("name", ["numpy", "tornado", "jupyter-server", "notebook", "jupyterlab", "ipywidgets"])
def test_lock_pins_the_packages_that_used_to_float(name):
    """The transitive packages that floated under the old environment.yml are pinned."""
    assert name in pins()


@pytest.mark.parametrize("req", declared(), ids=str)
def test_lock_satisfies_every_declared_requirement(req):
    """Each pyproject.toml requirement (runtime and test) is pinned in the lock inside its declared range."""
    name = canonicalize_name(req.name)
    assert name in pins(), f"{req.name} is declared in pyproject.toml but missing from the lock: run make lock"
    assert req.specifier.contains(pins()[name], prereleases=True), (
        f"{req.name}=={pins()[name]} in the lock is outside pyproject.toml's '{req.specifier}': run make lock"
    )


def test_notebook_is_pinned_in_step_with_jupyterlab():
    """The locked notebook release accepts the locked JupyterLab (repo2docker's base brings notebook)."""
    lab = pins()["jupyterlab"]
    wants = [Requirement(r) for r in metadata.requires("notebook") or []]
    spec = next(r.specifier for r in wants if canonicalize_name(r.name) == "jupyterlab" and not r.marker)
    assert spec.contains(lab), f"notebook=={pins()['notebook']} wants jupyterlab{spec}, the lock has {lab}"


def test_this_environment_runs_exactly_the_lock():
    """make test installs from the lock: every locked package is installed at its pinned version."""
    wrong = {}
    for name, version in pins().items():
        try:
            installed = Version(metadata.version(name))
        except metadata.PackageNotFoundError:
            wrong[name] = (str(version), "missing")
            continue
        if installed != version:
            wrong[name] = (str(version), str(installed))
    assert wrong == {}


def test_environment_yml_takes_python_311_from_conda_forge_and_every_package_from_the_lock():
    """environment.yml: conda-forge only, python=3.11 and pip, and a pip section that is just `-r` the lock."""
    assert ENVIRONMENT["channels"] == ["conda-forge"]
    strings = [d for d in ENVIRONMENT["dependencies"] if isinstance(d, str)]
    sections = [d for d in ENVIRONMENT["dependencies"] if isinstance(d, dict)]
    assert sorted(strings) == ["pip", "python=3.11"]
    assert sections == [{"pip": ["-r requirements/lock.txt"]}]


def test_makefile_installs_from_the_same_lock():
    """The Makefile's install step (make test, make lab) installs `-r` the lock, then the package without deps."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "LOCK := requirements/lock.txt" in makefile
    assert re.search(r"^\t\$\(PIP\) install --quiet -r \$\(LOCK\)$", makefile, flags=re.M)
    assert re.search(r"^\t\$\(PIP\) install --quiet --no-deps -e \.$", makefile, flags=re.M)
    assert re.search(r"^test: \$\(STAMP\)", makefile, flags=re.M)
    assert re.search(r"^lab: \$\(STAMP\)", makefile, flags=re.M)


def test_repo2docker_builds_from_environment_yml_and_runs_postbuild():
    """repo2docker --no-build (as Binder) stages the repo, updates the env from environment.yml, then postBuild."""
    result = subprocess.run(
        [sys.executable, "-m", "repo2docker", "--no-build", "--debug", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    dockerfile = result.stdout + result.stderr
    assert result.returncode == 0, dockerfile[-2000:]
    copy_repo = dockerfile.find("COPY --chown=0:0 src/ ${REPO_DIR}/")
    env_update = dockerfile.find('env update -p ${NB_PYTHON_PREFIX} --file "environment.yml"')
    postbuild = dockerfile.find("RUN ./postBuild")
    assert "Building conda environment for python=3.11" in dockerfile
    assert copy_repo != -1 and env_update != -1 and postbuild != -1
    # the -r line needs requirements/lock.txt inside the image, so the whole repo must be copied before the env update
    assert copy_repo < env_update < postbuild


def _binder_link_module():
    spec = importlib.util.spec_from_file_location("binder_link", ROOT / ".ci" / "binder_link.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_binder_badge_is_built_from_pyproject():
    """README.md's Binder badge is the one built from [tool.casebook.binder] (make binder-link after a change)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert _binder_link_module().badge() in readme.splitlines()[:5]


def test_binder_link_follows_a_fork(tmp_path):
    """A fork that sets its own repository in pyproject.toml gets a badge pointing at its own repository."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    forked = text.replace(
        f'repository = "{PYPROJECT["tool"]["casebook"]["binder"]["repository"]}"', 'repository = "someone/my-fork"'
    )
    (tmp_path / "pyproject.toml").write_text(forked, encoding="utf-8")
    url = _binder_link_module().binder_url(tmp_path)
    assert url.startswith("https://mybinder.org/v2/gh/someone/my-fork/main?urlpath=lab/tree/")
    assert url.endswith(PYPROJECT["tool"]["casebook"]["binder"]["start"])


def test_every_way_of_running_the_casebook_gets_its_server_settings():
    """The server settings in jupyter-config/ (uploads up to 100 MiB) reach make install's venv, Binder (postBuild)
    and the class server's students (JUPYTER_CONFIG_PATH), and this environment has them installed."""
    server = json.loads((ROOT / "jupyter-config/jupyter_server_config.d/legpain-casebook.json").read_text())
    voila = json.loads((ROOT / "jupyter-config/voila.json").read_text())
    limit = server["ServerApp"]["tornado_settings"]["websocket_max_message_size"]
    assert limit >= 60_000_000 and voila["Voila"]["tornado_settings"]["websocket_max_message_size"] == limit
    copy = "cp -r jupyter-config/jupyter_server_config.d jupyter-config/voila.json"
    assert copy in (ROOT / "Makefile").read_text(encoding="utf-8")
    assert copy in (ROOT / "postBuild").read_text(encoding="utf-8")
    assert '"JUPYTER_CONFIG_PATH"' in (ROOT / "deploy/hub/jupyterhub_config.py").read_text(encoding="utf-8")
    installed = Path(sys.prefix) / "etc/jupyter/jupyter_server_config.d/legpain-casebook.json"
    assert json.loads(installed.read_text()) == server
