"""Chart geometry for the bulletin's inline SVG: numbers only; the markup is in the templates.

``trend_chart`` lays out the 12-month 合格率 line (a month without checks is a gap, labelled
"无检查"); ``bar_chart`` the problem types as horizontal bars with count and share.
Coordinates are in the SVG's viewBox units (the SVG scales to the page width).
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any


def _r(value: float) -> float:
    return round(value, 1)


def trend_chart(trend: list[dict[str, Any]], width: int = 640, height: int = 250, *,
                label_gap: float = 0) -> dict[str, Any]:
    """``label_gap``: value labels closer than this to the next shown one are left out (narrow charts)."""
    left, right, top, bottom = (46, 14, 26, 44) if width >= 480 else (38, 8, 24, 44)
    plot_w, plot_h = width - left - right, height - top - bottom
    rates = [Decimal(t["pass_rate"]) if t.get("pass_rate") is not None else None for t in trend]
    known = [r for r in rates if r is not None]
    low = min(known) if known else Decimal(100)
    lo = 0 if low < 20 else int(math.floor((float(low) - 5) / 10.0) * 10)
    lo = max(0, min(lo, 90))
    hi = 100
    step = 5 if hi - lo <= 20 else 10 if hi - lo <= 50 else 20

    def y_of(value: float) -> float:
        return top + (hi - value) / (hi - lo) * plot_h

    n = max(1, len(trend))
    slot = plot_w / n

    def x_of(i: int) -> float:
        return left + (i + 0.5) * slot

    grid = [{"y": _r(y_of(v)), "label": f"{v}%"} for v in range(lo, hi + 1, step)]
    gap_text = "无检查" if slot >= 34 else "无"
    points, gaps, segments, current = [], [], [], []
    for i, (t, value) in enumerate(zip(trend, rates)):
        if value is None:
            gaps.append({"x": _r(x_of(i)), "y": _r(top + plot_h - 6), "text": gap_text})
            if current:
                segments.append(current)
            current = []
            continue
        x, y = _r(x_of(i)), _r(y_of(float(value)))
        points.append({"x": x, "y": y, "label_y": _r(y - 8), "value": f"{t['pass_rate']}%",
                       "last": i == len(trend) - 1})
        current.append(f"{x},{y}")
    if current:
        segments.append(current)
    shown_x = None
    for point in reversed(points):  # the latest month always keeps its label
        point["show"] = shown_x is None or shown_x - point["x"] >= label_gap
        if point["show"]:
            shown_x = point["x"]
    labels = []
    for i, t in enumerate(trend):
        first_of_year = i == 0 or t.get("label") == "1月"
        labels.append({"x": _r(x_of(i)), "label": t.get("label", ""),
                       "year": f"{t['year']}年" if first_of_year and t.get("year") else ""})
    return {
        "width": width, "height": height, "left": left, "right": width - right, "top": top,
        "bottom": _r(top + plot_h), "grid": grid, "points": points, "gaps": gaps,
        "segments": [" ".join(s) for s in segments], "labels": labels, "label_y": _r(top + plot_h + 16),
        "year_y": _r(top + plot_h + 32), "empty": not known,
    }


def bar_chart(items: list[dict[str, Any]], width: int = 640, row: int = 30) -> dict[str, Any]:
    label_w, value_w, pad = (118, 118, 8) if width >= 480 else (98, 92, 6)
    area = width - label_w - value_w - pad
    biggest = max((i["count"] for i in items), default=0)
    bars = []
    for k, item in enumerate(items):
        y = pad + k * row
        w = area * item["count"] / biggest if biggest else 0
        bars.append({"y": _r(y), "h": row - 10, "w": _r(max(w, 1.5)), "text_y": _r(y + (row - 10) / 2 + 5),
                     "label": item["title"], "value": f"{item['count']}（{item['share']}%）",
                     "value_x": _r(label_w + w + 6)})
    return {"width": width, "height": pad * 2 + max(1, len(items)) * row - 10 + 4, "x": label_w,
            "label_x": label_w - 8, "bars": bars}
