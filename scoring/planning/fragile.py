"""Fragile ranks (docs/rules.md, "Fragile ranks"): the planned features that one scale step
moves across their kind's cut line in the PI's strict plan. No database.

Decimal in; ranks compared with the exact keys of scoring.wsjf, never floats.
"""

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from scoring.wsjf import SCALE, RankInput, cost_of_delay, rank_key

# The order in which a feature's inputs are tried: the backlog's column order.
INPUTS: tuple[str, ...] = ("user_business_value", "time_criticality", "risk_reduction", "job_size")
OWN, PREVIOUS, NEXT = "own", "previous", "next"
OUT, IN = "out", "in"  # committed now and below the line after the step; or the reverse

ZERO = Decimal(0)
_STEP_UP = dict(zip(SCALE, SCALE[1:]))
_STEP_DOWN = dict(zip(SCALE[1:], SCALE))
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # any time: only the head of the key is kept


class FragileCandidate(NamedTuple):
    """A ranked candidate of the PI's plan with what its exact rank key needs.

    rank is the stored rank, carried through for the text people read; the rule itself
    orders the candidates by the rank key of their inputs as they are now. created_order is
    the candidate's place in creation order (creation time, then id) among the candidates it
    is compared with: it orders them exactly as rank_key's creation time does, and reading
    10,000 integers instead of 10,000 datetimes saves about 10 ms (docs/benchmarks.md).
    """

    id: int
    kind: str
    estimate: Decimal | None
    rank: int | None
    user_business_value: int
    time_criticality: int
    risk_reduction: int
    job_size: int
    created_order: int


@dataclass(frozen=True, slots=True)
class FragileChange:
    """The one step that moves feature_id across its kind's cut line."""

    feature_id: int
    kind: str
    changed_id: int  # the feature whose input the step changes: feature_id itself or a neighbour
    changed_rank: int | None
    neighbour: str  # own | previous | next (in the kind's rank order)
    field: str  # one of INPUTS
    before: int
    after: int
    direction: str  # out: committed now, below the line after; in: the reverse


def candidate_key(candidate: FragileCandidate) -> tuple:
    """scoring.wsjf.rank_key of the candidate's inputs, its creation order in place of its
    creation time: the order of the ranked backlog."""
    cod = cost_of_delay(candidate.user_business_value, candidate.time_criticality, candidate.risk_reduction)
    return _head(cod, candidate.job_size) + (candidate.created_order, candidate.id)


@cache
def _head(cod: int, job_size: int) -> tuple:
    """The part of scoring.wsjf.rank_key the inputs decide (WSJF, CoD, job size); the rest of
    the key is (creation time, id). At most 58 x 7 of them: worked out once each."""
    return rank_key(RankInput(0, cod, job_size, _EPOCH))[:-2]


@cache
def _steps(inputs: tuple[int, int, int, int], earlier: bool) -> tuple[tuple[str, int, int, tuple], ...]:
    """(field, before, after, key head after) of each one-step change of the four inputs that
    moves a feature earlier (or later) in the rank order, in the order of INPUTS.

    A higher value, time criticality or risk reduction raises the Cost of Delay and so WSJF;
    a higher job size lowers WSJF. Either way the rank key moves strictly, so for each input
    exactly one of up and down moves it earlier; none at the end of the scale.
    """
    found = []
    for position, field in enumerate(INPUTS):
        up = earlier != (field == "job_size")
        after = (_STEP_UP if up else _STEP_DOWN).get(inputs[position])
        if after is not None:
            ubv, tc, rr, size = (*inputs[:position], after, *inputs[position + 1 :])
            found.append((field, inputs[position], after, _head(cost_of_delay(ubv, tc, rr), size)))
    return tuple(found)


@cache
def _farthest_head(inputs: tuple[int, int, int, int], earlier: bool) -> tuple | None:
    """The key head of the step that moves a feature farthest earlier (or later); None when
    no step moves it that way. The farther a feature moves, the more (or less) is ahead of it:
    if this step does not take it across the line, none does."""
    heads = [head for _, _, _, head in _steps(inputs, earlier)]
    return (min(heads) if earlier else max(heads)) if heads else None


