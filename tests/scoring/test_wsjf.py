"""The rules of the numbers, without a database."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cmp_to_key

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.wsjf import (
    SCALE,
    Pin,
    RankInput,
    ScaleError,
    columns_without_one,
    cost_of_delay,
    pinned_order,
    rank_order,
    ranks_by_id,
    scale_value_parse,
    wsjf,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
scale = st.sampled_from(SCALE)


def item(id: int, cod: int, size: int, minutes: int = 0) -> RankInput:
    return RankInput(id=id, cost_of_delay=cod, job_size=size, created_at=T0 + timedelta(minutes=minutes))


items = st.lists(
    st.builds(
        item,
        id=st.integers(1, 10_000),
        cod=st.builds(cost_of_delay, scale, scale, scale),
        size=scale,
        minutes=st.integers(0, 5),
    ),
    max_size=40,
    unique_by=lambda i: i.id,
)


def test_cost_of_delay_is_the_sum_of_the_three_inputs():
    assert cost_of_delay(8, 5, 2) == 15


@pytest.mark.parametrize(
    ("cod", "size", "expected"),
    [(15, 3, "5.00"), (10, 3, "3.33"), (20, 3, "6.67"), (1, 8, "0.13"), (3, 8, "0.38"), (60, 1, "60.00")],
)
def test_wsjf_rounds_half_up_to_two_places(cod, size, expected):
    assert wsjf(cod, size) == Decimal(expected)


@given(scale, scale, scale, scale)
def test_wsjf_is_within_half_a_cent_of_the_exact_ratio(ubv, tc, rr, size):
    cod = cost_of_delay(ubv, tc, rr)
    assert 3 <= cod <= 60
    assert abs(Fraction(wsjf(cod, size)) - Fraction(cod, size)) <= Fraction(1, 200)


@pytest.mark.parametrize("raw", [0, 4, 21, -1, 2.5, "high", "", None, True, "4"])
def test_values_off_the_scale_are_refused_naming_the_scale(raw):
    with pytest.raises(ScaleError, match="is not on the scale 1, 2, 3, 5, 8, 13, 20"):
        scale_value_parse(raw)


def test_scale_values_parse_from_numbers_and_digit_strings():
    assert [scale_value_parse(v) for v in (1, "13", " 20 ")] == [1, 13, 20]


def test_higher_wsjf_ranks_first():
    assert [i.id for i in rank_order([item(1, 10, 5), item(2, 12, 3)])] == [2, 1]


def test_ties_rank_higher_cost_of_delay_first():
    # 20/8 = 2.5 = 5/2: same exact WSJF, higher CoD first.
    assert [i.id for i in rank_order([item(1, 5, 2), item(2, 20, 8)])] == [2, 1]


def test_rank_key_orders_job_size_ascending_after_cost_of_delay():
    # Equal exact WSJF and equal CoD imply equal size on real data; the key still carries the
    # size rule of docs/rules.md so the order never depends on anything but the stated tie-breaks.
    from scoring.wsjf import rank_key

    assert rank_key(item(1, 6, 3))[2] < rank_key(item(1, 6, 5))[2]


def test_full_ties_rank_the_older_feature_first_then_lower_id():
    assert [i.id for i in rank_order([item(9, 6, 3), item(4, 6, 3), item(5, 6, 3, minutes=-1)])] == [5, 4, 9]


def test_ranking_uses_the_exact_ratio_not_the_rounded_wsjf():
    # Both show WSJF 1.15, but 15/13 = 1.1538 > 23/20 = 1.15. Ranking by the rounded value
    # would fall through to the CoD tie-break and put 23/20 first.
    assert wsjf(15, 13) == wsjf(23, 20) == Decimal("1.15")
    assert [i.id for i in rank_order([item(2, 23, 20), item(1, 15, 13)])] == [1, 2]


def exact_compare(x: RankInput, y: RankInput) -> int:
    """The rule of docs/rules.md with cross-multiplication, written independently of rank_key."""
    left, right = x.cost_of_delay * y.job_size, y.cost_of_delay * x.job_size
    if left != right:
        return -1 if left > right else 1
    for a, b in (
        (-x.cost_of_delay, -y.cost_of_delay),
        (x.job_size, y.job_size),
        (x.created_at, y.created_at),
        (x.id, y.id),
    ):
        if a != b:
            return -1 if a < b else 1
    return 0


@given(items)
def test_rank_order_agrees_with_cross_multiplication(features):
    assert rank_order(features) == sorted(features, key=cmp_to_key(exact_compare))


@given(items)
def test_rank_order_is_deterministic_whatever_the_input_order(features):
    assert rank_order(features) == rank_order(list(reversed(features)))


@given(items)
def test_wsjf_never_increases_down_the_ranking(features):
    ordered = rank_order(features)
    for upper, lower in zip(ordered, ordered[1:]):
        assert Fraction(upper.cost_of_delay, upper.job_size) >= Fraction(lower.cost_of_delay, lower.job_size)


@given(items)
def test_ranks_are_one_to_n_without_gaps(features):
    assert sorted(ranks_by_id(features).values()) == list(range(1, len(features) + 1))


def test_a_column_without_a_one_is_flagged():
    rows = [{"ubv": 2, "tc": 1}, {"ubv": 3, "tc": None}]
    assert columns_without_one(rows, ["ubv", "tc"]) == ["ubv"]


def test_an_empty_set_flags_nothing():
    assert columns_without_one([], ["ubv"]) == []


# Pins (docs/rules.md, "Pins"): scoring.wsjf.pinned_order.


def pin(id: int, position: int, minutes: int = 0) -> Pin:
    return Pin(id=id, position=position, pinned_at=T0 + timedelta(minutes=minutes))


@st.composite
def order_and_pins(draw, *, distinct_positions: bool = False, above_wsjf: bool = False):
    """A WSJF order of 0..40 ids and pins of some of them (positions 1..n+2, times 0..5)."""
    order = draw(st.lists(st.integers(1, 10_000), unique=True, max_size=40))
    pinned = draw(st.lists(st.sampled_from(order), unique=True)) if order else []
    pins, used = [], set()
    for feature_id in pinned:
        top = order.index(feature_id) if above_wsjf else len(order) + 2
        if top < 1:
            continue
        position = draw(st.integers(1, top))
        if distinct_positions and position in used:
            continue
        used.add(position)
        pins.append(pin(feature_id, position, draw(st.integers(0, 5))))
    return order, pins


@given(st.lists(st.integers(1, 10_000), unique=True, max_size=40))
def test_without_pins_the_pinned_order_is_the_wsjf_order(order):
    assert pinned_order(order, []) == order


@given(order_and_pins())
def test_pinned_order_holds_every_item_once(drawn):
    order, pins = drawn
    assert sorted(pinned_order(order, pins)) == sorted(order)


@given(order_and_pins())
def test_items_without_a_pin_keep_their_relative_wsjf_order(drawn):
    order, pins = drawn
    pinned = {p.id for p in pins}
    assert [i for i in pinned_order(order, pins) if i not in pinned] == [i for i in order if i not in pinned]


@given(order_and_pins(distinct_positions=True, above_wsjf=True))
def test_pins_above_their_wsjf_rank_land_at_their_position(drawn):
    order, pins = drawn
    ranked = pinned_order(order, pins)
    assert {p.id: ranked.index(p.id) + 1 for p in pins} == {p.id: p.position for p in pins}


@given(order_and_pins(distinct_positions=True))
def test_with_distinct_positions_a_pinned_item_is_at_or_above_its_position(drawn):
    order, pins = drawn
    ranked = pinned_order(order, pins)
    for p in pins:
        # At its position, or higher when WSJF alone already ranks it there.
        assert ranked.index(p.id) + 1 <= min(p.position, len(order))


def test_two_pins_at_one_position_the_older_first():
    # WSJF order 1..5; 5 pinned first at #1, then 4 at #1 too.
    assert pinned_order([1, 2, 3, 4, 5], [pin(4, 1, minutes=9), pin(5, 1, minutes=2)]) == [5, 4, 1, 2, 3]
    assert pinned_order([1, 2, 3, 4, 5], [pin(4, 1, minutes=2), pin(5, 1, minutes=9)]) == [4, 5, 1, 2, 3]


def test_pins_past_the_end_or_of_unknown_items():
    assert pinned_order([1, 2, 3], [pin(9, 1)]) == [1, 2, 3]
    assert pinned_order([1, 2, 3], [pin(1, 7)]) == [1, 2, 3]  # WSJF already puts it higher
    assert pinned_order([], [pin(1, 1)]) == []


def test_a_stale_pin_below_the_wsjf_place_changes_nothing():
    # 3 was pinned at #3 when it ranked 6; its scores rose, WSJF now ranks it 2.
    assert pinned_order([1, 3, 2, 4], [pin(3, 3)]) == [1, 3, 2, 4]
