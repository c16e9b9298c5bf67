"""The forecast rule by hand and as properties (no database)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.roadmap.forecast import (
    BEYOND_HORIZON,
    COMMITTED,
    FILL,
    FORECAST,
    KINDS,
    NEEDS_ESTIMATE,
    STRICT,
    TOO_BIG,
    UNSCORED,
    OpenFeature,
    PiSlot,
    forecast_walk,
    pis_projected,
    ship_window_text,
)
from scoring.roadmap.whatif import (
    PiChange,
    WhatIfError,
    features_moved_before,
    features_pinned,
    features_reestimated,
    pi_changes,
)

D = Decimal


def slot(pi_id, business, enabler="0", exploration="0", *, month=1):
    return PiSlot(
        id=pi_id,
        name=f"PI {pi_id}",
        start_date=date(2027, month, 1),
        end_date=date(2027, month + 2, 28),
        capacity=D(business) + D(enabler) + D(exploration),
        budgets={"business": D(business), "enabler": D(enabler), "exploration": D(exploration)},
    )


def business(feature_id, estimate, *, committed_pi=None, scored=True, kind="business"):
    estimate = None if estimate is None else D(estimate)
    return OpenFeature(feature_id, kind, estimate, feature_id if scored else None, committed_pi)


def where(forecast):
    """feature id -> (status, PI name or None)."""
    return {
        f.id: (f.status, None if f.pi_index is None else forecast.pis[f.pi_index].slot.name)
        for f in forecast.features
    }


TWO_PIS = [slot(1, "10", month=1), slot(2, "10", month=4)]


def test_strict_the_first_feature_that_does_not_fit_closes_the_kind_and_starts_the_next_pi():
    # 6 fits PI 1 (4 left), 5 does not: PI 1 is closed, though 3 would still fit it.
    features = [business(1, "6"), business(2, "5"), business(3, "3"), business(4, "3")]
    result = where(forecast_walk(features=features, pis=TWO_PIS, mode=STRICT))
    assert result == {
        1: (FORECAST, "PI 1"),
        2: (FORECAST, "PI 2"),
        3: (FORECAST, "PI 2"),
        4: (BEYOND_HORIZON, None),
    }


def test_fill_lets_smaller_lower_ranked_features_fill_the_pi():
    features = [business(1, "6"), business(2, "5"), business(3, "3"), business(4, "3")]
    result = where(forecast_walk(features=features, pis=TWO_PIS, mode=FILL))
    assert result == {
        1: (FORECAST, "PI 1"),
        2: (FORECAST, "PI 2"),
        3: (FORECAST, "PI 1"),
        4: (FORECAST, "PI 2"),
    }


def test_committed_features_stay_in_their_pi_and_use_its_budget():
    features = [business(1, "4"), business(2, "8", committed_pi=2), business(3, "7")]
    forecast = forecast_walk(features=features, pis=TWO_PIS)
    assert where(forecast) == {1: (FORECAST, "PI 1"), 2: (COMMITTED, "PI 2"), 3: (BEYOND_HORIZON, None)}
    use = forecast.pis[1].kinds[0]
    assert (use.budget, use.committed, use.forecast, use.used) == (D(10), D(8), D(0), D(8))
    assert forecast.pis[1].feature_ids == (2,)


def test_a_feature_committed_to_an_earlier_pi_stays_committed_outside_the_forecast():
    forecast = forecast_walk(features=[business(1, "4", committed_pi=99)], pis=TWO_PIS)
    (feature,) = forecast.features
    assert (feature.status, feature.pi_index, feature.committed_pi) == (COMMITTED, None, 99)


def test_committed_points_over_the_budget_leave_no_room_for_the_forecast():
    features = [business(1, "12", committed_pi=1), business(2, "1")]
    assert where(forecast_walk(features=features, pis=TWO_PIS))[2] == (FORECAST, "PI 2")


def test_a_feature_without_an_estimate_needs_one_and_does_not_block_the_walk():
    features = [business(1, None), business(2, "10")]
    assert where(forecast_walk(features=features, pis=TWO_PIS)) == {
        1: (NEEDS_ESTIMATE, None),
        2: (FORECAST, "PI 1"),
    }


def test_a_feature_bigger_than_every_budget_of_its_kind_is_too_big_and_does_not_block():
    features = [business(1, "11"), business(2, "10")]
    assert where(forecast_walk(features=features, pis=TWO_PIS)) == {1: (TOO_BIG, None), 2: (FORECAST, "PI 1")}


def test_a_feature_too_big_for_one_pi_but_not_a_later_one_waits_for_it_in_strict_mode():
    pis = [slot(1, "5", month=1), slot(2, "20", month=4)]
    features = [business(1, "12"), business(2, "3")]
    assert where(forecast_walk(features=features, pis=pis)) == {1: (FORECAST, "PI 2"), 2: (FORECAST, "PI 2")}


def test_unscored_features_are_not_forecast():
    features = [business(1, "1", scored=False)]
    assert where(forecast_walk(features=features, pis=TWO_PIS)) == {1: (UNSCORED, None)}


def test_kinds_are_walked_apart_each_within_its_own_budget():
    pis = [slot(1, "10", "3", month=1), slot(2, "10", "3", month=4)]
    features = [business(1, "3", kind="enabler"), business(2, "10"), business(3, "2", kind="enabler")]
    assert where(forecast_walk(features=features, pis=pis)) == {
        1: (FORECAST, "PI 1"),
        2: (FORECAST, "PI 1"),
        3: (FORECAST, "PI 2"),
    }


def test_projections_repeat_the_last_pi_after_it_ends():
    last = PiSlot(7, "PI 2027.2", date(2027, 4, 1), date(2027, 6, 23), D(100), {k: D(10) for k in KINDS})
    slots = pis_projected([last], count=2)
    assert [(s.id, s.name, s.start_date, s.end_date, s.projected) for s in slots] == [
        (7, "PI 2027.2", date(2027, 4, 1), date(2027, 6, 23), False),
        (None, "PI 2027.2 + 1", date(2027, 6, 24), date(2027, 9, 15), True),
        (None, "PI 2027.2 + 2", date(2027, 9, 16), date(2027, 12, 8), True),
    ]
    assert slots[2].capacity == D(100) and slots[2].budgets == last.budgets


def test_features_past_the_last_pi_land_in_projections():
    slots = pis_projected([slot(1, "10")], count=8)
    features = [business(n, "10") for n in range(1, 11)]
    result = where(forecast_walk(features=features, pis=slots))
    assert result[1] == (FORECAST, "PI 1")
    assert result[2] == (FORECAST, "PI 1 + 1")
    assert result[9] == (FORECAST, "PI 1 + 8")
    assert result[10] == (BEYOND_HORIZON, None)
    assert len(slots) == 9


def test_only_the_projections_the_walk_needs_are_kept():
    slots = pis_projected([slot(1, "10")], count=8)
    forecast = forecast_walk(features=[business(n, "10") for n in range(1, 4)], pis=slots)
    assert [pi.slot.name for pi in forecast.pis] == ["PI 1", "PI 1 + 1", "PI 1 + 2"]
    # Existing PIs stay, empty or not.
    assert len(forecast_walk(features=[], pis=slots).pis) == 1


def test_no_pi_at_all_projects_nothing_and_forecasts_nothing():
    assert pis_projected([]) == []
    result = where(forecast_walk(features=[business(1, "1")], pis=[]))
    assert result == {1: (TOO_BIG, None)}


def test_a_pin_is_the_order_given_a_pinned_feature_goes_first():
    # Pins are applied in the rank the features come in: the same features, another order.
    wsjf_order = [business(1, "8"), business(2, "4")]
    pinned_order = [business(2, "4"), business(1, "8")]
    assert where(forecast_walk(features=wsjf_order, pis=TWO_PIS))[2] == (FORECAST, "PI 2")
    assert where(forecast_walk(features=pinned_order, pis=TWO_PIS))[2] == (FORECAST, "PI 1")


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="strict, fill"):
        forecast_walk(features=[], pis=TWO_PIS, mode="greedy")


# Properties ---------------------------------------------------------------------------------

estimates = st.one_of(st.none(), st.integers(0, 30).map(Decimal), st.sampled_from([D("0.5"), D("2.5")]))
budgets = st.integers(0, 40).map(Decimal)


@st.composite
def walks(draw):
    pi_count = draw(st.integers(0, 4))
    pis = [
        PiSlot(
            n + 1,
            f"PI {n + 1}",
            date(2027, 1, 1),
            date(2027, 3, 1),
            D(0),
            {kind: draw(budgets) for kind in KINDS},
        )
        for n in range(pi_count)
    ]
    pis = pis_projected(pis, count=draw(st.integers(0, 3)))
    features = [
        OpenFeature(
            n,
            draw(st.sampled_from(KINDS)),
            draw(estimates),
            draw(st.one_of(st.none(), st.just(n + 1))),
            draw(st.one_of(st.none(), st.integers(1, pi_count + 1))),
        )
        for n in range(draw(st.integers(0, 25)))
    ]
    return features, pis, draw(st.sampled_from([STRICT, FILL]))


@given(walks())
def test_property_no_pi_uses_more_of_a_kind_than_its_budget_beyond_what_was_committed(walk):
    features, pis, mode = walk
    for pi in forecast_walk(features=features, pis=pis, mode=mode).pis:
        for use in pi.kinds:
            assert use.forecast <= max(use.budget - use.committed, D(0))
            if use.committed <= use.budget:
                assert use.used <= use.budget


@given(walks())
def test_property_every_forecast_feature_lands_in_exactly_one_pi(walk):
    features, pis, mode = walk
    forecast = forecast_walk(features=features, pis=pis, mode=mode)
    listed = [fid for pi in forecast.pis for fid in pi.feature_ids]
    assert len(listed) == len(set(listed))
    for feature in forecast.features:
        if feature.status == FORECAST:
            assert feature.id in forecast.pis[feature.pi_index].feature_ids
            assert listed.count(feature.id) == 1
        elif feature.status != COMMITTED:
            assert feature.pi_index is None and feature.id not in listed


@given(walks())
def test_property_strict_keeps_each_kinds_rank_order_across_pis(walk):
    features, pis, _ = walk
    forecast = forecast_walk(features=features, pis=pis, mode=STRICT)
    kind_of = {f.id: f.kind for f in features}
    for kind in KINDS:
        in_rank_order = [f for f in forecast.features if f.status == FORECAST and kind_of[f.id] == kind]
        assert [f.pi_index for f in in_rank_order] == sorted(f.pi_index for f in in_rank_order)
        # Nothing forecast is ranked below a feature of its kind that ran past the horizon.
        statuses = [f.status for f in forecast.features if kind_of[f.id] == kind]
        if BEYOND_HORIZON in statuses:
            assert FORECAST not in statuses[statuses.index(BEYOND_HORIZON) :]


@given(walks())
def test_property_fill_places_at_least_as_many_points_in_the_first_pi_as_strict(walk):
    features, pis, _ = walk
    if not pis:
        return
    strict = forecast_walk(features=features, pis=pis, mode=STRICT).pis[0]
    fill = forecast_walk(features=features, pis=pis, mode=FILL).pis[0]
    for strict_use, fill_use in zip(strict.kinds, fill.kinds):
        assert fill_use.forecast >= strict_use.forecast


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (date(2027, 3, 1), date(2027, 5, 1), "3 to 5 months from now"),
        (date(2026, 11, 20), date(2027, 1, 31), "within 2 months"),
        (date(2026, 11, 20), date(2026, 12, 3), "by the end of the running PI"),
        (date(2026, 12, 5), date(2026, 12, 20), "within a month"),
        (date(2027, 3, 1), date(2027, 3, 10), "about 3 months from now"),
    ],
)
def test_ship_window_says_in_months_when_a_pi_delivers(start, end, text):
    assert ship_window_text(start_date=start, end_date=end, today=date(2026, 12, 1)) == text


# What-if ------------------------------------------------------------------------------------


def test_moving_a_feature_ahead_changes_which_pi_each_lands_in():
    features = [business(1, "6"), business(2, "4"), business(3, "4")]
    before = forecast_walk(features=features, pis=TWO_PIS)
    after = forecast_walk(features=features_moved_before(features, move=3, before=2), pis=TWO_PIS)
    assert pi_changes(before, after) == [
        PiChange(2, "PI 1", "PI 2", True),
        PiChange(3, "PI 2", "PI 1", False),
    ]


def test_pinning_a_feature_to_the_top():
    features = [business(1, "6"), business(2, "4"), business(3, "10")]
    after = forecast_walk(features=features_pinned(features, feature_id=3, position=1), pis=TWO_PIS)
    assert where(after) == {3: (FORECAST, "PI 1"), 1: (FORECAST, "PI 2"), 2: (FORECAST, "PI 2")}


def test_a_smaller_estimate_can_bring_a_feature_forward():
    features = [business(1, "6"), business(2, "8")]
    before = forecast_walk(features=features, pis=TWO_PIS)
    after = forecast_walk(features=features_reestimated(features, feature_id=2, estimate=D(4)), pis=TWO_PIS)
    assert pi_changes(before, after) == [PiChange(2, "PI 2", "PI 1", False)]


def test_what_if_questions_name_the_field_that_is_wrong():
    features = [business(1, "6"), business(2, "4"), business(3, "1", scored=False)]
    with pytest.raises(WhatIfError) as error:
        features_moved_before(features, move=1, before=1)
    assert error.value.field == "before"
    with pytest.raises(WhatIfError) as error:
        features_moved_before(features, move=3, before=1)
    assert error.value.field == "move"
    with pytest.raises(WhatIfError) as error:
        features_pinned(features, feature_id=1, position=5)
    assert (error.value.field, error.value.message) == ("position", "position must be 1 to 2.")
    with pytest.raises(WhatIfError) as error:
        features_reestimated(features, feature_id=99, estimate=D(1))
    assert error.value.field == "move"
