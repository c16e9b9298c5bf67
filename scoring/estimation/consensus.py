"""The rules of an estimation session's numbers: median, spread, suggestion, flags, bias.

Plain functions, no database, Decimal and never float. A vote is a scale value or None
(abstain, "?"); abstentions count for nobody's median or spread.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from scoring.wsjf import SCALE

# Two votes this many scale steps or more apart (2 vs 13) are worth a conversation.
DISCUSS_STEPS = 3
TWO_PLACES = Decimal("0.01")


def scale_step(value: int) -> int:
    """A value's position on the scale: 1 is step 0, 20 is step 6."""
    return SCALE.index(value)


def _counted(votes: Iterable[int | None]) -> list[int]:
    return sorted(vote for vote in votes if vote is not None)


def median(votes: Iterable[int | None]) -> Decimal | None:
    """The middle vote, or the mean of the two middle ones; None when nobody gave a value."""
    values = _counted(votes)
    if not values:
        return None
    middle = len(values) // 2
    if len(values) % 2:
        return Decimal(values[middle])
    return (Decimal(values[middle - 1]) + Decimal(values[middle])) / 2


def spread_steps(votes: Iterable[int | None]) -> int | None:
    """Scale steps between the lowest and the highest vote (2 vs 13 is 4 steps)."""
    values = _counted(votes)
    if not values:
        return None
    return scale_step(values[-1]) - scale_step(values[0])


def nearest_on_scale(number: Decimal) -> int:
    """The scale value nearest to number; halfway between two, the higher one."""
    return min(SCALE, key=lambda value: (abs(Decimal(value) - number), -value))


def suggestion(votes: Iterable[int | None]) -> int | None:
    """The value a POPM is offered to accept: the median rounded to the scale, ties up."""
    middle = median(votes)
    return None if middle is None else nearest_on_scale(middle)


def needs_discussion(votes: Iterable[int | None]) -> bool:
    spread = spread_steps(votes)
    return spread is not None and spread >= DISCUSS_STEPS


def column_without_one(values: Iterable[int | None]) -> bool:
    """The relative-estimation rule: a column whose values (accepted, else suggested) hold no 1.
    Features without a value yet do not count; a column with no values at all is not flagged."""
    known = [value for value in values if value is not None]
    return bool(known) and 1 not in known


@dataclass(frozen=True)
class Consensus:
    """What a revealed round shows for one feature."""

    median: Decimal | None
    spread: int | None
    suggestion: int | None
    discuss: bool
    low: int | None
    high: int | None


def consensus_of(votes: Iterable[int | None]) -> Consensus:
    values = _counted(votes)
    return Consensus(
        median=median(values),
        spread=spread_steps(values),
        suggestion=suggestion(values),
        discuss=needs_discussion(values),
        low=values[0] if values else None,
        high=values[-1] if values else None,
    )


def bias_steps(pairs: Iterable[tuple[int, int]]) -> Decimal | None:
    """How far a person's votes sit from the accepted values, on average, in scale steps:
    mean of step(vote) - step(accepted) over (vote, accepted) pairs, rounded half up to two
    places. Positive: they score above consensus. None without pairs."""
    differences = [scale_step(vote) - scale_step(accepted) for vote, accepted in pairs]
    if not differences:
        return None
    return (Decimal(sum(differences)) / len(differences)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
