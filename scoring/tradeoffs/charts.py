"""Value over time, drawn server-side: geometry for templates/tradeoffs/_value_chart.html.

x is time (job-size units or weeks), y the Cost of Delay relieved so far. The WSJF line
rises sooner; the shaded area between the two lines is the proposal's extra delay cost.
"""

from decimal import Decimal
from typing import Any

from scoring.tradeoffs.delay_cost import plain_decimal_text

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 44
PIXEL = Decimal("0.1")


def nice_step(span: Decimal, ticks: int = 5) -> Decimal:
    """A 1, 2 or 5 times a power of ten step giving about `ticks` intervals over span."""
    if span <= 0:
        return Decimal(1)
    raw = span / ticks
    power = Decimal(1)
    while power * 10 <= raw:
        power *= 10
    while power > raw:
        power /= 10
    for factor in (1, 2, 5, 10):
        if power * factor >= raw:
            return power * factor
    return power * 10


def _ticks(top: Decimal) -> list[Decimal]:
    step = nice_step(top)
    values, value = [], Decimal(0)
    while value <= top:
        values.append(value)
        value += step
    return values


def value_chart(best: list, proposed: list, *, time_unit: str, rate_label: str) -> dict[str, Any]:
    """SVG geometry for two step lines of (time, relieved) corners with the same end point."""
    max_time = max(best[-1][0], Decimal(1))
    max_value = max(best[-1][1], Decimal(1))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(time: Decimal) -> Decimal:
        return (LEFT + time / max_time * plot_w).quantize(PIXEL)

    def y(value: Decimal) -> Decimal:
        return (TOP + plot_h - value / max_value * plot_h).quantize(PIXEL)

    def path(points: list) -> str:
        return "M" + " L".join(f"{x(t)},{y(v)}" for t, v in points)

    between = [*best, *reversed(proposed)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "best_path": path(best),
        "proposed_path": path(proposed),
        "between_points": " ".join(f"{x(t)},{y(v)}" for t, v in between),
        "x_ticks": [{"at": x(t), "label": plain_decimal_text(t)} for t in _ticks(max_time)],
        "y_ticks": [{"at": y(v), "label": plain_decimal_text(v)} for v in _ticks(max_value)],
        "x_label": f"Time ({time_unit})",
        "y_label": rate_label,
        "x_label_at": LEFT + plot_w // 2,
        "y_label_at": TOP + plot_h // 2,
    }
