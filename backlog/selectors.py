"""Reads of ARTs, PIs and features that more than one page or API needs, each defined once."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum

from backlog.models import Art, FeatureRequest, ProgramIncrement, Team

# SAFe's usual iteration, used when the ART has no PI to measure: two weeks.
WEEKS_PER_ITERATION = Decimal(2)


def current_pi(*, art_id: int, today: date) -> ProgramIncrement | None:
    """The ART's current PI: the one a POPM works in and plans now.

    The PI running today (of two that overlap, the one that started first); between PIs, the
    next one to start; after the last PI has ended, the latest one. None only for an ART with
    no PI at all. The ranked backlog (cut lines, stale scores), the capacity page and the
    trade-off calendar all use this one rule.
    """
    pis = ProgramIncrement.objects.filter(art_id=art_id)
    return (
        pis.filter(start_date__lte=today, end_date__gte=today).order_by("start_date", "pk").first()
        or pis.filter(start_date__gt=today).order_by("start_date", "pk").first()
        or pis.order_by("-start_date", "-pk").first()
    )


def pi_to_plan(*, art_id: int, today: date) -> ProgramIncrement | None:
    """The ART's PI to plan: the one the capacity page opens on.

    Planning happens before a PI starts, so: the first PI that starts after today (of two
    starting the same day, the one made first), never one already running. When no later PI
    is scheduled yet, the current PI (current_pi), so the page still shows a plan. None only
    for an ART with no PI at all.
    """
    later = ProgramIncrement.objects.filter(art_id=art_id, start_date__gt=today)
    return later.order_by("start_date", "pk").first() or current_pi(art_id=art_id, today=today)


def score_stale_before(pi: ProgramIncrement | None) -> date | None:
    """Scores set before this day are stale: SAFe re-scores at every PI boundary, so a score
    from before the current PI started is due again. None (nothing stale) without a PI."""
    return pi.start_date if pi else None


def score_is_stale(*, scored_at: datetime | None, stale_before: date | None) -> bool:
    """True for a score set (in UTC) before stale_before; an unscored feature is not stale."""
    return bool(stale_before and scored_at and scored_at.date() < stale_before)


def art_points_per_iteration(*, art_id: int) -> Decimal | None:
    """The ART's throughput: its teams' velocities summed (story points per iteration); None
    when it has no team or none with a velocity. Trade-offs and fixed-date checks use it."""
    total = Team.objects.filter(art_id=art_id).aggregate(total=Sum("velocity"))["total"]
    return Decimal(total) if total else None


def pi_weeks_per_iteration(pi: ProgramIncrement | None) -> Decimal:
    """How long an iteration of the PI lasts: its length over its iterations, to the half
    week and at least half a week; WEEKS_PER_ITERATION without a PI."""
    if pi is None:
        return WEEKS_PER_ITERATION
    weeks = Decimal((pi.end_date - pi.start_date).days + 1) / 7 / pi.iterations
    return max((weeks * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2, Decimal("0.5"))


def ranked_feature_count(*, art_id: int) -> int:
    """How many features the ART's ranking has ("ranked 8 of 53")."""
    return ranked_feature_counts(art_ids=[art_id]).get(art_id, 0)


def ranked_feature_counts(*, art_ids: list[int] | set[int]) -> dict[int, int]:
    """ART id -> how many of its features are ranked, in one query."""
    counts = (
        Art.objects.filter(pk__in=art_ids)
        .annotate(n=Count("features", filter=Q(features__rank__isnull=False)))
        .values_list("pk", "n")
    )
    return dict(counts)


def requests_of_user(*, user) -> QuerySet[FeatureRequest]:
    """What a stakeholder asked for, with the features, in ART name then rank order."""
    return (
        FeatureRequest.objects.filter(stakeholder__user=user)
        .select_related("feature", "feature__pi", "feature__art", "stakeholder")
        .order_by("feature__art__name", "feature__rank", "feature_id")
    )
