"""The class server's settings, class list, folders, checks and Unix users, for its config, hubctl and the tests."""

from __future__ import annotations

import grp
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent  # the project venv: the hub, the casebook and the tools live in it
PROXY = REPO / "node_modules" / ".bin" / "configurable-http-proxy"
# Every Unix user this tool creates carries this comment (GECOS); only such users are ever changed or removed.
MARKER = "casebook class server"
NAME_RULE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")  # a Unix user name and a JupyterHub name at once
STUDENT_NOTEBOOKS = ("00-start-here.ipynb", "student")  # what a student's home gets; the teacher gets every notebook

# Every setting, with its default and what it is for (README "Run a class server" and `hubctl.py env` list them).
ENV_VARS: dict[str, tuple[str, str]] = {
    "HUB_IP": ("127.0.0.1", "address the hub listens on (0.0.0.0 to serve the room's network)"),
    "HUB_PORT": ("8000", "port students open in the browser"),
    "HUB_API_PORT": ("8081", "port of the hub's internal API (loopback only)"),
    "HUB_PROXY_API_PORT": ("8001", "port of the proxy's internal API (loopback only)"),
    "HUB_STATE": (".hub-state", "state folder: hub database, passwords, logs, hand-in folder (and demo homes)"),
    "HUB_HOMES": ("/home", "where `make hub-users` creates the students' homes (demo mode: HUB_STATE/homes)"),
    "HUB_CLASS_LIST": ("deploy/hub/class-list.txt", "the class list: the teacher's line, then one student per line"),
    "HUB_MODE": (
        "users",
        "users: one Unix user per student (isolated; needs root); demo: one shared user (no isolation)",
    ),
    "HUB_TEACHER_GROUP": ("casebook-teachers", "Unix group that may read the hand-in folder (the teacher's)"),
    "HUB_CLASS_PASSWORD": (
        "",
        "the students' shared password (8+ characters); made up and kept in HUB_STATE when unset",
    ),
    "HUB_TEACHER_PASSWORD": ("", "the teacher's password (32+ characters); made up and kept in HUB_STATE when unset"),
    "HUB_CULL_KERNEL_SECONDS": ("1800", "a kernel no browser tab is connected to is stopped after this long"),
    "HUB_CULL_SERVER_SECONDS": ("3600", "a student's server nobody has used is stopped after this long"),
    "HUB_SINGLEUSER_PYTHON": ("", "Python for the students' servers; chosen and checked automatically when unset"),
}


class SetupError(RuntimeError):
    """The class server cannot start as configured; the message says what is wrong and how to fix it."""


def env_default(name: str) -> str:
    return ENV_VARS[name][0]


# ---------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    """The class server's configuration, read from HUB_* environment variables (see ENV_VARS)."""

    ip: str
    port: int
    api_port: int
    proxy_api_port: int
    state: Path
    homes: Path
    class_list: Path
    mode: str
    teacher_group: str
    cull_kernel_seconds: int
    cull_server_seconds: int
    singleuser_python: str

    @property
    def hub_dir(self) -> Path:
        """Private to the hub (root): database, cookie secret, passwords, pid files, logs."""
        return self.state / "hub"

    @property
    def handin(self) -> Path:
        """The class's hand-in folder: one subfolder per student, readable by the teacher's group."""
        return self.state / "hand-in"

    @property
    def public_url(self) -> str:
        host = "127.0.0.1" if self.ip in ("", "0.0.0.0") else self.ip
        return f"http://{host}:{self.port}/"

    @property
    def isolated(self) -> bool:
        return self.mode == "users"

    def home_of(self, name: str) -> Path:
        """Where ``name``'s home is (users mode: from the system's user database when the user exists)."""
        if self.isolated:
            try:
                return Path(pwd.getpwnam(name).pw_dir)
            except KeyError:
                return self.homes / name
        return self.homes / name


def _int_setting(environ: Mapping[str, str], name: str, low: int, high: int) -> int:
    text = (environ.get(name) or env_default(name)).strip()
    try:
        value = int(text)
    except ValueError:
        raise SetupError(f"{name}={text!r} is not a whole number; {ENV_VARS[name][1]}.") from None
    if not low <= value <= high:
        raise SetupError(f"{name}={value} is out of range ({low} to {high}); {ENV_VARS[name][1]}.")
    return value


