"""What the capacity page shows, built from a PiPlan: rows per kind, cut line, commit preview.

Long lists are cut to a readable length (with a count of the rest), so the page costs the
same whatever the size of the backlog.
"""

from dataclasses import dataclass
from decimal import Decimal

from backlog.models import Feature
from planning.capacity import KindPlan
from planning.chart import CapacityChart, KindBar, capacity_chart
from planning.selectors import PiPlan, PlanFeature

COMMITTED_SHOWN = 60
OTHERS_SHOWN = 12
KIND_LABELS = dict(Feature.Kind.choices)


@dataclass(frozen=True, slots=True)
class Row:
    feature: PlanFeature
    cumulative: Decimal | None = None
    too_big: bool = False
    in_pi: bool = False


@dataclass(frozen=True, slots=True)
class Listing:
    rows: list[Row]
    hidden: int


@dataclass(frozen=True, slots=True)
class KindSection:
    kind: str
    label: str
    plan: KindPlan
    committed: Listing
    below_line: Listing
    needs_estimate: Listing
    needs_score: Listing
    bar: KindBar


@dataclass(frozen=True, slots=True)
class CapacityPage:
    state: PiPlan
    sections: list[KindSection]
    chart: CapacityChart
    enters: Listing
    leaves: Listing
    at_risk: Listing


def _listing(rows: list[Row], limit: int) -> Listing:
    return Listing(rows=rows[:limit], hidden=max(len(rows) - limit, 0))


def _shown(state: PiPlan, ids, *, limit: int = OTHERS_SHOWN, too_big=frozenset()) -> Listing:
    """The first `limit` features of ids as rows, and how many more there are."""
    rows = [
        Row(state.features[fid], too_big=fid in too_big, in_pi=state.features[fid].pi_id == state.pi.pk)
        for fid in ids[:limit]
    ]
    return Listing(rows=rows, hidden=max(len(ids) - limit, 0))


def _committed_rows(state: PiPlan, kind: KindPlan, limit: int) -> list[Row]:
    rows, total = [], Decimal(0)
    for fid in kind.committed[:limit]:
        feature = state.features[fid]
        total += feature.estimate
        rows.append(Row(feature, cumulative=total, in_pi=feature.pi_id == state.pi.pk))
    return rows


def _absent(ids: list[int], titles: dict[int, str]) -> list[Row]:
    """Rows for features that are no longer candidates (moved away, done, deleted)."""
    return [Row(PlanFeature(fid, titles.get(fid, "(deleted)"), "", "", None, None, None)) for fid in ids]


def capacity_page_build(state: PiPlan) -> CapacityPage:
    chart = capacity_chart(state.plan)
    sections = []
    for kind, bar in zip(state.plan.kinds, chart.bars):
        sections.append(
            KindSection(
                kind=kind.kind,
                label=KIND_LABELS[kind.kind],
                plan=kind,
                committed=Listing(
                    _committed_rows(state, kind, COMMITTED_SHOWN),
                    max(len(kind.committed) - COMMITTED_SHOWN, 0),
                ),
                below_line=_shown(state, kind.below_line, too_big=frozenset(kind.too_big)),
                needs_estimate=_shown(state, kind.needs_estimate),
                needs_score=_shown(state, state.needs_score[kind.kind]),
                bar=bar,
            )
        )
    missing = [fid for fid in state.leaves if fid not in state.features]
    titles = dict(Feature.objects.filter(pk__in=missing).values_list("pk", "title")) if missing else {}
    leaves = [
        Row(state.features[fid]) if fid in state.features else _absent([fid], titles)[0]
        for fid in state.leaves
    ]
    return CapacityPage(
        state=state,
        sections=sections,
        chart=chart,
        enters=_shown(state, state.enters, limit=COMMITTED_SHOWN),
        leaves=_listing(leaves, COMMITTED_SHOWN),
        at_risk=_shown(state, state.at_risk, limit=COMMITTED_SHOWN),
    )
