"""A visible log for callback errors: JupyterLab would otherwise swallow them."""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable
from html import escape

import ipywidgets as w


class ErrorLog:
    """Shows every error raised inside a widget callback, in the page, never swallowed."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.widget = w.HTML(value="", layout=w.Layout(display="none"))
        self.widget.add_class("cb-error-log")

    def report(self, where: str, error: BaseException) -> None:
        self.lines.append(f"Something went wrong in {where}: {type(error).__name__}: {error}")
        self.last_traceback = "".join(traceback.format_exception(error))
        self.widget.value = (
            '<div class="cb-log" role="alert">' + "<br>".join(escape(line) for line in self.lines[-5:]) + "</div>"
        )
        self.widget.layout.display = None

    def guard(self, where: str) -> Callable[[Callable], Callable]:
        """Decorate a callback so any exception lands in this log."""

        def wrap(func: Callable) -> Callable:
            @functools.wraps(func)
            def inner(*args, **kwargs):
                try:
                    return func(*args, **kwargs)
                except Exception as e:  # noqa: BLE001 - every callback error must reach the student visibly
                    self.report(where, e)
                    return None

            return inner

        return wrap
