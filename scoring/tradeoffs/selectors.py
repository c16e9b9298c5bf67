"""Reads for trade-offs: what a proposed order costs against WSJF, pins, saved answers, CD3.

A trade-off costs a fixed number of queries whatever the backlog size: the features in
one query (values, no model objects); the ART's throughput and iteration length in up
to two more.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from backlog.models import Art, Feature
from backlog.selectors import (
    WEEKS_PER_ITERATION,
    art_points_per_iteration,
    current_pi,
    pi_weeks_per_iteration,
)
from scoring.tradeoffs import delay_cost
from scoring.tradeoffs.delay_cost import MONEY, RELATIVE, Job, plain_decimal_text
from scoring.tradeoffs.models import Override, SavedTradeoff, ShareLink
from scoring.tradeoffs.questions import (
    TradeoffInputError,
    backlog_for_move,
    has_money,
    is_scored,
    not_in_backlog_message,
    open_feature_rows,
    sequence_rows,
    unit_for,
)
from scoring.wsjf import Pin, cost_of_delay, pinned_order

ONE_PLACE = Decimal("0.1")
TWO_PLACES = Decimal("0.01")
PIN_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # a pin without its time (never written so) sorts first


def _job(row: dict, unit: str) -> Job:
    if unit == MONEY:
        return Job(row["id"], row["cost_of_delay_per_week"], row["duration_weeks"], row["created_at"])
    cod = cost_of_delay(row["user_business_value"], row["time_criticality"], row["risk_reduction"])
    return Job(row["id"], Decimal(cod), Decimal(row["job_size"]), row["created_at"])


@dataclass(frozen=True)
class Calendar:
    """Turns story points into iterations and weeks at the ART's throughput."""

    points_per_iteration: Decimal
    weeks_per_iteration: Decimal = WEEKS_PER_ITERATION

    def weeks_exact(self, points: Decimal) -> Decimal:
        return points * self.weeks_per_iteration / self.points_per_iteration

    def weeks(self, points: Decimal) -> Decimal:
        return self.weeks_exact(points).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)

    def iterations(self, points: Decimal) -> Decimal:
        return (points / self.points_per_iteration).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def tradeoff_evaluate(
    *,
    art: Art,
    sequence: Sequence[int] | None = None,
    move: int | None = None,
    before: int | None = None,
    unit: str | None = None,
    money_only: bool = False,
) -> dict[str, Any]:
    """Answer "what if?" against the WSJF order, as JSON-ready data (decimal strings).

    Either `sequence` (exactly these features, in this order) or `move` + `before` (applied
    to the ART's open backlog). money_only: compare in money the features that carry money
    data and leave the others out. Raises TradeoffInputError naming the bad input (its
    subclass MoneyMissing when the money view lacks money data).
    """
    if money_only:
        unit = MONEY
    if sequence is not None:
        rows = sequence_rows(art, sequence)
        if money_only:
            rows = _with_money_only(rows, "sequence")
        unit = unit_for(rows, unit, "sequence")
        jobs = [_job(row, unit) for row in rows]
        proposed = [row["id"] for row in rows]
        best = None
        question: dict[str, Any] = {"sequence": proposed}
    else:
        rows, unit = backlog_for_move(art, move, before, unit, money_only=money_only)
        jobs = [_job(row, unit) for row in rows]
        best = delay_cost.best_order(jobs, unit)
        proposed = delay_cost.move_before([job.id for job in best], move, before)
        question = {"move": move, "before": before}
    if money_only:
        question["money_only"] = True
    comparison = delay_cost.compare(jobs, proposed, unit, best=best)
    calendar, no_weeks_because = _calendar(art, rows, unit)
    result = tradeoff_json(comparison, rows, question, calendar)
    result["no_weeks_because"] = no_weeks_because
    return result


def _with_money_only(rows: list[dict], field: str) -> list[dict]:
    kept = [row for row in rows if has_money(row)]
    if not kept:
        raise TradeoffInputError(field, "None of these features has money data to compare.")
    return kept


def _calendar(art: Art, rows: list[dict], unit: str) -> tuple[Calendar | None, str]:
    """The calendar for weeks at the ART's throughput, or None and why there are no weeks."""
    if unit == MONEY:
        return None, ""
    unestimated = sum(1 for row in rows if row["estimate_points"] is None)
    if unestimated:
        return (
            None,
            f"{_plural(unestimated, 'compared feature')} {'has' if unestimated == 1 else 'have'} no estimate",
        )
    points = art_points_per_iteration(art_id=art.pk)
    if not points:
        return None, "the ART's teams have no velocity"
    return Calendar(points, art_weeks_per_iteration(art_id=art.pk)), ""


