"""The rules of the numbers: Cost of Delay, WSJF and rank order (SAFe).

Plain functions, no database. Decimal in, Decimal out; never float.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from math import lcm

SCALE: tuple[int, ...] = (1, 2, 3, 5, 8, 13, 20)
SCALE_TEXT = ", ".join(str(value) for value in SCALE)

# Every job size on the scale divides this number, so cod * (RATIO_BASE // job_size) is
# exactly WSJF * RATIO_BASE as an integer: comparing those integers compares the exact
# ratios, with no rounding and no float.
RATIO_BASE = lcm(*SCALE)

TWO_PLACES = Decimal("0.01")


class ScaleError(ValueError):
    """A value that is not on the modified Fibonacci scale."""


def scale_value_parse(raw: object) -> int:
    """Return raw as a scale value, or raise ScaleError with a message naming the scale."""
    if isinstance(raw, bool):
        raise ScaleError(f"{raw!r} is not on the scale {SCALE_TEXT}")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.strip().isdigit():
        value = int(raw.strip())
    else:
        shown = raw if isinstance(raw, (str, int, float, Decimal)) else type(raw).__name__
        raise ScaleError(f"{shown!s} is not on the scale {SCALE_TEXT}")
    if value not in SCALE:
        raise ScaleError(f"{value} is not on the scale {SCALE_TEXT}")
    return value


def cost_of_delay(user_business_value: int, time_criticality: int, risk_reduction: int) -> int:
    """CoD = UBV + TC + RR|OE, 3 to 60."""
    return user_business_value + time_criticality + risk_reduction


def wsjf(cost_of_delay_value: int, job_size: int) -> Decimal:
    """WSJF = CoD / Job Size, rounded half-up to 2 places (for display and storage only)."""
    return (Decimal(cost_of_delay_value) / Decimal(job_size)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def wsjf_scaled(cost_of_delay_value: int, job_size: int) -> int:
    """WSJF * RATIO_BASE, exact, for ordering."""
    if job_size not in SCALE:
        raise ScaleError(f"{job_size} is not on the scale {SCALE_TEXT}")
    return cost_of_delay_value * (RATIO_BASE // job_size)


@dataclass(frozen=True, slots=True)
class RankInput:
    id: int
    cost_of_delay: int
    job_size: int
    created_at: datetime


def rank_key(item: RankInput) -> tuple:
    """Sort key of docs/rules.md: WSJF desc (exact), CoD desc, job size asc, older first, id."""
    return (
        -wsjf_scaled(item.cost_of_delay, item.job_size),
        -item.cost_of_delay,
        item.job_size,
        item.created_at,
        item.id,
    )


def rank_order(items: Iterable[RankInput]) -> list[RankInput]:
    """Items in rank order; rank 1 is the first element."""
    return sorted(items, key=rank_key)


def ranks_by_id(items: Iterable[RankInput]) -> dict[int, int]:
    """Map of id to rank (1-based)."""
    return {item.id: position for position, item in enumerate(rank_order(items), start=1)}


@dataclass(frozen=True, slots=True)
class Pin:
    """An executive priority: the item `id` held at `position` (1 = top) since `pinned_at`."""

    id: int
    position: int
    pinned_at: datetime


def pinned_order(order: Sequence[int], pins: Iterable[Pin]) -> list[int]:
    """The rank order with the pins applied (docs/rules.md, "Pins"): ids, rank 1 first.

    `order` is the WSJF order. A pinned item sits at its pinned position; the others keep
    their WSJF order around it. Pins are served by position, then the older pin first, then
    id: two pins at one position take it and the next one, older first. A pinned item the
    WSJF order already puts at or above its position stays where WSJF puts it (a pin only
    ever lifts). Pins of ids not in `order` are ignored; a position past the end means last.
    O(n + p log p).
    """
    in_order = set(order)
    if not in_order:
        return []
    waiting = sorted(
        (pin for pin in pins if pin.id in in_order), key=lambda pin: (pin.position, pin.pinned_at, pin.id)
    )
    if not waiting:
        return list(order)
    result: list[int] = []
    placed: set[int] = set()
    flow = iter(order)
    next_pin = 0
    for slot in range(1, len(order) + 1):
        while next_pin < len(waiting) and waiting[next_pin].id in placed:
            next_pin += 1  # already reached its place in the WSJF order
        if next_pin < len(waiting) and waiting[next_pin].position <= slot:
            item = waiting[next_pin].id
            next_pin += 1
        else:
            item = next(candidate for candidate in flow if candidate not in placed)
        result.append(item)
        placed.add(item)
    return result


def columns_without_one(rows: Sequence[dict[str, int | None]], columns: Sequence[str]) -> list[str]:
    """Columns of a scored set in which no item has the value 1 (relative estimation rule).

    Only scored values count; an empty set flags nothing.
    """
    flagged = []
    for column in columns:
        values = [row[column] for row in rows if row[column] is not None]
        if values and 1 not in values:
            flagged.append(column)
    return flagged


def _level(value: int, words: tuple[str, str, str]) -> str:
    low, medium, high = words
    return high if value >= 13 else medium if value >= 5 else low


def score_in_words(
    user_business_value: int, time_criticality: int, risk_reduction: int, job_size: int
) -> str:
    """'high value, low time criticality, some risk reduction, large job' for a stakeholder."""
    return ", ".join(
        [
            _level(user_business_value, ("low value", "medium value", "high value")),
            _level(time_criticality, ("low time criticality", "some time criticality", "urgent")),
            _level(risk_reduction, ("little risk reduction", "some risk reduction", "major risk reduction")),
            _level(job_size, ("small job", "medium job", "large job")),
        ]
    )
