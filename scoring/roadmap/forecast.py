"""The roadmap forecast (docs/rules.md, "Roadmap forecast"). No database.

Committed features stay in their PI and use its budget; every other open, scored feature is
walked in rank order, kind by kind, through the PIs from the current one on and then through
projected PIs like the last one. Decimal in, Decimal out, exact.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from scoring.planning.capacity import FILL, KINDS, MODES, STRICT

PROJECTED_PIS_MAX = 8
ZERO = Decimal(0)

FORECAST = "forecast"
COMMITTED = "committed"
NEEDS_ESTIMATE = "needs_estimate"
TOO_BIG = "too_big"
UNSCORED = "unscored"
# Fits a PI of the horizon but not before its end: the walk ran out of PIs.
BEYOND_HORIZON = "beyond_horizon"
STATUSES: tuple[str, ...] = (FORECAST, COMMITTED, NEEDS_ESTIMATE, TOO_BIG, UNSCORED, BEYOND_HORIZON)

__all__ = ["FILL", "KINDS", "MODES", "STRICT", "forecast_walk", "pis_projected"]


class OpenFeature(NamedTuple):
    """An open (not done) feature as the walk needs it; given in rank order.

    rank: None for an unscored feature (it has no place in the walk).
    committed_pi: the id of the PI it is planned into (it stays there), None when it is free.
    A named tuple in the order of the database row: the walk takes tens of thousands of them.
    """

    id: int
    kind: str
    estimate: Decimal | None
    rank: int | None
    committed_pi: int | None

    @property
    def scored(self) -> bool:
        return self.rank is not None


@dataclass(frozen=True, slots=True)
class PiSlot:
    """A PI the walk may fill: an existing one (id) or a projection (id None)."""

    id: int | None
    name: str
    start_date: date
    end_date: date
    capacity: Decimal
    budgets: Mapping[str, Decimal]  # kind -> story points
    projected: bool = False


@dataclass(frozen=True, slots=True)
class KindUse:
    kind: str
    budget: Decimal
    committed: Decimal  # points of the features committed to the PI
    forecast: Decimal  # points the walk placed in it

    @property
    def used(self) -> Decimal:
        return self.committed + self.forecast


@dataclass(frozen=True, slots=True)
class PiForecast:
    slot: PiSlot
    kinds: tuple[KindUse, ...]
    # Feature ids in the PI, in rank order: committed ones and forecast ones.
    feature_ids: tuple[int, ...]


class FeatureForecast(NamedTuple):
    id: int
    status: str
    pi_index: int | None  # index into Forecast.pis; None when not in a PI of the forecast
    committed_pi: int | None  # the PI id a committed feature is in (maybe one before the forecast)


@dataclass(frozen=True, slots=True)
class Forecast:
    mode: str
    pis: tuple[PiForecast, ...]
    features: tuple[FeatureForecast, ...]  # in the order given (rank order)

    def by_id(self) -> dict[int, FeatureForecast]:
        return {feature.id: feature for feature in self.features}


def pis_projected(pis: Sequence[PiSlot], *, count: int = PROJECTED_PIS_MAX) -> list[PiSlot]:
    """The PIs given, then `count` projections after the last: same length, capacity and
    budgets, each starting the day after the one before ends. No PI given: none projected."""
    slots = list(pis)
    if not slots:
        return slots
    last = slots[-1]
    length = last.end_date - last.start_date
    end = last.end_date
    for number in range(1, count + 1):
        start = end + timedelta(days=1)
        end = start + length
        slots.append(
            replace(
                last, id=None, name=f"{last.name} + {number}", start_date=start, end_date=end, projected=True
            )
        )
    return slots


def forecast_walk(*, features: Sequence[OpenFeature], pis: Sequence[PiSlot], mode: str = STRICT) -> Forecast:
    """The forecast of docs/rules.md. `features`: open features in rank order (pins applied);
    `pis`: the PIs to fill in date order, projections included (pis_projected). The answer
    keeps the projections up to the last one the walk put a feature in."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    index_of_pi = {slot.id: index for index, slot in enumerate(pis) if slot.id is not None}
    committed_points = [dict.fromkeys(KINDS, ZERO) for _ in pis]
    placed: dict[int, int] = {}  # feature id -> PI index
    status: dict[int, str] = {}
    queues: dict[str, list[OpenFeature]] = {kind: [] for kind in KINDS}
    # Too big: larger than the kind's whole budget in every PI of the horizon, so it can never fit.
    largest = {kind: max((slot.budgets[kind] for slot in pis), default=ZERO) for kind in KINDS}
    for feature in features:
        if feature.committed_pi is not None:
            status[feature.id] = COMMITTED
            index = index_of_pi.get(feature.committed_pi)
            if index is not None:
                placed[feature.id] = index
                committed_points[index][feature.kind] += feature.estimate or ZERO
        elif feature.rank is None:
            status[feature.id] = UNSCORED
        elif feature.estimate is None:
            status[feature.id] = NEEDS_ESTIMATE
        elif feature.estimate > largest[feature.kind]:
            status[feature.id] = TOO_BIG
        else:
            status[feature.id] = BEYOND_HORIZON  # until the walk places it
            queues[feature.kind].append(feature)

    forecast_points = [dict.fromkeys(KINDS, ZERO) for _ in pis]
    for kind, queue in queues.items():
        walk = _kind_walk_strict if mode == STRICT else _kind_walk_fill
        for feature_id, index, estimate in walk(queue, pis, kind, committed_points):
            placed[feature_id] = index
            status[feature_id] = FORECAST
            forecast_points[index][kind] += estimate

    in_pi: list[list[int]] = [[] for _ in pis]
    for feature in features:
        index = placed.get(feature.id)
        if index is not None:
            in_pi[index].append(feature.id)
    # Projections are made only as far as the walk needs them: trailing empty ones go.
    needed = len(pis)
    while needed and pis[needed - 1].projected and not in_pi[needed - 1]:
        needed -= 1
    return Forecast(
        mode=mode,
        pis=tuple(
            PiForecast(
                slot=slot,
                kinds=tuple(
                    KindUse(
                        kind, slot.budgets[kind], committed_points[index][kind], forecast_points[index][kind]
                    )
                    for kind in KINDS
                ),
                feature_ids=tuple(in_pi[index]),
            )
            for index, slot in enumerate(pis[:needed])
        ),
        features=tuple(
            FeatureForecast(feature.id, status[feature.id], placed.get(feature.id), feature.committed_pi)
            for feature in features
        ),
    )


