"""Geometry of the capacity page's bars (server-side SVG). No database.

Coordinates are on a 0..1000 horizontal axis; the SVG stretches it to the page width
(preserveAspectRatio="none"), so the page stays readable on a phone and on a desktop.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from scoring.planning.capacity import DEFAULT_SHARES, KINDS, Plan

WIDTH = Decimal(1000)
ONE_PLACE = Decimal("0.1")


def _x(value: Decimal, axis: Decimal) -> Decimal:
    if axis <= 0:
        return Decimal(0)
    return min(value * WIDTH / axis, WIDTH).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Segment:
    kind: str
    x: Decimal
    budget_width: Decimal
    committed_width: Decimal


@dataclass(frozen=True, slots=True)
class KindBar:
    kind: str
    budget_width: Decimal
    committed_width: Decimal
    # Where the default policy (70/20/10) would put this kind's budget on its bar; None when
    # that is at or beyond the bar's end (the kind has the default share or less).
    guardrail_x: Decimal | None


@dataclass(frozen=True, slots=True)
class CapacityChart:
    segments: tuple[Segment, ...]  # one stacked bar: the whole capacity split by kind
    guardrails: tuple[Decimal, ...]  # boundaries of the default 70/20/10 split on that bar
    bars: tuple[KindBar, ...]  # one bar per kind, each as long as its own budget


def capacity_chart(plan: Plan) -> CapacityChart:
    capacity = plan.capacity
    segments = []
    start = Decimal(0)
    for kind in plan.kinds:
        segments.append(
            Segment(
                kind=kind.kind,
                x=_x(start, capacity),
                budget_width=_x(kind.budget, capacity),
                committed_width=_x(kind.committed_points, capacity),
            )
        )
        start += kind.budget
    boundaries = []
    cumulative = 0
    for kind in KINDS[:-1]:
        cumulative += DEFAULT_SHARES[kind]
        boundaries.append(Decimal(cumulative) * WIDTH / 100)
    defaults = {kind: capacity * DEFAULT_SHARES[kind] / 100 for kind in KINDS}
    # Each kind's bar is its own budget: the full bar is 100 % of that budget, so a kind used
    # at 92 % looks 92 % full, whatever its share of the capacity.
    bars = tuple(
        KindBar(
            kind=kind.kind,
            budget_width=WIDTH if kind.budget > 0 else Decimal(0),
            committed_width=_x(kind.committed_points, kind.budget),
            guardrail_x=_x(defaults[kind.kind], kind.budget)
            if kind.budget > 0 and defaults[kind.kind] < kind.budget
            else None,
        )
        for kind in plan.kinds
    )
    return CapacityChart(segments=tuple(segments), guardrails=tuple(boundaries), bars=bars)
