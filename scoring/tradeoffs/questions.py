"""A trade-off question checked against the ART's backlog before it is answered.

Each check names the input that is wrong and says why (TradeoffInputError), so pages and the
API can show it beside the field: features that are unknown, repeated, of another ART, done or
unscored, and the money view asked for where money data is missing.
"""

from collections import Counter
from collections.abc import Sequence

from backlog.errors import InputError
from backlog.models import Art, Feature
from scoring.tradeoffs.delay_cost import MONEY, RELATIVE

FEATURE_FIELDS = (
    "id",
    "art_id",
    "title",
    "status",
    "user_business_value",
    "time_criticality",
    "risk_reduction",
    "job_size",
    "estimate_points",
    "cost_of_delay_per_week",
    "duration_weeks",
    "urgency_profile",
    "created_at",
    "pinned_position",
    "pinned_at",
)


class TradeoffInputError(InputError):
    """A question that cannot be answered; field names the input, message says why."""


class MoneyMissing(TradeoffInputError):
    """The money view was asked for where some compared features carry no money data.

    missing: (id, title) of those features; with_money: how many of the compared ones do
    carry it (the page offers to compare those).
    """

    def __init__(self, field: str, message: str, *, missing: list[tuple[int, str]], with_money: int):
        super().__init__(field, message)
        self.missing = missing
        self.with_money = with_money


def is_scored(row: dict) -> bool:
    return None not in (
        row["user_business_value"],
        row["time_criticality"],
        row["risk_reduction"],
        row["job_size"],
    )


def has_money(row: dict) -> bool:
    # Validation keeps weeks above 0; a row written around it still must not divide by zero.
    weeks = row["duration_weeks"]
    return row["cost_of_delay_per_week"] is not None and weeks is not None and weeks > 0


def feature_named(row: dict) -> str:
    return f"{row['id']} '{row['title']}'"


def open_feature_rows(art_id: int) -> list[dict]:
    return list(
        Feature.objects.filter(art_id=art_id)
        .exclude(status=Feature.Status.DONE)
        .order_by("id")
        .values(*FEATURE_FIELDS)
    )


def sequence_rows(art: Art, sequence: Sequence[int]) -> list[dict]:
    if not sequence:
        raise TradeoffInputError("sequence", "Give at least one feature id in the proposed order.")
    repeated = sorted(i for i, count in Counter(sequence).items() if count > 1)
    if repeated:
        raise TradeoffInputError("sequence", f"Each feature may appear once; repeated: {_ids(repeated)}.")
    rows = {row["id"]: row for row in Feature.objects.filter(pk__in=sequence).values(*FEATURE_FIELDS)}
    elsewhere = sorted(i for i in rows if rows[i]["art_id"] != art.pk)
    unknown = sorted(set(sequence) - set(rows))
    if unknown:
        raise TradeoffInputError("sequence", f"Unknown feature ids: {_ids(unknown)}.")
    if elsewhere:
        raise TradeoffInputError(
            "sequence", f"Features of another ART cannot be compared in {art.name}: {_ids(elsewhere)}."
        )
    done = [rows[i] for i in sequence if rows[i]["status"] == Feature.Status.DONE]
    if done:
        names = ", ".join(feature_named(row) for row in done)
        raise TradeoffInputError("sequence", f"Done features have left the backlog: {names}.")
    return [rows[i] for i in sequence]


def _ids(ids: Sequence[int]) -> str:
    return ", ".join(str(i) for i in ids)


def money_missing_check(rows: list[dict]) -> None:
    """Raise MoneyMissing unless every row carries money per week and weeks."""
    missing = [row for row in rows if not has_money(row)]
    if missing:
        raise MoneyMissing(
            "unit",
            "The money view needs cost_of_delay_per_week and duration_weeks on every compared "
            f"feature; missing on {', '.join(feature_named(row) for row in missing)}.",
            missing=[(row["id"], row["title"]) for row in missing],
            with_money=len(rows) - len(missing),
        )


def unit_for(rows: list[dict], unit: str | None, field: str) -> str:
    if unit == MONEY or (unit is None and all(has_money(row) for row in rows)):
        money_missing_check(rows)
        return MONEY
    unscored = [feature_named(row) for row in rows if not is_scored(row)]
    if unscored:
        raise TradeoffInputError(
            field,
            "Features need all four WSJF inputs (UBV, TC, RR|OE, Job Size) to be compared; "
            f"not scored: {', '.join(unscored)}.",
        )
    return RELATIVE


def backlog_for_move(
    art: Art, move: int, before: int, unit: str | None, *, money_only: bool = False
) -> tuple[list[dict], str]:
    """The open backlog rows a move is answered on, and the unit. money_only: only the rows
    that carry money data, compared in money."""
    if move == before:
        raise TradeoffInputError("before", "move and before must be two different features.")
    rows = open_feature_rows(art.pk)
    by_id = {row["id"]: row for row in rows}
    for field, feature_id in (("move", move), ("before", before)):
        if feature_id not in by_id:
            raise TradeoffInputError(field, not_in_backlog_message(art, feature_id))
    if money_only:
        for field, feature_id in (("move", move), ("before", before)):
            if not has_money(by_id[feature_id]):
                raise TradeoffInputError(
                    field,
                    f"Feature {feature_named(by_id[feature_id])} has no money data "
                    "(cost_of_delay_per_week and duration_weeks), so it cannot be compared in money.",
                )
        return [row for row in rows if has_money(row)], MONEY
    if unit is None:
        unit = MONEY if all(has_money(row) for row in rows) else RELATIVE
    if unit == RELATIVE:
        for field, feature_id in (("move", move), ("before", before)):
            if not is_scored(by_id[feature_id]):
                raise TradeoffInputError(
                    field,
                    f"Feature {feature_named(by_id[feature_id])} is not scored, so it has no WSJF rank yet.",
                )
        rows = [row for row in rows if is_scored(row)]
    else:
        money_missing_check(rows)
    return rows, unit


def not_in_backlog_message(art: Art, feature_id: int) -> str:
    row = Feature.objects.filter(pk=feature_id).values("art_id", "status", "title").first()
    if row is None:
        return f"Unknown feature id: {feature_id}."
    if row["art_id"] != art.pk:
        return f"Feature {feature_id} belongs to another ART, not {art.name}."
    return f"Feature {feature_id} '{row['title']}' is done and has left the backlog."
