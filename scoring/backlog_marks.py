"""Marks on rows of the ranked backlog page: the PI's cut lines and executive-priority pins.

The one place in scoring's own modules that reads scoring.planning and scoring.tradeoffs
(they read scoring, so nothing else here may import them; pyproject.toml's import contracts
check it).
"""

from dataclasses import dataclass

from backlog.models import Art, Feature, ProgramIncrement
from scoring.planning.selectors import plan_cut_lines
from scoring.tradeoffs.selectors import active_pins

KIND_LABELS = dict(Feature.Kind.choices)


@dataclass(frozen=True)
class RowMark:
    css_class: str  # "cut-line", "pin"
    text: str  # shown on the row (escaped)
    title: str = ""  # longer explanation on hover (escaped)


def backlog_marks(*, art: Art, pi: ProgramIncrement | None) -> dict[int, list[RowMark]]:
    """feature id -> its marks; pi is the PI filter (or the current PI), None for no cut lines."""
    marks: dict[int, list[RowMark]] = {}
    for feature_id, feature_marks in (*cut_line_marks(pi=pi).items(), *pin_marks(art=art).items()):
        marks.setdefault(feature_id, []).extend(feature_marks)
    return marks


def cut_line_marks(*, pi: ProgramIncrement | None) -> dict[int, list[RowMark]]:
    if pi is None:
        return {}
    marks: dict[int, list[RowMark]] = {}
    for kind, last_committed_id in plan_cut_lines(pi=pi).items():
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
