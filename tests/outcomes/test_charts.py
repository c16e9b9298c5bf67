"""The outcome charts' geometry: where bars and bands land, and what a PI without a figure shows."""

from datetime import date
from decimal import Decimal

from scoring.outcomes import charts
from scoring.outcomes.metrics import flow_distribution

D = Decimal


def test_predictability_chart_draws_the_band_and_says_why_a_pi_has_no_bar():
    chart = charts.predictability_chart(
        [("PI 1", D("85.00"), True), ("PI 2", None, False), ("PI 3", D(0), False)]
    )
    first, second, third = chart["bars"]
    assert first["in_band"] and first["percent"] == D("85.00")
    assert second["note"] == "none committed" and "percent" not in second
    assert third["note"] == "not assessed yet"
    assert chart["band_h"] > 0


def test_distribution_chart_stacks_planned_and_delivered_to_the_full_width():
    shares = flow_distribution(
        [("business", D(69)), ("enabler", D(8)), ("exploration", D(23))],
        {"business": 70, "enabler": 20, "exploration": 10},
    )
    (group,) = charts.distribution_chart([("PI 1", shares)])["groups"]
    planned, delivered = group["bars"]
    assert [part["percent"] for part in delivered["parts"]] == [D("69.00"), D("8.00"), D("23.00")]
    # Each part is rounded to a tenth of a pixel on its own.
    assert abs(
        sum(part["w"] for part in planned["parts"]) - sum(part["w"] for part in delivered["parts"])
    ) <= D("0.2")


def test_indicator_chart_puts_a_falling_target_below_its_baseline():
    chart = charts.indicator_chart(
        baseline=D(4), target=D(1), due=date(2027, 3, 31), points=[(date(2027, 1, 1), D(3))]
    )
    assert chart["target_y"] > chart["baseline_y"]  # SVG y grows downwards
    assert len(chart["dots"]) == 1
