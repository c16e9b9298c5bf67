"""The fixed-date rule by hand, and its exact comparisons against fractions (no database)."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.rescoring.fixed_dates import (
    LATE,
    ON_TRACK,
    TIGHT,
    UNKNOWN,
    BacklogItem,
    fixed_date_check,
    fixed_dates_check,
    iterations_text,
    tc_step_up,
)
from scoring.wsjf import SCALE

TODAY = date(2026, 12, 18)
TWO_WEEKS = Decimal(2)
FORTY = Decimal(40)  # story points per iteration


def backlog_with(last: BacklogItem) -> list[BacklogItem]:
    """Ranks 1 to 6 of 25 points each (150), then `last` at rank 7."""
    above = [BacklogItem(rank, rank, Decimal(25), 3, None) for rank in range(1, 7)]
    return [*above, last]


def check_at_rank_7(*, days: int, points: str = "30", tc: int = 5, throughput=FORTY) -> object:
    item = BacklogItem(7, 7, Decimal(points), tc, TODAY + timedelta(days=days))
    (check,) = fixed_dates_check(
        backlog_with(item), today=TODAY, points_per_iteration=throughput, weeks_per_iteration=TWO_WEEKS
    )
    return check


def test_a_date_that_cannot_be_met_at_the_rank_is_late_and_tc_goes_one_step_up():
    # 180 points / 40 = 4.5 iterations; 42 days / 14 = 3 iterations left.
    check = check_at_rank_7(days=42)
    assert (check.state, check.red, check.proposed_tc) == (LATE, True, 8)
    assert (check.finishes_in, check.iterations_left) == (Decimal("4.5"), Decimal(3))
    assert check.reason == (
        "3 iterations left to 2027-01-29; at rank 7 it finishes in 4.5 iterations: "
        "the date cannot be met at this rank."
    )


def test_less_than_one_iteration_to_spare_is_tight_and_proposes_a_step():
    # 70 days = 5 iterations left, finishes in 4.5: half an iteration to spare.
    check = check_at_rank_7(days=70)
    assert (check.state, check.red, check.proposed_tc) == (TIGHT, False, 8)
    assert check.reason.endswith("it finishes in 4.5 iterations: less than one iteration to spare.")


def test_finishing_on_the_date_itself_is_tight_not_late():
    check = check_at_rank_7(days=63)  # 4.5 iterations left, finishes in 4.5
    assert (check.state, check.proposed_tc) == (TIGHT, 8)


def test_exactly_one_iteration_to_spare_is_on_track_and_proposes_nothing():
    check = check_at_rank_7(days=77)  # 5.5 left, 4.5 needed
    assert (check.state, check.proposed_tc) == (ON_TRACK, None)
    assert check.reason == "5.5 iterations left to 2027-03-05; at rank 7 it finishes in 4.5 iterations."


def test_time_criticality_never_goes_above_20():
    check = check_at_rank_7(days=42, tc=20)
    assert (check.state, check.proposed_tc) == (LATE, None)
    assert check.reason.endswith("Time Criticality is already 20, the top of the scale.")


def test_a_passed_date_is_red_with_no_proposal():
    check = check_at_rank_7(days=-1)
    assert (check.state, check.red, check.proposed_tc, check.finishes_in) == (LATE, True, None, None)
    assert check.reason == "The fixed date 2026-12-17 has passed."


def test_the_fixed_date_today_leaves_no_iteration():
    check = check_at_rank_7(days=0)
    assert (check.state, check.iterations_left, check.proposed_tc) == (LATE, Decimal(0), 8)
    assert check.reason.startswith("0 iterations left to 2026-12-18;")


@pytest.mark.parametrize(
    ("item", "throughput", "why"),
    [
        (BacklogItem(7, 7, None, 5, TODAY + timedelta(days=14)), FORTY, "No estimate: popm cannot tell"),
        (
            BacklogItem(7, 7, Decimal(5), 5, TODAY + timedelta(days=14)),
            None,
            "The ART's teams have no velocity",
        ),
        (BacklogItem(7, None, Decimal(5), None, TODAY + timedelta(days=14)), FORTY, "Not ranked"),
    ],
)
def test_without_estimate_throughput_or_rank_there_is_no_proposal_and_it_says_why(item, throughput, why):
    (check,) = fixed_dates_check(
        [item], today=TODAY, points_per_iteration=throughput, weeks_per_iteration=TWO_WEEKS
    )
    assert (check.state, check.proposed_tc, check.red) == (UNKNOWN, None, False)
    assert check.reason.startswith(why)


def test_features_above_without_an_estimate_count_nothing_and_the_reason_says_so():
    items = [
        BacklogItem(1, 1, None, 3, None),
        BacklogItem(2, 2, None, 3, None),
        BacklogItem(3, 3, Decimal(20), 3, TODAY + timedelta(days=14)),
    ]
    (check,) = fixed_dates_check(
        items, today=TODAY, points_per_iteration=FORTY, weeks_per_iteration=TWO_WEEKS
    )
    assert check.finishes_in == Decimal("0.5")
    assert check.reason.endswith("2 features above it have no estimate and count as 0 points.")


def test_checks_come_in_rank_order_and_only_for_fixed_dates():
    soon = TODAY + timedelta(days=30)
    items = [
        BacklogItem(30, None, Decimal(5), None, soon),
        BacklogItem(20, 2, Decimal(10), 3, soon),
        BacklogItem(10, 1, Decimal(10), 3, None),
        BacklogItem(40, 3, Decimal(10), 3, soon),
    ]
    checks = fixed_dates_check(items, today=TODAY, points_per_iteration=FORTY, weeks_per_iteration=TWO_WEEKS)
    assert [(c.feature_id, c.finishes_in) for c in checks] == [
        (20, Decimal("0.5")),
        (40, Decimal("0.75")),
        (30, None),
    ]


def test_one_iteration_is_singular_and_text_rounds_half_up():
    check = one_check(Decimal(40), FORTY, TWO_WEEKS, 14)
    assert check.reason.startswith("1 iteration left to 2027-01-01; at rank 1 it finishes in 1 iteration:")
    assert [iterations_text(Decimal(v)) for v in ("2.25", "2.35", "0.04", "3.00")] == ["2.3", "2.4", "0", "3"]


def test_the_scale_steps_up_one_value_at_a_time():
    assert [tc_step_up(value) for value in SCALE] == [2, 3, 5, 8, 13, 20, None]


points = st.decimals(min_value=Decimal("0.5"), max_value=Decimal("99999.9"), places=1)
throughputs = st.integers(min_value=1, max_value=2000).map(Decimal)
weeks = st.integers(min_value=1, max_value=12).map(lambda halves: Decimal(halves) / 2)
days = st.integers(min_value=0, max_value=2000)


def one_check(points_through, throughput, weeks_per_iteration, days_left, tc=5):
    item = BacklogItem(1, 1, Decimal(1), tc, TODAY + timedelta(days=days_left))
    return fixed_date_check(
        item,
        points_through=points_through,
        unestimated_above=0,
        today=TODAY,
        points_per_iteration=throughput,
        weeks_per_iteration=weeks_per_iteration,
    )


@given(points, throughputs, weeks, days)
def test_the_state_agrees_with_exact_fractions(points_through, throughput, weeks_per_iteration, days_left):
    check = one_check(points_through, throughput, weeks_per_iteration, days_left)
    finishes = Fraction(points_through) / Fraction(throughput)
    left = Fraction(days_left) / (7 * Fraction(weeks_per_iteration))
    expected = LATE if finishes > left else TIGHT if left - finishes < 1 else ON_TRACK
    assert check.state == expected
    assert (check.proposed_tc is not None) == (expected != ON_TRACK)


@given(points, throughputs, weeks, days, st.integers(min_value=1, max_value=400))
def test_a_later_date_never_makes_a_feature_worse_off(points_through, throughput, week, days_left, later):
    order = {LATE: 0, TIGHT: 1, ON_TRACK: 2}
    now = one_check(points_through, throughput, week, days_left)
    after = one_check(points_through, throughput, week, days_left + later)
    assert order[after.state] >= order[now.state]


@given(st.sampled_from(SCALE), points, throughputs, weeks, days)
def test_a_proposal_is_the_next_value_on_the_scale_and_never_above_20(
    tc, points_through, throughput, week, d
):
    check = one_check(points_through, throughput, week, d, tc=tc)
    if check.proposed_tc is not None:
        assert check.proposed_tc in SCALE
        assert check.proposed_tc == min(value for value in SCALE if value > tc)
    assert tc != 20 or check.proposed_tc is None
