"""Delay cost of a sequence of features, and what a proposed order costs against WSJF.

Plain functions, no database (docs/rules.md, "Delay cost and trade-offs"). Feature i, done
after everything before it, finishes at C_i = d_1 + ... + d_i; the delay cost of the
sequence is sum(c_i * C_i). Ordering by c_i / d_i descending (WSJF, or CD3 in money)
minimises it (Smith's rule). Decimal in, Decimal out; ratios are compared exactly, never as
floats.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from scoring.wsjf import RankInput, rank_key

RELATIVE = "cod-jobsize"  # c = Cost of Delay (UBV + TC + RR|OE), d = Job Size
MONEY = "money"  # c = Cost of Delay in money per week, d = duration in weeks
UNITS = (RELATIVE, MONEY)


@dataclass(frozen=True, slots=True)
class Job:
    """One feature as the sequencing math sees it: a delay-cost rate and a duration."""

    id: int
    rate: Decimal
    duration: Decimal
    created_at: datetime


def finish_times(order: Sequence[Job]) -> dict[int, Decimal]:
    """C_i of every job when done one after the other in this order."""
    finished: dict[int, Decimal] = {}
    clock = Decimal(0)
    for job in order:
        clock += job.duration
        finished[job.id] = clock
    return finished


def delay_cost(order: Sequence[Job]) -> Decimal:
    """sum(c_i * C_i): what waiting costs while the jobs are done in this order."""
    clock = Decimal(0)
    total = Decimal(0)
    for job in order:
        clock += job.duration
        total += job.rate * clock
    return total


def cd3_key(job: Job) -> tuple:
    """CD3 descending (exact ratio), then rate descending, shorter first, older first, id."""
    return (-Fraction(job.rate) / Fraction(job.duration), -job.rate, job.duration, job.created_at, job.id)


def wsjf_key(job: Job) -> tuple:
    """scoring.wsjf.rank_key on relative inputs: the rank order of the ranked backlog."""
    return rank_key(RankInput(job.id, int(job.rate), int(job.duration), job.created_at))


def best_order(jobs: Iterable[Job], unit: str) -> list[Job]:
    """The WSJF order (relative units) or the CD3 order (money): the cheapest sequence."""
    return sorted(jobs, key=wsjf_key if unit == RELATIVE else cd3_key)


def move_before(order: Sequence[int], move: int, before: int) -> list[int]:
    """The order with `move` taken out and put directly ahead of `before`."""
    if move == before:
        raise ValueError("move and before must be different features")
    moved = [item for item in order if item != move]
    moved.insert(moved.index(before), move)
    return moved


@dataclass(frozen=True, slots=True)
class Shift:
    id: int
    wsjf_position: int
    proposed_position: int
    wsjf_finish: Decimal
    proposed_finish: Decimal

    @property
    def delay(self) -> Decimal:
        """Positive: finishes later than in the WSJF order; negative: earlier."""
        return self.proposed_finish - self.wsjf_finish


@dataclass(frozen=True, slots=True)
class Comparison:
    unit: str
    wsjf_order: list[Job]
    proposed_order: list[Job]
    wsjf_delay_cost: Decimal
    proposed_delay_cost: Decimal
    shifts: list[Shift]  # in proposed order

    @property
    def extra_delay_cost(self) -> Decimal:
        return self.proposed_delay_cost - self.wsjf_delay_cost

    @property
    def delayed(self) -> list[Shift]:
        return [shift for shift in self.shifts if shift.delay > 0]

    @property
    def advanced(self) -> list[Shift]:
        return [shift for shift in self.shifts if shift.delay < 0]


def compare(
    jobs: Sequence[Job], proposed_ids: Sequence[int], unit: str, *, best: Sequence[Job] | None = None
) -> Comparison:
    """The proposed order of exactly these jobs against the best (WSJF or CD3) order.

    `best` may pass best_order(jobs, unit) when the caller has it already.
    """
    by_id = {job.id: job for job in jobs}
    if len(proposed_ids) != len(by_id) or set(proposed_ids) != set(by_id):
        raise ValueError("the proposed order must hold each compared job exactly once")
    best = list(best) if best is not None else best_order(jobs, unit)
    proposed = [by_id[job_id] for job_id in proposed_ids]
    best_finish, proposed_finish = finish_times(best), finish_times(proposed)
    best_position = {job.id: position for position, job in enumerate(best, start=1)}
    shifts = [
        Shift(job.id, best_position[job.id], position, best_finish[job.id], proposed_finish[job.id])
        for position, job in enumerate(proposed, start=1)
    ]
    return Comparison(unit, best, proposed, delay_cost(best), delay_cost(proposed), shifts)


def value_curve(order: Sequence[Job]) -> list[tuple[Decimal, Decimal]]:
    """Cost of Delay relieved so far, as a step line: (time, cumulative rate) corners.

    The area under `total - curve` is the delay cost, so the area between two orders'
    curves is the difference of their delay costs.
    """
    points = [(Decimal(0), Decimal(0))]
    clock = relieved = Decimal(0)
    for job in order:
        clock += job.duration
        points.append((clock, relieved))
        relieved += job.rate
        points.append((clock, relieved))
    return points


def plain_decimal_text(value: Decimal) -> str:
    """A Decimal as plain text without trailing zeros or exponent: 310, 2.5, 1200.75."""
    text = str(value)
    if "E" in text:
        text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def pin_to(order: Sequence[int], pinned: int, position: int) -> list[int]:
    """The order with `pinned` taken out and put at `position` (1 = first)."""
    rest = [item for item in order if item != pinned]
    rest.insert(min(position, len(rest) + 1) - 1, pinned)
    return rest
