"""Reads for capacity planning: a PI's team capacities, shares and plan, in a fixed number of queries."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from backlog.models import Feature, ProgramIncrement, Team
from backlog.selectors import current_pi
from scoring.planning.capacity import (
    DEFAULT_SHARES,
    KINDS,
    STRICT,
    Plan,
    PlanWarning,
    plan_build,
    plan_warnings,
    team_capacity_default,
)
from scoring.planning.fragile import FragileCandidate, FragileChange, plan_fragile
from scoring.planning.models import Allocation, PlanCommit, TeamCapacity
from scoring.selectors import art_scores_current

PLAN_FEATURE_FIELDS = ("id", "kind", "estimate_points", "rank", "pi_id")
# What scoring.planning.fragile.FragileCandidate holds, in its order.
FRAGILE_FIELDS = ("id", "kind", "estimate_points", "rank", *Feature.SCORE_INPUTS, "created_order")


@dataclass(frozen=True, slots=True)
class TeamCapacityRow:
    team_id: int
    name: str
    velocity: int
    default_points: Decimal
    capacity_points: Decimal
    overridden: bool
    note: str


class PlanFeature(NamedTuple):
    """A candidate as the plan needs it (a scoring.planning.capacity.Candidate, plus rank and PI)."""

    id: int
    kind: str
    estimate: Decimal | None
    rank: int | None
    pi_id: int | None


@dataclass
class PiPlan:
    """Everything the capacity page and the plan API show for one PI and mode."""

    pi: ProgramIncrement
    plan: Plan
    teams: list[TeamCapacityRow]
    shares: dict[str, int]
    features: dict[int, PlanFeature]
    # Unscored features have no rank, so they cannot be walked: listed apart, per kind.
    needs_score: dict[str, list[int]]
    warnings: list[PlanWarning]
    last_commit: PlanCommit | None
    # False while a scoring run of the ART is pending: ranks, hence the plan, may still move.
    scores_current: bool
    enters: list[int] = field(default_factory=list)
    leaves: list[int] = field(default_factory=list)
    at_risk: list[int] = field(default_factory=list)

    @property
    def capacity(self) -> Decimal:
        return self.plan.capacity


def pi_team_capacities(*, pi: ProgramIncrement) -> list[TeamCapacityRow]:
    """Every team of the PI's ART with its default and effective capacity for the PI."""
    overrides = {row.team_id: row for row in TeamCapacity.objects.filter(pi=pi)}
    rows = []
    for team in Team.objects.filter(art_id=pi.art_id).order_by("name", "id"):
        default = team_capacity_default(
            velocity=team.velocity, development_iterations=pi.development_iterations
        )
        override = overrides.get(team.pk)
        rows.append(
            TeamCapacityRow(
                team_id=team.pk,
                name=team.name,
                velocity=team.velocity,
                default_points=default,
                capacity_points=default if override is None else override.capacity_points,
                overridden=override is not None,
                note="" if override is None else override.note,
            )
        )
    return rows


def pi_capacity_total(rows: list[TeamCapacityRow]) -> Decimal:
    return sum((row.capacity_points for row in rows), Decimal(0))


def pi_shares(*, pi: ProgramIncrement) -> dict[str, int]:
    allocation = Allocation.objects.filter(pi=pi).first()
    return dict(DEFAULT_SHARES) if allocation is None else allocation.shares()


def _candidates(pi: ProgramIncrement) -> QuerySet[Feature]:
    """The ART's features that the PI's plan may commit: not done and not in another PI."""
    return (
        Feature.objects.filter(art_id=pi.art_id)
        .exclude(status=Feature.Status.DONE)
        .filter(Q(pi__isnull=True) | Q(pi_id=pi.pk))
    )


