"""Time Criticality rising toward a fixed date: the rule, in Decimal, with no database.

For an open feature with a fixed date, given the ART's throughput (story points per
iteration) and the length of an iteration (weeks):

- **finishes_in**: the estimates of the ART's ranked features, from rank 1 down to and
  including this one, summed, divided by the throughput: iterations from today. A ranked
  feature above it without an estimate counts 0 points (and the reason says so).
- **iterations_left**: the days from today to the fixed date, divided by 7 x weeks per
  iteration.
- **late** (shown red) when finishes_in > iterations_left, or when the date has passed;
  **tight** when iterations_left - finishes_in < 1: less than one iteration to spare;
  **on track** otherwise; **unknown** without a rank, an estimate or a throughput.
- A late or tight feature gets a **proposal**: its Time Criticality one step up the scale
  (1, 2, 3, 5, 8, 13, 20), never above 20. A passed date gets none: no Time Criticality
  makes a date that has gone.

Every comparison is exact: both sides are multiplied out (points x 7 x weeks against days x
throughput), so no rounded quotient decides anything. The quotients are for display.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from scoring.wsjf import SCALE

LATE = "late"
TIGHT = "tight"
ON_TRACK = "on_track"
UNKNOWN = "unknown"
STATES = (LATE, TIGHT, ON_TRACK, UNKNOWN)

ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class BacklogItem:
    """An open feature of the ART, as the rule needs it."""

    id: int
    rank: int | None
    estimate_points: Decimal | None
    time_criticality: int | None
    fixed_date: date | None


@dataclass(frozen=True, slots=True)
class FixedDateCheck:
    """Where a feature with a fixed date stands, and what the rule proposes."""

    feature_id: int
    fixed_date: date
    rank: int | None
    time_criticality: int | None
    state: str
    iterations_left: Decimal | None  # exact; None only when unknown for want of a throughput
    finishes_in: Decimal | None  # exact; None when unknown or the date has passed
    proposed_tc: int | None
    reason: str

    @property
    def red(self) -> bool:
        return self.state == LATE


def tc_step_up(value: int) -> int | None:
    """The next value of the scale above value; None at 20, the top."""
    higher = [step for step in SCALE if step > value]
    return higher[0] if higher else None


def iterations_text(value: Decimal) -> str:
    """An iteration count as the reasons write it: half up to one place, no trailing .0."""
    text = str(value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP))
    return text.removesuffix(".0")


def _iterations(value: Decimal) -> str:
    text = iterations_text(value)
    return f"{text} iteration" if text == "1" else f"{text} iterations"


def fixed_dates_check(
    items: Iterable[BacklogItem],
    *,
    today: date,
    points_per_iteration: Decimal | None,
    weeks_per_iteration: Decimal,
) -> list[FixedDateCheck]:
    """A check for every item with a fixed date, in rank order (unranked ones last).

    items: the ART's open features. Their estimates, in rank order, say how much work
    comes before each one.
    """
    ordered = sorted(items, key=lambda item: (item.rank is None, item.rank or 0, item.id))
    checks = []
    points_through = Decimal(0)
    unestimated_above = 0
    for item in ordered:
        if item.rank is not None:
            points_through += item.estimate_points or 0
        if item.fixed_date is not None:
            checks.append(
                fixed_date_check(
                    item,
                    points_through=points_through,
                    unestimated_above=unestimated_above,
                    today=today,
                    points_per_iteration=points_per_iteration,
                    weeks_per_iteration=weeks_per_iteration,
                )
            )
        if item.rank is not None and item.estimate_points is None:
            unestimated_above += 1
    return checks


def fixed_date_check(
    item: BacklogItem,
    *,
    points_through: Decimal,
    unestimated_above: int,
    today: date,
    points_per_iteration: Decimal | None,
    weeks_per_iteration: Decimal,
) -> FixedDateCheck:
    """The rule for one feature. points_through: the estimates from rank 1 down to and
    including this feature; unestimated_above: ranked features above it with no estimate."""
    if item.fixed_date is None:
        raise ValueError(f"feature {item.id} has no fixed date")
    days = (item.fixed_date - today).days
    days_per_iteration = 7 * weeks_per_iteration
    left = Decimal(days) / days_per_iteration

    def check(state: str, reason: str, finishes_in: Decimal | None = None, proposed: int | None = None):
        return FixedDateCheck(
            item.id,
            item.fixed_date,
            item.rank,
            item.time_criticality,
            state,
            left,
            finishes_in,
            proposed,
            reason,
        )

    if days < 0:
        return check(LATE, f"The fixed date {item.fixed_date} has passed.")
    if item.rank is None or item.time_criticality is None:
        return check(
            UNKNOWN, "Not ranked: it needs all four WSJF inputs before popm can tell when it finishes."
        )
    if item.estimate_points is None:
        return check(UNKNOWN, "No estimate: popm cannot tell when it finishes.")
    if not points_per_iteration:
        return check(UNKNOWN, "The ART's teams have no velocity: popm cannot tell when anything finishes.")
    finishes_in = points_through / points_per_iteration
    # late: points / throughput > days / (7 x weeks), multiplied out.
    if points_through * days_per_iteration > days * points_per_iteration:
        state = LATE
    # tight: days / (7 x weeks) - points / throughput < 1, multiplied out.
    elif (
        days * points_per_iteration - points_through * days_per_iteration
        < days_per_iteration * points_per_iteration
    ):
        state = TIGHT
    else:
        state = ON_TRACK
    proposed = None if state == ON_TRACK else tc_step_up(item.time_criticality)
    reason = _reason(item, state, left, finishes_in, unestimated_above)
    return check(state, reason, finishes_in, proposed)


def _reason(
    item: BacklogItem, state: str, left: Decimal, finishes_in: Decimal, unestimated_above: int
) -> str:
    words = f"{_iterations(left)} left to {item.fixed_date}; at rank {item.rank} it finishes in {_iterations(finishes_in)}"
    if state == LATE:
        words += ": the date cannot be met at this rank."
    elif state == TIGHT:
        words += ": less than one iteration to spare."
    else:
        words += "."
    if unestimated_above:
        plural = "features above it have" if unestimated_above > 1 else "feature above it has"
        words += f" {unestimated_above} {plural} no estimate and count as 0 points."
    if state != ON_TRACK and tc_step_up(item.time_criticality) is None:
        words += " Time Criticality is already 20, the top of the scale."
    return words
