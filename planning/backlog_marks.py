"""The PI's cut lines drawn on the ranked backlog page (registered in PlanningConfig.ready)."""

from backlog.models import Art, Feature, ProgramIncrement
from planning.selectors import plan_cut_lines
from scoring.backlog_marks import RowMark

KIND_LABELS = dict(Feature.Kind.choices)


def cut_line_marks(*, art: Art, pi: ProgramIncrement | None) -> dict[int, list[RowMark]]:
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
