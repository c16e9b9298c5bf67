"""What the capacity page shows, built from a PiPlan: rows per kind, cut line, commit preview.

Long lists are cut to a readable length (with a count of the rest), so the page costs the
same whatever the size of the backlog: titles are read for the shown rows only.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse

from backlog.models import Feature
from scoring.forms import INPUT_LABELS
from scoring.planning.capacity import STRICT, KindPlan
from scoring.planning.chart import CapacityChart, KindBar, capacity_chart
from scoring.planning.fragile import fragile_change_text
from scoring.planning.selectors import PiPlan, feature_titles, plan_fragile_features, team_planned_points

COMMITTED_SHOWN = 60
OTHERS_SHOWN = 10
CHANGES_SHOWN = 20
KIND_LABELS = dict(Feature.Kind.choices)


@dataclass(frozen=True, slots=True)
class Row:
    id: int
    title: str
    url: str
    rank: int | None = None
    estimate: Decimal | None = None
    cumulative: Decimal | None = None
    too_big: bool = False
    in_pi: bool = False
    fragile: str = ""  # the one step that would move it across the cut line; "": none
    was_committed: bool = False  # in the last commit, not in the plan now (listed at risk)


@dataclass(frozen=True, slots=True)
class Listing:
    rows: list[Row]
    hidden: int

    @property
    def count(self) -> int:
        return len(self.rows) + self.hidden


@dataclass(frozen=True, slots=True)
class TeamLoad:
    """A team's planned points against its capacity for the PI (name "" : features of no team)."""

    name: str
    capacity: Decimal | None
    planned: Decimal
    load: int | None  # planned / capacity x 100, whole percent rounded half up; None: no capacity
    over: Decimal  # points planned beyond the capacity; 0 when it fits
    bar_width: Decimal  # planned on a 0..1000 axis of the team's capacity, at most 1000


@dataclass(frozen=True, slots=True)
class KindSection:
    kind: str
    label: str
    plan: KindPlan
    committed: Listing
    below_line: Listing
    needs_estimate: Listing
    needs_score: Listing
    bar: KindBar


@dataclass(frozen=True, slots=True)
class CapacityPage:
    state: PiPlan
    sections: list[KindSection]
    chart: CapacityChart
    enters: Listing
    leaves: Listing
    at_risk: Listing
    teams: list[TeamLoad]
    # "Committed" once the PI has a commit; until then the plan is only planned.
    committed_label: str


class _Rows:
    """Turns feature ids into rows, reading the titles of all shown rows in one query."""

    def __init__(self, state: PiPlan, wanted: dict[str, tuple[Sequence[int], int]], fragile: dict[int, str]):
        self.state = state
        self.wanted = wanted
        self.fragile = fragile
        shown = {fid for ids, limit in wanted.values() for fid in ids[:limit]}
        self.titles = feature_titles(shown)
        # One reverse() for the whole page rather than one per row.
        self.url_prefix = reverse("backlog:feature", args=[1])[: -len("1/")]

    def listing(
        self, name: str, *, too_big: frozenset[int] = frozenset(), was_committed: frozenset[int] = frozenset()
    ) -> Listing:
        ids, limit = self.wanted[name]
        return Listing(
            [
                self.row(fid, too_big=fid in too_big, was_committed=fid in was_committed)
                for fid in ids[:limit]
            ],
            max(len(ids) - limit, 0),
        )

    def row(
        self,
        fid: int,
        *,
        too_big: bool = False,
        cumulative: Decimal | None = None,
        was_committed: bool = False,
    ) -> Row:
        feature = self.state.features.get(fid)
        return Row(
            id=fid,
            title=self.titles.get(fid, "(deleted feature)"),
            url=f"{self.url_prefix}{fid}/",
            rank=None if feature is None else feature.rank,
            estimate=None if feature is None else feature.estimate,
            cumulative=cumulative,
            too_big=too_big,
            in_pi=feature is not None and feature.pi_id == self.state.pi.pk,
            fragile=self.fragile.get(fid, ""),
            was_committed=was_committed,
        )

    def committed(self, kind: KindPlan) -> Listing:
        ids, limit = self.wanted[f"{kind.kind}.committed"]
        rows, total = [], Decimal(0)
        for fid in ids[:limit]:
            total += self.state.features[fid].estimate
            rows.append(self.row(fid, cumulative=total))
        return Listing(rows, max(len(ids) - limit, 0))


