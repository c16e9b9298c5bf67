"""The numbers of outcomes and flow (docs/rules.md, "Outcomes, predictability and flow").

Pure: no database, no Django. Decimal in, Decimal out; percents rounded half-up to 2 places
only at the end, never in between.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
SECONDS_PER_DAY = Decimal(86400)
KINDS: tuple[str, ...] = ("business", "enabler", "exploration")
# Flow time percentiles shown on the flow page and the API.
FLOW_PERCENTILES: tuple[int, ...] = (50, 85, 95)
# SAFe's band for a predictable train: 80 % to 100 % of the committed business value.
PREDICTABLE_LOW, PREDICTABLE_HIGH = Decimal(80), Decimal(100)


def half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole as a percent, 2 places half-up; None when whole is 0 (nothing to compare with)."""
    if whole == 0:
        return None
    return half_up(Decimal(part) * HUNDRED / Decimal(whole))


# --- PI objectives and predictability -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ObjectiveValues:
    """What predictability needs of one PI objective. team_id None: an ART objective."""

    team_id: int | None
    committed: bool
    planned_value: int
    actual_value: int | None


@dataclass(frozen=True, slots=True)
class Predictability:
    planned: Decimal  # planned business value of the committed objectives
    actual: Decimal  # actual business value of all objectives, stretch included
    percent: Decimal | None  # None: nothing was committed

    @property
    def in_band(self) -> bool:
        return self.percent is not None and PREDICTABLE_LOW <= self.percent <= PREDICTABLE_HIGH


def predictability(objectives: Iterable[ObjectiveValues]) -> Predictability:
    """SAFe's predictability measure: actual BV of all objectives / planned BV of committed ones.

    Stretch (uncommitted) objectives add to actual and never to planned, so a team that
    delivers its stretch goals passes 100 %. An objective without an actual value (not yet
    assessed) adds 0 to actual.
    """
    planned = actual = Decimal(0)
    for objective in objectives:
        if objective.committed:
            planned += objective.planned_value
        if objective.actual_value is not None:
            actual += objective.actual_value
    return Predictability(planned=planned, actual=actual, percent=percent_of(actual, planned))


def predictability_by_team(objectives: Sequence[ObjectiveValues]) -> dict[int, Predictability]:
    """Each team's figure from its own objectives; ART objectives (team None) belong to no team."""
    team_ids = sorted({o.team_id for o in objectives if o.team_id is not None})
    return {team_id: predictability(o for o in objectives if o.team_id == team_id) for team_id in team_ids}


# --- leading indicators ---------------------------------------------------------------------


def indicator_progress(*, baseline: Decimal, target: Decimal, value: Decimal) -> Decimal | None:
    """How far value has come from baseline toward target, in percent of the way (2 places).

    0 at the baseline, 100 at the target, above 100 past it, below 0 when it moved the
    wrong way. A target below its baseline (fewer failed payments) works the same way round.
    None when target equals baseline: there is no way to measure.
    """
    return percent_of(value - baseline, target - baseline)


# --- flow -----------------------------------------------------------------------------------


def flow_days(started_at: datetime, done_at: datetime) -> Decimal:
    """Flow time in days, 2 places half-up: exact seconds, no float on the way."""
    span = done_at - started_at
    microseconds = (span.days * 86400 + span.seconds) * 1_000_000 + span.microseconds
    return half_up(Decimal(microseconds) / 1_000_000 / SECONDS_PER_DAY)


def percentile_nearest_rank(values: Sequence[Decimal], percent: int) -> Decimal | None:
    """The nearest-rank percentile: the smallest value with at least `percent` % of the values at
    or below it (rank = ceil(percent / 100 x n)). Always a value that was observed; None for none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = -(-percent * len(ordered) // 100)  # ceil without float
    return ordered[max(rank, 1) - 1]


def flow_percentiles(values: Sequence[Decimal]) -> dict[int, Decimal | None]:
    ordered = sorted(values)  # once: percentile_nearest_rank of sorted values sorts fast
    return {percent: percentile_nearest_rank(ordered, percent) for percent in FLOW_PERCENTILES}


@dataclass(frozen=True, slots=True)
class KindShare:
    kind: str
    features: int
    points: Decimal
    delivered_percent: Decimal | None  # share of done points; None when no done points at all
    planned_percent: Decimal  # the PI's allocation share

    @property
    def gap(self) -> Decimal | None:
        """Delivered minus planned, in percentage points."""
        return None if self.delivered_percent is None else self.delivered_percent - self.planned_percent


def flow_distribution(
    done: Iterable[tuple[str, Decimal | None]], shares: Mapping[str, int]
) -> list[KindShare]:
    """Share of done work by kind, in story points, beside the planned allocation of capacity.

    done: (kind, estimate points or None) of each feature done in the PI. Allocation shares
    capacity in points, so delivery is compared in points too; a done feature without an
    estimate counts in `features` and adds no points. Each percent is rounded on its own, so
    the three may sum to 99.99 or 100.01.
    """
    features = dict.fromkeys(KINDS, 0)
    points = dict.fromkeys(KINDS, Decimal(0))
    for kind, estimate in done:
        features[kind] += 1
        points[kind] += estimate or 0
    total = sum(points.values(), Decimal(0))
    return [
        KindShare(
            kind=kind,
            features=features[kind],
            points=points[kind],
            delivered_percent=percent_of(points[kind], total),
            planned_percent=Decimal(shares[kind]),
        )
        for kind in KINDS
    ]


# --- estimated vs delivered -----------------------------------------------------------------

# Below this many verdicts a group says "too few to tell" instead of a rate.
CALIBRATION_MIN_SAMPLE = 5
HELD = ("exceeded", "achieved")  # verdicts where the value the estimate promised arrived


@dataclass(frozen=True, slots=True)
class CalibrationRow:
    label: str
    verdicts: int  # done features with a verdict other than "too early"
    held: int  # of which exceeded or achieved
    rate: Decimal | None  # held / verdicts in percent; None below the sample size

    @property
    def too_few(self) -> bool:
        return self.rate is None


def calibration_row(label: str, verdicts: Sequence[str]) -> CalibrationRow:
    """How often the outcome held for a group of estimates (verdicts "too_early" are not counted)."""
    counted = [verdict for verdict in verdicts if verdict and verdict != "too_early"]
    held = sum(1 for verdict in counted if verdict in HELD)
    rate = (
        percent_of(Decimal(held), Decimal(len(counted))) if len(counted) >= CALIBRATION_MIN_SAMPLE else None
    )
    return CalibrationRow(label=label, verdicts=len(counted), held=held, rate=rate)
