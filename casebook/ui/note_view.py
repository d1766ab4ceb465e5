"""The notes at the top of a student notebook: where progress is kept here (Binder: it vanishes; a hub: it stays), and
one line on what to do, in the student's language."""

from __future__ import annotations

from IPython.display import HTML, display

from ..environment import progress_note
from ..i18n import N_, Translator, format_percent, translator_for
from ..render import lang_attr, text_html

# Dark text on a pale yellow with an amber rule (text 15:1, rule 3.2:1 on white): noticed, not alarming.
NOTE_STYLE = "border-left: 4px solid #a66a00; background: #fff8e6; color: #111; padding: 0.5em 0.8em; max-width: 60em;"


def note_html(text: str, lang: str | Translator | None = "en") -> str:
    """The note as HTML: escaped text in a box marked as a note for screen readers, in the language of its text."""
    return (
        f'<div class="cb-progress-note"{lang_attr(lang)} role="note" style="{NOTE_STYLE}">'
        f"<p>{text_html(text)}</p></div>"
    )


def show_progress_note(lang: str | Translator | None = None) -> None:
    """Display the note on keeping progress when running on Binder or JupyterHub, in ``lang`` (default:
    $CASEBOOK_LANG, then English); on one's own computer, nothing."""
    t = translator_for(lang)
    text = progress_note(t)
    if text:
        display(HTML(note_html(text, t)))


# One line per student notebook on what to do first (the notebooks' markdown stays English; this line follows the
# language the student chose). English msgids, translated where shown.
INTROS = {
    "play": N_(
        "Work through the patient below: take the history, examine, then choose your diagnosis and next step and "
        "press Submit to read the feedback."
    ),
    "random": N_(
        "A case you have not done yet: work through it below, then press Next case for another one you have not done."
    ),
    "compare": N_("Choose two to four conditions below and press Compare to see them side by side."),
    "progress": N_(
        "Your attempts so far, in figures and tables below; Download my progress and Upload progress are at the end "
        "of the page."
    ),
    "progress_demo": N_(
        "Demo data: you have no saved attempts yet, so this page shows the made-up student {student}. Play a case "
        "in 01-play-a-case or 02-random-case, then run this notebook again to see your own attempts."
    ),
    "progress_own": N_("Your attempts, saved as {alias}."),
    "progress_no_alias": N_("Your attempts (no alias saved yet)."),
    "done_so_far": N_("{n} of {total} cases done so far."),
    "not_done": N_("Cases not done yet: {n} of {total}."),
    "nothing_handed_in": N_("Nothing handed in yet: run this notebook again once students have submitted cases."),
}
DEMO_CLASS = N_("Made-up demo class (casebook/demo/class)")


def intro_html(key: str, lang: str | Translator | None = None, **values: str) -> str:
    """A notebook's line on what to do (``INTROS[key]``, its ``{placeholders}`` filled from ``values``), as HTML in
    the reader's language."""
    t = translator_for(lang)
    text = t(INTROS[key]).format(**values) if values else t(INTROS[key])
    return f'<p class="cb-intro"{lang_attr(t)}><b>{text_html(text)}</b></p>'


def show_intro(key: str, lang: str | Translator | None = None, **values: str) -> None:
    """Display a notebook's line on what to do (see :data:`INTROS`) in ``lang``."""
    display(HTML(intro_html(key, lang, **values)))


def intro_text(key: str, lang: str | Translator | None = None, **values: object) -> str:
    """A notebook's line (``INTROS[key]``) as plain text in ``lang``, for ``print``."""
    t = translator_for(lang)
    return t(INTROS[key]).format(**values) if values else t(INTROS[key])


def class_overview(summary: dict, where: str, lang: str | Translator | None = None) -> list[str]:
    """The class dashboard's first lines in ``lang``: what was read (from ``analytics.class_summary``) and what was
    skipped. ``where``: the hand-in folder, or ``DEMO_CLASS`` for the made-up class (translated)."""
    t = translator_for(lang)
    attempts, students, cases = summary["attempts"], summary["students"], summary["cases"]
    unsafe, problems, files = summary["unsafe_steps"], summary["problems"], summary["files_with_problems"]
    read = t("{where}: {attempts} by {students} on {cases}; right leading diagnosis in {share}; {unsafe}.").format(
        where=t(where),
        attempts=t.ngettext("{n} attempt", "{n} attempts", attempts).format(n=attempts),
        students=t.ngettext("{n} student", "{n} students", students).format(n=students),
        cases=t.ngettext("{n} case", "{n} cases", cases).format(n=cases),
        share=format_percent(100 * summary["accuracy"], t, 1),
        unsafe=t.ngettext("{n} unsafe next step", "{n} unsafe next steps", unsafe).format(n=unsafe),
    )
    skipped = t("Skipped: {problems} in {files} (listed below).").format(
        problems=t.ngettext("{n} problem", "{n} problems", problems).format(n=problems),
        files=t.ngettext("{n} file", "{n} files", files).format(n=files),
    )
    return [read, skipped]