def team_loads(state: PiPlan) -> list[TeamLoad]:
    """Per team, the points of the planned features it carries against its capacity; then the
    planned features of no team, if any."""
    planned = team_planned_points(state.plan.committed_ids)
    loads = [
        _team_load(team.name, team.capacity_points, planned.get(team.team_id, Decimal(0)))
        for team in state.teams
    ]
    if planned.get(None):
        loads.append(_team_load("", None, planned[None]))
    return loads


def _team_load(name: str, capacity: Decimal | None, planned: Decimal) -> TeamLoad:
    if not capacity:
        load, width = None, Decimal(0)
    else:
        ratio = planned * 100 / capacity
        load = int(ratio.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        width = min(ratio * 10, Decimal(1000)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    over = max(planned - capacity, Decimal(0)) if capacity is not None else Decimal(0)
    return TeamLoad(name=name, capacity=capacity, planned=planned, load=load, over=over, bar_width=width)


def capacity_page_build(state: PiPlan) -> CapacityPage:
    # A feature of the last commit that the plan no longer commits but that is still in the PI
    # is at risk, not gone: it is listed once, under "at risk", marked as once committed.
    at_risk = frozenset(state.at_risk)
    leaves = [fid for fid in state.leaves if fid not in at_risk]
    wanted: dict[str, tuple[Sequence[int], int]] = {
        "enters": (state.enters, CHANGES_SHOWN),
        "leaves": (leaves, CHANGES_SHOWN),
        "at_risk": (state.at_risk, CHANGES_SHOWN),
    }
    for kind in state.plan.kinds:
        wanted[f"{kind.kind}.committed"] = (kind.committed, COMMITTED_SHOWN)
        wanted[f"{kind.kind}.below_line"] = (kind.below_line, OTHERS_SHOWN)
        wanted[f"{kind.kind}.needs_estimate"] = (kind.needs_estimate, OTHERS_SHOWN)
        wanted[f"{kind.kind}.needs_score"] = (state.needs_score[kind.kind], OTHERS_SHOWN)
    rows = _Rows(state, wanted, fragile_texts(state))
    chart = capacity_chart(state.plan)
    sections = [
        KindSection(
            kind=kind.kind,
            label=KIND_LABELS[kind.kind],
            plan=kind,
            committed=rows.committed(kind),
            below_line=rows.listing(f"{kind.kind}.below_line", too_big=frozenset(kind.too_big)),
            needs_estimate=rows.listing(f"{kind.kind}.needs_estimate"),
            needs_score=rows.listing(f"{kind.kind}.needs_score"),
            bar=bar,
        )
        for kind, bar in zip(state.plan.kinds, chart.bars)
    ]
    return CapacityPage(
        state=state,
        sections=sections,
        chart=chart,
        enters=rows.listing("enters"),
        leaves=rows.listing("leaves"),
        at_risk=rows.listing("at_risk", was_committed=frozenset(state.leaves) & at_risk),
        teams=team_loads(state),
        committed_label="Committed" if state.last_commit else "Planned",
    )


def fragile_texts(state: PiPlan) -> dict[int, str]:
    """Fragile features of the strict plan, with the step in words; none on the fill page,
    whose rows are not the strict plan's."""
    if state.plan.mode != STRICT:
        return {}
    return {
        feature_id: fragile_change_text(
            change,
            input_label=INPUT_LABELS[change.field],
            kind_label=KIND_LABELS[change.kind],
            pi_name=state.pi.name,
        )
        for feature_id, change in plan_fragile_features(state=state).items()
    }
