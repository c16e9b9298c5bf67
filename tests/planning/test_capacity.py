"""The plan rules of docs/rules.md ("Capacity plan"), without a database."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.planning.capacity import (
    FILL,
    KINDS,
    STRICT,
    AllocationError,
    Candidate,
    budgets,
    plan_build,
    plan_warnings,
    points_text,
    shares_check,
    team_capacity_default,
)
from scoring.planning.chart import capacity_chart

D = Decimal
DEFAULT = {"business": 70, "enabler": 20, "exploration": 10}


def business(*estimates: str | None, start: int = 1) -> list[Candidate]:
    return [
        Candidate(i, "business", None if e is None else D(e)) for i, e in enumerate(estimates, start=start)
    ]


def test_team_capacity_default_is_velocity_times_development_iterations():
    assert team_capacity_default(velocity=10, development_iterations=4) == D(40)


def test_budgets_are_capacity_times_share_exactly():
    assert budgets(capacity=D(95), shares=DEFAULT) == {
        "business": D("66.5"),
        "enabler": D(19),
        "exploration": D("9.5"),
    }


def test_strict_plan_stops_at_the_first_feature_that_does_not_fit():
    # Budget 70: 30 + 25 = 55 committed, 20 does not fit the 15 left, so 20, 10 and 5 fall below.
    plan = plan_build(capacity=D(100), shares=DEFAULT, ranked=business("30", "25", "20", "10", "5"))
    kind = plan.kind("business")
    assert kind.budget == D(70)
    assert kind.committed == (1, 2)
    assert kind.below_line == (3, 4, 5)
    assert kind.committed_points == D(55)
    assert kind.utilisation == D("78.57")


def test_fill_plan_commits_lower_ranked_features_that_still_fit():
    # 30 + 25, skip 20 (15 left), then 10 (5 left) and 5 (0 left): 70 of 70.
    plan = plan_build(
        capacity=D(100), shares=DEFAULT, ranked=business("30", "25", "20", "10", "5"), mode=FILL
    )
    kind = plan.kind("business")
    assert kind.committed == (1, 2, 4, 5)
    assert kind.below_line == (3,)
    assert kind.committed_points == D(70)
    assert kind.utilisation == D("100.00")


def test_features_without_estimate_are_listed_and_do_not_end_the_walk():
    # 30 committed, None skipped, 35 fits the 40 left, None skipped, 10 does not fit the 5 left.
    plan = plan_build(capacity=D(100), shares=DEFAULT, ranked=business("30", None, "35", None, "10"))
    kind = plan.kind("business")
    assert kind.committed == (1, 3)
    assert kind.needs_estimate == (2, 4)
    assert kind.below_line == (5,)


def test_unestimated_feature_after_the_cut_still_needs_an_estimate_not_below_the_line():
    plan = plan_build(capacity=D(100), shares=DEFAULT, ranked=business("80", None, "5"))
    kind = plan.kind("business")
    assert kind.committed == ()
    assert kind.below_line == (1, 3)
    assert kind.needs_estimate == (2,)


def test_feature_bigger_than_its_kinds_budget_is_below_the_line_and_warned_about():
    ranked = [Candidate(1, "enabler", D(21)), Candidate(2, "enabler", D(5))]
    strict = plan_build(capacity=D(100), shares=DEFAULT, ranked=ranked)
    assert strict.kind("enabler").committed == ()
    assert strict.kind("enabler").below_line == (1, 2)
    assert strict.kind("enabler").too_big == (1,)
    codes = [(w.code, w.kind, w.feature_ids) for w in plan_warnings(strict)]
    assert ("too_big", "enabler", (1,)) in codes
    assert ("nothing_committed", "enabler", ()) in codes
    fill = plan_build(capacity=D(100), shares=DEFAULT, ranked=ranked, mode=FILL)
    assert fill.kind("enabler").committed == (2,)


def test_features_bigger_than_the_budget_are_named_in_one_warning_per_kind():
    ranked = [Candidate(i, "exploration", D(20)) for i in range(1, 6)]
    titles = {1: "Voice booking", 2: "AR seat preview", 3: "Quantum pricing"}
    warnings = plan_warnings(plan_build(capacity=D(100), shares=DEFAULT, ranked=ranked), titles)
    too_big = [w for w in warnings if w.code == "too_big"]
    assert len(too_big) == 1
    assert too_big[0].message == (
        "Exploration: Voice booking, AR seat preview, Quantum pricing and 2 more are larger than the whole "
        "exploration budget (10 points); split or re-estimate, or change the allocation."
    )
    assert too_big[0].feature_ids == (1, 2, 3, 4, 5)


def test_zero_capacity_pi_commits_nothing_and_reports_zero_utilisation():
    plan = plan_build(capacity=D(0), shares=DEFAULT, ranked=business("1", "2"))
    kind = plan.kind("business")
    assert (kind.budget, kind.committed, kind.below_line) == (D(0), (), (1, 2))
    assert kind.utilisation == D("0.00")
    assert plan.utilisation == D("0.00")
    warnings = plan_warnings(plan)
    assert [w.code for w in warnings] == ["no_budget", "no_budget", "no_budget", "total"]
    assert "(the PI has no capacity)" in warnings[0].message
    assert warnings[-1].message == "0 of 0 points committed (0.00% of the ART's capacity)."


def test_kind_with_share_zero_commits_nothing_while_the_others_use_their_budget():
    ranked = [Candidate(1, "exploration", D("0.5")), Candidate(2, "business", D(80))]
    plan = plan_build(
        capacity=D(100), shares={"business": 80, "enabler": 20, "exploration": 0}, ranked=ranked
    )
    assert plan.kind("exploration").budget == D(0)
    assert plan.kind("exploration").below_line == (1,)
    assert plan.kind("business").committed == (2,)
    assert [(w.code, w.message) for w in plan_warnings(plan) if w.kind == "exploration"] == [
        (
            "no_budget",
            "Exploration: the budget is 0 points (its share is 0%), so nothing of this kind can be committed.",
        )
    ]


def test_feature_that_fits_exactly_is_committed():
    ranked = [Candidate(1, "exploration", D("9.5"))]
    plan = plan_build(capacity=D(95), shares=DEFAULT, ranked=ranked)
    assert plan.kind("exploration").committed == (1,)
    assert plan.kind("exploration").utilisation == D("100.00")


def test_total_line_says_committed_of_capacity():
    plan = plan_build(capacity=D(100), shares=DEFAULT, ranked=business("30", "25"))
    total = next(w for w in plan_warnings(plan) if w.code == "total")
    assert total.message == "55 of 100 points committed (55.00% of the ART's capacity)."


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ({"business": 70, "enabler": 20, "exploration": 5}, "must add up to 100; they add up to 95"),
        ({"business": 70, "enabler": 30}, "missing: exploration"),
        (
            {"business": 110, "enabler": -10, "exploration": 0},
            "business must be a whole percent from 0 to 100",
        ),
        ({"business": 69.5, "enabler": 20.5, "exploration": 10}, "business must be a whole percent"),
    ],
)
def test_shares_that_are_not_whole_percents_summing_to_100_are_refused(shares, message):
    with pytest.raises(AllocationError, match=message):
        shares_check(shares)


def test_points_text_drops_trailing_zeros():
    assert [points_text(D(v)) for v in ("40", "37.50", "0", "12.345")] == ["40", "37.5", "0", "12.35"]


# --- properties -------------------------------------------------------------------------

estimates = st.one_of(st.none(), st.integers(1, 200).map(lambda half_points: D(half_points) / 2))


@st.composite
def plans_input(draw):
    business_share = draw(st.integers(0, 100))
    enabler_share = draw(st.integers(0, 100 - business_share))
    shares = {
        "business": business_share,
        "enabler": enabler_share,
        "exploration": 100 - business_share - enabler_share,
    }
    capacity = D(draw(st.integers(0, 4000))) / 10
    kinds = draw(st.lists(st.tuples(st.sampled_from(KINDS), estimates), max_size=40))
    ranked = [Candidate(i, kind, estimate) for i, (kind, estimate) in enumerate(kinds, start=1)]
    return capacity, shares, ranked


@given(plans_input(), st.sampled_from([STRICT, FILL]))
def test_committed_points_never_exceed_a_kinds_budget(data, mode):
    capacity, shares, ranked = data
    estimate = {c.id: c.estimate for c in ranked}
    for kind in plan_build(capacity=capacity, shares=shares, ranked=ranked, mode=mode).kinds:
        assert kind.committed_points == sum((estimate[i] for i in kind.committed), D(0))
        assert kind.committed_points <= kind.budget


@given(plans_input())
def test_strict_plan_is_a_prefix_of_the_rank_order_minus_unestimated(data):
    capacity, shares, ranked = data
    plan = plan_build(capacity=capacity, shares=shares, ranked=ranked, mode=STRICT)
    for kind in plan.kinds:
        estimated = [c for c in ranked if c.kind == kind.kind and c.estimate is not None]
        assert [c.id for c in estimated[: len(kind.committed)]] == list(kind.committed)
        assert [c.id for c in estimated[len(kind.committed) :]] == list(kind.below_line)
        if kind.below_line:  # the walk stopped because the next one did not fit
            assert estimated[len(kind.committed)].estimate > kind.remaining


@given(plans_input())
def test_fill_plan_contains_the_strict_plan_and_leaves_out_only_what_does_not_fit(data):
    capacity, shares, ranked = data
    strict = plan_build(capacity=capacity, shares=shares, ranked=ranked, mode=STRICT)
    fill = plan_build(capacity=capacity, shares=shares, ranked=ranked, mode=FILL)
    estimate = {c.id: c.estimate for c in ranked}
    for s, f in zip(strict.kinds, fill.kinds):
        assert set(s.committed) <= set(f.committed)
        assert all(estimate[i] > f.remaining for i in f.below_line)


@given(plans_input(), st.sampled_from([STRICT, FILL]))
def test_every_candidate_lands_in_exactly_one_list_of_its_kind(data, mode):
    capacity, shares, ranked = data
    plan = plan_build(capacity=capacity, shares=shares, ranked=ranked, mode=mode)
    for kind in plan.kinds:
        listed = [*kind.committed, *kind.below_line, *kind.needs_estimate]
        assert sorted(listed) == [c.id for c in ranked if c.kind == kind.kind]
        assert all(c.estimate is None for c in ranked if c.id in kind.needs_estimate)


def test_chart_puts_kinds_side_by_side_and_marks_the_default_guardrail():
    plan = plan_build(
        capacity=D(100), shares={"business": 60, "enabler": 30, "exploration": 10}, ranked=business("30")
    )
    chart = capacity_chart(plan)
    assert [(s.kind, s.x, s.budget_width, s.committed_width) for s in chart.segments] == [
        ("business", D(0), D(600), D(300)),
        ("enabler", D(600), D(300), D(0)),
        ("exploration", D(900), D(100), D(0)),
    ]
    assert chart.guardrails == (D(700), D(900))
    # Each kind's bar is its own budget: business 30 of 60 is half full. Its default budget (70)
    # lies beyond its bar; enabler's (20 of 30) at two thirds of it.
    business_bar, enabler_bar, _ = chart.bars
    assert (business_bar.budget_width, business_bar.committed_width, business_bar.guardrail_x) == (
        D(1000),
        D(500),
        None,
    )
    assert (enabler_bar.budget_width, enabler_bar.committed_width, enabler_bar.guardrail_x) == (
        D(1000),
        D(0),
        D("666.7"),
    )


def test_a_kind_used_at_92_percent_looks_92_percent_full():
    """Enabler: 20 of 100 points (70/20/10), 18.4 committed = 92 %. On the old shared axis
    (the business budget, 70) its bar was 18.4 / 70 = 26 % long: a quarter full."""
    ranked = [Candidate(1, "business", D("35")), Candidate(2, "enabler", D("18.4"))]
    chart = capacity_chart(plan_build(capacity=D(100), shares=DEFAULT, ranked=ranked))
    business_bar, enabler_bar, exploration_bar = chart.bars
    assert enabler_bar.committed_width == D("920.0")
    assert business_bar.committed_width == D("500.0")  # 35 of 70
    assert exploration_bar.committed_width == D(0)
    assert [bar.guardrail_x for bar in chart.bars] == [None, None, None]  # default shares: at the end


def test_chart_of_a_zero_capacity_pi_draws_empty_bars():
    chart = capacity_chart(plan_build(capacity=D(0), shares=DEFAULT, ranked=[]))
    assert all(s.budget_width == 0 and s.committed_width == 0 for s in chart.segments)
    assert all(b.budget_width == 0 and b.committed_width == 0 and b.guardrail_x is None for b in chart.bars)