def art_weeks_per_iteration(*, art_id: int) -> Decimal:
    """Iteration length of the ART's current PI (backlog.selectors.pi_weeks_per_iteration)."""
    return pi_weeks_per_iteration(current_pi(art_id=art_id, today=timezone.localdate()))


def tradeoff_json(
    comparison: delay_cost.Comparison, rows: list[dict], question: dict, calendar: Calendar | None
) -> dict[str, Any]:
    by_id = {row["id"]: row for row in rows}
    jobs = {job.id: job for job in comparison.proposed_order}
    points_finish: tuple[dict, dict] | None = None
    if calendar is not None:
        points = [Job(i, Decimal(0), by_id[i]["estimate_points"], by_id[i]["created_at"]) for i in by_id]
        points_by_id = {job.id: job for job in points}
        points_finish = (
            delay_cost.finish_times([points_by_id[job.id] for job in comparison.wsjf_order]),
            delay_cost.finish_times([points_by_id[job.id] for job in comparison.proposed_order]),
        )
    features = []
    money_view = comparison.unit == MONEY
    extra_money = Decimal(0)
    money_missing = 0
    for shift in comparison.shifts:
        feature = {
            "id": shift.id,
            "title": by_id[shift.id]["title"],
            "rate": plain_decimal_text(jobs[shift.id].rate),
            "duration": plain_decimal_text(jobs[shift.id].duration),
            "wsjf_position": shift.wsjf_position,
            "proposed_position": shift.proposed_position,
            "wsjf_finish": plain_decimal_text(shift.wsjf_finish),
            "proposed_finish": plain_decimal_text(shift.proposed_finish),
            "delay": plain_decimal_text(shift.delay),
        }
        if points_finish is not None:
            delay_points = points_finish[1][shift.id] - points_finish[0][shift.id]
            feature["delay_iterations"] = plain_decimal_text(calendar.iterations(delay_points))
            feature["delay_weeks"] = plain_decimal_text(calendar.weeks(delay_points))
            # Money where the feature carries it: its Cost of Delay per week times the weeks
            # it waits (or gains), from the unrounded weeks.
            per_week = by_id[shift.id]["cost_of_delay_per_week"]
            if delay_points:
                if per_week is None:
                    money_missing += 1
                else:
                    extra_money += per_week * calendar.weeks_exact(delay_points)
        features.append(feature)
    result = {
        "unit": comparison.unit,
        "wsjf_order": [job.id for job in comparison.wsjf_order],
        "proposed_order": [job.id for job in comparison.proposed_order],
        "wsjf_delay_cost": plain_decimal_text(comparison.wsjf_delay_cost),
        "proposed_delay_cost": plain_decimal_text(comparison.proposed_delay_cost),
        "extra_delay_cost": plain_decimal_text(comparison.extra_delay_cost),
        # Money: the extra delay cost itself in the money view; in relative units, only when
        # weeks are known and every feature that moves carries money per week.
        "extra_money": (
            plain_decimal_text(comparison.extra_delay_cost)
            if money_view
            else plain_decimal_text(extra_money.quantize(TWO_PLACES, rounding=ROUND_HALF_UP))
            if points_finish is not None and not money_missing
            else None
        ),
        "money_missing": money_missing,
        "time_unit": "weeks" if comparison.unit == MONEY else "job-size units",
        "calendar": None
        if calendar is None
        else {
            "points_per_iteration": plain_decimal_text(calendar.points_per_iteration),
            "weeks_per_iteration": plain_decimal_text(calendar.weeks_per_iteration),
        },
        "question": question,
        "features": features,
    }
    result["summary"] = tradeoff_summary(result)
    return result


def count_text(value: Decimal, unit: str) -> str:
    """'1 job-size unit', '0.5 weeks', '12 weeks': singular for exactly one."""
    return f"{plain_decimal_text(value)} {unit if value == 1 else unit + 's'}"


def span_text(values: list[Decimal], unit: str) -> str:
    low, high = min(values), max(values)
    if low == high:
        return count_text(low, unit)
    return f"{plain_decimal_text(low)} to {plain_decimal_text(high)} {unit}s"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def money_text(value: Decimal | str) -> str:
    """Money as people read it: thousands separated, cents only when there are any: 12,000; 1,234.50."""
    text = format(Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP), ",f")
    return text[:-3] if text.endswith(".00") else text


