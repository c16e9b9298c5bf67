"""The rules of capacity allocation (docs/rules.md, "Capacity plan"). No database.

Decimal in, Decimal out. Budgets are exact (capacity x share / 100); only the text shown to
people and scripts is rounded, to two places.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

KINDS: tuple[str, ...] = ("business", "enabler", "exploration")
DEFAULT_SHARES: Mapping[str, int] = {"business": 70, "enabler": 20, "exploration": 10}
STRICT = "strict"
FILL = "fill"
MODES: tuple[str, ...] = (STRICT, FILL)

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


class AllocationError(ValueError):
    """Shares that are not whole percents of 0 to 100 summing to 100."""


class Candidate(NamedTuple):
    """A feature that may be planned: its id, kind and estimate (None: needs an estimate).

    A named tuple: plans walk tens of thousands of them, and tuples are cheap to make.
    Anything with the same three attributes will do (scoring.planning.selectors.PlanFeature does).
    """

    id: int
    kind: str
    estimate: Decimal | None


@dataclass(frozen=True, slots=True)
class KindPlan:
    kind: str
    share: int
    budget: Decimal
    committed: tuple[int, ...]
    committed_points: Decimal
    below_line: tuple[int, ...]
    needs_estimate: tuple[int, ...]
    # Features whose estimate alone exceeds the kind's whole budget (they can never fit).
    too_big: tuple[int, ...]

    @property
    def utilisation(self) -> Decimal:
        """Committed points as a percent of the budget, 2 places; 0 when the budget is 0."""
        if self.budget == ZERO:
            return ZERO.quantize(TWO_PLACES)
        return (self.committed_points * HUNDRED / self.budget).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.committed_points


@dataclass(frozen=True, slots=True)
class Plan:
    mode: str
    capacity: Decimal
    kinds: tuple[KindPlan, ...]

    @property
    def committed_points(self) -> Decimal:
        return sum((kind.committed_points for kind in self.kinds), ZERO)

    @property
    def committed_ids(self) -> frozenset[int]:
        return frozenset(fid for kind in self.kinds for fid in kind.committed)

    @property
    def utilisation(self) -> Decimal:
        if self.capacity == ZERO:
            return ZERO.quantize(TWO_PLACES)
        return (self.committed_points * HUNDRED / self.capacity).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)

    def kind(self, kind: str) -> KindPlan:
        return next(plan for plan in self.kinds if plan.kind == kind)


def team_capacity_default(*, velocity: int, development_iterations: int) -> Decimal:
    """A team's PI capacity unless overridden: velocity x iterations, the IP iteration excluded."""
    return Decimal(velocity) * max(development_iterations, 0)


def shares_check(shares: Mapping[str, object]) -> dict[str, int]:
    """Return the three shares as ints, or raise AllocationError saying what is allowed."""
    missing = [kind for kind in KINDS if kind not in shares]
    if missing:
        raise AllocationError(f"Give a share for each of {', '.join(KINDS)}; missing: {', '.join(missing)}.")
    checked = {}
    for kind in KINDS:
        value = shares[kind]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise AllocationError(f"{kind} must be a whole percent from 0 to 100, not {value!r}.")
        checked[kind] = value
    total = sum(checked.values())
    if total != 100:
        raise AllocationError(f"business + enabler + exploration must add up to 100; they add up to {total}.")
    return checked


def budgets(*, capacity: Decimal, shares: Mapping[str, int]) -> dict[str, Decimal]:
    """Budget of each kind = ART capacity x share, exact."""
    return {kind: capacity * shares[kind] / HUNDRED for kind in KINDS}


