"""The class's Unix users (users mode, as root): created from the class list, removed again, never anyone else."""

from __future__ import annotations

import grp
import os
import pwd
import subprocess

from .folders import teacher_gid
from .processes import pids_of_uid
from .settings import ClassList, Settings, SetupError

# Every Unix user this tool creates carries this comment (GECOS); only such users are ever changed or removed.
MARKER = "casebook class server"


def marked(name: str) -> bool:
    """True when the Unix user ``name`` exists and was created by this tool (its comment is MARKER)."""
    try:
        return pwd.getpwnam(name).pw_gecos == MARKER
    except KeyError:
        return False


def user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def missing_users(class_list: ClassList) -> list[str]:
    return [name for name in class_list.everyone if not user_exists(name)]


def _require_root(what: str) -> None:
    if os.geteuid() != 0:
        raise SetupError(f"{what} needs root (it creates or removes Unix users): run it with sudo.")


def _run(args: list[str]) -> None:
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        raise SetupError(f"`{' '.join(args)}` failed: {result.stderr.strip() or result.stdout.strip()}")


def create_users(settings: Settings, class_list: ClassList) -> list[str]:
    """A Unix user (comment MARKER, home 0700 under HUB_HOMES, own group) for everyone on the class list, the teacher
    also in HUB_TEACHER_GROUP; users already made by this tool are kept. Returns what was done, one line each."""
    _require_root("Creating the class's users")
    clashes = [n for n in class_list.everyone if user_exists(n) and not marked(n)]
    if clashes:
        raise SetupError(
            "These names already belong to Unix users that this tool did not create, so it will not use them: "
            + ", ".join(clashes)
            + ". Give those people another name on the class list."
        )
    done = []
    if teacher_gid(settings) is None:
        _run(["groupadd", "--system", settings.teacher_group])
        done.append(f"group {settings.teacher_group} created")
    settings.homes.mkdir(parents=True, exist_ok=True)
    for name in class_list.everyone:
        if user_exists(name):
            done.append(f"{name}: already there")
        else:
            _run(
                ["useradd", "--create-home", "--home-dir", str(settings.homes / name), "--shell", "/bin/bash"]
                + ["--comment", MARKER, "--user-group", name]
            )
            done.append(f"{name}: created, home {settings.homes / name}")
        entry = pwd.getpwnam(name)
        os.chmod(entry.pw_dir, 0o700)
        in_group = name in grp.getgrnam(settings.teacher_group).gr_mem
        if name == class_list.teacher and not in_group:
            _run(["usermod", "--append", "--groups", settings.teacher_group, name])
        elif name != class_list.teacher and in_group:
            _run(["gpasswd", "--delete", name, settings.teacher_group])
    return done


def remove_users(settings: Settings, names: list[str], remove_group: bool = True) -> list[str]:
    """Delete the Unix users ``names`` that this tool created, with their homes (and the teacher group when it is left
    empty). Users it did not create are never touched. Returns what was done, one line each."""
    _require_root("Removing the class's users")
    done = []
    for name in names:
        if not user_exists(name):
            done.append(f"{name}: no such user")
            continue
        if not marked(name):
            done.append(f"{name}: left alone (not created by this tool)")
            continue
        busy = [p for p in pids_of_uid(pwd.getpwnam(name).pw_uid)]
        if busy:
            raise SetupError(
                f"{name} still has running processes ({', '.join(map(str, busy[:5]))}): stop the class server first "
                "(`make hub-stop`)."
            )
        _run(["userdel", "--remove", name])
        done.append(f"{name}: removed with home")
    gid = teacher_gid(settings)
    if remove_group and gid is not None and not grp.getgrgid(gid).gr_mem:
        _run(["groupdel", settings.teacher_group])
        done.append(f"group {settings.teacher_group} removed")
    return done
