"""The class server's settings (HUB_* variables), its class list and its passwords."""

from __future__ import annotations

import os
import pwd
import re
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parents[1]  # deploy/hub
VENV_BIN = Path(sys.executable).parent  # the project venv: the hub, the casebook and the tools live in it
PROXY = REPO / "node_modules" / ".bin" / "configurable-http-proxy"
NAME_RULE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")  # a Unix user name and a JupyterHub name at once

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
                private_dir(settings.hub_dir)
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


def private_dir(path: Path) -> None:
    """Create ``path`` (and its parents) readable by its owner only."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
