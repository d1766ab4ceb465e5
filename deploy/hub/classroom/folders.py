"""The class server's folders: the state folder, the hand-in folders and each student's copy of the notebooks."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
from pathlib import Path

from .settings import REPO, Settings, SetupError, private_dir

STUDENT_NOTEBOOKS = ("00-start-here.ipynb", "student")  # what a student's home gets; the teacher gets every notebook


def teacher_gid(settings: Settings) -> int | None:
    """The teacher group's id (users mode), or None when the group does not exist (yet)."""
    try:
        return grp.getgrnam(settings.teacher_group).gr_gid
    except KeyError:
        return None


def prepare_state(settings: Settings) -> None:
    """Create the state folder: traversable but not listable by students (0711), the hub's part private (0700), and the
    hand-in folder owned by root and the teacher's group (0751: the teacher lists it, a student only passes through)."""
    settings.state.mkdir(parents=True, exist_ok=True)
    os.chmod(settings.state, 0o711)
    private_dir(settings.hub_dir)
    handin = settings.handin
    handin.mkdir(exist_ok=True)
    if settings.isolated:
        gid = teacher_gid(settings)
        os.chown(handin, 0, gid if gid is not None else 0)
        os.chmod(handin, 0o751)
    else:
        settings.homes.mkdir(parents=True, exist_ok=True)


def prepare_handin_folder(settings: Settings, name: str) -> Path:
    """The student's own hand-in folder: in users mode owned by the student and the teacher's group, setgid so files
    keep that group, 2750 (the student writes, the teacher reads, other students cannot even look in)."""
    folder = settings.handin / name
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise SetupError(f"{folder} should be a folder; move it aside and start the server again.")
    folder.mkdir(exist_ok=True)
    if settings.isolated:
        gid = teacher_gid(settings)
        if gid is None:
            raise SetupError(f"The group {settings.teacher_group!r} does not exist: run `make hub-users` first.")
        os.chown(folder, pwd.getpwnam(name).pw_uid, gid)
        os.chmod(folder, 0o2750)
    return folder


def copy_notebooks(home: Path, teacher: bool, source: Path = REPO / "notebooks") -> list[Path]:
    """Copy the casebook's notebooks into ``home``/notebooks, keeping the layout; a file already there is never
    touched (the student's edits stay), a missing one comes back. Run as the user who owns ``home``. Returns the
    files copied."""
    wanted = sorted(source.rglob("*.ipynb")) if teacher else _student_notebooks(source)
    copied = []
    for src in wanted:
        rel = src.relative_to(source)
        if any(part.startswith(".") for part in rel.parts):
            continue
        dest = home / "notebooks" / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as out, open(src, "rb") as inp:
            shutil.copyfileobj(inp, out)
        copied.append(dest)
    return copied


def _student_notebooks(source: Path) -> list[Path]:
    found: list[Path] = []
    for name in STUDENT_NOTEBOOKS:
        path = source / name
        found.extend(sorted(path.rglob("*.ipynb")) if path.is_dir() else [path] if path.exists() else [])
    return found