def _remaining(slot: PiSlot, kind: str, committed: Decimal) -> Decimal:
    # Committed features may already overrun the budget: nothing more fits then.
    return max(slot.budgets[kind] - committed, ZERO)


def _kind_walk_strict(queue, pis, kind, committed_points):
    """The first feature that does not fit closes the kind for the PI; the next PI starts from it."""
    position = 0
    for index, slot in enumerate(pis):
        if position == len(queue):
            return
        remaining = _remaining(slot, kind, committed_points[index][kind])
        while position < len(queue) and queue[position].estimate <= remaining:
            feature = queue[position]
            remaining -= feature.estimate
            position += 1
            yield feature.id, index, feature.estimate


def _kind_walk_fill(queue, pis, kind, committed_points):
    """Every feature that still fits the PI goes in, in rank order; the rest wait for the next PI."""
    waiting = queue
    for index, slot in enumerate(pis):
        if not waiting:
            return
        remaining = _remaining(slot, kind, committed_points[index][kind])
        smallest = min(feature.estimate for feature in waiting)
        left: list[OpenFeature] = []
        for position, feature in enumerate(waiting):
            if remaining < smallest:
                # Nothing left can fit: keep the rest for the next PI without looking at each.
                left.extend(waiting[position:])
                break
            if feature.estimate <= remaining:
                remaining -= feature.estimate
                yield feature.id, index, feature.estimate
            else:
                left.append(feature)
        waiting = left


def months_from(today: date, day: date) -> int:
    """Whole months from today to day, rounded to the nearest (a month = 30.44 days); 0 or more."""
    days = (day - today).days
    return max(round(days / 30.44), 0)


def ship_window_text(*, start_date: date, end_date: date, today: date) -> str:
    """When a PI delivers, as a stakeholder asks it: "3 to 5 months from now"."""
    first, last = months_from(today, start_date), months_from(today, end_date)
    if start_date <= today and last == 0:
        return "by the end of the running PI"
    if first == 0:
        return "within a month" if last <= 1 else f"within {last} months"
    if first == last:
        return f"about {last} month{'s' if last != 1 else ''} from now"
    return f"{first} to {last} months from now"