def tradeoff_summary(result: dict[str, Any]) -> str:
    """The answer in plain words, from the JSON of tradeoff_json: first the weeks (from the
    ART's throughput where known), then the money (where the features carry it), then the
    relative units."""
    features = {feature["id"]: feature for feature in result["features"]}
    money_view = result["unit"] == MONEY
    best_name = "CD3 order" if money_view else "WSJF order"
    if result["proposed_order"] == result["wsjf_order"]:
        return f"This is the {best_name}: nothing moves and it costs nothing extra."
    question = result["question"]
    moved_id = question.get("move")
    delayed = [f for f in features.values() if Decimal(f["delay"]) > 0 and f["id"] != moved_id]
    if moved_id is not None:
        moved, ahead_of = features[moved_id], features[question["before"]]
        opening = f"Moving '{moved['title']}' ahead of '{ahead_of['title']}'"
        if Decimal(moved["delay"]) > 0:
            delayed.append(moved)
    else:
        opening = "The proposed order"
    parts = []
    if delayed:
        delays = [Decimal(f["delay"]) for f in delayed]
        text = f"delays {_plural(len(delayed), 'feature')} by "
        if money_view:
            text += span_text(delays, "week")
        elif result["calendar"] is not None:
            weeks = [Decimal(f["delay_weeks"]) for f in delayed]
            throughput = f"about {span_text(weeks, 'week')}" if max(weeks) > 0 else "under 0.1 weeks each"
            text += f"{throughput} at the ART's throughput ({span_text(delays, 'job-size unit')})"
        else:
            text += span_text(delays, "job-size unit")
        parts.append(text)
    extra = Decimal(result["extra_delay_cost"])
    if money_view:
        parts.append(f"costs {money_text(extra)} more in money than the {best_name}")
    else:
        units = "CoD × job-size unit" if extra == 1 else "CoD × job-size units"
        relative = f"{plain_decimal_text(extra)} more {units} than the {best_name}"
        if result.get("extra_money") is not None:
            money = Decimal(result["extra_money"])
            # Money per week need not follow the relative scores: a move can save money.
            effect = (
                f"costs about {money_text(money)} more" if money >= 0 else f"saves about {money_text(-money)}"
            )
            parts.append(f"{effect} in money (Cost of Delay per week × weeks of delay)")
            parts.append(relative)
        else:
            parts.append(f"costs {relative}")
    return f"{opening} {_join(parts)}."


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def value_curves(result: dict[str, Any]) -> tuple[list, list]:
    """Value delivered over time for the best and the proposed order of a trade-off's JSON."""
    by_id = {
        f["id"]: Job(f["id"], Decimal(f["rate"]), Decimal(f["duration"]), None) for f in result["features"]
    }
    best = delay_cost.value_curve([by_id[i] for i in result["wsjf_order"]])
    proposed = delay_cost.value_curve([by_id[i] for i in result["proposed_order"]])
    return best, proposed


def open_backlog(*, art_id: int) -> list[dict]:
    """The ART's scored open features in WSJF order, for the what-if form's pickers."""
    rows = [row for row in open_feature_rows(art_id) if is_scored(row)]
    order = delay_cost.best_order([_job(row, RELATIVE) for row in rows], RELATIVE)
    by_id = {row["id"]: row for row in rows}
    return [
        {**by_id[job.id], "position": position, "cost_of_delay": int(job.rate)}
        for position, job in enumerate(order, start=1)
    ]


def active_pins(*, art_id: int) -> dict[int, Override]:
    """Features pinned above their WSJF rank, by feature id (for the ranked backlog page)."""
    pins = Override.objects.filter(art_id=art_id, removed_at__isnull=True).select_related(
        "feature", "created_by"
    )
    return {pin.feature_id: pin for pin in pins}


def overrides_ledger(*, art_id: int) -> QuerySet[Override]:
    """Every override of the ART, newest first, removed ones included."""
    return Override.objects.filter(art_id=art_id).select_related("feature", "created_by", "removed_by")


def saved_tradeoffs(*, art_id: int) -> QuerySet[SavedTradeoff]:
    return SavedTradeoff.objects.filter(art_id=art_id).select_related("created_by")


def share_links(*, tradeoff_id: int) -> QuerySet[ShareLink]:
    return ShareLink.objects.filter(tradeoff_id=tradeoff_id).select_related("created_by")


def scored_without_money(*, art_id: int) -> list[dict]:
    """Open scored features without money data (left out of the CD3 comparison), by title."""
    rows = [row for row in open_feature_rows(art_id) if is_scored(row) and not has_money(row)]
    return sorted(
        ({"id": row["id"], "title": row["title"]} for row in rows), key=lambda r: (r["title"], r["id"])
    )


