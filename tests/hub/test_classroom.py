"""deploy/hub/classroom.py without a hub: class list, settings, passwords, notebook copies, ports, folders."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from .harness import classroom

SetupError = classroom.SetupError


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def settings(tmp_path: Path, **env: str) -> classroom.Settings:
    """Settings for a state folder in ``tmp_path`` plus ``env``."""
    return classroom.settings_from_env({"HUB_STATE": str(tmp_path / "state"), **env})


def test_class_list_gives_teacher_and_students_in_order(tmp_path):
    """Comments and blank lines are skipped; the teacher line names the admin; students keep their order."""
    path = write(tmp_path / "class.txt", "# seminar 3\nteacher: kari\n\nstudent07\nola  # late\nbo_b\n")
    assert classroom.read_class_list(path) == classroom.ClassList("kari", ("student07", "ola", "bo_b"))


def test_class_list_problems_are_listed_with_their_lines(tmp_path):
    """Every problem of the file is reported at once, with its line number, followed by how to write the list."""
    path = write(tmp_path / "class.txt", "ola\nOla Nordmann\nola\nteacher: kari\nteacher: per\n")
    with pytest.raises(SetupError) as caught:
        classroom.read_class_list(path)
    assert str(caught.value) == (
        f"The class list {path} has problems:\n"
        "  line 2: 'Ola Nordmann' is not a usable user name\n"
        "  line 3: 'ola' is already on line 1\n"
        "  line 5: a second teacher line (the teacher is 'kari', line 4)\n" + classroom.CLASS_LIST_HELP
    )


def test_class_list_without_teacher_or_students_says_so(tmp_path):
    """A list with neither a teacher line nor students names both gaps."""
    path = write(tmp_path / "class.txt", "# nobody yet\n")
    with pytest.raises(SetupError) as caught:
        classroom.read_class_list(path)
    assert str(caught.value).splitlines()[1:3] == [
        "  no 'teacher: NAME' line (the teacher is the hub's admin and reads the hand-ins)",
        "  no students",
    ]


def test_missing_class_list_points_to_the_example(tmp_path):
    """No class list: the message says where it was looked for and which example to copy."""
    with pytest.raises(SetupError) as caught:
        classroom.read_class_list(tmp_path / "none.txt")
    assert str(caught.value).startswith(
        f"There is no class list at {tmp_path / 'none.txt'}. Copy deploy/hub/class-list.example.txt there"
    )


def test_the_example_class_list_is_valid():
    """The committed example reads without problems."""
    example = classroom.HERE / "class-list.example.txt"
    assert classroom.read_class_list(example).teacher == "teacher"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"HUB_PORT": "80x"}, "HUB_PORT='80x' is not a whole number; port students open in the browser."),
        ({"HUB_PORT": "70000"}, "HUB_PORT=70000 is out of range (1 to 65535); port students open in the browser."),
        ({"HUB_MODE": "docker"}, "HUB_MODE='docker' is not a mode: use 'users' (one Unix user per student) or 'demo'."),
        (
            {"HUB_PORT": "9000", "HUB_API_PORT": "9000"},
            "HUB_PORT, HUB_API_PORT and HUB_PROXY_API_PORT must be three different ports; "
            "now HUB_PORT=9000, HUB_API_PORT=9000, HUB_PROXY_API_PORT=8001.",
        ),
    ],
    ids=["not-a-number", "out-of-range", "unknown-mode", "same-port-twice"],
)
def test_bad_settings_name_their_variable(tmp_path, env, message):
    """An unusable HUB_* value is refused with the variable, the value and what it is for."""
    with pytest.raises(SetupError) as caught:
        settings(tmp_path, **env)
    assert str(caught.value) == message


def test_demo_mode_keeps_homes_in_the_state_folder(tmp_path):
    """Defaults: loopback, port 8000; demo homes under the state folder, users mode homes under /home."""
    demo, users = settings(tmp_path, HUB_MODE="demo"), settings(tmp_path)
    assert (demo.ip, demo.port, demo.homes, users.homes) == (
        "127.0.0.1",
        8000,
        tmp_path / "state" / "homes",
        Path("/home"),
    )


def test_passwords_are_made_up_once_and_kept_private(tmp_path):
    """Without variables the passwords are made up, kept in files only their owner reads, and the same next time."""
    s = settings(tmp_path)
    first = classroom.passwords(s, {})
    assert classroom.passwords(s, {}) == first
    assert len(first[0]) >= classroom.CLASS_PASSWORD_MIN and len(first[1]) >= classroom.TEACHER_PASSWORD_MIN
    modes = {who: stat.S_IMODE(classroom.password_file(s, who).stat().st_mode) for who in ("class", "teacher")}
    assert modes == {"class": 0o600, "teacher": 0o600}


def test_a_short_password_is_refused_with_its_source(tmp_path):
    """A class password under 8 characters is refused, naming the variable it came from."""
    with pytest.raises(SetupError) as caught:
        classroom.passwords(settings(tmp_path), {"HUB_CLASS_PASSWORD": "short"})
    assert str(caught.value) == "The class password from HUB_CLASS_PASSWORD has 5 characters; it needs at least 8."


def test_notebooks_are_copied_once_and_edits_survive(tmp_path):
    """A student gets the start notebook and student/; copying again keeps an edit and restores a deleted file."""
    source = classroom.REPO / "notebooks"
    copied = classroom.copy_notebooks(tmp_path, teacher=False)
    expected = [source / "00-start-here.ipynb", *sorted((source / "student").glob("*.ipynb"))]
    assert [p.relative_to(tmp_path / "notebooks") for p in copied] == [p.relative_to(source) for p in expected]
    start = tmp_path / "notebooks" / "00-start-here.ipynb"
    start.write_text("my own notes", encoding="utf-8")
    copied[-1].unlink()
    assert classroom.copy_notebooks(tmp_path, teacher=False) == [copied[-1]]
    assert start.read_text(encoding="utf-8") == "my own notes"


def test_the_teacher_gets_every_notebook(tmp_path):
    """The teacher's copy holds every notebook of the repository, teacher/ included."""
    source = classroom.REPO / "notebooks"
    copied = classroom.copy_notebooks(tmp_path, teacher=True)
    assert sorted(p.relative_to(tmp_path / "notebooks") for p in copied) == sorted(
        p.relative_to(source) for p in source.rglob("*.ipynb")
    )