def _path_setting(environ: Mapping[str, str], name: str, default: str | None = None) -> Path:
    text = (environ.get(name) or default or env_default(name)).strip()
    path = Path(text).expanduser()
    return (path if path.is_absolute() else REPO / path).resolve()


def settings_from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings from HUB_* variables (defaults in ENV_VARS); SetupError naming the variable when one is unusable."""
    env = os.environ if environ is None else environ
    mode = (env.get("HUB_MODE") or env_default("HUB_MODE")).strip().lower()
    if mode not in ("users", "demo"):
        raise SetupError(f"HUB_MODE={mode!r} is not a mode: use 'users' (one Unix user per student) or 'demo'.")
    state = _path_setting(env, "HUB_STATE")
    homes = _path_setting(env, "HUB_HOMES", None if mode == "users" or env.get("HUB_HOMES") else str(state / "homes"))
    ports = {name: _int_setting(env, name, 1, 65535) for name in ("HUB_PORT", "HUB_API_PORT", "HUB_PROXY_API_PORT")}
    if len(set(ports.values())) < 3:
        raise SetupError(
            "HUB_PORT, HUB_API_PORT and HUB_PROXY_API_PORT must be three different ports; now "
            + ", ".join(f"{k}={v}" for k, v in ports.items())
            + "."
        )
    group = (env.get("HUB_TEACHER_GROUP") or env_default("HUB_TEACHER_GROUP")).strip()
    if not NAME_RULE.match(group):
        raise SetupError(f"HUB_TEACHER_GROUP={group!r} is not a usable group name (a-z, 0-9, '-', '_').")
    return Settings(
        ip=(env.get("HUB_IP") or env_default("HUB_IP")).strip(),
        port=ports["HUB_PORT"],
        api_port=ports["HUB_API_PORT"],
        proxy_api_port=ports["HUB_PROXY_API_PORT"],
        state=state,
        homes=homes,
        class_list=_path_setting(env, "HUB_CLASS_LIST"),
        mode=mode,
        teacher_group=group,
        cull_kernel_seconds=_int_setting(env, "HUB_CULL_KERNEL_SECONDS", 0, 7 * 86400),
        cull_server_seconds=_int_setting(env, "HUB_CULL_SERVER_SECONDS", 0, 7 * 86400),
        singleuser_python=(env.get("HUB_SINGLEUSER_PYTHON") or "").strip(),
    )


# ---------------------------------------------------------------- class list


@dataclass(frozen=True)
class ClassList:
    """The teacher (the hub's admin) and the students, as written in the class list file."""

    teacher: str
    students: tuple[str, ...]

    @property
    def everyone(self) -> tuple[str, ...]:
        return (self.teacher, *self.students)


CLASS_LIST_HELP = (
    "Write one name per line: first 'teacher: NAME', then each student's user name "
    "(lower-case letters, digits, '-' or '_', starting with a letter, at most 32 characters); '#' starts a comment. "
    "deploy/hub/class-list.example.txt is an example."
)


def read_class_list(path: Path) -> ClassList:
    """The class list at ``path``; SetupError naming the file, the line and the fix when it is missing or wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SetupError(
            f"There is no class list at {path}. Copy deploy/hub/class-list.example.txt there (or set HUB_CLASS_LIST) "
            f"and list your class. {CLASS_LIST_HELP}"
        ) from None
    except (OSError, UnicodeDecodeError) as e:
        raise SetupError(f"The class list {path} cannot be read ({e}).") from None
    teacher: str | None = None
    students: list[str] = []
    seen: dict[str, int] = {}
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        is_teacher = line.lower().startswith("teacher:")
        name = line.split(":", 1)[1].strip() if is_teacher else line
        if not NAME_RULE.match(name):
            problems.append(f"  line {number}: {name!r} is not a usable user name")
            continue
        if name in seen:
            problems.append(f"  line {number}: {name!r} is already on line {seen[name]}")
            continue
        seen[name] = number
        if is_teacher:
            if teacher is not None:
                problems.append(
                    f"  line {number}: a second teacher line (the teacher is {teacher!r}, line {seen[teacher]})"
                )
                continue
            teacher = name
        else:
            students.append(name)
    if teacher is None:
        problems.append("  no 'teacher: NAME' line (the teacher is the hub's admin and reads the hand-ins)")
    if not students:
        problems.append("  no students")
    if problems:
        raise SetupError(f"The class list {path} has problems:\n" + "\n".join(problems) + f"\n{CLASS_LIST_HELP}")
    return ClassList(teacher, tuple(students))


# ---------------------------------------------------------------- passwords

CLASS_PASSWORD_MIN, TEACHER_PASSWORD_MIN = 8, 32  # JupyterHub's SharedPasswordAuthenticator demands these lengths
_WORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off a slide without mistakes


def _made_up_class_password() -> str:
    return "-".join("".join(secrets.choice(_WORD_ALPHABET) for _ in range(4)) for _ in range(3))


def password_file(settings: Settings, who: str) -> Path:
    return settings.hub_dir / f"{who}-password"


def passwords(settings: Settings, environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(class password, teacher password): from HUB_CLASS_PASSWORD / HUB_TEACHER_PASSWORD, else made up once and kept
    (mode 0600) in HUB_STATE/hub/class-password and teacher-password; SetupError when one is too short or both match."""
    env = os.environ if environ is None else environ
    found: dict[str, str] = {}
    for who, variable, minimum, make in (
        ("class", "HUB_CLASS_PASSWORD", CLASS_PASSWORD_MIN, _made_up_class_password),
        ("teacher", "HUB_TEACHER_PASSWORD", TEACHER_PASSWORD_MIN, lambda: secrets.token_urlsafe(24)),
    ):
        value = (env.get(variable) or "").strip()
        source = variable
        if not value:
            path = password_file(settings, who)
            if not path.exists():
                _private_dir(settings.hub_dir)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(make() + "\n")
            value, source = path.read_text(encoding="utf-8").strip(), str(path)
        if len(value) < minimum:
            raise SetupError(
                f"The {who} password from {source} has {len(value)} characters; it needs at least {minimum}."
            )
        found[who] = value
    if found["class"] == found["teacher"]:
        raise SetupError("The class password and the teacher's password must differ.")
    return found["class"], found["teacher"]


# ---------------------------------------------------------------- folders


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)


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
    _private_dir(settings.hub_dir)
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


