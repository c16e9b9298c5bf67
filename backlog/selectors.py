"""Reads of ARTs, PIs and features that more than one page or API needs, each defined once."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from backlog.models import WSJF_INPUTS, Art, Epic, Feature, FeatureRequest, ProgramIncrement, Team
from scoring.wsjf import RankInput, cost_of_delay, ranks_by_id, wsjf

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
    """What a stakeholder asked for (+1s and ideas, whatever their triage), with the features:
    by ART name, then ranked features in rank order, then the rest newest first."""
    return (
        FeatureRequest.objects.filter(stakeholder__user=user)
        .select_related("feature", "feature__pi", "stakeholder", "stakeholder__art", "triaged_by")
        .order_by(
            "stakeholder__art__name",
            F("feature__rank").asc(nulls_last=True),
            "-created_at",
            "-id",
        )
    )


def requests_of_stakeholder(*, stakeholder_id: int) -> QuerySet[FeatureRequest]:
    """One stakeholder's requests in one ART, as requests_of_user orders them (the API's list)."""
    return (
        FeatureRequest.objects.filter(stakeholder_id=stakeholder_id)
        .select_related("feature", "stakeholder", "triaged_by")
        .order_by(F("feature__rank").asc(nulls_last=True), "-created_at", "-id")
    )


def requests_of_art(*, art_id: int) -> QuerySet[FeatureRequest]:
    """Every request of the ART (for its POPMs), newest first."""
    return (
        FeatureRequest.objects.filter(stakeholder__art_id=art_id)
        .select_related("feature", "stakeholder", "triaged_by")
        .order_by("-created_at", "-id")
    )


def requests_awaiting_triage(*, art_id: int) -> QuerySet[FeatureRequest]:
    """The ART's new ideas no POPM has triaged yet, oldest first (first asked, first answered)."""
    return (
        FeatureRequest.objects.filter(stakeholder__art_id=art_id, status=FeatureRequest.Status.NEW)
        .select_related("stakeholder")
        .order_by("created_at", "id")
    )


def requests_triaged_recently(*, art_id: int, limit: int = 20) -> list[FeatureRequest]:
    """The ART's latest triaged ideas, newest first: what the POPMs decided."""
    return list(
        FeatureRequest.objects.filter(stakeholder__art_id=art_id, triaged_at__isnull=False)
        .select_related("stakeholder", "feature", "triaged_by")
        .order_by("-triaged_at", "-id")[:limit]
    )


def features_to_merge_into(*, art_id: int) -> QuerySet[Feature]:
    """What a request can be merged into or "+1"ed: the ART's open features, ranked ones first
    in rank order, then the unranked by title."""
    return (
        Feature.objects.filter(art_id=art_id)
        .exclude(status=Feature.Status.DONE)
        .order_by(F("rank").asc(nulls_last=True), "title", "id")
        .only("id", "title", "rank")
    )


# An epic of hundreds of features lists its first ones by rank; the backlog filtered by the
# epic has them all. The counts and the estimate always cover every feature.
EPIC_FEATURES_SHOWN = 25
EPIC_FEATURE_FIELDS = ("id", "epic_id", "title", "rank", "status", "pi_id", "estimate_points")


@dataclass
class EpicRow:
    """An epic as the epics page shows it: its own WSJF rank, its features and what they add up to."""

    epic: Epic
    rank: int | None  # by the epic's own WSJF; None while any of its four inputs is missing
    cost_of_delay: int | None
    wsjf: Decimal | None
    features: list[dict] = field(default_factory=list)  # the first EPIC_FEATURES_SHOWN, by rank
    open_count: int = 0
    planned_count: int = 0  # open features that have a PI
    done_count: int = 0
    estimate_total: Decimal = Decimal(0)  # story points of its open features
    unestimated_count: int = 0  # open features without an estimate (not in the total)


