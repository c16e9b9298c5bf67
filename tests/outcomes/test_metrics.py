"""The outcome and flow numbers, worked by hand (docs/rules.md), and their properties."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from scoring.outcomes.metrics import (
    CALIBRATION_MIN_SAMPLE,
    ObjectiveValues,
    calibration_row,
    flow_days,
    flow_distribution,
    flow_percentiles,
    indicator_progress,
    percentile_nearest_rank,
    predictability,
    predictability_by_team,
)

D = Decimal
PAYMENTS, CHECKOUT, PLATFORM = 1, 2, 3


def objective(team, committed, planned, actual):
    return ObjectiveValues(team_id=team, committed=committed, planned_value=planned, actual_value=actual)


# Payments: committed 8 + 7 planned (15); actual 8 + 5 + stretch 3 = 16 -> 16 / 15 = 106.67 %.
# Checkout: committed 10 planned; actual 7 -> 70.00 %.
# Platform: only a stretch objective -> planned 0, percent null.
# ART objective: committed 5, actual 4.
PI_OBJECTIVES = [
    objective(PAYMENTS, True, 8, 8),
    objective(PAYMENTS, True, 7, 5),
    objective(PAYMENTS, False, 4, 3),
    objective(CHECKOUT, True, 10, 7),
    objective(PLATFORM, False, 6, 6),
    objective(None, True, 5, 4),
]


def test_a_stretch_objective_counts_in_actual_but_not_in_planned():
    payments = predictability_by_team(PI_OBJECTIVES)[PAYMENTS]
    assert (payments.planned, payments.actual, payments.percent) == (D(15), D(16), D("106.67"))
    assert not payments.in_band


def test_a_team_with_no_committed_objective_has_no_percent():
    platform = predictability_by_team(PI_OBJECTIVES)[PLATFORM]
    assert (platform.planned, platform.actual, platform.percent) == (D(0), D(6), None)


def test_the_art_figure_sums_every_objective_of_the_pi_team_and_art_alike():
    # planned 8 + 7 + 10 + 5 = 30; actual 8 + 5 + 3 + 7 + 6 + 4 = 33 -> 110.00 %.
    art = predictability(PI_OBJECTIVES)
    assert (art.planned, art.actual, art.percent) == (D(30), D(33), D("110.00"))


def test_a_pi_with_no_committed_objective_has_a_null_percent():
    art = predictability([objective(PAYMENTS, False, 5, 5)])
    assert art.percent is None and art.actual == D(5)


def test_an_objective_not_yet_assessed_adds_nothing_to_actual():
    art = predictability([objective(PAYMENTS, True, 8, None), objective(PAYMENTS, True, 4, 4)])
    assert (art.planned, art.actual, art.percent) == (D(12), D(4), D("33.33"))


def test_the_percent_rounds_half_up_to_two_places():
    # 34 / 40 = 85 %; 1 / 8 = 12.5 %; 2 / 3 = 66.666.. -> 66.67; 1 / 16 = 6.25
    assert predictability([objective(None, True, 40, 34)]).percent == D("85.00")
    assert predictability([objective(None, True, 3, 2)]).percent == D("66.67")
    assert predictability([objective(None, True, 8, 1)]).percent == D("12.50")


def test_eighty_and_a_hundred_percent_are_inside_the_band():
    assert predictability([objective(None, True, 10, 8)]).in_band
    assert predictability([objective(None, True, 10, 10)]).in_band
    assert not predictability([objective(None, True, 100, 79)]).in_band


def test_indicator_progress_toward_a_rising_target():
    # Checkout conversion 2.1 % -> 2.5 %: 2.3 is half the way, 2.6 is past it.
    assert indicator_progress(baseline=D("2.1"), target=D("2.5"), value=D("2.3")) == D("50.00")
    assert indicator_progress(baseline=D("2.1"), target=D("2.5"), value=D("2.6")) == D("125.00")
    assert indicator_progress(baseline=D("2.1"), target=D("2.5"), value=D("2.0")) == D("-25.00")


def test_indicator_progress_toward_a_falling_target():
    # Failed payments 4.0 % -> 1.0 %: 3.0 is a third of the way.
    assert indicator_progress(baseline=D("4.0"), target=D("1.0"), value=D("3.0")) == D("33.33")
    assert indicator_progress(baseline=D("4.0"), target=D("1.0"), value=D("1.0")) == D("100.00")


def test_indicator_progress_is_none_when_target_equals_baseline():
    assert indicator_progress(baseline=D(3), target=D(3), value=D(4)) is None


def test_flow_days_are_exact_to_two_places():
    start = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
    assert flow_days(start, start + timedelta(days=12, hours=12)) == D("12.50")
    assert flow_days(start, start + timedelta(hours=8)) == D("0.33")


def test_nearest_rank_percentiles_by_hand():
    days = [D(n) for n in (3, 1, 4, 1, 5, 9, 2, 6, 5, 3)]  # sorted: 1 1 2 3 3 4 5 5 6 9
    # p50: rank ceil(5) = 5 -> 3; p85: ceil(8.5) = 9 -> 6; p95: ceil(9.5) = 10 -> 9.
    assert flow_percentiles(days) == {50: D(3), 85: D(6), 95: D(9)}
    assert percentile_nearest_rank([D(7)], 95) == D(7)
    assert percentile_nearest_rank([], 50) is None


def test_flow_distribution_by_hand_we_planned_twenty_percent_enablers_and_delivered_eight():
    done = [
        ("business", D(40)),
        ("business", D(29)),
        ("enabler", D(8)),
        ("exploration", D(23)),
        ("enabler", None),
    ]
    shares = {"business": 70, "enabler": 20, "exploration": 10}
    rows = {row.kind: row for row in flow_distribution(done, shares)}
    assert (rows["business"].points, rows["business"].delivered_percent) == (D(69), D("69.00"))
    assert (rows["enabler"].features, rows["enabler"].points, rows["enabler"].delivered_percent) == (
        2,
        D(8),
        D("8.00"),
    )
    assert rows["enabler"].gap == D(-12)
    assert rows["exploration"].delivered_percent == D("23.00") and rows["exploration"].planned_percent == D(
        10
    )


def test_flow_distribution_without_done_points_has_no_percent():
    rows = flow_distribution([("business", None)], {"business": 70, "enabler": 20, "exploration": 10})
    assert [row.delivered_percent for row in rows] == [None, None, None]
    assert rows[0].features == 1


def test_calibration_says_too_few_below_the_sample_size():
    few = calibration_row("UBV 13", ["achieved"] * (CALIBRATION_MIN_SAMPLE - 1))
    assert few.too_few and few.verdicts == CALIBRATION_MIN_SAMPLE - 1
    enough = calibration_row(
        "UBV 13", ["achieved", "exceeded", "partly", "not_achieved", "achieved", "too_early"]
    )
    assert (enough.verdicts, enough.held, enough.rate) == (5, 3, D("60.00"))


# --- properties ------------------------------------------------------------------------------

objectives = st.lists(
    st.builds(
        ObjectiveValues,
        team_id=st.sampled_from([None, 1, 2, 3]),
        committed=st.booleans(),
        planned_value=st.integers(1, 10),
        actual_value=st.none() | st.integers(1, 10),
    ),
    max_size=30,
)


@given(objectives)
def test_the_art_sums_are_the_team_sums_plus_the_art_objectives(pi_objectives):
    teams = predictability_by_team(pi_objectives)
    art_own = predictability(o for o in pi_objectives if o.team_id is None)
    art = predictability(pi_objectives)
    assert art.planned == sum((t.planned for t in teams.values()), D(0)) + art_own.planned
    assert art.actual == sum((t.actual for t in teams.values()), D(0)) + art_own.actual


@given(objectives)
def test_percent_is_null_exactly_when_nothing_is_committed(pi_objectives):
    result = predictability(pi_objectives)
    assert (result.percent is None) == (not any(o.committed for o in pi_objectives))
    if result.percent is not None:
        assert result.percent == (result.actual * 100 / result.planned).quantize(
            D("0.01"), rounding="ROUND_HALF_UP"
        )


@given(objectives)
def test_without_stretch_objectives_fully_delivered_is_at_most_a_hundred_percent(pi_objectives):
    committed_only = [
        ObjectiveValues(o.team_id, True, o.planned_value, min(o.actual_value or 0, o.planned_value) or None)
        for o in pi_objectives
    ]
    result = predictability(committed_only)
    assert result.percent is None or result.percent <= 100


decimals = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False)


@given(decimals, decimals)
def test_progress_is_0_at_the_baseline_and_100_at_the_target(baseline, target):
    if baseline == target:
        assert indicator_progress(baseline=baseline, target=target, value=target) is None
        return
    assert indicator_progress(baseline=baseline, target=target, value=baseline) == 0
    assert indicator_progress(baseline=baseline, target=target, value=target) == 100


@given(st.lists(st.decimals(min_value=0, max_value=500, places=2), min_size=1, max_size=50))
def test_percentiles_are_observed_values_in_order(values):
    result = flow_percentiles(values)
    assert all(value in values for value in result.values())
    assert result[50] <= result[85] <= result[95] <= max(values)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["business", "enabler", "exploration"]), st.none() | st.integers(1, 40).map(D)
        ),
        max_size=40,
    )
)
def test_distribution_shares_sum_to_about_a_hundred(done):
    rows = flow_distribution(done, {"business": 70, "enabler": 20, "exploration": 10})
    assert sum(row.features for row in rows) == len(done)
    percents = [row.delivered_percent for row in rows]
    if any(estimate for _, estimate in done):
        assert abs(sum(percents) - 100) <= D("0.02")
    else:
        assert percents == [None, None, None]
