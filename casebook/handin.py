"""Hand-in on a class server: a copy of a student's attempts in the class's hand-in folder, for the teacher."""

from __future__ import annotations

import getpass
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from .i18n import M_

if TYPE_CHECKING:  # only for the annotation: progress.py calls into this module, so no import at run time
    from .progress import ProgressStore

HANDIN_ENV = "CASEBOOK_HANDIN_DIR"  # the class's hand-in folder; the class server sets it for students and teacher
USER_ENV = "JUPYTERHUB_USER"  # the student's name on the class server (JupyterHub sets it for every user's server)
HANDIN_FILE = "attempts.jsonl"  # the same JSON Lines format as the export in 04-my-progress
FILE_MODE = 0o640  # the student reads and writes it, the teacher's group reads it, nobody else

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class HandInError(RuntimeError):
    """The attempt is saved in the student's progress, but its copy for the teacher could not be written.

    Its message (``e.args[0]``) is a late :class:`~casebook.i18n.Message`: show it with ``t(e.args[0])``.
    """


def handin_dir() -> Path | None:
    """The class's hand-in folder from $CASEBOOK_HANDIN_DIR; None when not on a class server (the variable is unset)."""
    value = os.environ.get(HANDIN_ENV, "").strip()
    return Path(value).expanduser() if value else None


def student_name() -> str:
    """Who hands in: the class server's user name ($JUPYTERHUB_USER), else the Unix login name."""
    return os.environ.get(USER_ENV, "").strip() or getpass.getuser()


def handin_path(name: str | None = None) -> Path | None:
    """Where ``name``'s (default: this student's) attempt file goes; None when there is no hand-in folder."""
    folder = handin_dir()
    if folder is None:
        return None
    name = student_name() if name is None else name
    if not _SAFE_NAME.match(name):
        raise HandInError(
            M_("'{name}' cannot name a hand-in folder (letters, digits, '.', '_' and '-' only).", name=name)
        )
    return folder / name / HANDIN_FILE


def hand_in(store: ProgressStore, name: str | None = None) -> Path | None:
    """Write every attempt in ``store`` to the student's hand-in file, atomically; returns its path.

    Returns None (and writes nothing) when there is no hand-in: $CASEBOOK_HANDIN_DIR is unset, or the class server
    made no folder for this user there (the teacher has none: their own attempts stay out of the class's results).
    The file is replaced whole each time, so it always holds the student's complete record; the teacher never reads
    half a file.
    Raises HandInError, saying the attempt itself is safe, when the folder is there but cannot be written.
    """
    target = handin_path(name)
    if target is None or not target.parent.is_dir():
        return None
    tmp: Path | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{HANDIN_FILE}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        store.export_jsonl(tmp)  # the store's own export format (and its own atomic write into tmp)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, target)
        tmp = None
    except OSError as e:
        raise HandInError(
            M_(
                "Your attempt is saved in your progress, but the copy for your teacher could not be written to {file} "
                "({reason}). Tell your teacher; the next attempt you submit hands in all of them again.",
                file=str(target),
                reason=e.strerror or str(e),
            )
        ) from e
    finally:
        if tmp is not None and tmp.exists():
            tmp.unlink()
    return target
