"""Figures from the analytics tables: each function takes a tidy table (and an optional Axes) and returns the Axes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .i18n import N_, NC_, Translator, as_translator, format_number, format_percent

if TYPE_CHECKING:  # matplotlib and pandas are imported lazily
    import pandas as pd
    from matplotlib.axes import Axes

# Every function takes ``lang`` (a code or a Translator): titles, axis labels and legends are in that language.
SCORE_LABELS = {
    "score_thoroughness": NC_("score", "thoroughness"),
    "score_recall": NC_("score", "recall"),
    "score_efficiency": NC_("score", "efficiency"),
    "score_diagnosis": NC_("score", "diagnosis"),
    "score_next_step": NC_("score", "next step"),
}
STEP_GRADES = {
    "correct": NC_("step grade", "correct"),
    "acceptable": NC_("step grade", "acceptable"),
    "not_indicated": NC_("step grade", "not indicated"),
    "unsafe": NC_("step grade", "unsafe"),
}
# Titles a notebook or the report passes in (translated where drawn: pass them as they are).
MISSED_KEY_TITLE = N_("Key questions missed most")
RED_FLAGS_TITLE = N_("Red-flag questions missed most")
CALIBRATION_TITLE = N_("Confidence against accuracy")
YOUR_CALIBRATION_TITLE = N_("Your confidence against your accuracy")
CLASS_CALIBRATION_TITLE = N_("Confidence against accuracy, the class")
STEP_COLOURS = {"correct": "#2e7d32", "acceptable": "#9ccc65", "not_indicated": "#bdbdbd", "unsafe": "#c62828"}


def _axes(ax: Axes | None, height: float = 4.0, width: float = 7.0) -> Axes:
    """The given Axes, or a new one (pyplot figure, so notebooks show it; the report passes its own Agg axes)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return ax


def _empty(ax: Axes, title: str, t: Translator) -> Axes:
    ax.set_title(title)
    ax.text(0.5, 0.5, t("no attempts"), ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    return ax


def rows_height(n: int) -> float:
    """Figure height in inches for a chart with one bar per row."""
    return max(2.5, 0.32 * n + 1.2)


def confusion_size(n: int) -> tuple[float, float]:
    """Figure (width, height) in inches for an n-by-n confusion matrix."""
    n = max(n, 1)
    return max(5.0, 0.45 * n + 3), max(3.5, 0.4 * n + 2)


def _share_bars(ax: Axes, labels, shares, colour: str, xlabel: str, title: str) -> Axes:
    """Horizontal bars of shares from 0 to 1, one per label."""
    ax.barh(labels, shares, color=colour)
    ax.set_xlim(0, 1)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return ax


def accuracy_by_case(table: pd.DataFrame, ax: Axes | None = None, lang: str | Translator | None = "en") -> Axes:
    """Horizontal bars: share of attempts with the right leading diagnosis, per case (lowest first)."""
    tr = as_translator(lang)
    ax = _axes(ax, rows_height(len(table)))
    title = tr("Right leading diagnosis, by case")
    if table.empty:
        return _empty(ax, title, tr)
    t = table.sort_values(["accuracy", "case_id"], ascending=[False, True])
    _share_bars(ax, t["case_id"], t["accuracy"], "#1565c0", tr("share of attempts"), title)
    for y, (acc, n) in enumerate(zip(t["accuracy"], t["attempts"], strict=True)):
        said = tr("{share} of {n}").format(share=format_percent(100 * acc, tr), n=n)
        ax.text(min(acc + 0.01, 0.9), y, said, va="center", fontsize=8)
    return ax


def accuracy_by_condition(table: pd.DataFrame, ax: Axes | None = None, lang: str | Translator | None = "en") -> Axes:
    """Horizontal bars: accuracy per condition (the correct diagnosis of the case)."""
    tr = as_translator(lang)
    ax = _axes(ax, rows_height(len(table)))
    title = tr("Right leading diagnosis, by condition")
    if table.empty:
        return _empty(ax, title, tr)
    t = table.sort_values(["accuracy", "condition"], ascending=[False, True])
    return _share_bars(ax, t["condition"], t["accuracy"], "#6a1b9a", tr("share of attempts"), title)


def confusion_matrix(table: pd.DataFrame, ax: Axes | None = None, lang: str | Translator | None = "en") -> Axes:
    """Heat map of the confusion matrix: correct diagnosis (rows) against the leading diagnosis chosen (columns),
    counts in the cells."""
    tr = as_translator(lang)
    width, height = confusion_size(len(table.index))
    ax = _axes(ax, height=height, width=width)
    title = tr("Correct diagnosis vs leading diagnosis chosen")
    if table.empty:
        return _empty(ax, title, tr)
    values = table.to_numpy()
    ax.imshow(values, cmap="Blues", aspect="auto")
    ax.set_xticks(range(len(table.columns)), [str(c) for c in table.columns], rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(table.index)), [str(i) for i in table.index], fontsize=8)
    top = values.max() if values.size else 0
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            if values[i, j]:
                ax.text(
                    j,
                    i,
                    str(values[i, j]),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if values[i, j] > top / 2 else "black",
                )
    ax.set_xlabel(tr("chosen as leading diagnosis"))
    ax.set_ylabel(tr("correct diagnosis"))
    ax.set_title(title)
    return ax


