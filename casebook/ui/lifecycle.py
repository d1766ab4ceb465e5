"""Closing widgets: a view closes every widget it built (children, layouts, styles), so no widget model outlives it."""

from __future__ import annotations

from collections.abc import Iterable

import ipywidgets as w


def close_widgets(*roots: w.Widget | None, keep: Iterable[w.Widget | None] = ()) -> int:
    """Close each root and every widget it holds in a synced trait (children, layout, style), depth first.

    Widgets in ``keep`` (and what they hold) are left open: a view passes the widgets it was handed and does not own,
    such as a shared error log. Returns how many widgets were closed (for tests and benchmarks).
    """
    kept = {id(k) for k in keep if k is not None}
    seen: set[int] = set()
    closed = 0
    stack = [r for r in roots if r is not None]
    while stack:
        widget = stack.pop()
        if id(widget) in seen or id(widget) in kept:
            continue
        seen.add(id(widget))
        for name in widget.keys:
            value = getattr(widget, name, None)
            if isinstance(value, w.Widget):
                stack.append(value)
            elif isinstance(value, (list, tuple)):
                stack.extend(v for v in value if isinstance(v, w.Widget))
        if widget.comm is not None:
            closed += 1
        widget.close()
    return closed
