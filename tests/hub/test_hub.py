"""The class server end to end: JupyterHub on free ports, students as Unix users, cases played in their own kernels."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import stat
import time
from urllib.parse import urlparse

import pytest

import casebook
from casebook.handin import FILE_MODE, HANDIN_FILE

from .harness import (
    CLASS_PASSWORD,
    CLASS_VIEW,
    OWN_ATTEMPTS,
    PLAY_CASE,
    TRY_TO_READ,
    ClassServer,
    Kernel,
    Student,
    class_server_for,
    classroom,
    unique_names,
)

pytestmark = pytest.mark.hub

BOOK = casebook.load()
CASE_FOR = dict(zip(("alice", "bob"), sorted(BOOK.cases)[:2], strict=True))  # each student plays a different case


@pytest.fixture(scope="module")
def played(hub, people, kernels, names) -> dict[str, dict]:
    """Alice and bob each play one case in their own kernel and hand it in: what each kernel reported."""
    result = {}
    for role in ("alice", "bob"):
        code = PLAY_CASE.format(case_id=CASE_FOR[role], alias=f"{role}-alias")
        result[role] = json.loads(kernels[role].run(code).strip().splitlines()[-1])
    return result


def test_each_student_keeps_only_their_own_attempt(played, kernels):
    """Each student's progress store, read in their own kernel, holds exactly the one attempt they played."""
    for role in ("alice", "bob"):
        own = json.loads(kernels[role].run(OWN_ATTEMPTS))
        assert own == [[f"{role}-alias", CASE_FOR[role], played[role]["attempt_id"]]]


def test_each_store_lies_in_its_owners_home(played, hub, names):
    """The hub gave each student CASEBOOK_HOME inside their own home."""
    for role in ("alice", "bob"):
        expected = hub.settings.homes / names[role] / ".local" / "share" / "casebook" / "progress.sqlite"
        assert played[role]["store"] == str(expected)


def test_bob_cannot_read_alices_progress_or_hand_in(played, kernels):
    """Bob's kernel gets PermissionError on alice's progress.sqlite and hand-in file; alice's own kernel reads both."""
    alices = [played["alice"]["store"], played["alice"]["handin"]]
    code = TRY_TO_READ.format(paths=alices)
    assert json.loads(kernels["bob"].run(code)) == dict.fromkeys(alices, "PermissionError")
    assert json.loads(kernels["alice"].run(code)) == dict.fromkeys(alices, "read")


def test_teacher_reads_every_hand_in_but_no_students_home(played, kernels):
    """The teacher's kernel reads both hand-ins from the hand-in folder (no problems), yet not alice's progress file."""
    view = json.loads(kernels["teacher"].run(CLASS_VIEW))
    expected = sorted([f"{role}-alias", CASE_FOR[role], played[role]["attempt_id"]] for role in ("alice", "bob"))
    assert view == {"attempts": expected, "problems": []}
    code = TRY_TO_READ.format(paths=[played["alice"]["store"]])
    assert json.loads(kernels["teacher"].run(code)) == {played["alice"]["store"]: "PermissionError"}


def test_homes_and_hand_in_folders_have_the_designed_permissions(played, hub, names):
    """Homes 0700 and their student's; hand-in root 0751 root:teachers; a student's folder 2750 and file 0640."""
    settings = hub.settings
    gid = classroom.teacher_gid(settings)
    handin = settings.handin.stat()
    assert (stat.S_IMODE(handin.st_mode), handin.st_uid, handin.st_gid) == (0o751, 0, gid)
    for role in ("alice", "bob"):
        uid = pwd.getpwnam(names[role]).pw_uid
        home = (settings.homes / names[role]).stat()
        assert (stat.S_IMODE(home.st_mode), home.st_uid) == (0o700, uid)
        folder = (settings.handin / names[role]).stat()
        assert (stat.S_IMODE(folder.st_mode), folder.st_uid, folder.st_gid) == (0o2750, uid, gid)
        file = (settings.handin / names[role] / HANDIN_FILE).stat()
        assert (stat.S_IMODE(file.st_mode), file.st_uid, file.st_gid) == (FILE_MODE, uid, gid)
    assert not (settings.handin / names["teacher"]).exists()