def _inputs(candidate: FragileCandidate) -> tuple[int, int, int, int]:
    """The four inputs in the order of INPUTS: FragileCandidate's fields 4 to 7."""
    return candidate[4:8]


def kind_fragile(*, budget: Decimal, candidates: Iterable[FragileCandidate]) -> dict[int, FragileChange]:
    """Fragile features of one kind: feature id -> the smallest step that moves it across the
    strict plan's cut line. Candidates in any order (they are sorted by their exact rank key);
    estimates not negative, or None.

    The rule the walk reduces to: in the strict walk (scoring.planning.capacity.kind_plan_build),
    a feature with an estimate is committed iff the estimates of the estimated candidates
    ranked before it, plus its own, add up to at most the budget. (If an earlier feature ended
    the walk, that sum already exceeded the budget, and estimates are not negative, so the same
    inequality fails.) A step therefore matters to a feature F only if it changes the set of
    features ranked before F:
    - a step on F moves F's key; the features before its new key are found by bisection;
    - a step on a neighbour X matters only if X's new key crosses F's: the previous feature
      dropping behind F frees its estimate (F may enter), the next one passing F takes its
      estimate first (F may fall out). A neighbour without an estimate changes nothing.
    Only a step toward the line can cross it: a committed feature moving earlier, or one below
    the line moving later, keeps or grows its margin.

    "Smallest", as there is always exactly one step: F's own inputs before a neighbour's (a
    second opinion on F itself comes first), the previous neighbour before the next (only one
    of them can ever move F: the previous one for a feature below the line, the next one for a
    committed feature), then the inputs in the order of INPUTS.

    A feature whose key lands behind the feature that ends the walk (the cut feature) is below
    the line: that feature's estimate and all before it are then ahead of it, and alone they
    overflow the budget. So sums and keys are kept only down to just past the cut.

    Features without an estimate are never committed and never fragile. O(N log N): one sort,
    then per feature a constant number of key comparisons and bisections.
    """
    ordered = sorted(candidates, key=candidate_key)
    # ahead[i]: the estimates of the estimated candidates ranked before ordered[i], for i up
    # to one past the cut.
    ahead, cut = [ZERO], len(ordered)
    for index, candidate in enumerate(ordered):
        ahead.append(ahead[index] + (candidate.estimate or ZERO))
        if candidate.estimate is not None and ahead[-1] > budget:
            cut = index
            break
    if cut == len(ordered):
        return {}  # all of the kind fits, in any order
    keys = [candidate_key(candidate) for candidate in ordered[: cut + 2]]
    walk = _Walk(budget, ordered, keys, ahead, cut)
    changes = {}
    for index in walk.near_the_line():
        change = walk.own_change(index) or walk.neighbour_change(index)
        if change is not None:
            changes[ordered[index].id] = change
    return changes


