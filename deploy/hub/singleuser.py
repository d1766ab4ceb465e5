"""A student's server on the class server: copy the notebooks they lack (never over their own), then run Jupyter.

JupyterHub starts this as the student (users mode) with the student's HOME, so the copy can only ever write into
the student's own home; it then runs JupyterHub's single-user server in the same process, with the same arguments.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from classroom.folders import copy_notebooks  # noqa: E402 - after the path line above


def main() -> None:
    home = Path(os.path.expanduser("~"))
    teacher = os.environ.get("CASEBOOK_HUB_ROLE") == "teacher"
    try:
        copied = copy_notebooks(home, teacher)
    except OSError as e:  # the server still starts: the student can open whatever is there
        print(f"casebook: could not copy the notebooks into {home / 'notebooks'}: {e}", file=sys.stderr)
    else:
        print(f"casebook: {len(copied)} notebook(s) copied into {home / 'notebooks'}", file=sys.stderr)
    # jsonschema imports rfc3987_syntax only to check "iri" formats, which no Jupyter schema uses, and building its
    # grammar costs 1.8 s of CPU at every server start (of about 4 s): with 30 students logging in at once on two
    # cores that is the difference between all servers up after about 40 s and after 68 s. Hidden, as casebook does.
    sys.modules.setdefault("rfc3987_syntax", None)
    from jupyterhub.singleuser import main as run_server

    sys.argv = ["jupyterhub-singleuser", *sys.argv[1:]]
    run_server()


if __name__ == "__main__":
    main()
