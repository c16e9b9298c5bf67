"""Delay cost of a sequence and Smith's rule, without a database."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import permutations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.tradeoffs.delay_cost import (
    MONEY,
    RELATIVE,
    Job,
    best_order,
    compare,
    delay_cost,
    finish_times,
    move_before,
    pin_to,
    plain_decimal_text,
    value_curve,
)
from scoring.wsjf import SCALE, cost_of_delay

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def job(id: int, rate, duration, minutes: int = 0) -> Job:
    return Job(id, Decimal(rate), Decimal(duration), T0 + timedelta(minutes=minutes))


def ids(order) -> list[int]:
    return [item.id for item in order]


def test_each_feature_finishes_after_everything_before_it():
    order = [job(1, 10, 2), job(2, 6, 3), job(3, 9, 1)]
    assert finish_times(order) == {1: 2, 2: 5, 3: 6}


def test_delay_cost_is_rate_times_finish_time_summed():
    # 10*2 + 6*5 + 9*6 = 20 + 30 + 54
    assert delay_cost([job(1, 10, 2), job(2, 6, 3), job(3, 9, 1)]) == Decimal(104)


def test_two_features_by_hand_the_wsjf_order_is_cheaper():
    urgent_small, big = job(1, 20, 1), job(2, 15, 5)
    # WSJF first: 20*1 + 15*6 = 110; the big one first: 15*5 + 20*6 = 195.
    result = compare([big, urgent_small], [2, 1], RELATIVE)
    assert ids(result.wsjf_order) == [1, 2]
    assert (result.wsjf_delay_cost, result.proposed_delay_cost) == (110, 195)
    assert result.extra_delay_cost == 85


def test_shifts_say_who_finishes_later_and_who_earlier():
    result = compare([job(1, 20, 1), job(2, 15, 5)], [2, 1], RELATIVE)
    delayed, advanced = result.delayed, result.advanced
    assert [(s.id, s.wsjf_finish, s.proposed_finish, s.delay) for s in delayed] == [(1, 1, 6, 5)]
    assert [(s.id, s.delay) for s in advanced] == [(2, -1)]


def test_proposing_the_wsjf_order_costs_nothing_extra():
    jobs = [job(1, 8, 3), job(2, 13, 2), job(3, 3, 1)]
    result = compare(jobs, ids(best_order(jobs, RELATIVE)), RELATIVE)
    assert result.extra_delay_cost == 0
    assert result.delayed == [] and result.advanced == []


def test_relative_order_breaks_ties_like_the_ranked_backlog():
    # Same WSJF 5: higher CoD first, then the older one.
    jobs = [job(1, 10, 2, minutes=1), job(2, 15, 3), job(3, 10, 2, minutes=0)]
    assert ids(best_order(jobs, RELATIVE)) == [2, 3, 1]


def test_money_order_is_cd3_descending_with_exact_ratios():
    # CD3: 1000/3 = 333.33.., 2000/6 = 333.33.. (tie: higher rate first), 700/2 = 350.
    jobs = [job(1, "1000", "3"), job(2, "2000", "6"), job(3, "700", "2")]
    assert ids(best_order(jobs, MONEY)) == [3, 2, 1]


def test_money_delay_cost_in_money_with_weeks():
    jobs = [job(1, "1200.50", "2.5"), job(2, "300", "1")]
    # CD3: 480.2 vs 300. 1200.50*2.5 + 300*3.5 = 3001.25 + 1050
    result = compare(jobs, [1, 2], MONEY)
    assert result.wsjf_delay_cost == Decimal("4051.25")
    assert result.proposed_delay_cost == Decimal("4051.25")
    # The other way: 300*1 + 1200.50*3.5 = 4501.75, that is 450.50 more.
    assert compare(jobs, [2, 1], MONEY).extra_delay_cost == Decimal("450.50")


def test_move_before_puts_the_feature_directly_ahead():
    assert move_before([1, 2, 3, 4, 5], 5, 2) == [1, 5, 2, 3, 4]
    assert move_before([1, 2, 3, 4, 5], 1, 4) == [2, 3, 1, 4, 5]


def test_move_before_itself_is_refused():
    with pytest.raises(ValueError, match="different"):
        move_before([1, 2], 1, 1)


def test_compare_refuses_an_order_that_is_not_the_same_set():
    with pytest.raises(ValueError, match="exactly once"):
        compare([job(1, 3, 1), job(2, 3, 1)], [1, 1], RELATIVE)


def test_area_between_value_curves_is_the_extra_delay_cost():
    jobs = [job(1, 20, 1), job(2, 15, 5), job(3, 6, 2)]
    result = compare(jobs, [2, 3, 1], RELATIVE)

    between = area_under(value_curve(result.wsjf_order)) - area_under(value_curve(result.proposed_order))
    assert between == result.extra_delay_cost


def test_plain_decimal_text_has_no_trailing_zeros_or_exponent():
    assert [plain_decimal_text(Decimal(v)) for v in ("310", "2.50", "1E+2", "-4", "0.0")] == [
        "310",
        "2.5",
        "100",
        "-4",
        "0",
    ]


scale = st.sampled_from(SCALE)
relative_jobs = st.lists(
    st.builds(
        job,
        id=st.integers(1, 1000),
        rate=st.builds(cost_of_delay, scale, scale, scale),
        duration=scale,
        minutes=st.integers(0, 3),
    ),
    min_size=1,
    max_size=7,
    unique_by=lambda j: j.id,
)
money_jobs = st.lists(
    st.builds(
        job,
        id=st.integers(1, 1000),
        rate=st.decimals(min_value=0, max_value=100_000, places=2),
        duration=st.decimals(min_value="0.1", max_value=52, places=1),
        minutes=st.integers(0, 3),
    ),
    min_size=1,
    max_size=7,
    unique_by=lambda j: j.id,
)


@settings(max_examples=60, deadline=None)
@given(relative_jobs)
def test_smiths_rule_no_order_beats_wsjf(jobs):
    best = delay_cost(best_order(jobs, RELATIVE))
    costs = [delay_cost(order) for order in permutations(jobs)]
    assert best == min(costs)


@settings(max_examples=60, deadline=None)
@given(money_jobs)
def test_smiths_rule_no_order_beats_cd3_in_money(jobs):
    best = delay_cost(best_order(jobs, MONEY))
    assert all(best <= delay_cost(order) for order in permutations(jobs))


@settings(max_examples=60, deadline=None)
@given(relative_jobs)
def test_orders_that_differ_only_in_ties_cost_the_same(jobs):
    # Swapping two neighbours with the same ratio never changes the delay cost.
    order = best_order(jobs, RELATIVE)
    for left, right in zip(order, order[1:], strict=False):
        if left.rate * right.duration == right.rate * left.duration:
            swapped = list(order)
            i = swapped.index(left)
            swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
            assert delay_cost(swapped) == delay_cost(order)


@settings(max_examples=60, deadline=None)
@given(relative_jobs, st.data())
def test_extra_delay_cost_is_never_negative(jobs, data):
    proposed = data.draw(st.permutations([j.id for j in jobs]))
    assert compare(jobs, proposed, RELATIVE).extra_delay_cost >= 0


def test_pin_to_puts_the_feature_at_the_position():
    assert pin_to([1, 2, 3, 4], 4, 1) == [4, 1, 2, 3]
    assert pin_to([1, 2, 3, 4], 3, 2) == [1, 3, 2, 4]


def area_under(curve) -> Decimal:
    return sum(((t2 - t1) * v1 for (t1, v1), (t2, _v2) in zip(curve, curve[1:], strict=False)), Decimal(0))


@settings(max_examples=60, deadline=None)
@given(money_jobs, st.data())
def test_area_between_the_chart_lines_is_always_the_extra_cost(jobs, data):
    proposed = data.draw(st.permutations([j.id for j in jobs]))
    result = compare(jobs, proposed, MONEY)
    between = area_under(value_curve(result.wsjf_order)) - area_under(value_curve(result.proposed_order))
    assert between == result.extra_delay_cost