@dataclass(frozen=True, slots=True)
class _Walk:
    """One kind's candidates in rank order, with the sums kind_fragile reads."""

    budget: Decimal
    ordered: list[FragileCandidate]
    keys: list[tuple]  # down to the feature after the cut feature
    ahead: list[Decimal]  # as far down
    cut: int  # index of the feature that ends the strict walk

    def near_the_line(self) -> Iterator[int]:
        """Indexes of the estimated features that may be fragile.

        Every one down to the feature after the one that ends the walk (the cut feature);
        past that, the cut feature's estimate and all before it stay ahead of a feature
        whatever its previous neighbour does, and alone they overflow the budget: only a step
        of its own that takes it ahead of the cut feature can commit it. Most of a long
        backlog is left out here by one comparison of key heads, without a bisection.
        """
        ordered = self.ordered
        near = min(self.cut + 2, len(ordered))
        yield from (index for index in range(near) if ordered[index].estimate is not None)
        cut_head = self.keys[self.cut][:-2]
        for index in range(near, len(ordered)):
            feature = ordered[index]
            if feature.estimate is not None:
                head = _farthest_head(_inputs(feature), True)
                if head is not None and head <= cut_head:
                    yield index

    def own_change(self, index: int) -> FragileChange | None:
        feature, committed = self.ordered[index], index < self.cut
        inputs, tail = _inputs(feature), (feature.created_order, feature.id)
        farthest = _farthest_head(inputs, not committed)
        if farthest is None or self.committed_at(index, farthest + tail) == committed:
            return None
        for field, before, after, head in _steps(inputs, not committed):
            if self.committed_at(index, head + tail) != committed:
                return _change(feature, feature, OWN, field, before, after, committed)
        raise AssertionError("the farthest step crosses, so one of the steps does")

    def committed_at(self, index: int, key: tuple) -> bool:
        """Whether ordered[index] would be committed with this key instead of its own."""
        position = bisect_left(self.keys, key)
        if position > self.cut:
            return False  # behind the cut feature
        feature = self.ordered[index]
        # keys still holds the old key: it is before the new one iff the feature moved later.
        ahead = self.ahead[position] - (feature.estimate if position > index else ZERO)
        return ahead + feature.estimate <= self.budget

    def neighbour_change(self, index: int) -> FragileChange | None:
        if index > self.cut + 1:
            return None  # the cut feature stays ahead of it whatever its previous one does
        feature, committed = self.ordered[index], index < self.cut
        other = index + 1 if committed else index - 1
        if not 0 <= other < len(self.ordered) or self.ordered[other].estimate is None:
            return None
        neighbour = self.ordered[other]
        # The next feature passing F puts its estimate ahead of F; the previous one dropping
        # behind F takes its estimate away.
        ahead = self.ahead[index] + (neighbour.estimate if committed else -neighbour.estimate)
        if (ahead + feature.estimate <= self.budget) == committed:
            return None
        key, tail = self.keys[index], (neighbour.created_order, neighbour.id)
        for field, before, after, head in _steps(_inputs(neighbour), committed):
            if (head + tail < key) == committed:
                which = NEXT if committed else PREVIOUS
                return _change(feature, neighbour, which, field, before, after, committed)
        return None


def _change(
    feature: FragileCandidate,
    changed: FragileCandidate,
    neighbour: str,
    field: str,
    before: int,
    after: int,
    committed: bool,
) -> FragileChange:
    return FragileChange(
        feature_id=feature.id,
        kind=feature.kind,
        changed_id=changed.id,
        changed_rank=changed.rank,
        neighbour=neighbour,
        field=field,
        before=before,
        after=after,
        direction=OUT if committed else IN,
    )


def plan_fragile(
    *, budgets: Mapping[str, Decimal], candidates: Iterable[FragileCandidate]
) -> dict[int, FragileChange]:
    """kind_fragile for every kind of the plan; budgets as scoring.planning.capacity.budgets gives them."""
    by_kind: dict[str, list[FragileCandidate]] = {kind: [] for kind in budgets}
    for candidate in candidates:
        by_kind[candidate.kind].append(candidate)
    changes: dict[int, FragileChange] = {}
    for kind, kind_candidates in by_kind.items():
        changes.update(kind_fragile(budget=budgets[kind], candidates=kind_candidates))
    return changes


def fragile_change_text(change: FragileChange, *, input_label: str, kind_label: str, pi_name: str) -> str:
    """The change in words, for a badge's hover text: 'One step from the cut line: Time
    Criticality 8 → 13 on the next business feature (#4) would put it below PI 26.4's
    business cut line.'"""
    kind_label = kind_label.lower()
    whose = ""
    if change.neighbour != OWN:
        rank = "" if change.changed_rank is None else f" (#{change.changed_rank})"
        whose = f" on the {change.neighbour} {kind_label} feature{rank}"
    effect = (
        f"put it below {pi_name}'s {kind_label} cut line"
        if change.direction == OUT
        else f"commit it to {pi_name}"
    )
    return (
        f"One step from the cut line: {input_label} {change.before} → {change.after}{whose} would {effect}."
    )
