"""The class server's command line: check and start the hub, create or remove the class's Unix users, stop it all.

python deploy/hub/hubctl.py start            # what `make hub` runs (HUB_MODE=demo: `make hub-demo`)
python deploy/hub/hubctl.py users create     # `make hub-users`: a Unix user and home per name (as root)
python deploy/hub/hubctl.py users remove     # `make hub-users-remove`: delete them and their homes (asks first)
python deploy/hub/hubctl.py stop             # `make hub-stop`: hub, proxy and every student's server
python deploy/hub/hubctl.py env              # the HUB_* variables, their values and defaults
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import classroom  # noqa: E402 - after the path line above
from classroom import SetupError  # noqa: E402

CONFIG = classroom.HERE / "jupyterhub_config.py"


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def preflight(settings: classroom.Settings) -> tuple[classroom.ClassList, str]:
    """Every check before the hub starts, each failing with a message that says what to change."""
    if settings.isolated and os.geteuid() != 0:
        raise SetupError(
            "HUB_MODE=users (the default) gives every student their own Unix user, so the hub must run as root: "
            "`sudo make hub`. To try the class server without isolation: `make hub-demo`."
        )
    if not (classroom.VENV_BIN / "jupyterhub").exists():
        raise SetupError(
            f"JupyterHub is not installed in {sys.prefix}: run `make install` (or pip install -e '.[hub]')."
        )
    if not classroom.PROXY.exists():
        raise SetupError(f"JupyterHub's proxy is missing ({classroom.PROXY}): run `make node_modules` (npm ci).")
    class_list = classroom.read_class_list(settings.class_list)
    classroom.check_not_running(settings)
    classroom.check_ports(settings)
    classroom.prepare_state(settings)
    classroom.passwords(settings)
    python = classroom.singleuser_python(settings)
    return class_list, python


def start(settings: classroom.Settings) -> None:
    class_list, python = preflight(settings)
    missing = classroom.missing_users(class_list) if settings.isolated else []
    mode = (
        "users: each student is their own Unix user"
        if settings.isolated
        else "DEMO: every server runs as " + ("root" if os.geteuid() == 0 else "this user") + ", no isolation"
    )
    lines = [
        f"Leg Pain Casebook class server: teacher {class_list.teacher}, {len(class_list.students)} students ({mode})",
        f"  open              {settings.public_url}",
        f"  class password    {_rel(classroom.password_file(settings, 'class'))}"
        + ("  (from HUB_CLASS_PASSWORD)" if os.environ.get("HUB_CLASS_PASSWORD") else ""),
        f"  teacher password  {_rel(classroom.password_file(settings, 'teacher'))}"
        + ("  (from HUB_TEACHER_PASSWORD)" if os.environ.get("HUB_TEACHER_PASSWORD") else ""),
        f"  hand-in folder    {_rel(settings.handin)}",
        f"  students' Python  {python}",
        "  Ctrl-C stops the hub and leaves the students' servers running (start it again and they are back);",
        "  `make hub-stop` stops everything.",
    ]
    if missing:
        lines.append(
            f"  WARNING: no Unix user yet for {', '.join(missing)}: run `make hub-users` (they cannot start a server)."
        )
    if not settings.isolated:
        lines.append("  WARNING: demo mode. Any student's code can read every other student's work. Not for a class.")
    print("\n".join(lines), flush=True)
    proxy = classroom.ensure_proxy(settings)
    print(f"  proxy             pid {proxy} (keeps running while the hub restarts)", flush=True)
    env = dict(os.environ, HUB_SINGLEUSER_PYTHON=python, HUB_PROXY_STARTED="1")
    env["PATH"] = f"{classroom.PROXY.parent}:{classroom.VENV_BIN}:{env.get('PATH', '/usr/bin:/bin')}"
    jupyterhub = classroom.VENV_BIN / "jupyterhub"
    os.chdir(settings.hub_dir)  # JupyterHub writes nothing else, but keep stray files out of the project
    for sig in (signal.SIGINT, signal.SIGTERM):  # a shell's background job ignores SIGINT; the hub's children must not
        signal.signal(sig, signal.SIG_DFL)
    os.execve(jupyterhub, [str(jupyterhub), "-f", str(CONFIG)], env)


def users(settings: classroom.Settings, action: str, yes: bool) -> None:
    if not settings.isolated:
        raise SetupError("Demo mode (HUB_MODE=demo) uses no Unix users; nothing to do.")
    class_list = classroom.read_class_list(settings.class_list)
    if action == "create":
        done = classroom.create_users(settings, class_list)
    else:
        names = list(class_list.everyone)
        if not yes:
            if not sys.stdin.isatty():
                raise SetupError("Removing users deletes their homes (their progress); add --yes to confirm.")
            answer = input(
                f"Delete the Unix users {', '.join(names)} and their homes (with their progress)? Type yes: "
            )
            if answer.strip().lower() != "yes":
                print("Nothing removed.")
                return
        done = classroom.remove_users(settings, names)
    print("\n".join(done))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hubctl.py", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("start", help="check everything, then run JupyterHub (what `make hub` runs)")
    users_parser = sub.add_parser("users", help="create or remove the class's Unix users (as root)")
    users_parser.add_argument("action", choices=["create", "remove"])
    users_parser.add_argument("--yes", action="store_true", help="remove without asking")
    sub.add_parser("stop", help="stop the hub, its proxy and every student's server")
    sub.add_parser("env", help="list the HUB_* variables with their values")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "env":
            for name, (default, help_text) in classroom.ENV_VARS.items():
                value = os.environ.get(name)
                shown = "(set)" if value and "PASSWORD" in name else value
                print(f"{name:24} {shown or '-':28} default {default or '-':28} {help_text}")
            return 0
        settings = classroom.settings_from_env()
        if args.command == "start":
            start(settings)
        elif args.command == "users":
            users(settings, args.action, args.yes)
        elif args.command == "stop":
            print("\n".join(classroom.stop_everything(settings)))
    except SetupError as e:
        print(f"hubctl: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
