"""Fixtures of the class-server tests: Unix users, one hub for the module, students logged in with their servers up."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from .harness import CLASS_PASSWORD, TEACHER_PASSWORD, ClassServer, Kernel, Student, class_server_for, unique_names


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    """Fresh user names for this module's class: a teacher, alice, bob, and carol (on the list, no Unix user)."""
    return unique_names("teacher", "alice", "bob", "carol")


@pytest.fixture(scope="module")
def hub(names) -> Iterator[ClassServer]:
    """The class server in users mode for teacher, alice and bob (carol is listed but was never made a Unix user)."""
    yield from class_server_for({k: v for k, v in names.items() if k != "carol"}, extra_students=(names["carol"],))


@pytest.fixture(scope="module")
def people(hub, names) -> dict[str, Student]:
    """Teacher, alice and bob logged in through the login form, their servers started at once and ready."""
    logged = {
        "teacher": Student(hub, names["teacher"], TEACHER_PASSWORD),
        "alice": Student(hub, names["alice"], CLASS_PASSWORD),
        "bob": Student(hub, names["bob"], CLASS_PASSWORD),
    }
    for role, person in logged.items():
        assert person.logged_in, f"{role} could not log in: {person.login_error or person.response.status_code}"
    with ThreadPoolExecutor(len(logged)) as pool:  # all at once, as a class does at the start of a seminar
        started = list(pool.map(lambda p: (p.request_server().status_code, p.wait_ready()), logged.values()))
    assert all(code in (201, 202) for code, _ in started)  # 201: running; 202: still starting after 10 s
    return logged


@pytest.fixture(scope="module")
def kernels(people) -> Iterator[dict[str, Kernel]]:
    """One kernel on each person's own server."""
    opened = {role: person.kernel() for role, person in people.items()}
    yield opened
    for kernel in opened.values():
        kernel.close()
