"""Where the casebook runs (Binder, a JupyterHub server, or a computer of one's own) and what that means for progress.

A Binder session is thrown away, with its progress file, when its tab closes or it sits idle; a JupyterHub server keeps
each user's home. The student notebooks show ``progress_note()`` near their top, so a student on Binder knows to
download their progress before closing and to upload it next time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from .handin import HandInError, handin_path
from .i18n import Translator, translator_for

# BinderHub sets these in every Binder session (mybinder.org and other BinderHubs alike).
BINDER_VARIABLES = ("BINDER_LAUNCH_HOST", "BINDER_REQUEST", "BINDER_REF_URL", "BINDER_REPO_URL")
HUB_PREFIX = "JUPYTERHUB_"  # JupyterHub sets JUPYTERHUB_USER, JUPYTERHUB_API_URL, ... for every user's server

BINDER, HUB, LOCAL = "binder", "hub", "local"


def where(environ: Mapping[str, str] | None = None) -> str:
    """'binder' on a Binder session, 'hub' on another JupyterHub server, else 'local' (read from the environment).

    Binder runs on JupyterHub too, so its own variables are checked first.
    """
    env = os.environ if environ is None else environ
    if any(env.get(name, "").strip() for name in BINDER_VARIABLES):
        return BINDER
    if any(key.startswith(HUB_PREFIX) and value.strip() for key, value in env.items()):
        return HUB
    return LOCAL


def _handed_in() -> bool:
    """True when this user's attempts are handed in to a teacher: a class server with a hand-in folder for them."""
    try:
        target = handin_path()
    except HandInError:  # a user name that cannot name a hand-in folder: nothing is handed in
        return False
    return target is not None and target.parent.is_dir()


def progress_note(lang: str | Translator | None = None) -> str | None:
    """What a student should know about keeping their progress here, in ``lang`` (default: $CASEBOOK_LANG, then
    English); None on a computer of their own."""
    t = translator_for(lang)
    place = where()
    if place == BINDER:
        return t(
            "You are on Binder: this session, and the progress saved in it, is thrown away when you close the tab or "
            "leave it idle for a few minutes. To keep your progress, press 'Download my progress' (on the start page "
            "or in My progress) before you close, and 'Upload progress' there when you start your next session."
        )
    if place == HUB:
        note = t(
            "You are on a JupyterHub server: your progress is kept in your home folder on the server and is still "
            "there when you log in again."
        )
        if _handed_in():
            note += " " + t(
                "Each attempt you submit is also handed in to your teacher, who sees your attempts (alias, questions, "
                "answers, scores and reasoning)."
            )
        return note
    return None