def test_hand_in_file_is_the_store_export(played, hub, names):
    """Alice's hand-in file holds her one attempt as the store's JSONL export writes it (with its events)."""
    lines = (hub.settings.handin / names["alice"] / HANDIN_FILE).read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [(r["attempt_id"], r["alias"], r["case_id"]) for r in records] == [
        (played["alice"]["attempt_id"], "alice-alias", CASE_FOR["alice"])
    ]
    assert records[0]["events"][0]["kind"] == "start"


def test_students_get_student_notebooks_and_teacher_gets_all(people):
    """A student's home holds the start notebook and student/, the teacher's also teacher/; all open on the start."""
    repo_notebooks = classroom.REPO / "notebooks"
    everything = sorted(p.relative_to(repo_notebooks).as_posix() for p in repo_notebooks.rglob("*.ipynb"))
    for role, person in people.items():
        listed = []
        for folder in ("notebooks", "notebooks/student", "notebooks/teacher"):
            reply = person.server_api("GET", f"/contents/{folder}")
            if reply.status_code == 200:
                listed += [c["path"] for c in reply.json()["content"] if c["type"] == "notebook"]
        expected = [p for p in everything if role == "teacher" or not p.startswith("teacher/")]
        assert sorted(p.removeprefix("notebooks/") for p in listed) == expected
        landing = person.http.get(f"{person.server.url}/user/{person.name}/", allow_redirects=False, timeout=30)
        assert (
            urlparse(landing.headers["location"]).path == f"/user/{person.name}/lab/tree/notebooks/00-start-here.ipynb"
        )


def test_login_errors_say_what_is_wrong(hub, names):
    """A wrong password, a name not on the class list and an empty name each get their own message on the login page."""
    cases = {
        (
            names["alice"],
            "not-the-password",
        ): f"Wrong password for '{names['alice']}'. Use the class password your teacher gave you.",
        (
            "mallory",
            CLASS_PASSWORD,
        ): "'mallory' is not on this class's list. Use the user name your teacher gave you (lower-case).",
        ("", CLASS_PASSWORD): "Type your user name (as on the class list).",
        (names["teacher"], CLASS_PASSWORD): f"Wrong password for '{names['teacher']}'. Use the teacher's password.",
    }
    for (name, password), message in cases.items():
        attempt = Student(hub, name, password)
        assert (attempt.logged_in, attempt.login_error) == (False, message)


def test_student_without_unix_user_gets_a_clear_spawn_error(hub, names):
    """Carol is listed but has no Unix user: she logs in, and starting her server says what the teacher must run."""
    carol = Student(hub, names["carol"], CLASS_PASSWORD)
    assert carol.logged_in
    message = (
        f"There is no Unix user '{names['carol']}' on this machine yet. Teacher: run `make hub-users`, then try again."
    )
    reply = carol.request_server()
    assert (reply.status_code, reply.json()["message"]) == (500, message)
    page = carol.http.get(f"{hub.url}/hub/spawn", timeout=30)  # what her browser shows
    assert (page.status_code, message.replace("'", "&#39;") in page.text) == (500, True)


def test_a_second_server_is_refused_and_the_first_keeps_its_kernel(people, kernels, names):
    """Starting a second server answers 400 'already running'; the first server and its kernel state are untouched."""
    kernels["alice"].run("still_here = 42")
    second = people["alice"].request_server()
    assert (second.status_code, second.json()["message"]) == (400, f"{names['alice']} is already running")
    assert kernels["alice"].run("print(still_here)").strip() == "42"