def test_a_planted_link_is_never_followed(tmp_path):
    """A symbolic link where a notebook is missing is left alone: nothing is written where it points."""
    (tmp_path / "notebooks" / "student").mkdir(parents=True)
    outside = tmp_path / "outside.txt"
    link = tmp_path / "notebooks" / "student" / "02-random-case.ipynb"
    link.symlink_to(outside)
    copied = classroom.copy_notebooks(tmp_path, teacher=False)
    assert link not in copied and not outside.exists()


def test_a_port_in_use_names_its_variable_and_holder(tmp_path):
    """A port taken by this test process is refused with HUB_PROXY_API_PORT, our pid and a free port to use instead."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        s = settings(tmp_path, HUB_PORT=str(_free()), HUB_API_PORT=str(_free()), HUB_PROXY_API_PORT=str(port))
        with pytest.raises(SetupError) as caught:
            classroom.check_ports(s)
    message = str(caught.value)
    assert message.startswith(f"Port {port} (HUB_PROXY_API_PORT) is in use by pid {os.getpid()} (")
    assert message.endswith("make hub`.") and "HUB_PROXY_API_PORT=" in message


def _free() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_state_folder_is_passable_but_private(tmp_path):
    """The state folder can be passed through (0711) but not listed; the hub's own part is private (0700)."""
    s = settings(tmp_path, HUB_MODE="demo")
    classroom.prepare_state(s)
    modes = [stat.S_IMODE(p.stat().st_mode) for p in (s.state, s.hub_dir)]
    assert modes == [0o711, 0o700]
