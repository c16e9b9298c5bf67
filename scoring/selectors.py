"""Reads of ranked backlogs: a fixed number of queries whatever the backlog size."""

from django.db.models import F, QuerySet

from backlog.models import Feature

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
)


def backlog_features(
    *, art_id: int, pi_id: int | None = None, kind: str | None = None, status: str | None = None
) -> QuerySet:
    """The ART's backlog, rank 1 first, unranked (unscored) features after, oldest first.

    Done features leave the backlog unless asked for with status="done".
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