def test_hub_restart_keeps_servers_kernels_and_progress(hub, people, kernels, played, names):
    """Stopping and starting the hub mid-seminar leaves the students' servers, kernels, open connections and progress
    as they were: the proxy keeps running, so a kernel answers even while the hub is down."""
    kernels["bob"].run("before_restart = 'kept'")
    pids = {role: hub.server_pids[names[role]] for role in ("alice", "bob")}
    proxy = classroom.read_pid(classroom.proxy_pid_file(hub.settings))
    hub.stop_hub()
    assert all(classroom.process_alive(pid) for pid in [*pids.values(), proxy])
    assert kernels["bob"].run("print(before_restart)").strip() == "kept"  # the hub is down; bob works on
    hub.start()
    for role in ("alice", "bob"):  # the same websockets as before the restart
        own = json.loads(kernels[role].run(OWN_ATTEMPTS))
        assert own == [[f"{role}-alias", CASE_FOR[role], played[role]["attempt_id"]]]
    assert classroom.read_pid(classroom.proxy_pid_file(hub.settings)) == proxy
    assert classroom.server_pids(hub.settings) == {names[r]: pids[r] for r in ("alice", "bob")} | {
        names["teacher"]: hub.server_pids[names["teacher"]]
    }


def test_restarted_server_keeps_edits_and_brings_back_missing_notebooks(hub, people, kernels, names):
    """Alice edits one notebook and deletes another; restarting her server keeps the edit and restores the other."""
    home = hub.settings.homes / names["alice"] / "notebooks"
    edited, deleted = home / "00-start-here.ipynb", home / "student" / "02-random-case.ipynb"
    kernels["alice"].run(
        "import json, os\n"
        f"nb = json.load(open({str(edited)!r}))\n"
        "nb['metadata']['student_edit'] = 'mine'\n"
        f"json.dump(nb, open({str(edited)!r}, 'w'))\n"
        f"os.remove({str(deleted)!r})"
    )
    kernels["alice"].close()
    alice = people["alice"]
    assert alice.api("DELETE", f"/users/{names['alice']}/server").status_code in (202, 204)
    for _ in range(100):
        if not alice.api("GET", f"/users/{names['alice']}").json()["servers"]:
            break
        time.sleep(0.2)
    assert alice.request_server().status_code in (201, 202)
    alice.wait_ready()
    assert json.loads(edited.read_text(encoding="utf-8"))["metadata"]["student_edit"] == "mine"
    assert deleted.read_bytes() == (classroom.REPO / "notebooks" / "student" / "02-random-case.ipynb").read_bytes()
    kernels["alice"] = Kernel(alice)
    assert kernels["alice"].run("import os; print(os.environ['CASEBOOK_HUB_ROLE'])").strip() == "student"


def test_a_port_in_use_is_named_with_its_variable(hub):
    """With HUB_PORT taken by another program, the start command stops and names the variable and the holder."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        other = ClassServer.create(hub.teacher, hub.students)
        other.env["HUB_PORT"] = str(port)
        try:
            result = other.hubctl("start", timeout=60)
        finally:
            shutil.rmtree(other.base)
    assert result.returncode == 1
    assert f"hubctl: Port {port} (HUB_PORT) is in use by pid {os.getpid()} (" in result.stderr
    assert "make hub`." in result.stderr


def test_a_second_hub_on_the_same_state_folder_is_refused(hub):
    """Starting the class server again while it runs says it is running, where, and how to stop it."""
    result = hub.hubctl("start", timeout=60)
    pid = classroom.read_pid(classroom.hub_pid_file(hub.settings))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"hubctl: The class server for {hub.settings.state} is already running (pid {pid}, {hub.settings.public_url}). "
        "Open it, or stop it first with `make hub-stop`."
    )


def test_demo_mode_runs_every_students_server_as_the_hubs_own_user():
    """`make hub-demo` (SimpleLocalProcessSpawner): a student's kernel runs as the hub's user (root here, so the server
    needs --allow-root) with a home under the state folder; nothing keeps students apart, as the README says."""
    names = unique_names("teacher", "gus")
    servers = class_server_for(names, mode="demo")
    server = next(servers)
    try:
        gus = Student(server, names["gus"], CLASS_PASSWORD)
        assert gus.request_server().status_code in (201, 202)
        gus.wait_ready()
        kernel = Kernel(gus)
        seen = json.loads(kernel.run("import json, os; print(json.dumps([os.geteuid(), os.environ['HOME']]))"))
        kernel.close()
        assert seen == [os.geteuid(), str(server.settings.homes / names["gus"])]
        assert not classroom.user_exists(names["gus"])
    finally:
        next(servers, None)  # stops it all and checks that nothing is left
