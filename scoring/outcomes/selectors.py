"""Reads of outcomes: indicators with progress, predictability, flow from status history,
calibration and the PI review, each in a fixed number of queries (docs/rules.md)."""

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from backlog.errors import InputError
from backlog.models import Feature, FeatureChange, ProgramIncrement, Team
from scoring.outcomes import metrics
from scoring.outcomes.models import LeadingIndicator, Measurement, PIObjective
from scoring.planning.selectors import pis_shares

# Flow starts when a feature first enters one of these (it left funnel, analyzing and backlog).
STARTED_STATUSES = (Feature.Status.IMPLEMENTING, Feature.Status.VALIDATING, Feature.Status.DONE)
IN_PROGRESS_STATUSES = (Feature.Status.IMPLEMENTING, Feature.Status.VALIDATING)
# The flow page's PIs when none are asked for: the latest that have started.
FLOW_PIS_DEFAULT = 4
PREDICTABILITY_PIS_SHOWN = 6


# --- indicators -----------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorView:
    indicator: LeadingIndicator
    measurements: list[Measurement]

    @property
    def latest(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None

    @property
    def progress(self) -> Decimal | None:
        """Progress of the latest measurement toward the target, in percent of the way."""
        if self.latest is None:
            return None
        return metrics.indicator_progress(
            baseline=self.indicator.baseline, target=self.indicator.target, value=self.latest.value
        )


def feature_indicators(*, feature_id: int) -> list[IndicatorView]:
    """The feature's indicators with their measurements, oldest first: two queries."""
    indicators = LeadingIndicator.objects.filter(feature_id=feature_id).prefetch_related(
        Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on"))
    )
    return [IndicatorView(indicator, list(indicator.measurements.all())) for indicator in indicators]


# --- predictability -------------------------------------------------------------------------


def objectives_of_pi(*, pi_id: int) -> QuerySet[PIObjective]:
    return (
        PIObjective.objects.filter(pi_id=pi_id)
        .select_related("team")
        .prefetch_related(Prefetch("features", queryset=Feature.objects.only("id", "title", "status")))
        .order_by("team__name", "-committed", "id")
    )


def _values(objective: PIObjective) -> metrics.ObjectiveValues:
    return metrics.ObjectiveValues(
        objective.team_id, objective.committed, objective.planned_value, objective.actual_value
    )


@dataclass(frozen=True)
class TeamPredictability:
    team: Team
    figure: metrics.Predictability
    objectives: list[PIObjective]


@dataclass(frozen=True)
class PiPredictability:
    pi: ProgramIncrement
    art: metrics.Predictability
    teams: list[TeamPredictability]
    art_objectives: list[PIObjective]  # the ART's own objectives (no team)


def pi_predictability(
    *, pi: ProgramIncrement, objectives: Sequence[PIObjective] | None = None
) -> PiPredictability:
    """Per team (every team of the ART, also one without objectives) and for the ART."""
    objectives = list(objectives_of_pi(pi_id=pi.pk)) if objectives is None else list(objectives)
    by_team = metrics.predictability_by_team([_values(o) for o in objectives])
    teams = Team.objects.filter(art_id=pi.art_id).order_by("name")
    empty = metrics.predictability([])
    return PiPredictability(
        pi=pi,
        art=metrics.predictability(_values(o) for o in objectives),
        teams=[
            TeamPredictability(
                team, by_team.get(team.pk, empty), [o for o in objectives if o.team_id == team.pk]
            )
            for team in teams
        ],
        art_objectives=[o for o in objectives if o.team_id is None],
    )


@dataclass(frozen=True)
class PredictabilityPoint:
    pi: ProgramIncrement
    art: metrics.Predictability
    teams: dict[int, metrics.Predictability]
    assessed: bool  # some objective has an actual value: the PI's end was assessed


def art_predictability_over_pis(
    *, art_id: int, until: date, count: int = PREDICTABILITY_PIS_SHOWN
) -> list[PredictabilityPoint]:
    """The ART's and each team's predictability for its last `count` PIs that started by `until`."""
    pis = list(
        ProgramIncrement.objects.filter(art_id=art_id, start_date__lte=until).order_by("-start_date")[:count]
    )
    pis.reverse()
    by_pi: dict[int, list[metrics.ObjectiveValues]] = defaultdict(list)
    rows = PIObjective.objects.filter(pi__in=pis).values_list(
        "pi_id", "team_id", "committed", "planned_value", "actual_value"
    )
    for pi_id, *values in rows:
        by_pi[pi_id].append(metrics.ObjectiveValues(*values))
    return [
        PredictabilityPoint(
            pi,
            metrics.predictability(by_pi[pi.pk]),
            metrics.predictability_by_team(by_pi[pi.pk]),
            assessed=any(values.actual_value is not None for values in by_pi[pi.pk]),
        )
        for pi in pis
    ]


# --- flow -----------------------------------------------------------------------------------


class FlowSpan(NamedTuple):
    """A done feature's flow (a tuple: thousands are cached and read back at once)."""

    feature_id: int
    kind: str
    points: Decimal | None
    started_at: datetime | None
    done_at: datetime
    # None when the feature went to done in the change that started it (no flow recorded).
    days: Decimal | None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


# Postgres reads each history row's JSON once (changes->'status'->>1) and groups by feature;
# with a window, only features with a move to done inside it are read, through the
# (art, changed_at) index. Elsewhere (SQLite, the local default) the ORM query below.
_SPANS_SQL = """
SELECT c.feature_id, f.kind, f.estimate_points,
       MIN(c.changed_at) FILTER (WHERE c.new_status IN %(started)s) AS started_at,
       MAX(c.changed_at) FILTER (WHERE c.new_status = 'done') AS done_at
FROM (
    SELECT feature_id, changed_at, changes -> 'status' ->> 1 AS new_status
    FROM {changes}
    WHERE art_id = %(art)s AND feature_id IS NOT NULL AND changes ? 'status' {narrow}
) c
JOIN {features} f ON f.id = c.feature_id AND f.status = 'done'
GROUP BY c.feature_id, f.kind, f.estimate_points
"""
_WINDOW_SQL = """AND feature_id IN (
        SELECT feature_id FROM {changes}
        WHERE art_id = %(art)s AND changed_at >= %(since)s AND changed_at < %(until)s
          AND changes -> 'status' ->> 1 = 'done')"""


def _spans_rows_postgres(
    art_id: int, since: datetime | None, until: datetime | None, feature_ids
) -> list[tuple]:
    tables = {"changes": FeatureChange._meta.db_table, "features": Feature._meta.db_table}
    narrow = ""
    params: dict = {"art": art_id, "started": tuple(str(s) for s in STARTED_STATUSES)}
    if since is not None:
        narrow += _WINDOW_SQL.format(**tables)
        params.update(since=since, until=until)
    if feature_ids is not None:
        narrow += " AND feature_id = ANY(%(ids)s)"
        params["ids"] = list(feature_ids)
    with connection.cursor() as cursor:
        cursor.execute(_SPANS_SQL.format(narrow=narrow, **tables), params)
        return cursor.fetchall()


def _spans_rows_orm(art_id: int, since: datetime | None, until: datetime | None, feature_ids) -> list[tuple]:
    changes = FeatureChange.objects.filter(
        art_id=art_id, feature__status=Feature.Status.DONE, changes__has_key="status"
    )
    if feature_ids is not None:
        changes = changes.filter(feature_id__in=feature_ids)
    if since is not None:
        done_inside = FeatureChange.objects.filter(
            art_id=art_id, changed_at__gte=since, changed_at__lt=until, changes__status__1=Feature.Status.DONE
        )
        changes = changes.filter(feature_id__in=done_inside.values("feature_id"))
    return list(
        changes.values_list("feature_id", "feature__kind", "feature__estimate_points")
        .annotate(
            started_at=Min("changed_at", filter=Q(changes__status__1__in=STARTED_STATUSES)),
            done_at=Max("changed_at", filter=Q(changes__status__1=Feature.Status.DONE)),
        )
        .order_by()
    )


def _spans_rows(art_id: int, since: datetime | None, until: datetime | None, feature_ids) -> list[tuple]:
    read = _spans_rows_postgres if connection.vendor == "postgresql" else _spans_rows_orm
    return read(art_id, since, until, feature_ids)


# The ARTs' spans, in this process's memory (not Django's cache: unpickling ten thousand
# spans on every read would cost more than the count that keys them). Bounded, oldest out.
_SPANS_KEPT = 32
_spans_kept: OrderedDict[tuple[int, int], list[FlowSpan]] = OrderedDict()
_spans_lock = threading.Lock()


def _art_spans_cached(art_id: int) -> list[FlowSpan]:
    """All of the ART's spans, kept under the number of its history rows.

    Every change of a feature's status, kind or estimate (and its deletion) goes through
    backlog.services, which appends a FeatureChange and never removes one: while the count
    is the same, so are the spans. Counting is one index-only scan; the grouped read is not.
    """
    key = (art_id, FeatureChange.objects.filter(art_id=art_id).count())
    with _spans_lock:
        spans = _spans_kept.get(key)
        if spans is not None:
            _spans_kept.move_to_end(key)
            return spans
    spans = _spans_from(_spans_rows(art_id, None, None, None), None, None)
    with _spans_lock:
        _spans_kept[key] = spans
        while len(_spans_kept) > _SPANS_KEPT:
            _spans_kept.popitem(last=False)
    return spans


def spans_forget() -> None:
    """Empty the kept spans (the benchmark's cold reads)."""
    with _spans_lock:
        _spans_kept.clear()


def done_spans(
    *, art_id: int, done_from: date | None = None, done_to: date | None = None, feature_ids=None
) -> list[FlowSpan]:
    """Each done feature's flow start and done moment, from its recorded status changes.

    One grouped query over the ART's history: started = the first change into implementing,
    validating or done; done = the last change into done. A done feature whose history holds
    no change into done (it was done before history was kept) has no span. With done_from and
    done_to (both or neither), only features whose last move to done falls on those days (UTC).
    """
    since = until = None
    if done_from is not None:
        since, until = _day_start(done_from), _day_start(done_to + timedelta(days=1))
    if since is None and feature_ids is None:
        return _art_spans_cached(art_id)
    return _spans_from(_spans_rows(art_id, since, until, feature_ids), since, until)


def _spans_from(rows: list[tuple], since: datetime | None, until: datetime | None) -> list[FlowSpan]:
    return [
        FlowSpan(
            feature_id,
            kind,
            points,
            started_at,
            done_at,
            metrics.flow_days(started_at, done_at)
            if started_at is not None and started_at < done_at
            else None,
        )
        for feature_id, kind, points, started_at, done_at in rows
        if done_at is not None and (since is None or since <= done_at < until)
    ]


@dataclass(frozen=True)
class PiFlow:
    pi: ProgramIncrement
    shares: dict[str, int]
    done_features: int
    done_points: Decimal
    percentiles: dict[int, Decimal | None]
    distribution: list[metrics.KindShare]
    without_flow_time: int  # done in the PI, but straight to done: no flow time


@dataclass(frozen=True)
class ArtFlow:
    pis: list[PiFlow]
    percentiles: dict[int, Decimal | None]  # over every feature done in the PIs shown
    flow_times: int  # how many features those percentiles are read from
    load: dict[str, int]  # kind -> features in implementing or validating now
    done_without_history: int  # done features with no recorded change into done

    @property
    def load_total(self) -> int:
        return sum(self.load.values())


def pi_flow(pi: ProgramIncrement, spans: Iterable[FlowSpan], shares: dict[str, int]) -> PiFlow:
    inside = [s for s in spans if pi.start_date <= s.done_at.date() <= pi.end_date]
    days = [s.days for s in inside if s.days is not None]
    return PiFlow(
        pi=pi,
        shares=shares,
        done_features=len(inside),
        done_points=sum((s.points or Decimal(0) for s in inside), Decimal(0)),
        percentiles=metrics.flow_percentiles(days),
        distribution=metrics.flow_distribution(((s.kind, s.points) for s in inside), shares),
        without_flow_time=len(inside) - len(days),
    )


def flow_pis_default(*, art_id: int, today: date) -> list[ProgramIncrement]:
    pis = list(
        ProgramIncrement.objects.filter(art_id=art_id, start_date__lte=today).order_by("-start_date")[
            :FLOW_PIS_DEFAULT
        ]
    )
    return pis[::-1]


def flow_pis_parse(*, art_id: int, text: str | None) -> list[ProgramIncrement]:
    """?pis=3,4,5: PIs of this ART; absent: the latest that have started."""
    if not text:
        return flow_pis_default(art_id=art_id, today=timezone.now().date())
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts or not all(part.isdigit() for part in parts) or len(parts) > 20:
        raise InputError("pis", "pis must be up to 20 PI ids separated by commas, e.g. pis=3,4.")
    pis = list(ProgramIncrement.objects.filter(art_id=art_id, pk__in=[int(p) for p in parts]))
    missing = sorted({int(p) for p in parts} - {pi.pk for pi in pis})
    if missing:
        raise InputError("pis", f"No PI of this ART with id {', '.join(map(str, missing))}.")
    return pis


def art_flow(*, art_id: int, pis: Sequence[ProgramIncrement]) -> ArtFlow:
    """Flow time, velocity and distribution per PI, and the load now: four queries."""
    pis = sorted(pis, key=lambda pi: (pi.start_date, pi.pk))
    spans = done_spans(art_id=art_id)
    shares = pis_shares(pi_ids=[pi.pk for pi in pis])
    # A feature counts in every PI whose dates hold the day of its last move to done.
    by_pi: dict[int, list[FlowSpan]] = {pi.pk: [] for pi in pis}
    in_any: list[FlowSpan] = []
    pis_on: dict[date, list[ProgramIncrement]] = defaultdict(list)
    for pi in pis:
        for offset in range((pi.end_date - pi.start_date).days + 1):
            pis_on[pi.start_date + timedelta(days=offset)].append(pi)
    for span in spans:
        holding = pis_on.get(span.done_at.date(), ())
        for pi in holding:
            by_pi[pi.pk].append(span)
        if holding:
            in_any.append(span)
    per_pi = [pi_flow(pi, by_pi[pi.pk], shares[pi.pk]) for pi in pis]
    days = [s.days for s in in_any if s.days is not None]
    load = dict.fromkeys(metrics.KINDS, 0)
    done_total = 0
    counts = Feature.objects.filter(art_id=art_id, status__in=[*IN_PROGRESS_STATUSES, Feature.Status.DONE])
    for status, kind, count in counts.values_list("status", "kind").annotate(count=Count("id")).order_by():
        if status == Feature.Status.DONE:
            done_total += count
        else:
            load[kind] += count
    return ArtFlow(
        pis=per_pi,
        percentiles=metrics.flow_percentiles(days),
        flow_times=len(days),
        load=load,
        # Every done feature with a recorded move to done has a span.
        done_without_history=done_total - len(spans),
    )


# --- estimated vs delivered -----------------------------------------------------------------


@dataclass(frozen=True)
class Calibration:
    by_value: list[metrics.CalibrationRow]  # one row per UBV on the scale that has done features
    by_scorer: list[metrics.CalibrationRow]  # features scored UBV 13 or 20, per scorer
    min_sample: int = metrics.CALIBRATION_MIN_SAMPLE
    high_values: tuple[int, ...] = field(default=(13, 20))


def art_calibration(*, art_id: int) -> Calibration:
    """How WSJF's User-Business Value compared with the outcome, for done features with a verdict."""
    rows = (
        Feature.objects.filter(art_id=art_id, status=Feature.Status.DONE)
        .exclude(outcome_verdict="")
        .values_list("user_business_value", "scored_by__username", "outcome_verdict")
    )
    by_value: dict[int, list[str]] = defaultdict(list)
    by_scorer: dict[str, list[str]] = defaultdict(list)
    for value, scorer, verdict in rows:
        if value is None:
            continue
        by_value[value].append(verdict)
        if value >= 13:
            by_scorer[scorer or "unknown"].append(verdict)
    return Calibration(
        by_value=[
            metrics.calibration_row(f"UBV {value}", by_value[value])
            for value in sorted(by_value, reverse=True)
        ],
        by_scorer=[metrics.calibration_row(name, by_scorer[name]) for name in sorted(by_scorer)],
    )


# --- PI review ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FixedDateMiss:
    feature: Feature
    done_on: date | None  # None: not done


@dataclass(frozen=True)
class PiReview:
    predictability: PiPredictability
    flow: PiFlow
    done_features: list[Feature]  # the first `limit` by kind and title
    missed_fixed_dates: list[FixedDateMiss]
    done_total: int

    @property
    def done_not_listed(self) -> int:
        return self.done_total - len(self.done_features)


def pi_review(*, pi: ProgramIncrement, today: date | None = None, limit: int | None = None) -> PiReview:
    """What business owners see at the PI's end, read-only. A fixed date in the PI is missed
    when the feature was not done on or before it (done later, or not done and the date passed)."""
    today = today or timezone.now().date()
    # The ART's kept spans (one count when nothing changed), read for this PI's days.
    art_spans = done_spans(art_id=pi.art_id)
    spans = [s for s in art_spans if pi.start_date <= s.done_at.date() <= pi.end_date]
    flow = pi_flow(pi, spans, pis_shares(pi_ids=[pi.pk])[pi.pk])
    done_ids = [s.feature_id for s in spans]
    done_features = list(
        Feature.objects.filter(pk__in=done_ids)
        .select_related("team")
        .only("id", "title", "kind", "estimate_points", "outcome_verdict", "team__name")
        .order_by("kind", "title")[:limit]
    )
    fixed = list(
        Feature.objects.filter(
            art_id=pi.art_id, fixed_date__range=(pi.start_date, pi.end_date), fixed_date__lte=today
        )
        .select_related("team")
        .order_by("fixed_date", "title")
    )
    fixed_ids = {f.pk for f in fixed}
    fixed_done = {s.feature_id: s.done_at.date() for s in art_spans if s.feature_id in fixed_ids}
    missed = [
        FixedDateMiss(feature, fixed_done.get(feature.pk))
        for feature in fixed
        # A feature done before history was kept has no done date: not counted as missed.
        if feature.status != Feature.Status.DONE
        or fixed_done.get(feature.pk, feature.fixed_date) > feature.fixed_date
    ]
    return PiReview(pi_predictability(pi=pi), flow, done_features, missed, done_total=len(spans))
