"""The core modules never load the widget libraries."""

import subprocess
import sys

CORE = [
    "casebook",
    "casebook.model",
    "casebook.attempts",
    "casebook.console",
    "casebook.loading",
    "casebook.validation",
    "casebook.session",
    "casebook.feedback",
    "casebook.render",
    "casebook.answers",
    "casebook.selection",
    "casebook.compare",
    "casebook.cli",
]
OPTIONAL_CORE = [
    "casebook.progress",
    "casebook.analytics",
    "casebook.plots",
    "casebook.report",
    "casebook.handout",
    "casebook.demo",
]


def test_core_modules_do_not_import_ipywidgets_or_ipython():
    """Importing every core module in a fresh interpreter loads neither ipywidgets nor IPython."""
    code = (
        "import importlib, importlib.util, sys\n"
        f"mods = {CORE!r} + [m for m in {OPTIONAL_CORE!r} if importlib.util.find_spec(m)]\n"
        "for m in mods: importlib.import_module(m)\n"
        "print(len(mods), sorted(k for k in sys.modules if k.split('.')[0] in ('ipywidgets', 'IPython')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split(" ", 1)
    assert int(out[0]) >= len(CORE)
    assert out[1].strip() == "[]"


def test_the_ui_package_does_load_ipywidgets():
    """The check above can fail: importing the ui package does load ipywidgets."""
    code = "import sys, casebook.ui; print('ipywidgets' in sys.modules)"
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
        == "True"
    )
