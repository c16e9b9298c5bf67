"""Reads of ranked backlogs: a fixed number of queries whatever the backlog size."""

from django.db import connection
from django.db.models import F, Q, QuerySet

from backlog.models import Feature
from scoring import wsjf
from scoring.models import FeatureScore, ScoringRun

BACKLOG_FIELDS = (
    "id",
    "art_id",
    "pi_id",
    "epic_id",
    "team_id",
    "title",
    "kind",
    "status",
    "user_business_value",
    "time_criticality",
    "risk_reduction",
    "job_size",
    "estimate_points",
    "fixed_date",
    "created_at",
    "updated_at",
    "version",
    "cost_of_delay",
    "wsjf",
    "rank",
    "wsjf_rank",
    "pinned_position",
)


def backlog_features(
    *, art_id: int, pi_id: int | None = None, kind: str | None = None, status: str | None = None
) -> QuerySet:
    """The ART's backlog, rank 1 first, unranked (unscored) features after, oldest first.

    This is THE ranked order a POPM works from: Feature.rank is the position with the pins
    applied (scoring.wsjf.pinned_order, stored by the scoring run), so ordering by rank is
    all a reader needs; Feature.wsjf_rank keeps the pure WSJF position. Done features leave
    the backlog unless asked for with status="done".
    """
    features = Feature.objects.filter(art_id=art_id)
    if status:
        features = features.filter(status=status)
    else:
        features = features.exclude(status=Feature.Status.DONE)
    if pi_id is not None:
        features = features.filter(pi_id=pi_id)
    if kind:
        features = features.filter(kind=kind)
    return features.order_by(F("rank").asc(nulls_last=True), "id")


# What a row of the ranked backlog page shows, as values: a 1,000-row page of model
# instances (with their team and PI) would build 3,000 objects.
BACKLOG_ROW_FIELDS = (
    "id",
    "external_key",
    "title",
    "kind",
    "status",
    "version",
    "rank",
    "wsjf_rank",
    "pinned_position",
    "cost_of_delay",
    "wsjf",
    *Feature.SCORE_INPUTS,
    "estimate_points",
    "scored_at",
    "updated_at",
)


def backlog_row_values(feature: Feature) -> dict:
    """One feature instance as a row of backlog_page_features (for the inline-scoring answer)."""
    row = {field: getattr(feature, field) for field in BACKLOG_ROW_FIELDS}
    row["team_name"] = feature.team.name if feature.team_id else None
    row["pi_name"] = feature.pi.name if feature.pi_id else None
    return row


def backlog_page_features(
    *,
    art_id: int,
    pi_id: int | None = None,
    kind: str | None = None,
    status: str | None = None,
    team_id: int | None = None,
    epic_id: int | None = None,
    search: str = "",
) -> QuerySet:
    """backlog_features with the page's extra filters, as the values a row shows, in one query."""

    features = backlog_features(art_id=art_id, pi_id=pi_id, kind=kind, status=status)
    if team_id is not None:
        features = features.filter(team_id=team_id)
    if epic_id is not None:
        features = features.filter(epic_id=epic_id)
    if search:
        features = features.filter(
            Q(title__icontains=search) | Q(description__icontains=search) | Q(epic__title__icontains=search)
        )
    return features.values(*BACKLOG_ROW_FIELDS, team_name=F("team__name"), pi_name=F("pi__name"))


def backlog_page_features_filtered(*, art_id: int, filters: dict) -> QuerySet:
    """backlog_page_features for the cleaned data of the page's BacklogFilterForm (the page
    and the exports show the same rows for the same filters)."""
    return backlog_page_features(
        art_id=art_id,
        pi_id=filters["pi"].pk if filters.get("pi") else None,
        kind=filters.get("kind") or None,
        status=filters.get("status") or None,
        team_id=filters["team"].pk if filters.get("team") else None,
        epic_id=filters["epic"].pk if filters.get("epic") else None,
        search=filters.get("q", ""),
    )


def last_done_run(*, art_id: int) -> ScoringRun | None:
    return ScoringRun.objects.filter(art_id=art_id, status=ScoringRun.Status.DONE).order_by("-pk").first()


def rank_moves_after(*, art_id: int, run_id: int) -> dict[int, tuple[int | None, int | None]]:
    """feature id -> (rank before the first later run, rank after the last one)."""
    moves: dict[int, tuple[int | None, int | None]] = {}
    scores = FeatureScore.objects.filter(run__art_id=art_id, run_id__gt=run_id).order_by("run_id")
    for feature_id, previous_rank, rank in scores.values_list("feature_id", "previous_rank", "rank"):
        first = moves[feature_id][0] if feature_id in moves else previous_rank
        moves[feature_id] = (first, rank)
    return {fid: move for fid, move in moves.items() if move[0] != move[1]}


def columns_without_one_in(features: QuerySet) -> list[str]:
    """The WSJF inputs in which no feature of this view scores 1 (the relative estimation rule).

    Reads the distinct input combinations (at most 7^4, whatever the backlog size).
    """
    combinations = features.order_by().values(*Feature.SCORE_INPUTS).distinct()
    return wsjf.columns_without_one(list(combinations), Feature.SCORE_INPUTS)


def art_scores_unsettled_sql(art_id_sql: str) -> str:
    """SQL that is true while a run for the ART is queued or running, or its newest attempt
    failed. art_id_sql is an SQL expression for the ART's id: a column, or %s.

    Plain SQL because every read of a backlog asks it, and Django takes about 1 ms of CPU
    to compile the same query from expressions.
    """
    runs, status = ScoringRun._meta.db_table, ScoringRun.Status
    return f"""EXISTS (SELECT 1 FROM {runs} AS r WHERE r.art_id = {art_id_sql} AND (
        r.status IN ('{status.PENDING}', '{status.RUNNING}')
        OR (r.status = '{status.FAILED}' AND r.id > COALESCE(
            (SELECT max(d.id) FROM {runs} AS d WHERE d.art_id = {art_id_sql} AND d.status = '{status.DONE}'),
            0))))"""


def art_scores_current(*, art_id: int) -> bool:
    """False while a run for the ART is queued or running, or its newest attempt failed."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT NOT {art_scores_unsettled_sql('%s')}", [art_id, art_id])
        return bool(cursor.fetchone()[0])


def art_queue_down(*, art_id: int) -> bool:
    """True while the ART's pending run could not be sent to the workers (the broker was
    unreachable): the edit is saved, the ranking waits for the queue."""
    return ScoringRun.objects.filter(
        art_id=art_id, status=ScoringRun.Status.PENDING, error__startswith=ScoringRun.QUEUE_DOWN
    ).exists()
