"""JupyterHub configuration of the casebook's class server (started by `make hub`; every setting from HUB_* variables).

Read by `jupyterhub -f deploy/hub/jupyterhub_config.py`; deploy/hub/classroom.py holds the pieces and ENV_VARS lists
the variables. Users mode (the default): one Unix user per student (LocalProcessSpawner), homes 0700, a hand-in folder
the teacher's group reads. Demo mode: every server runs as the hub's own user (SimpleLocalProcessSpawner): no isolation.
"""

import os
import sys
from pathlib import Path

from jupyterhub.authenticators.shared import SharedPasswordAuthenticator
from tornado import web

sys.path.insert(0, str(Path(__file__).resolve().parent))
import classroom  # noqa: E402 - after the path line above

c = get_config()  # noqa: F821 - provided by JupyterHub when it reads this file

settings = classroom.settings_from_env()
class_list = classroom.read_class_list(settings.class_list)
class_password, teacher_password = classroom.passwords(settings)
classroom.prepare_state(settings)
python = classroom.singleuser_python(settings)


class ClassListAuthenticator(SharedPasswordAuthenticator):
    """The class password for the students on the class list, the teacher's password for the teacher (the hub's
    admin); a name not on the list or a wrong password gets a message that says which."""

    async def authenticate(self, handler, data):
        name = self.normalize_username((data or {}).get("username", "").strip())
        if not name:
            raise web.HTTPError(403, "Type your user name (as on the class list).")
        if name not in self.allowed_users and name not in self.admin_users:
            raise web.HTTPError(
                403, f"'{name}' is not on this class's list. Use the user name your teacher gave you (lower-case)."
            )
        user = await super().authenticate(handler, data)
        if user is None:
            which = "the teacher's password" if name in self.admin_users else "the class password your teacher gave you"
            raise web.HTTPError(403, f"Wrong password for '{name}'. Use {which}.")
        return user


class ClassSetupError(web.HTTPError):
    """A server cannot start because of the class server's set-up; JupyterHub shows ``jupyterhub_message`` to the user
    on every page that reports the failed start (an HTTPError passes through JupyterHub's spawn page unchanged)."""

    def __init__(self, message: str):
        super().__init__(500, message)
        self.jupyterhub_message = message


def _home(spawner) -> Path:
    return settings.home_of(spawner.user.name)


def _pre_spawn(spawner) -> None:
    """Before a server starts: the student's Unix user must exist (users mode); make their hand-in folder."""
    name = spawner.user.name
    if settings.isolated and not classroom.user_exists(name):
        raise ClassSetupError(
            f"There is no Unix user '{name}' on this machine yet. Teacher: run `make hub-users`, then try again."
        )
    if name != class_list.teacher:
        classroom.prepare_handin_folder(settings, name)


# ---------------------------------------------------------------- where the hub and the proxy listen, state
c.JupyterHub.bind_url = f"http://{settings.ip}:{settings.port}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{settings.api_port}"
# The proxy runs on its own (hubctl starts it and `make hub-stop` stops it), so a hub restart leaves the students'
# connections to their servers alone.
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.proxy_api_port}"
c.ConfigurableHTTPProxy.should_start = False
c.ConfigurableHTTPProxy.auth_token = classroom.proxy_token(settings)
c.JupyterHub.pid_file = str(classroom.hub_pid_file(settings))
c.JupyterHub.db_url = f"sqlite:///{settings.hub_dir / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(settings.hub_dir / "jupyterhub_cookie_secret")
# A hub restarted mid-seminar finds the students' servers and the proxy still running (kernels, open notebooks and
# progress untouched): stopping the hub leaves them alone; `make hub-stop` stops everything.
c.JupyterHub.cleanup_servers = False
if not os.environ.get("HUB_PROXY_STARTED"):  # `jupyterhub -f` run by hand, not through hubctl start
    classroom.ensure_proxy(settings)

# ---------------------------------------------------------------- who may log in
c.JupyterHub.authenticator_class = ClassListAuthenticator
c.Authenticator.allowed_users = set(class_list.students)
c.Authenticator.admin_users = {class_list.teacher}
c.SharedPasswordAuthenticator.user_password = class_password
c.SharedPasswordAuthenticator.admin_password = teacher_password
c.JupyterHub.template_vars = {
    "announcement_login": "Leg Pain Casebook class server: log in with your user name from the class list "
    "and the class password your teacher gives you."
}

# ---------------------------------------------------------------- each student's server
if settings.isolated:
    c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
else:
    c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
    c.SimpleLocalProcessSpawner.home_dir_template = str(settings.homes / "{username}")
c.Spawner.cmd = [python, str(classroom.HERE / "singleuser.py")]
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/lab/tree/notebooks/00-start-here.ipynb"
c.Spawner.environment = {
    "CASEBOOK_HOME": lambda spawner: str(_home(spawner) / ".local" / "share" / "casebook"),
    "CASEBOOK_HANDIN_DIR": str(settings.handin),
    "CASEBOOK_HUB_ROLE": lambda spawner: "teacher" if spawner.user.name == class_list.teacher else "student",
    "PATH": f"{Path(python).parent}:/usr/local/bin:/usr/bin:/bin",
    # The casebook's server settings (websocket messages up to 100 MiB: see jupyter-config/README.md).
    "JUPYTER_CONFIG_PATH": str(classroom.HERE.parent.parent / "jupyter-config"),
}
c.Spawner.pre_spawn_hook = _pre_spawn
c.Spawner.args = [
    # Kernels no browser tab is connected to (a closed Voila page, a closed notebook) are stopped after a while;
    # a kernel with a tab open is never stopped, so a student who thinks for a long time loses nothing.
    f"--MappingKernelManager.cull_idle_timeout={settings.cull_kernel_seconds}",
    "--MappingKernelManager.cull_interval=60",
    "--MappingKernelManager.cull_connected=False",
    # No pop-up asking students about Jupyter news, and no update checks, on a machine that serves a class: the
    # defaults in lab-settings/overrides.json (a student may still change them in their own settings).
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    f"--LabApp.app_settings_dir={classroom.HERE / 'lab-settings'}",
]
if not settings.isolated and os.geteuid() == 0:
    c.Spawner.args.append("--allow-root")  # demo mode as root: every student's server runs as root (no isolation)
# Measured on two cores: 19 servers started at once were all up after 43 s (each start costs about 2 s of CPU), so
# a class of 60 starting together needs about 2 minutes; the timeouts leave room for that.
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 240

# ---------------------------------------------------------------- servers nobody uses are stopped
if settings.cull_server_seconds:
    try:
        import jupyterhub_idle_culler  # noqa: F401 - only to know whether it is installed
    except ImportError:
        print("jupyterhub-idle-culler is not installed: idle servers keep running (pip install '.[hub]')")
    else:
        c.JupyterHub.services = [
            {
                "name": "idle-culler",
                "command": [
                    sys.executable,
                    "-m",
                    "jupyterhub_idle_culler",
                    f"--timeout={settings.cull_server_seconds}",
                    f"--cull-every={max(60, settings.cull_server_seconds // 10)}",
                ],
            }
        ]
        c.JupyterHub.load_roles = [
            {
                "name": "idle-culler",
                "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
                "services": ["idle-culler"],
            }
        ]
