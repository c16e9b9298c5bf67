"""Geometry of server-side SVG charts: plain functions, numbers in, coordinates out."""

from dataclasses import dataclass

from scoring.wsjf import SCALE

WIDTH, HEIGHT = 760, 460
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 24, 56
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
COD_MAX = 60
# The 2x2 split: jobs of 8 and more are large; CoD above half the range is high.
LARGE_JOB_FROM = 8
HIGH_COD_FROM = 30


@dataclass(frozen=True)
class ChartPoint:
    id: int
    title: str
    kind: str
    x: float
    y: float
    label: str


def _x(job_size: int, offset: float = 0.0) -> float:
    # Job sizes are categories on the scale: equal spacing reads better than a linear axis.
    step = PLOT_W / len(SCALE)
    return LEFT + step * (SCALE.index(job_size) + 0.5 + offset)


def _y(cost_of_delay: int) -> float:
    return TOP + PLOT_H * (1 - cost_of_delay / COD_MAX)


def _spread(index: int, count: int) -> float:
    """Horizontal offset (fraction of a column) so features with equal scores do not overlap."""
    if count == 1:
        return 0.0
    return (index / (count - 1) - 0.5) * 0.36


def value_effort_chart(rows: list[dict]) -> dict:
    """Points and axes of the Cost of Delay against Job Size scatter of a backlog."""
    groups: dict[tuple[int, int], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["job_size"], row["cost_of_delay"]), []).append(row)
    points = []
    for (size, cod), members in sorted(groups.items()):
        for index, row in enumerate(members):
            label = (
                f"{row['title']}: rank {row['rank'] or '–'}, Cost of Delay {cod}, "
                f"Job Size {size}, WSJF {row['wsjf']}"
            )
            x = _x(size, _spread(index, len(members)))
            points.append(
                ChartPoint(row["id"], row["title"], row["kind"], round(x, 1), round(_y(cod), 1), label)
            )
    split_x = (_x(5) + _x(LARGE_JOB_FROM)) / 2
    split_y = _y(HIGH_COD_FROM)
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "points": points,
        "x_ticks": [(size, round(_x(size), 1)) for size in SCALE],
        "y_ticks": [(cod, round(_y(cod), 1)) for cod in range(0, COD_MAX + 1, 10)],
        "split_x": round(split_x, 1),
        "split_y": round(split_y, 1),
        "plot": {"left": LEFT, "top": TOP, "right": WIDTH - RIGHT, "bottom": HEIGHT - BOTTOM},
        "quadrants": [
            ("Quick wins", LEFT + 8, TOP + 16),
            ("Big bets", split_x + 8, TOP + 16),
            ("Fill-ins", LEFT + 8, HEIGHT - BOTTOM - 8),
            ("Reconsider", split_x + 8, HEIGHT - BOTTOM - 8),
        ],
    }
