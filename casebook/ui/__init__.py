"""The widget layer: the only package that imports ipywidgets or IPython."""

from .app import CaseApp
from .log_view import ErrorLog

__all__ = ["CaseApp", "ErrorLog"]