def epics_ranked(*, art_id: int) -> list[EpicRow]:
    """The ART's epics ranked by their own WSJF, with the same rule and tie-breaks as features
    (scoring.wsjf.rank_order: exact WSJF desc, CoD desc, Job Size asc, older first); unscored
    epics after, by title. Three queries, whatever the ART's size."""
    epics = list(Epic.objects.filter(art_id=art_id).order_by("title", "id"))
    rows = {}
    rankable = []
    for epic in epics:
        inputs = [getattr(epic, name) for name in WSJF_INPUTS]
        cod = None if None in inputs[:3] else cost_of_delay(*inputs[:3])
        ratio = None if cod is None or epic.job_size is None else wsjf(cod, epic.job_size)
        rows[epic.pk] = EpicRow(epic=epic, rank=None, cost_of_delay=cod, wsjf=ratio)
        if ratio is not None:
            rankable.append(RankInput(epic.pk, cod, epic.job_size, epic.created_at))
    for epic_id, rank in ranks_by_id(rankable).items():
        rows[epic_id].rank = rank
    features = Feature.objects.filter(art_id=art_id, epic_id__in=rows)
    # The sums in the database: an epic of an ART of 10,000 features is hundreds of rows.
    is_open = ~Q(status=Feature.Status.DONE)
    totals = (
        features.order_by()
        .values("epic_id")
        .annotate(
            done=Count("id", filter=Q(status=Feature.Status.DONE)),
            open=Count("id", filter=is_open),
            planned=Count("id", filter=is_open & Q(pi__isnull=False)),
            unestimated=Count("id", filter=is_open & Q(estimate_points__isnull=True)),
            estimate=Sum("estimate_points", filter=is_open),
        )
    )
    for total in totals:
        row = rows[total["epic_id"]]
        row.done_count, row.open_count, row.planned_count = total["done"], total["open"], total["planned"]
        row.unestimated_count, row.estimate_total = total["unestimated"], total["estimate"] or Decimal(0)
    # Only the first EPIC_FEATURES_SHOWN of each epic, by rank, are read.
    place = Window(
        RowNumber(), partition_by=[F("epic_id")], order_by=[F("rank").asc(nulls_last=True), F("id").asc()]
    )
    shown = (
        features.annotate(place=place)
        .filter(place__lte=EPIC_FEATURES_SHOWN)
        .order_by(F("rank").asc(nulls_last=True), "id")
    )
    for feature in shown.values(*EPIC_FEATURE_FIELDS, pi_name=F("pi__name")):
        rows[feature["epic_id"]].features.append(feature)
    return sorted(rows.values(), key=lambda row: (row.rank is None, row.rank or 0))


@dataclass
class ArtCard:
    """An ART as the picker shows it."""

    art: Art
    feature_count: int  # open features (not done)
    current_pi: ProgramIncrement | None
    popms: list


def art_cards(*, arts: QuerySet[Art], today: date) -> list[ArtCard]:
    """The ART picker's cards: each ART's open feature count, current PI (current_pi's rule)
    and POPMs, in three queries however many ARTs there are."""
    arts = list(
        arts.annotate(
            open_features=Count("features", filter=~Q(features__status=Feature.Status.DONE))
        ).prefetch_related("popms")
    )
    pis_by_art: dict[int, list[ProgramIncrement]] = {}
    for pi in ProgramIncrement.objects.filter(art__in=[art.pk for art in arts]).order_by("start_date", "pk"):
        pis_by_art.setdefault(pi.art_id, []).append(pi)
    return [
        ArtCard(
            art=art,
            feature_count=art.open_features,
            current_pi=_current_of(pis_by_art.get(art.pk, []), today),
            popms=sorted(art.popms.all(), key=lambda user: user.get_username()),
        )
        for art in arts
    ]


def _current_of(pis: list[ProgramIncrement], today: date) -> ProgramIncrement | None:
    """current_pi's rule over PIs already read, ordered by start date then pk."""
    running = [pi for pi in pis if pi.start_date <= today <= pi.end_date]
    upcoming = [pi for pi in pis if pi.start_date > today]
    if running:
        return running[0]
    if upcoming:
        return upcoming[0]
    return max(pis, key=lambda pi: (pi.start_date, pi.pk)) if pis else None
