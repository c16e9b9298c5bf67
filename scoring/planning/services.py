"""Writes for capacity planning: team capacity overrides, allocation shares, plan commits.

Callers check permissions first (scoring.planning.api, planning.views). Bad input raises
django.core.exceptions.ValidationError with a message per field, and nothing changes.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from backlog.errors import Conflict
from backlog.models import Feature, FeatureChange, ProgramIncrement, Team
from backlog.services import feature_update
from scoring.planning.capacity import MODES, AllocationError, shares_check
from scoring.planning.models import Allocation, PlanCommit, TeamCapacity
from scoring.planning.selectors import pi_plan


@dataclass(frozen=True, slots=True)
class TeamCapacityChange:
    """New capacity for a team in a PI; capacity_points None removes the override."""

    team_id: int
    capacity_points: Decimal | None
    note: str = ""


def _user_or_none(acting_user: Any) -> Any:
    return acting_user if getattr(acting_user, "pk", None) else None


@transaction.atomic
def team_capacities_set(
    *, pi: ProgramIncrement, changes: Sequence[TeamCapacityChange], acting_user: Any
) -> None:
    """Override (or reset to the default) the PI capacity of some of the ART's teams."""
    team_ids = set(Team.objects.filter(art_id=pi.art_id).values_list("pk", flat=True))
    seen: set[int] = set()
    for position, change in enumerate(changes):
        if change.team_id in seen:
            raise ValidationError(
                {"teams": f"teams[{position}].team: team {change.team_id} is listed twice."}
            )
        seen.add(change.team_id)
        if change.team_id not in team_ids:
            allowed = ", ".join(str(tid) for tid in sorted(team_ids)) or "none"
            message = f"{change.team_id} is not a team of this PI's ART; teams: {allowed}."
            raise ValidationError({"teams": f"teams[{position}].team: {message}"})
        if change.capacity_points is not None and change.capacity_points < 0:
            message = "capacity_points must be 0 or more story points."
            raise ValidationError({"teams": f"teams[{position}].capacity_points: {message}"})
    user = _user_or_none(acting_user)
    for change in changes:
        if change.capacity_points is None:
            TeamCapacity.objects.filter(pi=pi, team_id=change.team_id).delete()
            continue
        TeamCapacity.objects.update_or_create(
            pi=pi,
            team_id=change.team_id,
            defaults={"capacity_points": change.capacity_points, "note": change.note, "updated_by": user},
        )


@transaction.atomic
def allocation_set(*, pi: ProgramIncrement, shares: Mapping[str, object], acting_user: Any) -> Allocation:
    """Set the PI's shares per kind: whole percents summing to 100."""
    try:
        checked = shares_check(shares)
    except AllocationError as error:
        raise ValidationError({"shares": str(error)}) from error
    allocation, _ = Allocation.objects.update_or_create(
        pi=pi, defaults={**checked, "updated_by": _user_or_none(acting_user)}
    )
    return allocation


class PlanChanged(Conflict):
    """The plan computed now is not the one the POPM looked at when deciding to commit."""

    code = "plan_changed"

    def __init__(self, *, expected: Sequence[int], committed: Sequence[int]):
        self.entered = [fid for fid in committed if fid not in set(expected)]
        self.dropped = [fid for fid in expected if fid not in set(committed)]
        super().__init__(
            f"The plan changed since you looked at it ({len(self.entered)} feature(s) now committed "
            f"that were not, {len(self.dropped)} no longer committed): nothing was committed. "
            "Review the plan and commit again."
        )

    def data(self) -> dict[str, list[int]]:
        return {"entered": self.entered, "dropped": self.dropped}


@transaction.atomic
def plan_commit(
    *,
    pi: ProgramIncrement,
    mode: str,
    acting_user: Any,
    expected_committed: Sequence[int] | None = None,
) -> PlanCommit:
    """Commit the PI's plan as it stands: committed features enter the PI.

    Features already in the PI that are no longer committed stay in it (they are shown as
    at risk); taking them out is the POPM's decision, made on the feature. With
    expected_committed (the ids the POPM saw committed), a plan that has changed since
    raises PlanChanged and commits nothing.
    """
    if mode not in MODES:
        raise ValidationError({"mode": f'"{mode}" is not allowed; use one of: {", ".join(MODES)}.'})
    # One commit of a PI at a time: the second waits and sees the first one's assignments.
    ProgramIncrement.objects.select_for_update().get(pk=pi.pk)
    state = pi_plan(pi=pi, mode=mode)
    committed = [fid for kind in state.plan.kinds for fid in kind.committed]
    if expected_committed is not None and set(expected_committed) != set(committed):
        raise PlanChanged(expected=expected_committed, committed=committed)
    entering = Feature.objects.select_for_update().filter(
        pk__in=state.enters, pi__isnull=True, art_id=pi.art_id
    )
    assigned = []
    for feature in entering.order_by("pk"):
        feature_update(
            feature=feature,
            acting_user=acting_user,
            door=FeatureChange.Door.PLAN,
            source=f"{pi.name} plan",
            pi=pi,
        )
        assigned.append(feature.pk)
    previous = set() if state.last_commit is None else set(state.last_commit.committed)
    return PlanCommit.objects.create(
        pi=pi,
        mode=mode,
        committed_by=_user_or_none(acting_user),
        capacity=state.capacity,
        shares=state.shares,
        committed=committed,
        entered=[fid for fid in committed if fid not in previous],
        left=state.leaves,
        assigned=sorted(assigned),
    )
