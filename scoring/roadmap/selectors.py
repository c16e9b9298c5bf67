"""Reads for the roadmap: an ART's forecast in a fixed number of queries, whatever its size.

The PIs' budgets are the capacity plan's (scoring.planning: team capacities with their
overrides, the PI's allocation shares); the features come in rank order from one function,
forecast_features_ranked, so the forecast follows whatever `Feature.rank` means (pins applied).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import F, QuerySet

from backlog.models import Feature, ProgramIncrement, Team
from scoring.planning.capacity import DEFAULT_SHARES, budgets, team_capacity_default
from scoring.planning.models import Allocation, TeamCapacity
from scoring.roadmap.forecast import STRICT, Forecast, OpenFeature, PiSlot, forecast_walk, pis_projected

# In the order of scoring.roadmap.forecast.OpenFeature.
FEATURE_FIELDS = ("id", "kind", "estimate_points", "rank", "pi_id")


@dataclass(frozen=True, slots=True)
class ArtForecast:
    art_id: int
    today: date
    forecast: Forecast
    features: list[OpenFeature]  # the ART's open features, rank order (unscored last)


def forecast_features_ranked(*, art_id: int) -> QuerySet[Feature]:
    """The ART's open features in the order the forecast walks them: rank 1 first (the rank
    with pins applied), unscored ones last. The one place the forecast's order is decided."""
    return (
        Feature.objects.filter(art_id=art_id)
        .exclude(status=Feature.Status.DONE)
        .order_by(F("rank").asc(nulls_last=True), "id")
    )


def _rows(rows: QuerySet) -> list[tuple]:
    """The rows of a values_list() queryset in one fetchall() (as scoring.planning.selectors:
    twice as fast as iterating the queryset for 10,000 features)."""
    if connection.vendor != "postgresql":
        return list(rows)  # SQLite needs the ORM's converters for decimals
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def forecast_pis(*, art_id: int, today: date) -> list[ProgramIncrement]:
    """The PIs the walk fills: the current PI (backlog.selectors.current_pi, the one the
    capacity plan plans now) and every later one, none that has ended. The PIs not ended
    yet, in date order, are exactly those: the current PI is the first of them (the running
    one that started first, else the next to start), so one query reads them. After the last
    PI has ended, the latest one alone: the projections start from it, though it is not walked.
    """
    pis = ProgramIncrement.objects.filter(art_id=art_id)
    walked = list(pis.filter(end_date__gte=today).order_by("start_date", "pk"))
    return walked or list(pis.order_by("-start_date", "-pk")[:1])


def pi_slots(*, art_id: int, pis: list[ProgramIncrement], today: date) -> list[PiSlot]:
    """PiSlots with the capacity plan's numbers: capacity = the teams' PI capacities (overrides
    or velocity x development iterations), budget of a kind = capacity x the PI's share."""
    teams = list(Team.objects.filter(art_id=art_id).values_list("id", "velocity"))
    pi_ids = [pi.pk for pi in pis]
    overrides = {
        (pi_id, team_id): points
        for pi_id, team_id, points in TeamCapacity.objects.filter(pi_id__in=pi_ids).values_list(
            "pi_id", "team_id", "capacity_points"
        )
    }
    shares = {
        allocation.pi_id: allocation.shares() for allocation in Allocation.objects.filter(pi_id__in=pi_ids)
    }
    slots = []
    for pi in pis:
        capacity = sum(
            (
                overrides.get(
                    (pi.pk, team_id),
                    team_capacity_default(
                        velocity=velocity, development_iterations=pi.development_iterations
                    ),
                )
                for team_id, velocity in teams
            ),
            Decimal(0),
        )
        slots.append(
            PiSlot(
                id=pi.pk,
                name=pi.name,
                start_date=pi.start_date,
                end_date=pi.end_date,
                capacity=capacity,
                budgets=budgets(capacity=capacity, shares=shares.get(pi.pk, DEFAULT_SHARES)),
            )
        )
    if slots and slots[-1].end_date < today:
        # Only a PI that has ended: it is the base of the projections, not a PI to fill.
        return pis_projected(slots)[1:]
    return pis_projected(slots)


def art_forecast_inputs(*, art_id: int, today: date) -> tuple[list[PiSlot], list[OpenFeature]]:
    """What the walk takes for the ART now: its PI slots and its open features in rank order."""
    slots = pi_slots(art_id=art_id, pis=forecast_pis(art_id=art_id, today=today), today=today)
    rows = _rows(forecast_features_ranked(art_id=art_id).values_list(*FEATURE_FIELDS))
    return slots, list(map(OpenFeature._make, rows))


def art_forecast(*, art_id: int, today: date, mode: str = STRICT) -> ArtForecast:
    """The ART's forecast now. Five queries whatever the backlog size (PIs, teams, capacity
    overrides, shares, features); six after the last PI has ended."""
    slots, features = art_forecast_inputs(art_id=art_id, today=today)
    return ArtForecast(
        art_id=art_id,
        today=today,
        forecast=forecast_walk(features=features, pis=slots, mode=mode),
        features=features,
    )


def art_forecast_whatif(
    *, art_id: int, today: date, mode: str, rewrite: Callable[[list[OpenFeature]], list[OpenFeature]]
) -> tuple[Forecast, Forecast]:
    """The forecast now and with `rewrite` applied to its input (scoring.roadmap.whatif), from
    one read of the ART."""
    slots, features = art_forecast_inputs(art_id=art_id, today=today)
    before = forecast_walk(features=features, pis=slots, mode=mode)
    return before, forecast_walk(features=rewrite(features), pis=slots, mode=mode)


def whatif_choices(*, art_id: int, limit: int) -> list[tuple[int, str]]:
    """The best-ranked open features, for the what-if form's pickers: (id, "#rank title")."""
    ranked = forecast_features_ranked(art_id=art_id).filter(rank__isnull=False)[:limit]
    return [(fid, f"#{rank} {title}") for fid, rank, title in ranked.values_list("id", "rank", "title")]


def feature_titles(ids: Iterable[int]) -> dict[int, str]:
    return dict(Feature.objects.filter(pk__in=list(ids)).values_list("id", "title"))


def committed_pi_names(forecast: Forecast) -> dict[int, str]:
    """Names of the PIs committed features are in that the forecast does not walk (earlier PIs)."""
    walked = {pi.slot.id for pi in forecast.pis}
    ids = {f.committed_pi for f in forecast.features if f.committed_pi is not None} - walked
    if not ids:
        return {}
    return dict(ProgramIncrement.objects.filter(pk__in=ids).values_list("id", "name"))


def feature_cards(ids: Iterable[int]) -> dict[int, dict]:
    """What a roadmap card shows of each feature: one query for the features on the page."""
    rows = Feature.objects.filter(pk__in=list(ids)).values(
        "id", "title", "kind", "estimate_points", "rank", "epic_id", "epic__title", "team_id", "team__name"
    )
    return {row["id"]: row for row in rows}


def feature_ids_matching(
    *, art_id: int, epic_id: int | None, team_id: int | None, stakeholder_id: int | None
) -> set[int]:
    """Ids of the ART's features in the epic, of the team and asked for by the stakeholder
    (None: any): the roadmap's filters, in one query."""
    features = Feature.objects.filter(art_id=art_id)
    if epic_id is not None:
        features = features.filter(epic_id=epic_id)
    if team_id is not None:
        features = features.filter(team_id=team_id)
    if stakeholder_id is not None:
        features = features.filter(requests__stakeholder_id=stakeholder_id)
    return set(features.values_list("id", flat=True))
