"""The rescoring pages in headless Chromium: accept a proposal, read the stale list.

Screenshots land in screenshots/rescoring-*.png at 1280 and 390 px wide.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from backlog.models import Feature
from scoring.rescoring.services import art_rescoring_check
from tests.browser import screenshot
from tests.factories import art_rank_now, scored
from tests.rescoring.conftest import TODAY, utc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def checked_today(rail_dates, carol):
    """rail_dates moved to today, plus a feature at Time Criticality 20 that is late anyway."""
    today = timezone.localdate()
    shift = today - TODAY
    for feature in (rail_dates.ledger, rail_dates.fraud, rail_dates.badge):
        Feature.objects.filter(pk=feature.pk).update(fixed_date=feature.fixed_date + shift)
    tax = scored(
        rail_dates.art,
        "Year-end tax report",
        2,
        20,
        1,
        3,
        estimate_points=Decimal(10),
        fixed_date=today + timedelta(days=60),
    )
    Feature.objects.filter(pk=tax.pk).update(scored_at=utc("2026-09-02"), scored_by=carol)
    art_rank_now(rail_dates.art)
    art_rescoring_check(art_id=rail_dates.art.pk, today=today)
    return rail_dates


def test_a_popm_accepts_a_proposal_and_the_feature_takes_the_new_value(browser_page, alice, checked_today):
    page = browser_page(alice)
    page.goto(f"/arts/{checked_today.art.pk}/fixed-dates/")
    proposal = page.get_by_test_id("proposal")
    assert proposal.count() == 1
    assert "Ledger" in proposal.inner_text() and "TC 5 → 8" in proposal.inner_text()
    assert page.locator("tr.state-late").count() == 2
    assert page.locator("tr.state-late .date-flag.late").first.is_visible()
    screenshot(page, "rescoring-fixed-dates-1280")
    page.click("text=Accept 8")
    assert "Time Criticality of “Ledger” is now 8" in page.locator(".message").first.inner_text()
    assert page.get_by_test_id("proposal").count() == 0
    assert Feature.objects.get(pk=checked_today.ledger.pk).time_criticality == 8
    page.goto(f"/arts/{checked_today.art.pk}/stale-scores/")
    assert page.get_by_test_id("stale-group").count() == 3
    screenshot(page, "rescoring-stale-scores-1280")


def test_the_pages_read_on_a_phone(browser_page, carol, checked_today):
    page = browser_page(carol, width=390, height=844)
    page.goto(f"/arts/{checked_today.art.pk}/fixed-dates/")
    assert "A POPM of Rail accepts or dismisses this." in page.get_by_test_id("proposal").inner_text()
    assert page.locator("form button", has_text="Accept").count() == 0
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width}px"
    screenshot(page, "rescoring-fixed-dates-390")
    page.goto(f"/arts/{checked_today.art.pk}/stale-scores/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "rescoring-stale-scores-390")
