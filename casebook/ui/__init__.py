"""The widget layer: the only package that imports ipywidgets or IPython."""

from pathlib import Path

from .alias_view import AliasView
from .app import CaseApp
from .compare_view import CompareView
from .export_view import ExportView
from .log_view import ErrorLog
from .picker_view import CasePicker
from .start_page import StartPage

# Jupyter data folder holding the casebook's Voila template ("casebook": Voila's lab template with a main landmark).
# Serve with it: JUPYTER_PATH=<this folder> voila --template=casebook NOTEBOOK
JUPYTER_DATA = Path(__file__).parent / "jupyter"
VOILA_TEMPLATE = "casebook"

__all__ = [
    "JUPYTER_DATA",
    "VOILA_TEMPLATE",
    "AliasView",
    "CaseApp",
    "CasePicker",
    "CompareView",
    "ErrorLog",
    "ExportView",
    "StartPage",
]
