"""Flow time, velocity, load and distribution from a hand-made status history."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from backlog.models import FeatureChange
from scoring.outcomes import selectors
from scoring.planning.models import Allocation
from tests.factories import FeatureFactory, ProgramIncrementFactory

D = Decimal
pytestmark = pytest.mark.django_db


def moved(feature, at: datetime, old: str | None, new: str) -> None:
    FeatureChange.objects.create(
        art_id=feature.art_id,
        feature=feature,
        feature_title=feature.title,
        action=FeatureChange.Action.CREATED if old is None else FeatureChange.Action.UPDATED,
        door=FeatureChange.Door.SCRIPT,
        changed_at=at,
        changes={"status": [old, new]},
    )


def day(n: int, hour: int = 9) -> datetime:
    return datetime(2026, 10, 1, hour, tzinfo=UTC) + timedelta(days=n)


@pytest.fixture
def pi(rail):
    return ProgramIncrementFactory(
        art=rail, name="PI 2026.4", start_date=date(2026, 10, 5), end_date=date(2026, 12, 13)
    )


@pytest.fixture
def history(rail, pi):
    # A: created in funnel day 0, analyzing day 2, implementing day 5, validating day 12, done day 15: 10 days.
    a = FeatureFactory(art=rail, title="A", kind="business", status="done", estimate_points=D(13))
    for n, (old, new) in enumerate([(None, "funnel"), ("funnel", "analyzing")]):
        moved(a, day(n * 2), old, new)
    moved(a, day(5), "analyzing", "implementing")
    moved(a, day(12), "implementing", "validating")
    moved(a, day(15), "validating", "done")
    # B: implementing day 10, done day 14, reopened day 16, done again day 30: 20 days to its last done.
    b = FeatureFactory(art=rail, title="B", kind="enabler", status="done", estimate_points=D(5))
    moved(b, day(10), "backlog", "implementing")
    moved(b, day(14), "implementing", "done")
    moved(b, day(16), "done", "implementing")
    moved(b, day(30), "implementing", "done")
    # C: straight from backlog to done: done in the PI, but no flow time.
    c = FeatureFactory(art=rail, title="C", kind="exploration", status="done", estimate_points=D(2))
    moved(c, day(20), "backlog", "done")
    # D: done before the PI started (day 2): not in the PI's velocity.
    d = FeatureFactory(art=rail, title="D", kind="business", status="done", estimate_points=D(8))
    moved(d, day(0), "backlog", "implementing")
    moved(d, day(2), "implementing", "done")
    # E: done, but no recorded change into done (done before history was kept).
    FeatureFactory(art=rail, title="E", kind="business", status="done")
    # In progress now: two implementing, one validating; one in backlog does not count.
    FeatureFactory(art=rail, kind="business", status="implementing")
    FeatureFactory(art=rail, kind="enabler", status="implementing")
    FeatureFactory(art=rail, kind="business", status="validating")
    FeatureFactory(art=rail, kind="business", status="backlog")
    return {"A": a, "B": b, "C": c, "D": d}


def test_flow_time_runs_from_first_start_to_the_last_done(rail, history):
    spans = {s.feature_id: s for s in selectors.done_spans(art_id=rail.pk)}
    assert spans[history["A"].pk].days == D("10.00")
    assert spans[history["B"].pk].days == D("20.00")
    assert spans[history["C"].pk].days is None
    assert len(spans) == 4


def test_velocity_counts_features_done_within_the_pi_dates(rail, pi, history):
    flow = selectors.art_flow(art_id=rail.pk, pis=[pi])
    (in_pi,) = flow.pis
    # A (13), B (5), C (2) done inside 2026-10-05..2026-12-13; D done on 2026-10-03 is not.
    assert (in_pi.done_features, in_pi.done_points) == (3, D(20))
    assert in_pi.without_flow_time == 1
    # Nearest rank over [10, 20]: p50 rank 1 -> 10, p85 and p95 rank 2 -> 20.
    assert in_pi.percentiles == {50: D("10.00"), 85: D("20.00"), 95: D("20.00")}
    assert flow.done_without_history == 1


def test_load_counts_features_in_implementing_or_validating_now(rail, pi, history):
    flow = selectors.art_flow(art_id=rail.pk, pis=[pi])
    assert flow.load == {"business": 2, "enabler": 1, "exploration": 0}
    assert flow.load_total == 3


def test_distribution_is_held_against_the_pis_own_allocation(rail, pi, history):
    Allocation.objects.create(pi=pi, business=60, enabler=30, exploration=10)
    (in_pi,) = selectors.art_flow(art_id=rail.pk, pis=[pi]).pis
    rows = {row.kind: row for row in in_pi.distribution}
    # Done points 13 business, 5 enabler, 2 exploration of 20: 65 %, 25 %, 10 %.
    assert [rows[k].delivered_percent for k in ("business", "enabler", "exploration")] == [
        D("65.00"),
        D("25.00"),
        D("10.00"),
    ]
    assert rows["enabler"].planned_percent == D(30) and rows["enabler"].gap == D(-5)


def test_a_pi_without_allocation_is_held_against_70_20_10(rail, pi, history):
    (in_pi,) = selectors.art_flow(art_id=rail.pk, pis=[pi]).pis
    assert in_pi.shares == {"business": 70, "enabler": 20, "exploration": 10}


def test_flow_reads_a_fixed_number_of_queries(rail, pi, history, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        selectors.art_flow(art_id=rail.pk, pis=[pi])


def test_the_orm_reading_used_off_postgres_gives_the_same_spans(rail, pi, history):
    from datetime import UTC, datetime

    since, until = datetime(2026, 10, 5, tzinfo=UTC), datetime(2026, 12, 14, tzinfo=UTC)
    for window in [(None, None), (since, until)]:
        raw = sorted(selectors._spans_rows_postgres(rail.pk, *window, None))
        orm = sorted(selectors._spans_rows_orm(rail.pk, *window, None))
        assert raw == orm


def test_a_window_keeps_only_features_whose_last_done_falls_inside(rail, pi, history):
    spans = selectors.done_spans(art_id=rail.pk, done_from=date(2026, 10, 5), done_to=date(2026, 12, 13))
    assert {s.feature_id for s in spans} == {history[k].pk for k in "ABC"}


def test_a_new_status_change_is_seen_at_once_despite_the_cache(rail, pi, history):
    assert len(selectors.done_spans(art_id=rail.pk)) == 4
    late = FeatureFactory(art=rail, title="Late", kind="business", status="done", estimate_points=D(3))
    moved(late, day(40), "implementing", "done")
    assert len(selectors.done_spans(art_id=rail.pk)) == 5
