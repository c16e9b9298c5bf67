"""The rules of a session's numbers, by hand and as properties (no database)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.estimation.consensus import (
    bias_steps,
    column_without_one,
    median,
    nearest_on_scale,
    needs_discussion,
    spread_steps,
    suggestion,
)
from scoring.wsjf import SCALE

votes = st.lists(st.sampled_from(SCALE), min_size=1, max_size=25)
votes_with_abstentions = st.lists(st.one_of(st.none(), st.sampled_from(SCALE)), max_size=25)


@pytest.mark.parametrize(
    "given_votes, expected_median, expected_suggestion",
    [
        ([5], Decimal(5), 5),
        ([1, 2, 3], Decimal(2), 2),
        ([3, 5], Decimal(4), 5),  # halfway between 3 and 5: the higher
        ([2, 3], Decimal("2.5"), 3),
        ([5, 8], Decimal("6.5"), 8),
        ([8, 13], Decimal("10.5"), 13),
        ([1, 20], Decimal("10.5"), 13),  # 10.5 is 2.5 from 8 and from 13
        ([2, 5, 8, 13], Decimal("6.5"), 8),
        ([1, 1, 2, 20], Decimal("1.5"), 2),
        ([13, 20], Decimal("16.5"), 20),
        ([3, 8], Decimal("5.5"), 5),  # 5.5 is nearer 5 than 8
        ([5, None, 8, None], Decimal("6.5"), 8),
    ],
)
def test_suggestion_is_the_median_rounded_to_the_scale_ties_up(
    given_votes, expected_median, expected_suggestion
):
    assert median(given_votes) == expected_median
    assert suggestion(given_votes) == expected_suggestion


def test_nobody_gave_a_value_no_median_no_suggestion_no_flag():
    assert median([None, None]) is None
    assert suggestion([]) is None
    assert spread_steps([None]) is None
    assert needs_discussion([None]) is False


@pytest.mark.parametrize(
    "given_votes, steps, discuss",
    [
        ([2, 13], 4, True),
        ([3, 13], 3, True),
        ([5, 13], 2, False),
        ([1, 1], 0, False),
        ([1, 20], 6, True),
        ([2, 8], 3, True),
    ],
)
def test_spread_counts_scale_steps_and_three_or_more_is_flagged(given_votes, steps, discuss):
    assert spread_steps(given_votes) == steps
    assert needs_discussion(given_votes) is discuss


def test_a_column_without_a_1_is_flagged_and_an_empty_one_is_not():
    assert column_without_one([2, 3, 5]) is True
    assert column_without_one([1, 3, None]) is False
    assert column_without_one([None, None]) is False
    assert column_without_one([]) is False


def test_bias_is_the_mean_difference_in_scale_steps():
    # 8 vs 3 is +2 steps, 13 vs 13 is 0, 2 vs 5 is -2, 20 vs 5 is +3: mean 3/4.
    assert bias_steps([(8, 3), (13, 13), (2, 5), (20, 5)]) == Decimal("0.75")
    assert bias_steps([(1, 2), (1, 3), (1, 3)]) == Decimal("-1.67")
    assert bias_steps([]) is None


@given(votes)
def test_the_suggestion_is_on_the_scale_and_between_the_lowest_and_highest_vote(given_votes):
    offered = suggestion(given_votes)
    assert offered in SCALE
    assert min(given_votes) <= offered <= max(given_votes)


@given(votes)
def test_no_scale_value_is_nearer_the_median_than_the_suggestion(given_votes):
    middle, offered = median(given_votes), suggestion(given_votes)
    distance = abs(Decimal(offered) - middle)
    assert all(abs(Decimal(value) - middle) >= distance for value in SCALE)
    # a tie goes up: no higher value is as near, and an equally near value is lower
    assert all(
        value < offered for value in SCALE if value != offered and abs(Decimal(value) - middle) == distance
    )


@given(st.sampled_from(SCALE), st.integers(min_value=1, max_value=9))
def test_unanimous_votes_suggest_themselves_and_spread_nothing(value, count):
    assert suggestion([value] * count) == value
    assert spread_steps([value] * count) == 0


@given(votes_with_abstentions)
def test_abstentions_change_nothing(given_votes):
    counted = [vote for vote in given_votes if vote is not None]
    assert median(given_votes) == median(counted)
    assert spread_steps(given_votes) == spread_steps(counted)


@given(votes)
def test_the_median_does_not_depend_on_the_order_of_votes(given_votes):
    assert median(given_votes) == median(list(reversed(given_votes)))


@given(st.decimals(min_value=1, max_value=20, places=1))
def test_nearest_on_scale_is_a_scale_value(number):
    assert nearest_on_scale(number) in SCALE


@given(st.lists(st.tuples(st.sampled_from(SCALE), st.sampled_from(SCALE)), min_size=1, max_size=30))
def test_bias_lies_within_six_steps_and_flips_sign_when_swapped(pairs):
    bias = bias_steps(pairs)
    assert Decimal(-6) <= bias <= Decimal(6)
    assert bias_steps([(accepted, vote) for vote, accepted in pairs]) == -bias or abs(
        bias_steps([(accepted, vote) for vote, accepted in pairs]) + bias
    ) <= Decimal("0.01")
