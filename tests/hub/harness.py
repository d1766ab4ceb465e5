"""A class server for tests and benchmarks: Unix users, the hub on free ports, students, kernels over websockets."""

from __future__ import annotations

import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import websocket

REPO = Path(__file__).resolve().parents[2]
HUB_DIR = REPO / "deploy" / "hub"
sys.path.insert(0, str(HUB_DIR))

import classroom  # noqa: E402 - deploy/hub is not a package; its folder is put on the path above

HUBCTL = HUB_DIR / "hubctl.py"
CLASS_PASSWORD = "seminar-" + secrets.token_hex(4)
TEACHER_PASSWORD = secrets.token_urlsafe(32)
PROCESS_WORDS = ("jupyterhub", "configurable-http-proxy", "singleuser", "jupyterhub_idle_culler")


def free_port() -> int:
    """A loopback TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unique_names(*roles: str) -> dict[str, str]:
    """Unix-safe user names that cannot clash with real users or with another test run: cbtest-ROLE-xxxx."""
    tag = secrets.token_hex(2)
    return {role: f"cbtest-{role}-{tag}" for role in roles}


@dataclass
class ClassServer:
    """One class server under test: its folder, class, environment, the hub process and what it started."""

    base: Path
    teacher: str
    students: tuple[str, ...]
    env: dict[str, str]
    settings: classroom.Settings
    proc: subprocess.Popen | None = None
    log_path: Path | None = None
    server_pids: dict[str, int] = field(default_factory=dict)
    proxy_pids: set[int] = field(default_factory=set)
    hub_pids: set[int] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    # ------------------------------------------------------------ set-up

    @classmethod
    def create(cls, teacher: str, students: tuple[str, ...], mode: str = "users") -> ClassServer:
        """A temp folder (traversable by the students' users) with a class list, state and homes; nothing started."""
        base = Path(tempfile.mkdtemp(prefix="casebook-hub-test-"))
        os.chmod(base, 0o755)
        class_list = base / "class-list.txt"
        class_list.write_text(f"teacher: {teacher}\n" + "".join(f"{s}\n" for s in students), encoding="utf-8")
        env = dict(os.environ)
        env.update(
            HUB_MODE=mode,
            HUB_STATE=str(base / "state"),
            HUB_HOMES=str(base / "homes"),
            HUB_CLASS_LIST=str(class_list),
            HUB_TEACHER_GROUP=f"{teacher}-grp"[:32],
            HUB_PORT=str(free_port()),
            HUB_API_PORT=str(free_port()),
            HUB_PROXY_API_PORT=str(free_port()),
            HUB_CLASS_PASSWORD=CLASS_PASSWORD,
            HUB_TEACHER_PASSWORD=TEACHER_PASSWORD,
            HUB_CULL_KERNEL_SECONDS="600",
            HUB_CULL_SERVER_SECONDS="3600",
        )
        env.pop("HUB_SINGLEUSER_PYTHON", None)
        env.pop("CASEBOOK_HOME", None)  # the hub sets each student's own
        return cls(base, teacher, students, env, classroom.settings_from_env(env))

    def hubctl(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """Run deploy/hub/hubctl.py with this server's environment (as a teacher would through make)."""
        return subprocess.run(
            [sys.executable, str(HUBCTL), *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def create_users(self) -> None:
        result = self.hubctl("users", "create")
        if result.returncode != 0:
            raise RuntimeError(f"hubctl users create failed:\n{result.stdout}\n{result.stderr}")

    def start(self, timeout: float = 90) -> float:
        """Start the hub (hubctl start) and wait until /hub/api answers 200 through the proxy; returns the seconds."""
        self.log_path = self.base / f"hub-{len(self.hub_pids)}.log"
        log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed right after the process has it
        t0 = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, str(HUBCTL), "start"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        self.hub_pids.add(self.proc.pid)
        deadline = t0 + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the hub exited with code {self.proc.returncode}:\n{self.log_tail()}")
            try:
                if requests.get(self.url + "/hub/api", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError(f"the hub did not answer within {timeout:.0f} s:\n{self.log_tail()}")
        proxy = classroom.read_pid(classroom.proxy_pid_file(self.settings))
        if proxy:
            self.proxy_pids.add(proxy)
        return time.monotonic() - t0

    def log_tail(self, chars: int = 6000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except (OSError, AttributeError):
            return "(no log)"

    def stop_hub(self) -> None:
        """Stop the hub process only (as Ctrl-C would): the students' servers keep running."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    # ------------------------------------------------------------ tear-down

    def user_pids(self) -> dict[str, list[int]]:
        """Processes still running as this class's Unix users."""
        found = {}
        for name in (self.teacher, *self.students):
            if classroom.user_exists(name):
                pids = classroom.pids_of_uid(pwd.getpwnam(name).pw_uid)
                if pids:
                    found[name] = pids
        return found

    def leftovers(self) -> list[str]:
        """Every process this server started that still runs, and every Unix user, home or group left behind."""
        left = []
        for pid in sorted(self.hub_pids | self.proxy_pids | set(self.server_pids.values())):
            if classroom.process_alive(pid):
                left.append(f"process {pid}: {classroom.command_line(pid)[:100]}")
        state = str(self.settings.state)
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                line = classroom.command_line(int(entry.name))
                ours = state in line or f"--api-port {self.settings.proxy_api_port}" in line
                if ours and any(w in line for w in PROCESS_WORDS):
                    left.append(f"process {entry.name}: {line[:100]}")
        for name, pids in self.user_pids().items():
            left.append(f"{name} still runs processes {pids}")
        for name in (self.teacher, *self.students):
            if classroom.user_exists(name):
                left.append(f"Unix user {name}")
            if self.settings.isolated and (self.settings.homes / name).exists():  # demo homes go with the folder
                left.append(f"home {self.settings.homes / name}")
        if classroom.teacher_gid(self.settings) is not None:
            left.append(f"group {self.settings.teacher_group}")
        return sorted(set(left))

    def keep_logs(self, folder: Path) -> None:
        """Copy the hub's and the proxy's logs to ``folder`` (before the temp folder goes), to see what went wrong."""
        folder.mkdir(parents=True, exist_ok=True)
        for log in [*self.base.glob("hub-*.log"), self.settings.hub_dir / "proxy.log"]:
            if log.exists():
                shutil.copy(log, folder / log.name)

    def stop_everything(self) -> None:
        """Stop the hub, its proxy and every server (by process id), then remove the users, homes and folder."""
        self.stop_hub()
        classroom.stop_everything(self.settings)
        for pid in self.hub_pids | self.proxy_pids | set(self.server_pids.values()):
            if classroom.process_alive(pid):
                classroom.stop_pid(pid, grace=5)
        for pids in self.user_pids().values():
            for pid in pids:
                classroom.stop_pid(pid, grace=5)
        if os.geteuid() == 0:
            names = [n for n in (self.teacher, *self.students) if classroom.marked(n)]
            classroom.remove_users(self.settings, names)
        shutil.rmtree(self.base, ignore_errors=True)


NOT_ROOT = (
    "The class-server tests create Unix users (one per student, as the README's class mode does) and so need root; "
    "CI runs as root. Leave them out with `-m 'not hub'`."
)


def require_root() -> None:
    """Fail (never skip) when not root: these tests would otherwise prove nothing."""
    if os.geteuid() != 0:
        pytest.fail(NOT_ROOT, pytrace=False)


def class_server_for(
    names: dict[str, str], extra_students: tuple[str, ...] = (), mode: str = "users"
) -> Iterator[ClassServer]:
    """Create the users and start the hub; afterwards stop it all as a teacher would (`hubctl stop`, then `hubctl users
    remove --yes`), even on failure, and fail when that left any process, Unix user, home or group behind.

    ``extra_students`` are put on the class list after the users were made, so they have no Unix user. The harness's
    own clean-up (by process id, then users, then the temp folder) runs last as a safety net."""
    require_root()
    students = tuple(v for k, v in names.items() if k != "teacher")
    server = ClassServer.create(names["teacher"], students, mode=mode)
    commands: list[subprocess.CompletedProcess] = []
    try:
        if mode == "users":
            server.create_users()
        if extra_students:
            with open(server.settings.class_list, "a", encoding="utf-8") as f:
                f.writelines(f"{s}\n" for s in extra_students)
        server.start()
        yield server
    finally:
        commands.append(server.hubctl("stop"))
        if server.proc is not None:
            server.proc.wait(timeout=30)
        if mode == "users":
            commands.append(server.hubctl("users", "remove", "--yes"))  # only after stop: busy users are refused
        left = server.leftovers()
        server.stop_everything()
    failed = [f"{c.args[2:]}: {c.stdout}{c.stderr}" for c in commands if c.returncode != 0]
    assert (failed, left) == ([], []), f"`hubctl stop` and `hubctl users remove` left things behind: {failed} {left}"
    assert server.leftovers() == []


# ---------------------------------------------------------------- a student in the browser (without one)


class Student:
    """A user logged in through the hub's login form (with its _xsrf field), like a browser."""

    def __init__(self, server: ClassServer, name: str, password: str):
        self.server, self.name = server, name
        self.http = requests.Session()
        self.login_page = self.http.get(server.url + "/hub/login", timeout=10)
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', self.login_page.text)
        if xsrf is None:
            raise AssertionError(f"the login page has no _xsrf field:\n{self.login_page.text[:500]}")
        self.response = self.http.post(
            server.url + "/hub/login",
            data={"username": name, "password": password, "_xsrf": xsrf.group(1)},
            allow_redirects=False,
            timeout=30,
        )
        self.token: str | None = None
        self._xsrf_token: str | None = None

    @property
    def logged_in(self) -> bool:
        return self.response.status_code == 302

    @property
    def login_error(self) -> str:
        """The message the login page shows (HTML entities decoded), or '' when there is none."""
        import html

        found = re.search(r'<p class="login_error">(.*?)</p>', self.response.text, flags=re.S)
        return html.unescape(found.group(1)).strip() if found else ""

    def xsrf_token(self) -> str:
        """The XSRF token of this login session, taken as the hub's own pages take it: from a hub page (``/hub/home``,
        where the browser lands after logging in) that renders it into ``window.jhdata.xsrf_token``.

        Reading the page, not the ``_xsrf`` cookie kept from the login reply, is what a browser does: the page view
        also renews the cookie when it was made for another session (JupyterHub 5.4 set it at login from a
        not-yet-known session id, so the cookie's value was refused with "XSRF cookie does not match")."""
        if self._xsrf_token is None:
            home = self.http.get(self.server.url + "/hub/home", allow_redirects=False, timeout=30)
            found = re.search(r'xsrf_token: "([^"]+)"', home.text)
            if home.status_code != 200 or found is None:
                shown = f"HTTP {home.status_code}, {home.text[:500]}"
                raise AssertionError(f"{self.name}: /hub/home shows no xsrf_token (logged in?): {shown}")
            self._xsrf_token = found.group(1)
        return self._xsrf_token

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        """A hub API call with the login cookie and the session's XSRF token as ``X-XSRFToken``, as the hub's own
        pages make them."""
        headers = {"X-XSRFToken": self.xsrf_token()}
        return self.http.request(method, self.server.url + "/hub/api" + path, headers=headers, timeout=60, **kwargs)

    def request_server(self) -> requests.Response:
        return self.api("POST", f"/users/{self.name}/server")

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self.api("GET", f"/users/{self.name}").json()
            server = model["servers"].get("")
            if server and server["ready"]:
                pid = _server_pid(self.server, self.name)
                if pid:
                    self.server.server_pids[self.name] = pid
                return
            if not model.get("pending") and not server:
                raise RuntimeError(f"{self.name}'s server failed to start:\n{self.server.log_tail()}")
            time.sleep(0.3)
        raise RuntimeError(f"{self.name}'s server was not ready within {timeout:.0f} s:\n{self.server.log_tail()}")

    def api_token(self) -> str:
        """A token for this user's own server (what a notebook client uses), made through the hub API."""
        if self.token is None:
            reply = self.api("POST", f"/users/{self.name}/tokens", json={"note": "test", "expires_in": 3600})
            reply.raise_for_status()
            self.token = reply.json()["token"]
        return self.token

    def server_api(self, method: str, path: str, **kwargs) -> requests.Response:
        """A request to this user's own server's REST API (``path`` after /user/NAME/api), with their token."""
        return self.on_server(method, f"api{path}", **kwargs)

    def on_server(self, method: str, path: str, timeout: float = 60, **kwargs) -> requests.Response:
        """A request to any page of this user's own server (``path`` after /user/NAME/), with their token."""
        headers = {"Authorization": f"token {self.api_token()}"}
        url = f"{self.server.url}/user/{self.name}/{path}"
        return requests.request(method, url, headers=headers, timeout=timeout, **kwargs)

    def kernel(self) -> Kernel:
        return Kernel(self)


def _server_pid(server: ClassServer, name: str) -> int | None:
    return classroom.server_pids(server.settings).get(name)


# ---------------------------------------------------------------- a kernel through the single-user server


class KernelError(AssertionError):
    """Code run in a kernel raised; the message holds the kernel's traceback."""


class Kernel:
    """A kernel on a student's own server, driven over the server's websocket like JupyterLab drives it."""

    def __init__(self, student: Student, kernel_id: str | None = None, timeout: float = 60):
        self.student = student
        if kernel_id is None:
            reply = student.server_api("POST", "/kernels", json={"name": "python3"})
            reply.raise_for_status()
            kernel_id = reply.json()["id"]
        self.id = kernel_id
        self.ws: websocket.WebSocket | None = None
        self.connect(timeout)

    def connect(self, timeout: float = 60) -> None:
        """(Re)open the websocket, e.g. after the hub and its proxy were restarted."""
        if self.ws is not None:
            self.ws.close()
        url = self.student.server.url.replace("http", "ws", 1)
        self.ws = websocket.create_connection(
            f"{url}/user/{self.student.name}/api/kernels/{self.id}/channels",
            header=[f"Authorization: token {self.student.api_token()}"],
            timeout=timeout,
        )

    def run(self, code: str, timeout: float = 120) -> str:
        """Execute ``code``; its stdout once the kernel has replied AND gone idle (else outputs can go missing).

        Raises KernelError with the traceback when the code raised."""
        msg_id = uuid.uuid4().hex
        self.ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "username": self.student.name,
                        "session": uuid.uuid4().hex,
                        "msg_type": "execute_request",
                        "version": "5.3",
                        "date": "",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": {"code": code, "silent": False, "store_history": False, "allow_stdin": False},
                    "channel": "shell",
                    "buffers": [],
                }
            )
        )
        out, error, replied, idle = [], None, False, False
        deadline = time.monotonic() + timeout
        while not (replied and idle):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no reply and idle status within {timeout:.0f} s; stdout so far: {''.join(out)}")
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["header"]["msg_type"], msg["content"]
            if kind == "stream":
                out.append(content["text"])
            elif kind == "error":
                error = "\n".join(re.sub(r"\x1b\[[0-9;]*m", "", line) for line in content["traceback"])
            elif kind == "execute_reply":
                replied = True
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
        if error:
            raise KernelError(error)
        return "".join(out)

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
            self.ws = None


# ---------------------------------------------------------------- code the kernels run

PLAY_CASE = """
import json
import casebook
from casebook import handin
from casebook.progress import ProgressStore
from casebook.session import CaseSession

book = casebook.load()
case = book.cases[{case_id!r}]
store = ProgressStore()
store.alias = {alias!r}
session = CaseSession(book, case, alias={alias!r})
for question in case.key_questions:
    session.ask(question)
session.diagnose([case.diagnosis], 80)
session.decide(case.correct_steps[0].step)
session.submit()
store.record_session(session)
handed_in = handin.hand_in(store)
print(json.dumps({{"attempt_id": session.attempt_id, "store": str(store.path), "handin": str(handed_in)}}))
"""

OWN_ATTEMPTS = """
import json, tempfile
from pathlib import Path
from casebook.progress import ProgressStore
with ProgressStore() as own, tempfile.TemporaryDirectory() as tmp:
    own.export_jsonl(Path(tmp) / "all.jsonl")  # the store's own export: the format the hand-in uses
    lines = (Path(tmp) / "all.jsonl").read_text(encoding="utf-8").splitlines()
print(json.dumps([[r["alias"], r["case_id"], r["attempt_id"]] for r in map(json.loads, lines)]))
"""

TRY_TO_READ = """
import json
outcome = {{}}
for path in {paths!r}:
    try:
        with open(path, "rb") as f:
            f.read(16)
        outcome[path] = "read"
    except OSError as e:
        outcome[path] = type(e).__name__
print(json.dumps(outcome))
"""

CLASS_VIEW = """
import json
from casebook import analytics, handin
df, problems = analytics.read_folder(handin.handin_dir())
print(json.dumps({"attempts": sorted(map(list, zip(df["alias"], df["case_id"], df["attempt_id"]))),
                  "problems": [str(p) for p in problems]}))
"""
