"""Figures from the analytics tables: each function takes a tidy table (and an optional Axes) and returns the Axes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # matplotlib and pandas are imported lazily
    import pandas as pd
    from matplotlib.axes import Axes

SCORE_LABELS = {
    "score_thoroughness": "thoroughness",
    "score_recall": "recall",
    "score_efficiency": "efficiency",
    "score_diagnosis": "diagnosis",
    "score_next_step": "next step",
}
STEP_COLOURS = {"correct": "#2e7d32", "acceptable": "#9ccc65", "not_indicated": "#bdbdbd", "unsafe": "#c62828"}


def _axes(ax: Axes | None, height: float = 4.0, width: float = 7.0) -> Axes:
    """The given Axes, or a new one (pyplot figure, so notebooks show it; the report passes its own Agg axes)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return ax


def _empty(ax: Axes, title: str) -> Axes:
    ax.set_title(title)
    ax.text(0.5, 0.5, "no attempts", ha="center", va="center", transform=ax.transAxes)
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


def accuracy_by_case(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Horizontal bars: share of attempts with the right leading diagnosis, per case (lowest first)."""
    ax = _axes(ax, rows_height(len(table)))
    title = "Right leading diagnosis, by case"
    if table.empty:
        return _empty(ax, title)
    t = table.sort_values(["accuracy", "case_id"], ascending=[False, True])
    _share_bars(ax, t["case_id"], t["accuracy"], "#1565c0", "share of attempts", title)
    for y, (acc, n) in enumerate(zip(t["accuracy"], t["attempts"], strict=True)):
        ax.text(min(acc + 0.01, 0.9), y, f"{acc:.0%} of {n}", va="center", fontsize=8)
    return ax


def accuracy_by_condition(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Horizontal bars: accuracy per condition (the correct diagnosis of the case)."""
    ax = _axes(ax, rows_height(len(table)))
    title = "Right leading diagnosis, by condition"
    if table.empty:
        return _empty(ax, title)
    t = table.sort_values(["accuracy", "condition"], ascending=[False, True])
    return _share_bars(ax, t["condition"], t["accuracy"], "#6a1b9a", "share of attempts", title)


def confusion_matrix(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Heat map of the confusion matrix: correct diagnosis (rows) against the leading diagnosis chosen (columns),
    counts in the cells."""
    width, height = confusion_size(len(table.index))
    ax = _axes(ax, height=height, width=width)
    title = "Correct diagnosis vs leading diagnosis chosen"
    if table.empty:
        return _empty(ax, title)
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
    ax.set_xlabel("chosen as leading diagnosis")
    ax.set_ylabel("correct diagnosis")
    ax.set_title(title)
    return ax


def missed_questions(
    table: pd.DataFrame, ax: Axes | None = None, title: str = "Key questions missed most", top: int = 15
) -> Axes:
    """Horizontal bars: how often each question was missed (missed_key_questions or missed_red_flags tables), most
    missed at the top."""
    t = table.head(top)
    ax = _axes(ax, rows_height(len(t)))
    if t.empty:
        return _empty(ax, title)
    t = t.iloc[::-1]
    ax.barh(t["question_id"], t["missed"], color="#ef6c00")
    ax.set_xlabel("times missed")
    ax.set_title(title)
    return ax


def _range_bars(
    table: pd.DataFrame, ax: Axes | None, columns: tuple[str, str, str], colour: str, xlabel: str, title: str
) -> Axes:
    """Horizontal bars of a median per case with its min-max range as a line (columns: median, min, max)."""
    ax = _axes(ax, rows_height(len(table)))
    if table.empty:
        return _empty(ax, title)
    median, low, high = columns
    t = table.sort_values("case_id", ascending=False)
    ax.barh(t["case_id"], t[median], color=colour)
    ax.hlines(range(len(t)), t[low], t[high], color="black", linewidth=1)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return ax


def questions_per_case(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Horizontal bars: median history questions asked per case, with the min-max range as a line."""
    return _range_bars(
        table,
        ax,
        ("median", "min", "max"),
        "#00838f",
        "questions asked",
        "History questions asked, by case (median, range)",
    )


def next_step_safety(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Stacked horizontal bars: next steps chosen per case, by verdict (correct, acceptable, not indicated, unsafe)."""
    ax = _axes(ax, rows_height(len(table)))
    title = "Next step chosen, by case"
    if table.empty:
        return _empty(ax, title)
    t = table.sort_values("case_id", ascending=False)
    left = [0] * len(t)
    for verdict, colour in STEP_COLOURS.items():
        values = list(t[verdict])
        ax.barh(t["case_id"], values, left=left, color=colour, label=verdict.replace("_", " "))
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlabel("attempts")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.set_title(title)
    return ax


def time_on_case(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Horizontal bars: median minutes on each case, with the min-max range."""
    return _range_bars(
        table,
        ax,
        ("median_minutes", "min_minutes", "max_minutes"),
        "#5d4037",
        "minutes",
        "Minutes on case (median, range)",
    )


def attempts_over_time(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Each attempt's diagnosis and thoroughness scores in order, with the running accuracy as a line."""
    ax = _axes(ax)
    title = "Your attempts over time"
    if table.empty:
        return _empty(ax, title)
    x = list(table["attempt"])
    ax.plot(x, table["running_accuracy"], color="#1565c0", marker="o", label="running accuracy")
    ax.scatter(x, table["score_thoroughness"], color="#ef6c00", marker="s", label="thoroughness")
    if "score_recall" in table and table["score_recall"].notna().any():
        ax.scatter(
            x, table["score_recall"], facecolors="none", edgecolors="#6a1b9a", marker="D", label="recall (unaided)"
        )
    ax.scatter(x, table["score_next_step"], color="#2e7d32", marker="^", label="next step")
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("attempt (oldest first)")
    ax.set_ylabel("score (0 to 1)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.set_title(title)
    return ax


def scores_by_condition(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Heat map: mean score (0 to 1) per condition (rows) and score kind (columns), values written in the cells."""
    ax = _axes(ax, rows_height(len(table)))
    title = "Mean scores, by condition"
    if table.empty:
        return _empty(ax, title)
    t = table.sort_values("condition").reset_index(drop=True)
    values = t[list(SCORE_LABELS)].astype(float).to_numpy()
    ax.imshow(values, cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(SCORE_LABELS)), list(SCORE_LABELS.values()))
    ax.set_yticks(range(len(t)), list(t["condition"]), fontsize=8)
    ax.xaxis.tick_top()
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            if values[i, j] == values[i, j]:  # not NaN
                ax.text(j, i, f"{values[i, j]:.2f}", ha="center", va="center", fontsize=8)
    ax.set_title(title, pad=12)
    return ax


def scores_by_topic(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Horizontal bars: share of the key questions asked, per question topic."""
    ax = _axes(ax, rows_height(len(table)))
    title = "Key questions asked, by topic"
    if table.empty:
        return _empty(ax, title)
    t = table.iloc[::-1]
    return _share_bars(ax, t["topic"], t["share_asked"], "#00695c", "share of key questions asked", title)


def thoroughness_by_case(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Paired horizontal bars per case: thoroughness of menu-mode attempts (key questions asked / key questions) and
    recall thoroughness of recall-mode attempts (key questions found unaided / key questions); a missing bar means no
    attempt in that mode."""
    ax = _axes(ax, rows_height(round(1.4 * len(table))))
    title = "Key questions found: from the list vs unaided (recall)"
    if table.empty:
        return _empty(ax, title)
    t = table.sort_values("case_id", ascending=False).reset_index(drop=True)
    y = list(range(len(t)))
    height = 0.4
    ax.barh(
        [v + height / 2 for v in y],
        t["menu_thoroughness"].fillna(0),
        height,
        color="#ef6c00",
        label="from the list (menu mode)",
    )
    ax.barh(
        [v - height / 2 for v in y],
        t["recall_thoroughness"].fillna(0),
        height,
        color="#6a1b9a",
        label="unaided (recall mode)",
    )
    ax.set_yticks(y, list(t["case_id"]), fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of key questions (mean over attempts)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.set_title(title)
    return ax


def calibration(table: pd.DataFrame, ax: Axes | None = None, title: str = "Confidence against accuracy") -> Axes:
    """A calibration curve from analytics.calibration_table: the share of right leading diagnoses per confidence bin
    (bars at the bins' mean confidence), the diagonal where confidence and accuracy agree, and each bin's count."""
    ax = _axes(ax, height=4.5, width=6.0)
    shown = table[table["attempts"] > 0] if not table.empty else table
    if shown.empty:
        return _empty(ax, title)
    width = [(h - lo) * 0.8 for lo, h in zip(shown["low"], shown["high"], strict=True)]
    centres = [(lo + h) / 2 for lo, h in zip(shown["low"], shown["high"], strict=True)]
    ax.bar(centres, shown["accuracy"], width=width, color="#1565c0", alpha=0.8, label="share right")
    ax.plot([0, 100], [0, 1], linestyle="--", color="#555555", linewidth=1, label="confidence = accuracy")
    ax.plot(
        shown["mean_confidence"],
        shown["accuracy"],
        color="#c62828",
        marker="o",
        linewidth=1.5,
        label="at each bin's mean confidence",
    )
    for x, acc, n in zip(centres, shown["accuracy"], shown["attempts"], strict=True):
        ax.text(x, min(acc + 0.03, 1.02), f"n={n}", ha="center", va="bottom", fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 1.1)
    ax.set_xticks([lo for lo, _ in zip(table["low"], table["high"], strict=True)] + [100])
    ax.set_xlabel("confidence in the leading diagnosis (%)")
    ax.set_ylabel("share of attempts right")
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title(title)
    return ax
