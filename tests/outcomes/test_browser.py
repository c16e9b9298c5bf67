"""The outcome pages in headless Chromium: the feature page's outcome section loaded by htmx,
predictability and distribution charts, the PI review and its share link.

Screenshots land in screenshots/outcomes-*.png at 1280 and 390 px wide.
"""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from backlog.models import FeatureChange
from scoring.outcomes import services
from tests.browser import screenshot
from tests.factories import FeatureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reviewed_pi(rail_train, alice):
    pi, team = rail_train.pi, rail_train.team
    services.objective_create(
        pi=pi, acting_user=alice, team=team, title="Saved cards live", planned_value=8, actual_value=8
    )
    services.objective_create(
        pi=pi, acting_user=alice, team=team, title="Apple Pay", planned_value=7, actual_value=5
    )
    services.objective_create(
        pi=pi, acting_user=alice, team=team, title="Wallets", committed=False, planned_value=4, actual_value=3
    )
    moments = [datetime(2027, 1, 6, tzinfo=UTC), datetime(2027, 1, 20, tzinfo=UTC)]
    for kind, points in [("business", 13), ("enabler", 3), ("business", 8)]:
        feature = FeatureFactory(
            art=rail_train.art,
            title=f"{kind} {points}",
            kind=kind,
            status="done",
            estimate_points=Decimal(points),
            outcome_verdict="achieved",
        )
        for at, (old, new) in zip(
            moments, [("backlog", "implementing"), ("implementing", "done")], strict=True
        ):
            FeatureChange.objects.create(
                art=rail_train.art,
                feature=feature,
                feature_title=feature.title,
                action="updated",
                door="script",
                changed_at=at,
                changes={"status": [old, new]},
            )
    pi.start_date, pi.end_date = datetime(2027, 1, 4).date(), datetime(2027, 3, 14).date()
    pi.save()
    return pi


@pytest.mark.parametrize("width", [1280, 390])
def test_feature_page_shows_the_indicator_chart_and_the_popm_confirms_a_verdict(
    browser_page, alice, rail_train, width
):
    feature = rail_train.feature
    indicator = services.indicator_create(
        feature=feature,
        acting_user=alice,
        name="Checkout conversion",
        unit="%",
        baseline="2.1",
        target="2.5",
        due_date="2027-03-31",
    )
    for day, value in [("2026-01-10", "2.2"), ("2026-02-10", "2.3")]:
        services.measurement_record(indicator=indicator, acting_user=alice, measured_on=day, value=value)
    page = browser_page(alice, width=width)
    page.goto(f"/features/{feature.pk}/")
    page.wait_for_selector("#outcomes .indicator-chart")
    assert page.get_by_test_id("progress").inner_text() == "50.00 %"
    assert page.locator("#outcomes .measured-dot").count() == 2
    screenshot(page, f"outcomes-feature-{width}")
    page.select_option("#id_outcome_verdict", "partly")
    page.click("text=Save verdict")
    page.wait_for_selector("#outcomes [data-testid=verdict]")
    assert page.get_by_test_id("verdict").inner_text() == "Partly"


@pytest.mark.parametrize("width", [1280, 390])
def test_objectives_page_draws_predictability_with_the_band(browser_page, carol, reviewed_pi, width):
    page = browser_page(carol, width=width)
    page.goto(f"/pis/{reviewed_pi.pk}/objectives/")
    assert "106.67 %" in page.get_by_test_id("predictability").inner_text()
    assert page.locator("[data-testid=predictability-chart] rect.band").count() == 1
    assert page.locator("[data-testid=predictability-chart] rect.bar").count() == 1
    assert page.locator("form[action*='/values/']").count() == 0  # stakeholders read
    screenshot(page, f"outcomes-objectives-{width}")


def test_flow_page_draws_distribution_against_allocation(browser_page, alice, reviewed_pi):
    page = browser_page(alice)
    page.goto(f"/arts/{reviewed_pi.art_id}/flow/?pi={reviewed_pi.pk}")
    chart = page.get_by_test_id("distribution-chart")
    # Planned: three kinds; delivered: business and enabler (no exploration was done).
    assert chart.locator("rect.share").count() == 5
    assert "14.00" in page.get_by_test_id("flow-time").inner_text()
    screenshot(page, "outcomes-flow-1280")


def test_review_page_is_shared_read_only_and_prints_without_navigation(browser_page, alice, reviewed_pi):
    page = browser_page(alice)
    page.goto(f"/pis/{reviewed_pi.pk}/review/")
    page.click("text=Create a read-only link")
    link = page.get_by_test_id("new-link").input_value()
    screenshot(page, "outcomes-review-1280")
    anonymous = browser_page(None, width=390)
    anonymous.goto(link)
    assert "Saved cards live" in anonymous.get_by_test_id("review-objectives").inner_text()
    assert anonymous.locator("text=Create a read-only link").count() == 0
    assert anonymous.locator("[data-testid=review-done] a").count() == 0
    screenshot(anonymous, "outcomes-review-shared-390")
    anonymous.emulate_media(media="print")
    assert not anonymous.locator(".topbar").is_visible()
    assert anonymous.get_by_test_id("distribution-chart").is_visible()