def _rows(rows: QuerySet) -> list[tuple]:
    """The rows of a values_list() queryset, read in one fetchall()."""
    if connection.vendor != "postgresql":
        # SQLite (the local default) stores decimals as numbers: the ORM's converters are needed.
        return list(rows)
    # The ORM builds the query; one fetchall() reads the rows. For 10,000 candidates that
    # halves the time of iterating the queryset in chunks of 100 (the columns need no
    # conversion: psycopg2 already gives ints, str and Decimal).
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def plan_features(*, pi: ProgramIncrement) -> list[PlanFeature]:
    """Candidates of the PI's plan: the ART's features not done and not in another PI.

    Rank 1 first (Feature.rank: pins applied, so the walk commits a pinned feature at its
    pinned place); unranked (unscored) features last.
    """
    candidates = _candidates(pi).order_by(F("rank").asc(nulls_last=True), "id")
    return list(map(PlanFeature._make, _rows(candidates.values_list(*PLAN_FEATURE_FIELDS))))


def _plan_now(
    *, pi: ProgramIncrement, mode: str
) -> tuple[Plan, list[TeamCapacityRow], dict, list[PlanFeature]]:
    teams = pi_team_capacities(pi=pi)
    shares = pi_shares(pi=pi)
    features = plan_features(pi=pi)
    ranked = [feature for feature in features if feature.rank is not None]
    plan = plan_build(capacity=pi_capacity_total(teams), shares=shares, ranked=ranked, mode=mode)
    return plan, teams, shares, features


def pi_plan(*, pi: ProgramIncrement, mode: str = STRICT) -> PiPlan:
    """The plan of a PI as it stands now, with what committing it would change."""
    plan, teams, shares, features = _plan_now(pi=pi, mode=mode)
    needs_score: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for feature in features:
        if feature.rank is None:
            needs_score[feature.kind].append(feature.id)
    last_commit = PlanCommit.objects.filter(pi=pi).select_related("committed_by").first()
    committed = plan.committed_ids
    by_id = {feature.id: feature for feature in features}
    previous = [] if last_commit is None else last_commit.committed
    pi_id = pi.pk
    return PiPlan(
        pi=pi,
        plan=plan,
        teams=teams,
        shares=shares,
        features=by_id,
        needs_score=needs_score,
        warnings=plan_warnings(plan, feature_titles(fid for kind in plan.kinds for fid in kind.too_big[:3])),
        last_commit=last_commit,
        scores_current=art_scores_current(art_id=pi.art_id),
        enters=[fid for kind in plan.kinds for fid in kind.committed if by_id[fid].pi_id != pi_id],
        leaves=[fid for fid in previous if fid not in committed],
        at_risk=[f.id for f in features if f.pi_id == pi_id and f.id not in committed],
    )


def plan_cut_lines(*, pi: ProgramIncrement, mode: str = STRICT) -> dict[str, int | None]:
    """Per kind, the id of the last feature above the PI's cut line (None: nothing fits).

    For the ranked backlog page: draw each kind's cut line right after that feature (the
    features of a kind ranked below it are below the line or need an estimate). Costs four
    queries whatever the backlog size.
    """
    plan = _plan_now(pi=pi, mode=mode)[0]
    return {kind.kind: (kind.committed[-1] if kind.committed else None) for kind in plan.kinds}


def _ranked_candidate_rows(pi: ProgramIncrement) -> list[tuple]:
    """The PI plan's ranked candidates in rank order (pins applied), as FRAGILE_FIELDS rows
    followed by the feature's pinned position."""
    created_order = Window(RowNumber(), order_by=[F("created_at").asc(), F("id").asc()])
    ranked = _candidates(pi).filter(rank__isnull=False).annotate(created_order=created_order)
    return _rows(ranked.order_by("rank", "id").values_list(*FRAGILE_FIELDS, "pinned_position"))


