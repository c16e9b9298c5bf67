"""Marks on rows of the ranked backlog page: the PI's cut lines, fragile ranks,
executive-priority pins and the roadmap's forecast PI; and the fragile features' ids for the
backlog API.

The one place in scoring's own modules that reads scoring.planning, scoring.tradeoffs and
scoring.roadmap (they read scoring, so nothing else here may import them; pyproject.toml's
import contracts check it).
"""

from dataclasses import dataclass

from django.utils import timezone

from backlog.models import Art, Feature, ProgramIncrement
from scoring.forms import INPUT_LABELS
from scoring.planning.fragile import fragile_change_text
from scoring.planning.selectors import PlanLines, art_fragile_features, plan_lines
from scoring.roadmap.page import ship_forecast_marks
from scoring.tradeoffs.selectors import active_pins

KIND_LABELS = dict(Feature.Kind.choices)


@dataclass(frozen=True)
class RowMark:
    css_class: str  # "cut-line", "fragile", "pin"
    text: str  # shown on the row (escaped)
    title: str = ""  # longer explanation on hover (escaped)


def backlog_marks(*, art: Art, pi: ProgramIncrement | None) -> dict[int, list[RowMark]]:
    """feature id -> its marks; pi is the PI filter (or the current PI), None for no cut lines."""
    found = [pin_marks(art=art), forecast_marks(art=art)]
    if pi is not None:
        lines = plan_lines(pi=pi)
        found[:0] = [cut_line_marks(pi=pi, lines=lines), fragile_marks(pi=pi, lines=lines)]
    marks: dict[int, list[RowMark]] = {}
    for kind_of_mark in found:
        for feature_id, feature_marks in kind_of_mark.items():
            marks.setdefault(feature_id, []).extend(feature_marks)
    return marks


def cut_line_marks(*, pi: ProgramIncrement, lines: PlanLines) -> dict[int, list[RowMark]]:
    marks: dict[int, list[RowMark]] = {}
    for kind, last_committed_id in lines.last_committed.items():
        if last_committed_id is not None:
            marks.setdefault(last_committed_id, []).append(
                RowMark(
                    "cut-line",
                    f"{KIND_LABELS[kind]} cut line · {pi.name}",
                    f"Last {KIND_LABELS[kind].lower()} feature that fits {pi.name}'s {kind} budget "
                    "(strict plan); lower-ranked features of this kind are below the line.",
                )
            )
    return marks


def fragile_marks(*, pi: ProgramIncrement, lines: PlanLines) -> dict[int, list[RowMark]]:
    """One scale step on one input would move these features across their kind's cut line."""
    return {
        feature_id: [
            RowMark(
                "fragile",
                "fragile",
                fragile_change_text(
                    change,
                    input_label=INPUT_LABELS[change.field],
                    kind_label=KIND_LABELS[change.kind],
                    pi_name=pi.name,
                ),
            )
        ]
        for feature_id, change in lines.fragile.items()
    }


def fragile_feature_ids(*, art_id: int, pi_id: int | None) -> frozenset[int]:
    """Ids of the fragile features of a PI's strict plan, for the backlog API: the PI the
    backlog is filtered on, else the ART's current PI, as the page's marks."""
    if pi_id is None:
        return frozenset(art_fragile_features(art_id=art_id, today=timezone.localdate()))
    pi = ProgramIncrement.objects.filter(pk=pi_id, art_id=art_id).first()
    return frozenset() if pi is None else frozenset(plan_lines(pi=pi).fragile)


def pin_marks(*, art: Art) -> dict[int, list[RowMark]]:
    return {
        feature_id: [
            RowMark(
                "pin",
                f"pinned to #{pin.position}",
                f"Executive priority set by {pin.created_by or 'someone'} on {pin.created_at:%Y-%m-%d}: "
                f"{pin.reason} (WSJF rank {pin.wsjf_rank}; extra delay cost {pin.extra_delay_cost} {pin.unit}).",
            )
        ]
        for feature_id, pin in active_pins(art_id=art.pk).items()
    }


# The row shows this mark in its own column, "Forecast PI" (scoring.templatetags.backlog_rows).
FORECAST_MARK = "forecast-pi"


def forecast_marks(*, art: Art) -> dict[int, list[RowMark]]:
    """Where the roadmap's strict forecast puts each open feature: its PI, or why none."""
    # A few distinct marks (one per PI and reason), shared by the rows that carry them.
    made: dict[tuple[str, str], RowMark] = {}
    marks = {}
    for feature_id, texts in ship_forecast_marks(art_id=art.pk, today=timezone.localdate()).items():
        mark = made.get(texts)
        if mark is None:
            mark = made[texts] = RowMark(FORECAST_MARK, *texts)
        marks[feature_id] = [mark]
    return marks
