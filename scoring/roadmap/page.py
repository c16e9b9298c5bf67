"""What the roadmap page shows: one column per PI with its budgets and its cards, filtered."""

from collections.abc import Container
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from backlog.models import Feature
from scoring.planning.capacity import points_text
from scoring.roadmap.forecast import (
    BEYOND_HORIZON,
    NEEDS_ESTIMATE,
    TOO_BIG,
    UNSCORED,
    PiForecast,
    ship_window_text,
)
from scoring.roadmap.selectors import ArtForecast, art_forecast, feature_cards

# A column shows this many cards; the rest are counted (the API lists every feature).
CARDS_PER_PI = 60
# Features left off the roadmap, named per reason; the rest are counted.
NAMED_PER_REASON = 12
KIND_LABELS = dict(Feature.Kind.choices)
NOT_FORECAST_LABELS = {
    NEEDS_ESTIMATE: "Needs an estimate",
    TOO_BIG: "Too big to fit any PI",
    BEYOND_HORIZON: "Beyond the last projected PI",
    UNSCORED: "Not scored yet",
}
NOT_FORECAST_HINTS = {
    NEEDS_ESTIMATE: "Ranked, but without story points the forecast cannot place it.",
    TOO_BIG: "Larger than its kind's whole budget of every PI: split it or re-estimate it.",
    BEYOND_HORIZON: "Fits a PI, but not before the eighth projected PI ends.",
    UNSCORED: "Without the four WSJF inputs it has no rank, so no place in the walk.",
}


@dataclass(frozen=True)
class KindBar:
    kind: str
    label: str
    budget: str
    used: str
    committed: str
    percent: int  # of the budget used, 0 to 100 for the bar
    committed_percent: int
    over: bool  # committed work alone overruns the budget


@dataclass
class Column:
    forecast: PiForecast
    capacity: str
    kinds: list[KindBar]
    cards: list[dict]
    hidden: int  # cards that match the filters but are not shown
    groups: list[tuple[str, list[dict]]] = field(default_factory=list)

    @property
    def slot(self):
        return self.forecast.slot


@dataclass
class RoadmapPage:
    columns: list[Column]
    not_forecast: list[dict]
    shown: int
    matching: int