def missed_questions(
    table: pd.DataFrame,
    ax: Axes | None = None,
    title: str = MISSED_KEY_TITLE,
    top: int = 15,
    lang: str | Translator | None = "en",
) -> Axes:
    """Horizontal bars: how often each question was missed (missed_key_questions or missed_red_flags tables), most
    missed at the top. ``title`` is translated when it is one of the casebook's titles (RED_FLAGS_TITLE, …)."""
    tr = as_translator(lang)
    title = tr(title)
    t = table.head(top)
    ax = _axes(ax, rows_height(len(t)))
    if t.empty:
        return _empty(ax, title, tr)
    t = t.iloc[::-1]
    ax.barh(t["question_id"], t["missed"], color="#ef6c00")
    ax.set_xlabel(tr("times missed"))
    ax.set_title(title)
    return ax


def _range_bars(
    table: pd.DataFrame,
    ax: Axes | None,
    columns: tuple[str, str, str],
    colour: str,
    xlabel: str,
    title: str,
    tr: Translator,
) -> Axes:
    """Horizontal bars of a median per case with its min-max range as a line (columns: median, min, max)."""
    ax = _axes(ax, rows_height(len(table)))
    if table.empty:
        return _empty(ax, title, tr)
    median, low, high = columns
    t = table.sort_values("case_id", ascending=False)
    ax.barh(t["case_id"], t[median], color=colour)
    ax.hlines(range(len(t)), t[low], t[high], color="black", linewidth=1)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return ax


def questions_per_case(table: pd.DataFrame, ax: Axes | None = None, lang: str | Translator | None = "en") -> Axes:
    """Horizontal bars: median history questions asked per case, with the min-max range as a line."""
    tr = as_translator(lang)
    return _range_bars(
        table,
        ax,
        ("median", "min", "max"),
        "#00838f",
        tr("questions asked"),
        tr("History questions asked, by case (median, range)"),
        tr,
    )


