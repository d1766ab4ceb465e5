"""The Python the students' servers run: the project's own when every user can run it, else a bridge venv."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

from .settings import Settings, SetupError

BRIDGE_PTH = "_casebook_hub_bridge.pth"
# What a student's server needs from the project: its packages, and the bundled cases folder (read, not loaded: a
# broken case is the casebook's own report to make, not a reason to call the Python unusable).
_IMPORT_CHECK = (
    "import casebook, ipykernel, jupyterhub.singleuser, voila; from casebook.loading import bundled_cases_dir; "
    "next(bundled_cases_dir().rglob('*.json')).read_bytes(); print('ok')"
)


def run_as(user: str, args: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ``args`` as the Unix ``user`` (no supplementary groups), from /, with a minimal environment."""
    entry = pwd.getpwnam(user)
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"}
    return subprocess.run(
        args,
        user=entry.pw_uid,
        group=entry.pw_gid,
        extra_groups=[],
        cwd="/",
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def usable_by_others(python: str) -> str | None:
    """None when another Unix user (nobody) can run ``python`` and import the casebook and the server; else why not."""
    try:
        result = run_as("nobody", [python, "-c", _IMPORT_CHECK])
    except (OSError, subprocess.SubprocessError) as e:
        return str(e)
    if result.returncode == 0 and result.stdout.strip().endswith("ok"):
        return None
    return (result.stderr.strip().splitlines() or [f"exit code {result.returncode}"])[-1]


def _site_packages() -> Path:
    import sysconfig

    return Path(sysconfig.get_paths()["purelib"])


def build_bridge(settings: Settings, own_problem: str = "") -> Path:
    """A small venv in HUB_STATE on a Python every user can run (same version as the project's), reading the project
    venv's packages and Jupyter folders: for when the project's Python lives where students cannot reach it (pyenv
    under /root). Returns its python."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [f"/usr/bin/python{version}", f"/usr/local/bin/python{version}", shutil.which(f"python{version}")]
    bridge = settings.state / "python"
    tried = []
    for base in dict.fromkeys(c for c in candidates if c):
        if not os.access(base, os.X_OK) or Path(base).resolve().is_relative_to(Path(sys.prefix).resolve()):
            continue
        shutil.rmtree(bridge, ignore_errors=True)
        made = subprocess.run([base, "-m", "venv", "--without-pip", str(bridge)], capture_output=True, text=True)
        if made.returncode != 0:
            tried.append(f"{base}: {made.stderr.strip()[-200:]}")
            continue
        site = next((bridge / "lib").glob("python*/site-packages"))
        (site / BRIDGE_PTH).write_text(f"import site; site.addsitedir({str(_site_packages())!r})\n", encoding="utf-8")
        for part in ("share", "etc"):
            (bridge / part).mkdir(exist_ok=True)
            link = bridge / part / "jupyter"
            if not link.exists():
                link.symlink_to(Path(sys.prefix) / part / "jupyter")
        python = str(bridge / "bin" / "python")
        problem = usable_by_others(python)
        if problem is None:
            return Path(python)
        tried.append(f"{base}: {problem}")
    raise SetupError(
        "The students' servers run as their own Unix users, and another user cannot use this project's Python "
        f"({sys.executable}: {own_problem or 'not usable'}). No Python {version} that every user can run "
        "was usable as a bridge"
        + (":\n  " + "\n  ".join(tried) if tried else f" (none found; install python{version}).")
        + "\nMove the project and its venv to a folder every user can read (for example /srv/casebook), or set "
        "HUB_SINGLEUSER_PYTHON to a Python that has the casebook and jupyterhub installed."
    )


def singleuser_python(settings: Settings) -> str:
    """The Python the students' servers run: HUB_SINGLEUSER_PYTHON, else the project's own when every user can run
    it, else a bridge venv (build_bridge). In demo mode the servers run as the hub's user: the project's Python."""
    if settings.singleuser_python:
        return settings.singleuser_python
    if not settings.isolated or os.geteuid() != 0:
        return sys.executable
    own_problem = usable_by_others(sys.executable)
    if own_problem is None:
        return sys.executable
    bridge = settings.state / "python" / "bin" / "python"
    if bridge.exists() and usable_by_others(str(bridge)) is None:
        return str(bridge)
    return str(build_bridge(settings, own_problem))
