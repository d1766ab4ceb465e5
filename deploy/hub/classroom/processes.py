"""The class server's processes: pid files, ports, the proxy that outlives the hub, and stopping it all."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

from .settings import PROXY, Settings, SetupError, private_dir


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
        private_dir(settings.hub_dir)
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


def pids_of_uid(uid: int) -> list[int]:
    """The live processes that run as ``uid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid and process_alive(int(entry.name)):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found