def next_step_safety(table: pd.DataFrame, ax: Axes | None = None, lang: str | Translator | None = "en") -> Axes:
    """Stacked horizontal bars: next steps chosen per case, by verdict (correct, acceptable, not indicated, unsafe)."""
    tr = as_translator(lang)
    ax = _axes(ax, rows_height(len(table)))
    title = tr("Next step chosen, by case")
    if table.empty:
        return _empty(ax, title, tr)
    t = table.sort_values("case_id", ascending=False)
    left = [0] * len(t)
    for verdict, colour in STEP_COLOURS.items():
        values = list(t[verdict])
        ax.barh(t["case_id"], values, left=left, color=colour, label=tr.pgettext("step grade", STEP_GRADES[verdict]))
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlabel(tr("attempts"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.set_title(title)
    return ax


def time_on_case(table: pd.DataFrame, ax: Axes | None = None, lang: str | Translator | None = "en") -> Axes:
    """Horizontal bars: median minutes on each case, with the min-max range."""
    tr = as_translator(lang)
    return _range_bars(
        table,
        ax,
        ("median_minutes", "min_minutes", "max_minutes"),
        "#5d4037",
        tr("minutes"),
        tr("Minutes on case (median, range)"),
        tr,
    )


def attempts_over_time(table: pd.DataFrame, ax: Axes | None = None, lang: str | Translator | None = "en") -> Axes:
    """Each attempt's diagnosis and thoroughness scores in order, with the running accuracy as a line."""
    tr = as_translator(lang)
    ax = _axes(ax)
    title = tr("Your attempts over time")
    if table.empty:
        return _empty(ax, title, tr)
    x = list(table["attempt"])
    ax.plot(x, table["running_accuracy"], color="#1565c0", marker="o", label=tr("running accuracy"))
    ax.scatter(x, table["score_thoroughness"], color="#ef6c00", marker="s", label=tr.pgettext("score", "thoroughness"))
    if "score_recall" in table and table["score_recall"].notna().any():
        ax.scatter(
            x, table["score_recall"], facecolors="none", edgecolors="#6a1b9a", marker="D", label=tr("recall (unaided)")
        )
    ax.scatter(x, table["score_next_step"], color="#2e7d32", marker="^", label=tr.pgettext("score", "next step"))
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel(tr("attempt (oldest first)"))
    ax.set_ylabel(tr("score (0 to 1)"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.set_title(title)
    return ax


def scores_by_condition(table: pd.DataFrame, ax: Axes | None = None, lang: str | Translator | None = "en") -> Axes:
    """Heat map: mean score (0 to 1) per condition (rows) and score kind (columns), values written in the cells."""
    tr = as_translator(lang)
    ax = _axes(ax, rows_height(len(table)))
    title = tr("Mean scores, by condition")
    if table.empty:
        return _empty(ax, title, tr)
    t = table.sort_values("condition").reset_index(drop=True)
    values = t[list(SCORE_LABELS)].astype(float).to_numpy()
    ax.imshow(values, cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(SCORE_LABELS)), [tr.pgettext("score", label) for label in SCORE_LABELS.values()])
    ax.set_yticks(range(len(t)), list(t["condition"]), fontsize=8)
    ax.xaxis.tick_top()
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            if values[i, j] == values[i, j]:  # not NaN
                ax.text(j, i, format_number(values[i, j], tr, 2), ha="center", va="center", fontsize=8)
    ax.set_title(title, pad=12)
    return ax


def scores_by_topic(table: pd.DataFrame, ax: Axes | None = None, lang: str | Translator | None = "en") -> Axes:
    """Horizontal bars: share of the key questions asked, per question topic."""
    tr = as_translator(lang)
    ax = _axes(ax, rows_height(len(table)))
    title = tr("Key questions asked, by topic")
    if table.empty:
        return _empty(ax, title, tr)
    t = table.iloc[::-1]
    return _share_bars(ax, t["topic"], t["share_asked"], "#00695c", tr("share of key questions asked"), title)


def thoroughness_by_case(table: pd.DataFrame, ax: Axes | None = None, lang: str | Translator | None = "en") -> Axes:
    """Paired horizontal bars per case: thoroughness of menu-mode attempts (key questions asked / key questions) and
    recall thoroughness of recall-mode attempts (key questions found unaided / key questions); a missing bar means no
    attempt in that mode."""
    tr = as_translator(lang)
    ax = _axes(ax, rows_height(round(1.4 * len(table))))
    title = tr("Key questions found: from the list vs unaided (recall)")
    if table.empty:
        return _empty(ax, title, tr)
    t = table.sort_values("case_id", ascending=False).reset_index(drop=True)
    y = list(range(len(t)))
    height = 0.4
    ax.barh(
        [v + height / 2 for v in y],
        t["menu_thoroughness"].fillna(0),
        height,
        color="#ef6c00",
        label=tr("from the list (menu mode)"),
    )
    ax.barh(
        [v - height / 2 for v in y],
        t["recall_thoroughness"].fillna(0),
        height,
        color="#6a1b9a",
        label=tr("unaided (recall mode)"),
    )
    ax.set_yticks(y, list(t["case_id"]), fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel(tr("share of key questions (mean over attempts)"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.set_title(title)
    return ax


def calibration(
    table: pd.DataFrame,
    ax: Axes | None = None,
    title: str = CALIBRATION_TITLE,
    lang: str | Translator | None = "en",
) -> Axes:
    """A calibration curve from analytics.calibration_table: the share of right leading diagnoses per confidence bin
    (bars at the bins' mean confidence), the diagonal where confidence and accuracy agree, and each bin's count.
    ``title`` is translated when it is one of the casebook's titles (CALIBRATION_TITLE, YOUR_CALIBRATION_TITLE, …)."""
    tr = as_translator(lang)
    title = tr(title)
    ax = _axes(ax, height=4.5, width=6.0)
    shown = table[table["attempts"] > 0] if not table.empty else table
    if shown.empty:
        return _empty(ax, title, tr)
    width = [(h - lo) * 0.8 for lo, h in zip(shown["low"], shown["high"], strict=True)]
    centres = [(lo + h) / 2 for lo, h in zip(shown["low"], shown["high"], strict=True)]
    ax.bar(centres, shown["accuracy"], width=width, color="#1565c0", alpha=0.8, label=tr("share right"))
    ax.plot([0, 100], [0, 1], linestyle="--", color="#555555", linewidth=1, label=tr("confidence = accuracy"))
    ax.plot(
        shown["mean_confidence"],
        shown["accuracy"],
        color="#c62828",
        marker="o",
        linewidth=1.5,
        label=tr("at each bin's mean confidence"),
    )
    for x, acc, n in zip(centres, shown["accuracy"], shown["attempts"], strict=True):
        ax.text(x, min(acc + 0.03, 1.02), f"n={n}", ha="center", va="bottom", fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 1.1)
    ax.set_xticks([lo for lo, _ in zip(table["low"], table["high"], strict=True)] + [100])
    ax.set_xlabel(tr("confidence in the leading diagnosis (%)"))
    ax.set_ylabel(tr("share of attempts right"))
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title(title)
    return ax
