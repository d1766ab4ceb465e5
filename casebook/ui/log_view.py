"""A visible log for callback errors: a plain sentence for the student, the traceback for the teacher and the log."""

from __future__ import annotations

import functools
import logging
import traceback
from collections.abc import Callable

import ipywidgets as w

from ..i18n import Message, Translator, as_translator, error_message
from ..render import lang_attr, text_html
from .lifecycle import close_widgets

logger = logging.getLogger("casebook.ui")

SHOWN_LINES = 5  # the most recent sentences the page shows


class ErrorLog:
    """Shows every error raised inside a widget callback in the page, never swallowed.

    The student reads a plain sentence (what failed, that the work is kept, what to do) in the page's language; the
    full traceback goes to the ``casebook.ui`` logger (``exc_info``) for the developer, is kept as
    ``last_traceback`` and sits behind a "Details for your teacher" toggle under the sentence.
    """

    def __init__(self, lang: str | Translator | None = "en") -> None:
        self.t = as_translator(lang)
        self.lines: list[str] = []
        self.last_traceback = ""
        self.widget = w.HTML(value="", layout=w.Layout(display="none"))
        self.widget.add_class("cb-error-log")

    def report(self, where: str, error: BaseException) -> None:
        """Log ``error`` (raised while ``where``, e.g. "saving your attempt", already in the page's language) and
        show the student what happened."""
        logger.error("casebook widget callback failed while %s", where, exc_info=error)
        self.last_traceback = "".join(traceback.format_exception(error))
        t = self.t
        self.lines.append(
            t(
                "Something went wrong while {action}. What you did so far is kept: try again, "
                "and if it keeps happening, show your teacher the details below."
            ).format(action=where)
        )
        if len(error.args) == 1 and isinstance(error.args[0], Message):  # the core's own sentence for the student
            self.lines.append(error_message(error, t))
        sentences = "".join(f"<p>{text_html(line)}</p>" for line in self.lines[-SHOWN_LINES:])
        details = (
            f"<details><summary>{text_html(t('Details for your teacher'))}</summary>"
            f"<pre>{text_html(self.last_traceback)}</pre></details>"
        )
        self.widget.value = f'<div class="cb-log"{lang_attr(t)} role="alert">{sentences}{details}</div>'
        self.widget.layout.display = None

    def guard(self, where: str) -> Callable[[Callable], Callable]:
        """Decorate a callback so any exception lands in this log (``where`` completes "went wrong while ...": pass
        it translated, ``t.pgettext("while", "saving your attempt")``)."""

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

    def close(self) -> None:
        """Close the log's widget (and its layout)."""
        close_widgets(self.widget)
