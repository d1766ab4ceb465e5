"""The widget layer: the only package that imports ipywidgets or IPython."""

from .alias_view import AliasView
from .app import CaseApp
from .compare_view import CompareView
from .export_view import ExportView
from .log_view import ErrorLog
from .picker_view import CasePicker
from .start_page import StartPage

__all__ = ["AliasView", "CaseApp", "CasePicker", "CompareView", "ErrorLog", "ExportView", "StartPage"]
