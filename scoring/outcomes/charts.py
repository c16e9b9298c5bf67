"""Outcome pictures drawn server-side as SVG geometry for the templates (no script):
an indicator's measurements against baseline and target, predictability over PIs with
SAFe's 80-100 % band, and done work by kind against the planned allocation."""

from datetime import date
from decimal import Decimal
from typing import Any

from scoring.outcomes import metrics

PIXEL = Decimal("0.1")


def _scale(value: Decimal, low: Decimal, high: Decimal, start: int, end: int) -> Decimal:
    """value in [low, high] to a pixel between start and end (end may be above start: y axes)."""
    if high == low:
        return Decimal(start + end) / 2
    return (start + (Decimal(value) - low) / (high - low) * (end - start)).quantize(PIXEL)


def indicator_chart(
    *, baseline: Decimal, target: Decimal, due: date, points: list[tuple[date, Decimal]]
) -> dict[str, Any]:
    """A small chart: measured values over time, a dashed baseline, a target line up to the due date."""
    width, height, pad = 280, 90, 8
    values = [baseline, target, *(value for _, value in points)]
    low, high = min(values), max(values)
    margin = (high - low) / 10 or Decimal(1)
    low, high = low - margin, high + margin
    first = min([due, *(day for day, _ in points)])
    last = max([due, *(day for day, _ in points)])
    span = Decimal(max((last - first).days, 1))

    def x(day: date) -> Decimal:
        return _scale(Decimal((day - first).days), Decimal(0), span, pad, width - pad)

    def y(value: Decimal) -> Decimal:
        return _scale(value, low, high, height - pad, pad)

    return {
        "width": width,
        "height": height,
        "left": pad,
        "right": width - pad,
        "baseline_y": y(baseline),
        "target_y": y(target),
        "due_x": x(due),
        "line": " ".join(f"{x(day)},{y(value)}" for day, value in points),
        "dots": [
            {"x": x(day), "y": y(value), "label": f"{day}: {value.normalize()}"} for day, value in points
        ],
    }


def predictability_chart(points: list[tuple[str, Decimal | None, bool]]) -> dict[str, Any]:
    """Bars of the ART's predictability per PI over the 80-100 % band. points: (PI name, percent,
    assessed). A PI with no percent (nothing committed) or not assessed yet has no bar."""
    width, height, left, right, top, bottom = 560, 220, 44, 12, 12, 36
    top_value = max([Decimal(120), *(p for _, p, _ in points if p is not None)])
    plot_w = width - left - right
    slot = Decimal(plot_w) / max(len(points), 1)

    def y(value: Decimal) -> Decimal:
        return _scale(value, Decimal(0), top_value, height - bottom, top)

    bars = []
    for index, (label, percent, assessed) in enumerate(points):
        x = (left + slot * index + slot / 4).quantize(PIXEL)
        bar = {
            "x": x,
            "w": (slot / 2).quantize(PIXEL),
            "label": label,
            "label_x": (x + slot / 4).quantize(PIXEL),
        }
        bar["note"] = "none committed" if percent is None else "" if assessed else "not assessed yet"
        if percent is not None and assessed:
            bar.update(y=y(percent), h=(y(Decimal(0)) - y(percent)).quantize(PIXEL), percent=percent)
            bar["in_band"] = metrics.PREDICTABLE_LOW <= percent <= metrics.PREDICTABLE_HIGH
        bars.append(bar)
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "bottom": height - bottom,
        "band_w": plot_w,
        "band_y": y(metrics.PREDICTABLE_HIGH),
        "band_h": (y(metrics.PREDICTABLE_LOW) - y(metrics.PREDICTABLE_HIGH)).quantize(PIXEL),
        "ticks": [{"y": y(Decimal(v)), "label": f"{v} %"} for v in range(0, int(top_value) + 1, 20)],
        "bars": bars,
    }


def distribution_chart(rows: list[tuple[str, list[metrics.KindShare]]]) -> dict[str, Any]:
    """Per PI two stacked bars of 100 %: the planned allocation and what was delivered, by kind."""
    width, left, right, bar_h, gap = 640, 120, 12, 18, 14
    plot_w = Decimal(width - left - right)
    groups, y = [], 8
    for label, shares in rows:
        bars = []
        for name, field in (("Planned", "planned_percent"), ("Delivered", "delivered_percent")):
            x, parts = Decimal(left), []
            for share in shares:
                percent = getattr(share, field)
                if not percent:
                    continue
                w = (plot_w * percent / 100).quantize(PIXEL)
                parts.append({"kind": share.kind, "x": x.quantize(PIXEL), "w": w, "percent": percent})
                x += w
            bars.append({"name": name, "y": y, "parts": parts, "empty": not parts})
            y += bar_h + 4
        groups.append({"label": label, "label_y": y - bar_h - 8, "bars": bars})
        y += gap
    return {"width": width, "height": y, "left": left, "bar_h": bar_h, "groups": groups, "text_x": left - 8}
