"""Fragile ranks: the one scale step that moves a planned feature across its kind's cut line.

The pure rule (scoring.planning.fragile) by hand and against a brute force built on the real
plan walk; then its selectors, in a fixed number of queries.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from backlog.models import Feature
from scoring.planning.capacity import STRICT, Candidate, kind_plan_build
from scoring.planning.fragile import (
    IN,
    INPUTS,
    NEXT,
    OUT,
    OWN,
    PREVIOUS,
    FragileCandidate,
    FragileChange,
    candidate_key,
    fragile_change_text,
    kind_fragile,
    plan_fragile,
)
from scoring.planning.selectors import (
    art_fragile_features,
    fragile_candidates,
    pi_plan,
    plan_cut_lines,
    plan_fragile_features,
    plan_lines,
)
from scoring.wsjf import SCALE, RankInput, cost_of_delay, rank_key
from tests.factories import ProgramIncrementFactory, TeamFactory, art_rank_now, scored

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def candidate(fid: int, ubv: int, tc: int, rr: int, size: int, estimate, *, kind="business", age=0):
    """A candidate with its four inputs in column order; estimate in points or None; age: its
    creation order (lower is older)."""
    return FragileCandidate(
        id=fid,
        kind=kind,
        estimate=None if estimate is None else Decimal(estimate),
        rank=fid,
        user_business_value=ubv,
        time_criticality=tc,
        risk_reduction=rr,
        job_size=size,
        created_order=age,
    )


# --- by hand ----------------------------------------------------------------------------------


def test_a_feature_just_above_the_line_is_pushed_out_by_a_time_criticality_rise_of_the_next():
    # Budget 10: Top (5) and Edge (5) fill it; Next (3, WSJF 11/5 = 2.2) is below the line.
    # Edge's own steps down keep it ahead of Next (60/20 -> 53/20 = 2.65 > 2.2), but Next's
    # Time Criticality 8 -> 13 (16/5 = 3.2 > 3.0) takes its 3 points ahead of Edge: 13 > 10.
    top = candidate(1, 20, 1, 1, 1, "5")
    edge = candidate(2, 20, 20, 20, 20, "5")
    after = candidate(3, 2, 8, 1, 5, "3")
    changes = kind_fragile(budget=Decimal(10), candidates=[after, top, edge])
    assert changes[edge.id] == FragileChange(
        feature_id=edge.id,
        kind="business",
        changed_id=after.id,
        changed_rank=after.rank,
        neighbour=NEXT,
        field="time_criticality",
        before=8,
        after=13,
        direction=OUT,
    )


def test_a_feature_just_below_the_line_is_lifted_in_by_its_own_value_step():
    # Budget 10: Top (5) and Before (5, WSJF 10/5 = 2.0) fill it; Lifted (5, 9/5 = 1.8) is
    # below. User-Business Value 5 -> 8 (12/5 = 2.4) puts it ahead of Before: 5 + 5 <= 10.
    top = candidate(1, 20, 1, 1, 1, "5")
    before = candidate(2, 5, 3, 2, 5, "5")
    lifted = candidate(3, 5, 3, 1, 5, "5")
    change = kind_fragile(budget=Decimal(10), candidates=[top, before, lifted])[lifted.id]
    assert (change.neighbour, change.changed_id, change.field, change.before, change.after) == (
        OWN,
        lifted.id,
        "user_business_value",
        5,
        8,
    )
    assert change.direction == IN


def test_a_feature_far_from_the_line_is_not_fragile():
    # Budget 100 holds the top two with 90 points to spare; the last is far below WSJF-wise
    # and 40 points over on its own.
    top = candidate(1, 20, 20, 20, 1, "5")
    second = candidate(2, 13, 13, 13, 2, "5")
    far_below = candidate(3, 1, 1, 1, 20, "140")
    assert kind_fragile(budget=Decimal(100), candidates=[top, second, far_below]) == {}


def test_a_feature_without_an_estimate_is_never_fragile_and_moves_no_neighbour():
    # Unestimated takes no budget wherever it ranks, so passing Edge changes nothing.
    top = candidate(1, 20, 1, 1, 1, "5")
    edge = candidate(2, 20, 20, 20, 20, "5")
    unestimated = candidate(3, 2, 8, 1, 5, None)
    changes = kind_fragile(budget=Decimal(10), candidates=[top, edge, unestimated])
    assert unestimated.id not in changes and edge.id not in changes


def test_own_steps_come_before_a_neighbours_and_inputs_in_column_order():
    # Budget 10: Edge (WSJF 9/2) is the last to fit, Next (7/2) is below. Edge falls out by
    # Next's rise or by a step of its own: the own step is named, and of its own, User-Business
    # Value 5 -> 3 (7/2, as Next: the older Next goes first) before Job Size 2 -> 3 (9/3).
    top = candidate(1, 20, 1, 1, 1, "5")
    edge = candidate(2, 5, 3, 1, 2, "5", age=1)
    after = candidate(3, 3, 3, 1, 2, "3", age=0)
    change = kind_fragile(budget=Decimal(10), candidates=[top, edge, after])[edge.id]
    assert (change.neighbour, change.field, change.before, change.after) == (OWN, "user_business_value", 5, 3)


def test_a_step_that_ties_the_cut_feature_lifts_an_older_feature_ahead_of_it():
    # Budget 10: Top (5) fits, Cut (10, WSJF 9/5) ends the walk, Middle (8/5) and Older (7/5)
    # are further below. Older's User-Business Value 3 -> 5 gives it Cut's WSJF, CoD and size:
    # being older, it goes ahead of Cut, and 5 + 5 <= 10.
    top = candidate(1, 20, 1, 1, 1, "5")
    cut = candidate(2, 5, 3, 1, 5, "10", age=1)
    middle = candidate(3, 5, 2, 1, 5, "1", age=1)
    older = candidate(4, 3, 3, 1, 5, "5", age=0)
    change = kind_fragile(budget=Decimal(10), candidates=[top, cut, middle, older])[older.id]
    assert (change.neighbour, change.field, change.before, change.after, change.direction) == (
        OWN,
        "user_business_value",
        3,
        5,
        IN,
    )


def test_a_feature_just_below_the_line_is_let_in_when_the_one_before_it_drops_behind():
    # Budget 10: Before (WSJF 45/1, 12 points) is too big and ends the walk; Let in (42/1) has
    # no step of its own that passes it (its best, RR|OE 2 -> 3, makes 43), but Before's
    # User-Business Value 20 -> 13 (38) drops it behind: 0 + 5 <= 10.
    before = candidate(1, 20, 20, 5, 1, "12")
    let_in = candidate(2, 20, 20, 2, 1, "5")
    change = kind_fragile(budget=Decimal(10), candidates=[before, let_in])[let_in.id]
    assert (change.neighbour, change.changed_id, change.field, change.before, change.after) == (
        PREVIOUS,
        before.id,
        "user_business_value",
        20,
        13,
    )
    assert change.direction == IN


def test_a_feature_far_below_is_lifted_by_a_step_that_only_ties_the_cut_feature():
    # Budget 10: Top (5) fits, Cut (43/1, 10 points) ends the walk, Middle and Far (42/1) follow.
    # Far's only step up, RR|OE 2 -> 3, ties Cut's WSJF, CoD and size; Far is older, so it goes
    # ahead of Cut: 5 + 5 <= 10.
    top = candidate(1, 20, 20, 20, 1, "5")
    cut = candidate(2, 20, 20, 3, 1, "10", age=5)
    middle = candidate(3, 20, 20, 2, 1, "1", age=1)
    far = candidate(4, 20, 20, 2, 1, "5", age=2)
    change = kind_fragile(budget=Decimal(10), candidates=[top, cut, middle, far])[far.id]
    assert (change.neighbour, change.field, change.before, change.after) == (OWN, "risk_reduction", 2, 3)


def test_ratios_that_round_alike_are_told_apart_exactly():
    # 15/13 and 23/20 both show as 1.15; 15/13 ranks first. Budget 5 holds one of the two.
    first = candidate(1, 13, 1, 1, 13, "5")  # 15/13
    second = candidate(2, 20, 2, 1, 20, "5")  # 23/20
    changes = kind_fragile(budget=Decimal(5), candidates=[second, first])
    assert changes[first.id].direction == OUT and changes[second.id].direction == IN
    assert candidate_key(first) < candidate_key(second)


def test_each_kind_is_walked_against_its_own_budget():
    business = candidate(1, 5, 3, 1, 5, "5")
    enabler = candidate(2, 5, 3, 1, 5, "5", kind="enabler")
    budgets = {"business": Decimal(5), "enabler": Decimal(4), "exploration": Decimal(0)}
    # Alone in their kinds, neither has a neighbour or a position to lose: business fits with
    # room to spare whatever its inputs, the enabler is too big whatever they are.
    assert plan_fragile(budgets=budgets, candidates=[business, enabler]) == {}


def test_the_key_is_scoring_wsjf_rank_key_for_every_combination_of_the_scale():
    for ubv in SCALE:
        for tc in SCALE:
            for rr in SCALE:
                for size in SCALE:
                    item = candidate(7, ubv, tc, rr, size, "1", age=3)
                    cod = cost_of_delay(ubv, tc, rr)
                    assert candidate_key(item) == rank_key(RankInput(7, cod, size, item.created_order))


def test_the_change_reads_as_a_sentence_naming_the_neighbour_by_rank():
    change = FragileChange(1, "business", 2, 12, NEXT, "time_criticality", 8, 13, OUT)
    assert fragile_change_text(
        change, input_label="Time Criticality", kind_label="Business", pi_name="PI 26.4"
    ) == (
        "One step from the cut line: Time Criticality 8 → 13 on the next business feature (#12) "
        "would put it below PI 26.4's business cut line."
    )
    own = FragileChange(1, "enabler", 1, 3, OWN, "job_size", 5, 3, IN)
    assert fragile_change_text(own, input_label="Job Size", kind_label="Enabler", pi_name="PI 7") == (
        "One step from the cut line: Job Size 5 → 3 would commit it to PI 7."
    )


# --- against a brute force on the real plan walk ----------------------------------------------


def committed_ids(candidates: list[FragileCandidate], budget: Decimal) -> set[int]:
    """Re-rank by scoring.wsjf and walk with scoring.planning.capacity: the plan as popm builds
    it, with real creation times (created_order days after T0)."""

    def key(item: FragileCandidate) -> tuple:
        cod = cost_of_delay(item.user_business_value, item.time_criticality, item.risk_reduction)
        created_at = T0 + timedelta(days=item.created_order)
        return rank_key(RankInput(item.id, cod, item.job_size, created_at))

    ranked = [Candidate(item.id, item.kind, item.estimate) for item in sorted(candidates, key=key)]
    plan = kind_plan_build(kind="business", share=100, budget=budget, ranked=ranked, mode=STRICT)
    return set(plan.committed)


def neighbours(
    candidates: list[FragileCandidate], feature: FragileCandidate
) -> list[tuple[str, FragileCandidate]]:
    """(own | previous | next, candidate) in the kind's rank order, in the rule's order."""
    ordered = sorted(candidates, key=candidate_key)
    index = ordered.index(feature)
    found = [(OWN, feature)]
    if index > 0:
        found.append((PREVIOUS, ordered[index - 1]))
    if index + 1 < len(ordered):
        found.append((NEXT, ordered[index + 1]))
    return found


def single_steps(candidates: list[FragileCandidate], feature: FragileCandidate):
    """Every one-step change of one input of feature or a neighbour, in the rule's order:
    (neighbour, changed, field, before, after, candidates after the change)."""
    for which, changed in neighbours(candidates, feature):
        for field in INPUTS:
            value = getattr(changed, field)
            position = SCALE.index(value)
            up, down = SCALE[position + 1 : position + 2], SCALE[max(position - 1, 0) : position]
            for after in (*up, *down):
                moved = changed._replace(**{field: after})
                yield which, changed, field, value, after, [moved if c is changed else c for c in candidates]


def crossing_steps(candidates, feature, budget) -> list[tuple]:
    was_committed = feature.id in committed_ids(candidates, budget)
    return [
        (which, changed.id, field, before, after)
        for which, changed, field, before, after, changed_candidates in single_steps(candidates, feature)
        if (feature.id in committed_ids(changed_candidates, budget)) != was_committed
    ]


@st.composite
def kinds(draw):
    """Up to 8 candidates of one kind with random scale inputs, estimates (some missing) and
    creation days (ties in WSJF then fall to age and id), and a budget."""
    count = draw(st.integers(min_value=1, max_value=8))
    scale = st.sampled_from(SCALE)
    estimates = st.one_of(st.none(), st.integers(min_value=1, max_value=26).map(lambda n: Decimal(n) / 2))
    candidates = [
        FragileCandidate(
            id=fid,
            kind="business",
            estimate=draw(estimates),
            rank=None,
            user_business_value=draw(scale),
            time_criticality=draw(scale),
            risk_reduction=draw(scale),
            job_size=draw(scale),
            created_order=draw(st.integers(min_value=0, max_value=2)),
        )
        for fid in draw(st.lists(st.integers(1, 99), min_size=count, max_size=count, unique=True))
    ]
    budget = Decimal(draw(st.integers(min_value=0, max_value=80))) / 2
    return candidates, budget


@settings(max_examples=300, deadline=None)
@given(kinds())
def test_a_fragile_feature_crosses_the_line_after_the_named_change(kind):
    candidates, budget = kind
    committed = committed_ids(candidates, budget)
    by_id = {c.id: c for c in candidates}
    for feature_id, change in kind_fragile(budget=budget, candidates=candidates).items():
        feature = by_id[feature_id]
        assert feature.estimate is not None
        assert change.direction == (OUT if feature_id in committed else IN)
        assert (change.neighbour, change.changed_id) in [
            (w, c.id) for w, c in neighbours(candidates, feature)
        ]
        changed = by_id[change.changed_id]
        assert getattr(changed, change.field) == change.before
        assert abs(SCALE.index(change.after) - SCALE.index(change.before)) == 1
        moved = changed._replace(**{change.field: change.after})
        after = committed_ids([moved if c is changed else c for c in candidates], budget)
        assert (feature_id in after) != (feature_id in committed)


@settings(max_examples=300, deadline=None)
@given(kinds())
def test_a_feature_not_fragile_stays_on_its_side_after_any_single_step_near_it(kind):
    candidates, budget = kind
    fragile = kind_fragile(budget=budget, candidates=candidates)
    for feature in candidates:
        if feature.id not in fragile:
            assert crossing_steps(candidates, feature, budget) == []


@settings(max_examples=300, deadline=None)
@given(kinds())
def test_the_named_change_is_the_first_that_crosses_in_the_smallest_order(kind):
    candidates, budget = kind
    fragile = kind_fragile(budget=budget, candidates=candidates)
    for feature in candidates:
        if feature.id in fragile:
            change = fragile[feature.id]
            first = crossing_steps(candidates, feature, budget)[0]
            assert first == (change.neighbour, change.changed_id, change.field, change.before, change.after)


# --- the selectors -----------------------------------------------------------------------------


@pytest.fixture
def running_pi(rail):
    """Rail with one team of 10 points x 4 development iterations (business budget 28) and a PI
    running today, so it is the current one."""
    TeamFactory(art=rail, velocity=10)
    today = timezone.localdate()
    return ProgramIncrementFactory(
        art=rail, name="PI 7", start_date=today - timedelta(days=10), end_date=today + timedelta(days=60)
    )


@pytest.mark.django_db
def test_the_current_pi_plan_names_its_fragile_features(rail, running_pi):
    scored(rail, "Top", 20, 1, 1, 1, estimate_points=10)
    edge = scored(rail, "Edge", 20, 20, 20, 20, estimate_points=15)  # 25 of 28
    after = scored(rail, "Next", 2, 8, 1, 5, estimate_points=5)  # 30 > 28: below
    past = ProgramIncrementFactory(art=rail, start_date=date(2025, 1, 6), end_date=date(2025, 3, 14))
    scored(rail, "Elsewhere", 20, 20, 20, 1, estimate_points=5, pi=past)  # rank 1, not a candidate
    art_rank_now(rail)
    fragile = art_fragile_features(art_id=rail.pk, today=timezone.localdate())
    assert set(fragile) == {edge.pk, after.pk}
    assert (fragile[edge.pk].changed_id, fragile[edge.pk].changed_rank) == (after.pk, 4)


@pytest.mark.django_db
def test_an_art_without_a_pi_has_no_fragile_features(rail):
    scored(rail, "Alone", 5, 3, 1, 5, estimate_points=5)
    art_rank_now(rail)
    assert art_fragile_features(art_id=rail.pk, today=date(2026, 12, 2)) == {}


@pytest.mark.django_db
def test_the_plans_cut_lines_are_those_of_plan_cut_lines_even_with_a_run_pending(rail, running_pi):
    for i in range(6):
        scored(rail, f"F{i}", SCALE[i], 1, 1, 3, estimate_points=6, kind=("business", "enabler")[i % 2])
    art_rank_now(rail)
    # An input emptied since the last run: the feature keeps its rank, and its place in the
    # walk, until the next run, but has no key to step from.
    Feature.objects.filter(title="F0").update(job_size=None)
    lines = plan_lines(pi=running_pi)
    assert lines.last_committed == plan_cut_lines(pi=running_pi)
    assert Feature.objects.get(title="F0").pk not in lines.fragile


@pytest.mark.django_db
def test_candidates_read_with_their_creation_order_sort_into_the_stored_rank_order(rail, running_pi):
    # Same WSJF, CoD and size throughout: creation time decides, then id. The newest feature
    # has the lowest id, and two share a creation time.
    features = [scored(rail, f"Tie {i}", 5, 3, 1, 5, estimate_points=5) for i in range(4)]
    times = [datetime(2026, 3, 1, tzinfo=UTC), *[datetime(2026, 2, 1, tzinfo=UTC)] * 2, T0]
    for feature, created_at in zip(features, times):
        Feature.objects.filter(pk=feature.pk).update(created_at=created_at)
    art_rank_now(rail)
    in_rank_order = list(Feature.objects.filter(art=rail).order_by("rank").values_list("pk", flat=True))
    assert [c.id for c in sorted(fragile_candidates(pi=running_pi), key=candidate_key)] == in_rank_order
    assert in_rank_order == [features[3].pk, features[1].pk, features[2].pk, features[0].pk]


def features_add(rail, count: int) -> None:
    Feature.objects.bulk_create(
        Feature(
            art=rail,
            title=f"Bulk {Feature.objects.count()}-{i}",
            kind=("business", "enabler", "exploration")[i % 3],
            user_business_value=SCALE[i % 7],
            time_criticality=SCALE[(i * 3) % 7],
            risk_reduction=1,
            job_size=SCALE[(i * 5) % 7],
            estimate_points=None if i % 11 == 0 else Decimal(3 + i % 5),
        )
        for i in range(count)
    )
    art_rank_now(rail)


@pytest.mark.django_db
def test_fragile_features_of_the_current_pi_cost_five_queries_whatever_the_backlog_size(
    rail, running_pi, django_assert_num_queries
):
    features_add(rail, 5)
    # The current PI (one query: it runs today), team capacities and their overrides, shares,
    # the candidates with their inputs.
    with django_assert_num_queries(5):
        art_fragile_features(art_id=rail.pk, today=timezone.localdate())
    features_add(rail, 200)
    with django_assert_num_queries(5):
        fragile = art_fragile_features(art_id=rail.pk, today=timezone.localdate())
    assert fragile


@pytest.mark.django_db
def test_fragile_features_of_a_plan_already_read_cost_one_query(rail, running_pi, django_assert_num_queries):
    features_add(rail, 60)
    state = pi_plan(pi=running_pi, mode="fill")
    with django_assert_num_queries(1):
        fragile = plan_fragile_features(state=state)
    assert fragile == plan_lines(pi=running_pi).fragile