# ---------------------------------------------------------------- ports and processes


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    return inodes


def port_holder(port: int) -> tuple[int, str] | None:
    """(pid, command line) of the process listening on ``port``, when /proc tells (needs root for others' processes)."""
    inodes = _listening_inodes(port)
    if not inodes:
        return None
    targets = {f"socket:[{i}]" for i in inodes}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) in targets:
                    return int(entry.name), command_line(int(entry.name))
        except OSError:
            continue
    return None


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def port_free(ip: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((ip or "0.0.0.0", port))
        except OSError:
            return False
    return True


def read_pid(path: Path) -> int | None:
    """The live process id in a pid file, or None (no file, garbage, or the process is gone)."""
    try:
        pid = int(path.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if process_alive(pid) else None


def process_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def hub_pid_file(settings: Settings) -> Path:
    return settings.hub_dir / "jupyterhub.pid"


def proxy_pid_file(settings: Settings) -> Path:
    return settings.hub_dir / "proxy.pid"


def check_not_running(settings: Settings) -> None:
    """SetupError when this state folder's hub is already running."""
    pid = read_pid(hub_pid_file(settings))
    if pid is not None and "jupyterhub" in command_line(pid):
        raise SetupError(
            f"The class server for {settings.state} is already running (pid {pid}, {settings.public_url}). "
            "Open it, or stop it first with `make hub-stop`."
        )


def check_ports(settings: Settings) -> None:
    """SetupError naming the variable to change when one of the hub's three ports is taken by another program.

    The proxy of this state folder's previous hub may still hold HUB_PORT: JupyterHub replaces it itself."""
    own_proxy = read_pid(proxy_pid_file(settings))
    for variable, ip, port in (
        ("HUB_PORT", settings.ip, settings.port),
        ("HUB_API_PORT", "127.0.0.1", settings.api_port),
        ("HUB_PROXY_API_PORT", "127.0.0.1", settings.proxy_api_port),
    ):
        if port_free(ip, port):
            continue
        holder = port_holder(port)
        if holder is not None and own_proxy is not None and holder[0] == own_proxy:
            continue
        who = f" by pid {holder[0]} ({holder[1][:120]})" if holder else ""
        raise SetupError(
            f"Port {port} ({variable}) is in use{who}. Stop that program or choose another port, "
            f"for example `{variable}={_free_port_near(port)} make hub`."
        )


def _free_port_near(port: int) -> int:
    for candidate in range(port + 10, min(port + 200, 65535)):
        if port_free("127.0.0.1", candidate):
            return candidate
    return port + 10


# ---------------------------------------------------------------- the proxy, kept running across hub restarts


def proxy_token(settings: Settings) -> str:
    """The proxy's API token, made up once and kept (0600) in HUB_STATE/hub/proxy-token."""
    path = settings.hub_dir / "proxy-token"
    if not path.exists():
        _private_dir(settings.hub_dir)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(secrets.token_hex(32) + "\n")
    return path.read_text(encoding="utf-8").strip()


def proxy_command(settings: Settings) -> list[str]:
    hub = f"http://127.0.0.1:{settings.api_port}"
    return [
        str(PROXY),
        *("--ip", settings.ip, "--port", str(settings.port)),
        *("--api-ip", "127.0.0.1", "--api-port", str(settings.proxy_api_port)),
        *("--default-target", hub, "--error-target", f"{hub}/hub/error", "--log-level", "warn"),
    ]


def ensure_proxy(settings: Settings) -> int:
    """The proxy's process id, starting it when this state folder's proxy is not running with these settings.

    The proxy is started here, not by JupyterHub, and outlives the hub (as Zero to JupyterHub runs it apart): while
    the hub restarts, the students' open notebooks keep talking to their own servers through it."""
    token = proxy_token(settings)
    pid = read_pid(proxy_pid_file(settings))
    if pid is not None and "configurable-http-proxy" in command_line(pid):
        if command_line(pid).endswith(" ".join(proxy_command(settings)[1:])):
            return pid
        stop_pid(pid)  # started with other ports: replace it
    log = open(settings.hub_dir / "proxy.log", "a", encoding="utf-8")  # noqa: SIM115 - the child keeps it
    env = dict(os.environ, CONFIGPROXY_AUTH_TOKEN=token)
    proc = subprocess.Popen(
        proxy_command(settings),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    log.close()
    proxy_pid_file(settings).write_text(str(proc.pid), encoding="utf-8")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = (settings.hub_dir / "proxy.log").read_text(encoding="utf-8", errors="replace")[-800:]
            raise SetupError(f"The proxy stopped at once (exit code {proc.returncode}):\n{tail}")
        if not port_free("127.0.0.1", settings.proxy_api_port):
            return proc.pid
        time.sleep(0.1)
    raise SetupError(f"The proxy did not open port {settings.proxy_api_port} (HUB_PROXY_API_PORT) within 20 s.")


# ---------------------------------------------------------------- the students' Python

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


# ---------------------------------------------------------------- Unix users (users mode, as root)


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
        busy = [p for p in _pids_of_uid(pwd.getpwnam(name).pw_uid)]
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


def _pids_of_uid(uid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid and process_alive(int(entry.name)):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


# ---------------------------------------------------------------- stopping everything


def server_pids(settings: Settings) -> dict[str, int]:
    """The students' single-user servers this state folder's hub started and that still run: {user: pid}."""
    db = settings.hub_dir / "jupyterhub.sqlite"
    if not db.exists():
        return {}
    found = {}
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        try:
            rows = conn.execute(
                "SELECT users.name, spawners.state FROM spawners JOIN users ON users.id = spawners.user_id"
            ).fetchall()
        except sqlite3.Error:
            return {}
    for name, state in rows:
        try:
            pid = int(json.loads(state or "{}").get("pid") or 0)
        except (ValueError, TypeError, AttributeError):
            continue
        if pid and process_alive(pid) and "singleuser" in command_line(pid):
            found[name] = pid
    return found


def stop_pid(pid: int, grace: float = 10.0) -> None:
    """SIGTERM, then SIGKILL after ``grace`` seconds."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not process_alive(pid):
                return
            time.sleep(0.1)


def stop_everything(settings: Settings) -> list[str]:
    """Stop this state folder's hub, its proxy and every student's server (each by its recorded process id)."""
    done = []
    hub = read_pid(hub_pid_file(settings))
    if hub is not None and "jupyterhub" in command_line(hub):
        stop_pid(hub, grace=20)
        done.append(f"hub stopped (pid {hub})")
    proxy = read_pid(proxy_pid_file(settings))
    if proxy is not None and "configurable-http-proxy" in command_line(proxy):
        stop_pid(proxy)
        done.append(f"proxy stopped (pid {proxy})")
    for name, pid in server_pids(settings).items():
        stop_pid(pid)
        done.append(f"{name}'s server stopped (pid {pid})")
    return done or ["nothing was running"]