def _walk_and_fragile_candidates(rows: list[tuple]) -> tuple[list[FragileCandidate], list[FragileCandidate]]:
    """The candidates the walk reads (every row, in rank order), and those the fragile rule
    may judge: the fragile rule orders a kind by WSJF, which a pin overrides, so a kind with
    a pinned candidate gets no fragile marks (its walk is the pinned order)."""
    width = len(FRAGILE_FIELDS)
    pinned_kinds = {row[1] for row in rows if row[width] is not None}
    walked = [FragileCandidate._make(row[:width]) for row in rows]
    return walked, [c for c in walked if c.kind not in pinned_kinds and _has_inputs(c)]


def _fragile_candidates(rows: list[tuple]) -> list[FragileCandidate]:
    return _walk_and_fragile_candidates(rows)[1]


def _has_inputs(row: tuple) -> bool:
    # A feature whose inputs were emptied since the last scoring run keeps its rank until the
    # next one, but has no rank key to step from.
    return None not in row[4:8]


@dataclass(frozen=True, slots=True)
class PlanLines:
    """A PI's strict plan as the ranked backlog marks it."""

    # Per kind, the id of the last committed feature (None: nothing fits), as plan_cut_lines.
    last_committed: dict[str, int | None]
    # Fragile features (scoring.planning.fragile): id -> the one step that moves it across.
    fragile: dict[int, FragileChange]


def plan_lines(*, pi: ProgramIncrement) -> PlanLines:
    """The strict plan's cut lines and fragile features from one read of the candidates.

    Four queries whatever the backlog size (team capacities and their overrides, shares, the
    candidates with their inputs).
    """
    teams, shares = pi_team_capacities(pi=pi), pi_shares(pi=pi)
    # Every ranked candidate, some maybe without inputs: the walk reads only id, kind, estimate.
    ranked, judged = _walk_and_fragile_candidates(_ranked_candidate_rows(pi))
    plan = plan_build(capacity=pi_capacity_total(teams), shares=shares, ranked=ranked)
    return PlanLines(
        last_committed={kind.kind: (kind.committed[-1] if kind.committed else None) for kind in plan.kinds},
        fragile=plan_fragile(budgets={kind.kind: kind.budget for kind in plan.kinds}, candidates=judged),
    )


def fragile_candidates(*, pi: ProgramIncrement) -> list[FragileCandidate]:
    """The PI plan's ranked candidates with their four inputs, in rank order: one query."""
    return _fragile_candidates(_ranked_candidate_rows(pi))


def plan_fragile_features(*, state: PiPlan) -> dict[int, FragileChange]:
    """Fragile features of the strict plan of state's PI, for a plan already read (the kinds'
    budgets are the same in either mode): one query, for the candidates' inputs."""
    budgets = {kind.kind: kind.budget for kind in state.plan.kinds}
    return plan_fragile(budgets=budgets, candidates=fragile_candidates(pi=state.pi))


def art_fragile_features(*, art_id: int, today: date) -> dict[int, FragileChange]:
    """Fragile features of the strict plan of the ART's current PI (backlog.selectors.current_pi);
    none without a PI. Five to seven queries whatever the backlog size (finding the current PI
    takes one to three)."""
    pi = current_pi(art_id=art_id, today=today)
    return {} if pi is None else plan_lines(pi=pi).fragile


def feature_titles(ids: Iterable[int]) -> dict[int, str]:
    """Titles of the features a page shows (the plan itself never needs them)."""
    ids = list(ids)
    return dict(Feature.objects.filter(pk__in=ids).values_list("pk", "title")) if ids else {}


def team_planned_points(ids: Iterable[int]) -> dict[int | None, Decimal]:
    """Story points of the given features per team (None: no team), for the capacity page's
    per-team load of the planned features. One query, whatever the number of features."""
    ids = list(ids)
    if not ids:
        return {}
    rows = Feature.objects.filter(pk__in=ids).values("team_id").annotate(points=Sum("estimate_points"))
    return {row["team_id"]: row["points"] or Decimal(0) for row in rows.order_by()}
