"""Reads of rescoring: stale scores by who scored them, proposals, fixed dates as they stand.

Each read costs a fixed number of queries whatever the backlog size.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber

from backlog.models import Feature, ProgramIncrement
from backlog.selectors import art_points_per_iteration, pi_weeks_per_iteration
from scoring.rescoring.fixed_dates import (
    LATE,
    ON_TRACK,
    TIGHT,
    UNKNOWN,
    BacklogItem,
    FixedDateCheck,
    fixed_dates_check,
)
from scoring.rescoring.models import RescoringCheck, StaleScore, TcProposal

# How a page orders fixed dates: the ones that need the POPM first.
STATE_ORDER = {LATE: 0, TIGHT: 1, UNKNOWN: 2, ON_TRACK: 3}


def last_check(*, art_id: int) -> RescoringCheck | None:
    return RescoringCheck.objects.filter(art_id=art_id).first()


def stale_scores(*, art_id: int) -> QuerySet[StaleScore]:
    """The ART's stale-score flags that still stand, by who scored them (a-z, unknown last),
    then rank. A feature scored again since the check, or done since, has dropped off."""
    return (
        StaleScore.objects.filter(art_id=art_id, feature__scored_at=F("scored_at"))
        .exclude(feature__status=Feature.Status.DONE)
        .select_related("feature", "scored_by", "pi")
        .order_by(
            F("scored_by__username").asc(nulls_last=True),
            F("feature__rank").asc(nulls_last=True),
            "feature_id",
        )
    )


@dataclass
class StaleGroup:
    """The stale scores one person set (scorer None: nobody recorded)."""

    scorer: str | None
    count: int
    rows: list[dict] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        return self.count - len(self.rows)


STALE_ROW_FIELDS = (
    "feature_id",
    "feature__title",
    "feature__rank",
    "feature__status",
    "scored_at",
    "scored_by__username",
)


def stale_score_groups(*, art_id: int, rows_per_group: int = 50) -> list[StaleGroup]:
    """stale_scores grouped by who scored them, with at most rows_per_group rows each (two
    queries: the counts, and the first rows of each group)."""
    flags = stale_scores(art_id=art_id)
    counts = (
        flags.order_by()
        .values("scored_by__username")
        .annotate(count=Count("pk"))
        .order_by(F("scored_by__username").asc(nulls_last=True))
    )
    groups = {
        row["scored_by__username"]: StaleGroup(row["scored_by__username"], row["count"]) for row in counts
    }
    position = Window(
        RowNumber(),
        partition_by=[F("scored_by_id")],
        order_by=[F("feature__rank").asc(nulls_last=True), F("feature_id").asc()],
    )
    first_rows = flags.annotate(position=position).filter(position__lte=rows_per_group)
    for row in first_rows.values(*STALE_ROW_FIELDS):
        groups[row["scored_by__username"]].rows.append(row)
    return list(groups.values())


def tc_proposals(*, art_id: int, status: str | None = None) -> QuerySet[TcProposal]:
    """The ART's proposals, newest first; only those of one status if given."""
    proposals = TcProposal.objects.filter(art_id=art_id).select_related("feature", "decided_by")
    if status:
        proposals = proposals.filter(status=status)
    return proposals.order_by("-proposed_at", "-id")


def fixed_date_checks(
    *, art_id: int, pi: ProgramIncrement | None, items: Iterable[BacklogItem], today: date
) -> list[FixedDateCheck]:
    """The fixed-date rule (fixed_dates.py) over the ART's open features, at its throughput
    and the current PI's iteration length: what the daily check proposes from, and what the
    fixed-dates page and API show."""
    return fixed_dates_check(
        items,
        today=today,
        points_per_iteration=art_points_per_iteration(art_id=art_id),
        weeks_per_iteration=pi_weeks_per_iteration(pi),
    )


@dataclass(frozen=True)
class FixedDateRow:
    """A feature with a fixed date as it stands now, with its open proposal if any."""

    check: FixedDateCheck
    title: str
    version: int
    proposal: TcProposal | None


def fixed_dates_now(*, art_id: int, pi: ProgramIncrement | None, today: date) -> list[FixedDateRow]:
    """Every open feature of the ART with a fixed date, checked now: late first, then tight,
    unknown and on track, each by date."""
    rows = (
        Feature.objects.filter(art_id=art_id)
        .exclude(status=Feature.Status.DONE)
        .values_list("id", "rank", "estimate_points", "time_criticality", "fixed_date", "title", "version")
    )
    items, titles = [], {}
    for feature_id, rank, points, tc, fixed_date, title, version in rows:
        items.append(BacklogItem(feature_id, rank, points, tc, fixed_date))
        if fixed_date is not None:
            titles[feature_id] = (title, version)
    checks = fixed_date_checks(art_id=art_id, pi=pi, items=items, today=today)
    open_ = {p.feature_id: p for p in tc_proposals(art_id=art_id, status=TcProposal.Status.OPEN)}
    checks.sort(key=lambda c: (STATE_ORDER[c.state], c.fixed_date, c.rank is None, c.rank or 0))
    return [FixedDateRow(c, *titles[c.feature_id], open_.get(c.feature_id)) for c in checks]