def cd3_comparison(*, art_id: int) -> list[dict]:
    """Open features with money data and WSJF inputs: CD3 rank next to WSJF rank.

    Both ranks are taken within this same set, so a difference is a real disagreement
    between the money view and the relative scores, not a side effect of other features.
    """
    rows = [row for row in open_feature_rows(art_id) if has_money(row) and is_scored(row)]
    by_id = {row["id"]: row for row in rows}
    wsjf_rank = {
        job.id: rank
        for rank, job in enumerate(delay_cost.best_order([_job(r, RELATIVE) for r in rows], RELATIVE), 1)
    }
    cd3_order = delay_cost.best_order([_job(r, MONEY) for r in rows], MONEY)
    return [
        {
            **by_id[job.id],
            "cd3_rank": rank,
            "wsjf_rank": wsjf_rank[job.id],
            "cd3": (job.rate / job.duration).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
            "rank_difference": wsjf_rank[job.id] - rank,
        }
        for rank, job in enumerate(cd3_order, start=1)
    ]


def _pins(rows: list[dict]) -> list[Pin]:
    """The active pins of these rows, as the scoring run reads them (Feature.pinned_position)."""
    return [
        Pin(row["id"], row["pinned_position"], row["pinned_at"] or PIN_EPOCH)
        for row in rows
        if row["pinned_position"]
    ]


def pin_effect(*, art: Art, feature_id: int, position: int) -> dict[str, Any]:
    """What pinning a feature at `position` does to the ART's ranked backlog as it is now
    (WSJF order with the active pins applied, scoring.wsjf.pinned_order): the features it
    jumps, and the extra delay cost of the backlog order with the pin against without it.
    With no other pin that is the cost against the WSJF order.

    Raises TradeoffInputError when the feature is not in the ranked backlog or the position
    is not above its WSJF rank.
    """
    rows = [row for row in open_feature_rows(art.pk) if is_scored(row)]
    by_id = {row["id"]: row for row in rows}
    if feature_id not in by_id:
        if Feature.objects.filter(pk=feature_id, art=art).exclude(status=Feature.Status.DONE).exists():
            message = f"Feature {feature_id} is not scored, so it has no WSJF rank to pin above."
        else:
            message = not_in_backlog_message(art, feature_id)
        raise TradeoffInputError("feature", message)
    jobs = [_job(row, RELATIVE) for row in rows]
    best_jobs = delay_cost.best_order(jobs, RELATIVE)
    best = [job.id for job in best_jobs]
    wsjf_rank = best.index(feature_id) + 1
    if not 1 <= position < wsjf_rank:
        allowed = "nothing: it is already first" if wsjf_rank == 1 else f"1 to {wsjf_rank - 1}"
        raise TradeoffInputError(
            "position",
            f"'{by_id[feature_id]['title']}' ranks {wsjf_rank} by WSJF; a pin must put it higher "
            f"(position {allowed}).",
        )
    others = [pin for pin in _pins(rows) if pin.id != feature_id]
    before = pinned_order(best, others)
    # The new pin is the newest: at its position unless older pins hold it.
    after = pinned_order(best, [*others, Pin(feature_id, position, timezone.now())])
    place_before, place_after = before.index(feature_id), after.index(feature_id)
    jumped = set(after[place_after + 1 :]) & set(before[:place_before])
    displaced = [i for i in before if i in jumped]
    extra = delay_cost.compare(jobs, after, RELATIVE, best=best_jobs).extra_delay_cost
    extra -= delay_cost.compare(jobs, before, RELATIVE, best=best_jobs).extra_delay_cost
    return {
        "wsjf_rank": wsjf_rank,
        "unit": RELATIVE,
        "displaced": [{"id": i, "title": by_id[i]["title"]} for i in displaced],
        "extra_delay_cost": extra,
    }


def pins_effect_now(*, art_id: int) -> dict[str, Any]:
    """The backlog order with every active pin applied, and what all the pins cost today.

    {"order": [feature ids, pins applied], "pins": n, "extra_delay_cost": Decimal} in
    CoD x job-size units against the WSJF order. The order is the one the scoring run
    stores as Feature.rank (scoring.wsjf.pinned_order). Pins of features that are done or
    no longer scored are left out.
    """
    rows = [row for row in open_feature_rows(art_id) if is_scored(row)]
    jobs = [_job(row, RELATIVE) for row in rows]
    best = delay_cost.best_order(jobs, RELATIVE)
    pins = _pins(rows)
    order = pinned_order([job.id for job in best], pins)
    comparison = delay_cost.compare(jobs, order, RELATIVE, best=best)
    return {"order": order, "pins": len(pins), "extra_delay_cost": comparison.extra_delay_cost}