def kind_plan_build(
    *, kind: str, share: int, budget: Decimal, ranked: Iterable[Candidate], mode: str
) -> KindPlan:
    """Walk one kind's candidates in rank order against its budget.

    strict: the first estimated feature that does not fit ends the walk; it and every
    estimated feature after it are below the line. fill: keep committing what still fits.
    A feature without an estimate is never committed and never ends the walk.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    committed: list[int] = []
    below_line: list[int] = []
    needs_estimate: list[int] = []
    too_big: list[int] = []
    remaining = budget
    cut = False
    for candidate in ranked:
        if candidate.estimate is None:
            needs_estimate.append(candidate.id)
            continue
        if candidate.estimate > budget:
            too_big.append(candidate.id)
        if not cut and candidate.estimate <= remaining:
            committed.append(candidate.id)
            remaining -= candidate.estimate
            continue
        below_line.append(candidate.id)
        cut = mode == STRICT
    return KindPlan(
        kind=kind,
        share=share,
        budget=budget,
        committed=tuple(committed),
        committed_points=budget - remaining,
        below_line=tuple(below_line),
        needs_estimate=tuple(needs_estimate),
        too_big=tuple(too_big),
    )


def plan_build(
    *, capacity: Decimal, shares: Mapping[str, int], ranked: Sequence[Candidate], mode: str = STRICT
) -> Plan:
    """The PI plan of docs/rules.md. `ranked` holds every kind's candidates in rank order."""
    by_kind: dict[str, list[Candidate]] = {kind: [] for kind in KINDS}
    for candidate in ranked:
        by_kind[candidate.kind].append(candidate)
    kind_budgets = budgets(capacity=capacity, shares=shares)
    return Plan(
        mode=mode,
        capacity=capacity,
        kinds=tuple(
            kind_plan_build(
                kind=kind, share=shares[kind], budget=kind_budgets[kind], ranked=by_kind[kind], mode=mode
            )
            for kind in KINDS
        ),
    )


@dataclass(frozen=True, slots=True)
class PlanWarning:
    code: str  # no_budget | too_big | nothing_committed | total
    kind: str | None
    message: str
    feature_ids: tuple[int, ...] = ()


def plan_warnings(plan: Plan, titles: Mapping[int, str] | None = None) -> list[PlanWarning]:
    """What a POPM should look at before committing the plan. titles: names for feature ids."""
    titles = titles or {}
    warnings = []
    for kind in plan.kinds:
        label = kind.kind.capitalize()
        if kind.budget == ZERO:
            reason = "the PI has no capacity" if plan.capacity == ZERO else f"its share is {kind.share}%"
            message = f"{label}: the budget is 0 points ({reason}), so nothing of this kind can be committed."
            warnings.append(PlanWarning("no_budget", kind.kind, message, kind.too_big))
            continue
        if kind.too_big:
            named = ", ".join(titles.get(fid, f"feature #{fid}") for fid in kind.too_big[:3])
            more = f" and {len(kind.too_big) - 3} more" if len(kind.too_big) > 3 else ""
            subject = f"{named}{more} {'is' if len(kind.too_big) == 1 else 'are'}"
            warnings.append(
                PlanWarning(
                    "too_big",
                    kind.kind,
                    f"{label}: {subject} larger than the whole {kind.kind} budget "
                    f"({points_text(kind.budget)} points); split or re-estimate, or change the allocation.",
                    kind.too_big,
                )
            )
        if not kind.committed:
            warnings.append(
                PlanWarning(
                    "nothing_committed",
                    kind.kind,
                    f"{label}: nothing is committed (budget {points_text(kind.budget)} points).",
                )
            )
    # Committed points never exceed the capacity (each kind stays within its budget), so
    # the total is information, not an alarm: how much of the train's capacity is used.
    message = (
        f"{points_text(plan.committed_points)} of {points_text(plan.capacity)} points committed "
        f"({plan.utilisation}% of the ART's capacity)."
    )
    warnings.append(PlanWarning("total", None, message))
    return warnings


def points_text(value: Decimal) -> str:
    """Story points as people write them: 40, 37.5, 12.25 (no trailing zeros, no exponent)."""
    text = f"{value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def two_places_text(value: Decimal) -> str:
    """Two places, as the API writes points and percents: "70.00"."""
    return f"{value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP):f}"