def _percent(part: Decimal, whole: Decimal) -> int:
    if whole <= 0:
        return 100 if part > 0 else 0
    return int(min(part * 100 / whole, Decimal(100)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _kind_bars(pi: PiForecast) -> list[KindBar]:
    return [
        KindBar(
            kind=use.kind,
            label=KIND_LABELS[use.kind],
            budget=points_text(use.budget),
            used=points_text(use.used),
            committed=points_text(use.committed),
            percent=_percent(use.used, use.budget),
            committed_percent=_percent(use.committed, use.budget),
            over=use.committed > use.budget,
        )
        for use in pi.kinds
    ]


def _by_epic(cards: list[dict]) -> list[tuple[str, list[dict]]]:
    """Cards grouped by epic, the groups in the order of their best-ranked card; no epic last."""
    groups: dict[str, list[dict]] = {}
    for card in cards:
        groups.setdefault(card["epic__title"] or "", []).append(card)
    named = [(title, rows) for title, rows in groups.items() if title]
    return named + ([("No epic", groups[""])] if "" in groups else [])


def roadmap_page_build(
    *, state: ArtForecast, kind: str | None, matching: Container[int] | None, group_by_epic: bool
) -> RoadmapPage:
    """Columns for the forecast's PIs with the cards that pass the filters: of the kind (None:
    any) and among the `matching` ids (selectors.feature_ids_matching; None: no such filter)."""
    forecast = state.forecast
    wanted = None if kind is None else {feature.id for feature in state.features if feature.kind == kind}

    def passes(feature_id: int) -> bool:
        return (wanted is None or feature_id in wanted) and (matching is None or feature_id in matching)

    shown_ids: list[list[int]] = []
    hidden: list[int] = []
    matching_count = 0
    for pi in forecast.pis:
        ids = [fid for fid in pi.feature_ids if passes(fid)]
        matching_count += len(ids)
        shown_ids.append(ids[:CARDS_PER_PI])
        hidden.append(max(len(ids) - CARDS_PER_PI, 0))
    not_forecast_ids: dict[str, list[int]] = {status: [] for status in NOT_FORECAST_LABELS}
    for feature in forecast.features:
        if feature.status in not_forecast_ids and passes(feature.id):
            not_forecast_ids[feature.status].append(feature.id)
    cards = feature_cards(
        [fid for ids in shown_ids for fid in ids]
        + [fid for ids in not_forecast_ids.values() for fid in ids[:NAMED_PER_REASON]]
    )
    committed = {f.id for f in forecast.features if f.committed_pi is not None}
    for card in cards.values():
        card["committed"] = card["id"] in committed
        card["estimate_text"] = (
            "" if card["estimate_points"] is None else points_text(card["estimate_points"])
        )
    columns = []
    for pi, ids, more in zip(forecast.pis, shown_ids, hidden):
        rows = [cards[fid] for fid in ids]
        columns.append(
            Column(
                forecast=pi,
                capacity=points_text(pi.slot.capacity),
                kinds=_kind_bars(pi),
                cards=rows,
                hidden=more,
                groups=_by_epic(rows) if group_by_epic else [],
            )
        )
    not_forecast = [
        {
            "status": status,
            "label": NOT_FORECAST_LABELS[status],
            "hint": NOT_FORECAST_HINTS[status],
            "count": len(ids),
            "cards": [cards[fid] for fid in ids[:NAMED_PER_REASON]],
            "more": max(len(ids) - NAMED_PER_REASON, 0),
        }
        for status, ids in not_forecast_ids.items()
        if ids
    ]
    return RoadmapPage(
        columns=columns,
        not_forecast=not_forecast,
        shown=sum(len(ids) for ids in shown_ids),
        matching=matching_count,
    )


@dataclass(frozen=True)
class ShipForecast:
    """The answer to "when will it ship?" for one feature."""

    status: str
    pi_name: str | None
    projected: bool
    pi_start: str | None  # ISO date, to compare two visits
    text: str


def ship_forecast(
    state: ArtForecast, feature_id: int, *, earlier_pi_names: dict[int, str]
) -> ShipForecast | None:
    """None for a feature that is not open (done, or not of this ART)."""
    feature = next((f for f in state.forecast.features if f.id == feature_id), None)
    if feature is None:
        return None
    if feature.pi_index is None:
        if feature.committed_pi is not None:
            name = earlier_pi_names.get(feature.committed_pi, "an earlier PI")
            return ShipForecast(feature.status, name, False, None, f"committed to {name}, which has ended")
        texts = {
            NEEDS_ESTIMATE: "no forecast yet: it needs an estimate in story points",
            TOO_BIG: "no forecast: it is bigger than its kind's whole budget of any PI",
            UNSCORED: "no forecast yet: it is not scored",
            BEYOND_HORIZON: "not within the next PIs and their 8 projections",
        }
        return ShipForecast(feature.status, None, False, None, texts[feature.status])
    slot = state.forecast.pis[feature.pi_index].slot
    when = ship_window_text(start_date=slot.start_date, end_date=slot.end_date, today=state.today)
    prefix = "committed" if feature.committed_pi is not None else "forecast"
    name = f"{slot.name} (projected)" if slot.projected else slot.name
    return ShipForecast(
        feature.status, slot.name, slot.projected, slot.start_date.isoformat(), f"{prefix}: {name}, {when}"
    )


SHORT_STATUS_TEXT = {
    NEEDS_ESTIMATE: ("needs estimate", "No forecast until it has an estimate in story points."),
    TOO_BIG: ("too big", "Bigger than its kind's whole budget of any PI: split it or re-estimate it."),
    BEYOND_HORIZON: ("later", "Not within the next PIs and their 8 projections."),
}


def ship_forecast_marks(*, art_id: int, today) -> dict[int, tuple[str, str]]:
    """For the ranked backlog's "Forecast PI" column: feature id -> (short text, explanation),
    from the strict forecast. Unscored features get nothing (they have no rank either)."""
    state = art_forecast(art_id=art_id, today=today)
    forecast_texts, committed_texts = [], []
    for pi in state.forecast.pis:
        slot = pi.slot
        when = ship_window_text(start_date=slot.start_date, end_date=slot.end_date, today=today)
        committed_texts.append((slot.name, f"Committed to {slot.name}: {when}."))
        if slot.projected:
            forecast_texts.append(
                (
                    slot.name,
                    f"Forecast for a projected PI (like the last planned one, not created yet): {when}.",
                )
            )
        else:
            forecast_texts.append((slot.name, f"Forecast in rank order under the budgets: {when}."))
    marks = {}
    for feature in state.forecast.features:
        if feature.pi_index is not None:
            texts = forecast_texts if feature.committed_pi is None else committed_texts
            marks[feature.id] = texts[feature.pi_index]
        elif feature.status in SHORT_STATUS_TEXT:
            marks[feature.id] = SHORT_STATUS_TEXT[feature.status]
    return marks
