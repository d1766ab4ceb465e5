"""The note at the top of a student notebook on where progress is kept here (Binder: it vanishes; a hub: it stays)."""

from __future__ import annotations

from IPython.display import HTML, display

from ..environment import progress_note
from ..render import text_html

# Dark text on a pale yellow with an amber rule (text 15:1, rule 3.2:1 on white): noticed, not alarming.
NOTE_STYLE = "border-left: 4px solid #a66a00; background: #fff8e6; color: #111; padding: 0.5em 0.8em; max-width: 60em;"


def note_html(text: str) -> str:
    """The note as HTML: escaped text in a box marked as a note for screen readers."""
    return f'<div class="cb-progress-note" role="note" style="{NOTE_STYLE}"><p>{text_html(text)}</p></div>'


def show_progress_note(lang: str | None = None) -> None:
    """Display the note on keeping progress when running on Binder or JupyterHub; on one's own computer, nothing."""
    text = progress_note(lang)
    if text:
        display(HTML(note_html(text)))
