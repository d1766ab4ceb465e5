"""Side-by-side comparison of condition texts as a pandas table (pandas imported only here)."""

from __future__ import annotations

from collections.abc import Sequence

from .i18n import M_, N_, Translator, as_translator
from .model import Casebook, format_sources
from .render import lang_attr, text_html

# (aspect id, English row label translated where shown, the cell of one condition): the table's rows in order.
ROWS = (
    ("summary", N_("Summary"), lambda c, txt, t: txt(c.summary)),
    ("who_and_triggers", N_("Who and triggers"), lambda c, txt, t: "\n".join(txt(x) for x in c.who_and_triggers)),
    ("key_features", N_("Key features"), lambda c, txt, t: "\n".join(txt(f.text) for f in c.key_features)),
    ("examination", N_("Examination"), lambda c, txt, t: "\n".join(txt(x) for x in c.exam_findings)),
    ("investigations", N_("Investigations"), lambda c, txt, t: "\n".join(txt(x) for x in c.investigations)),
    ("management", N_("Management"), lambda c, txt, t: "\n".join(txt(x) for x in c.management)),
    ("red_flags", N_("Red flags"), lambda c, txt, t: "\n".join(txt(x) for x in c.red_flags) or "—"),
    ("sources", N_("Sources"), lambda c, txt, t: format_sources(c.sources, t)),
)
TOLD_APART = "told_apart"  # the aspect of the last rows: how each condition is told apart from each other one
ASPECTS = (*(aspect for aspect, _, _ in ROWS), TOLD_APART)


def comparison_table(
    book: Casebook,
    condition_ids: Sequence[str],
    lang: str | Translator | None = "en",
    aspects: Sequence[str] | None = None,
):
    """A DataFrame with one column per condition (its name) and one row per aspect, plus how each pair is told apart,
    names, labels and texts in ``lang``. ``aspects`` keeps only those rows, in the table's order (ids of ASPECTS, e.g.
    ``("key_features", "told_apart")``), so code never selects rows by their translated labels."""
    import pandas as pd

    t = as_translator(lang)
    ids = list(dict.fromkeys(condition_ids))
    unknown = [c for c in ids if c not in book.conditions]
    if unknown:
        raise KeyError(M_("unknown condition '{id}' (run 'casebook conditions' to see the ids)", id=unknown[0]))
    if not 2 <= len(ids) <= 4:
        raise ValueError(M_("compare 2 to 4 conditions, not {n}", n=len(ids)))
    wanted = set(ASPECTS if aspects is None else aspects)
    if wanted - set(ASPECTS):
        unknown_aspect = sorted(wanted - set(ASPECTS))[0]
        raise ValueError(M_("unknown aspect '{id}': use one of {ids}", id=unknown_aspect, ids=", ".join(ASPECTS)))
    conds = [book.conditions[c] for c in ids]
    txt = lambda text: text.get(t.lang)  # noqa: E731 - a content text in the table's language
    rows = [(label, fn) for aspect, label, fn in ROWS if aspect in wanted]
    index = [t(label) for label, _ in rows]
    if TOLD_APART in wanted:
        index += [t("Told apart from {condition}").format(condition=txt(o.name)) for o in conds]
    data = {}
    for c in conds:
        cells = [fn(c, txt, t) for _, fn in rows]
        if TOLD_APART in wanted:
            for o in conds:
                apart = c.how_to_tell_from(o.id) if o.id != c.id else None
                cells.append(txt(apart) if apart else "—")
        data[txt(c.name)] = cells
    return pd.DataFrame(data, index=index)


def comparison_html(frame, lang: str | Translator | None = "en") -> str:
    """A comparison table (or some of its rows) as escaped HTML, each listed item on its own line.

    (pandas' own ``to_html`` shows the line breaks as a literal backslash-n.) The corner cell names the row labels,
    so every header cell has text for screen readers; the table carries the ``lang`` of its texts.
    """
    t = as_translator(lang)
    head = "".join(f'<th scope="col">{text_html(col)}</th>' for col in frame.columns)
    rows = "".join(
        f'<tr><th scope="row">{text_html(label)}</th>'
        + "".join(f"<td>{text_html(cell).replace(chr(10), '<br>')}</td>" for cell in row)
        + "</tr>"
        for label, row in zip(frame.index, frame.itertuples(index=False), strict=True)
    )
    return (
        f'<table class="cb-compare"{lang_attr(t)}><thead><tr><th scope="col">{text_html(t("Aspect"))}</th>'
        f"{head}</tr></thead><tbody>{rows}</tbody></table>"
    )
