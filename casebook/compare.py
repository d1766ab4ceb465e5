"""Side-by-side comparison of condition texts as a pandas table (pandas imported only here)."""

from __future__ import annotations

from collections.abc import Sequence

from .model import Casebook, format_sources
from .render import text_html

ROWS = (
    ("Summary", lambda c, t: t(c.summary)),
    ("Who and triggers", lambda c, t: "\n".join(t(x) for x in c.who_and_triggers)),
    ("Key features", lambda c, t: "\n".join(t(f.text) for f in c.key_features)),
    ("Examination", lambda c, t: "\n".join(t(x) for x in c.exam_findings)),
    ("Investigations", lambda c, t: "\n".join(t(x) for x in c.investigations)),
    ("Management", lambda c, t: "\n".join(t(x) for x in c.management)),
    ("Red flags", lambda c, t: "\n".join(t(x) for x in c.red_flags) or "—"),
    ("Sources", lambda c, t: format_sources(c.sources)),
)


def comparison_table(book: Casebook, condition_ids: Sequence[str], lang: str = "en"):
    """A DataFrame with one column per condition and one row per aspect, plus how each pair is told apart."""
    import pandas as pd

    ids = list(dict.fromkeys(condition_ids))
    unknown = [c for c in ids if c not in book.conditions]
    if unknown:
        raise KeyError(f"unknown condition '{unknown[0]}' (run 'casebook conditions' to see the ids)")
    if not 2 <= len(ids) <= 4:
        raise ValueError(f"compare 2 to 4 conditions, not {len(ids)}")
    conds = [book.conditions[c] for c in ids]
    t = lambda text: text.get(lang)  # noqa: E731
    index = [name for name, _ in ROWS] + [f"Told apart from {t(o.name)}" for o in conds]
    data = {}
    for c in conds:
        cells = [fn(c, t) for _, fn in ROWS]
        for o in conds:
            apart = c.how_to_tell_from(o.id) if o.id != c.id else None
            cells.append(t(apart) if apart else "—")
        data[t(c.name)] = cells
    return pd.DataFrame(data, index=index)


def comparison_html(frame) -> str:
    """A comparison table (or some of its rows) as escaped HTML, each listed item on its own line.

    (pandas' own ``to_html`` shows the line breaks as a literal backslash-n.) The corner cell names the row labels,
    so every header cell has text for screen readers.
    """
    head = "".join(f'<th scope="col">{text_html(col)}</th>' for col in frame.columns)
    rows = "".join(
        f'<tr><th scope="row">{text_html(label)}</th>'
        + "".join(f"<td>{text_html(cell).replace(chr(10), '<br>')}</td>" for cell in row)
        + "</tr>"
        for label, row in zip(frame.index, frame.itertuples(index=False), strict=True)
    )
    return (
        '<table class="cb-compare"><thead><tr><th scope="col">Aspect</th>'
        f"{head}</tr></thead><tbody>{rows}</tbody></table>"
    )
