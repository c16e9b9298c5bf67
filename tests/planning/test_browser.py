"""The capacity page in headless Chromium: a POPM edits the allocation and commits the plan."""

from decimal import Decimal

import pytest

from backlog.models import Feature
from scoring.planning.models import PlanCommit
from tests.browser import screenshot
from tests.factories import FeatureFactory, art_rank_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fuller_plan(plan_setup, rail):
    """A few more features per kind, so the page shows realistic lists."""
    for title, kind, estimate, size in [
        ("Replace message broker", Feature.Kind.ENABLER, "8", 3),
        ("Observability stack", Feature.Kind.ENABLER, "12", 5),
        ("Spike: dynamic pricing", Feature.Kind.EXPLORATION, "6", 2),
        ("Research: voice booking", Feature.Kind.EXPLORATION, "9", 5),
        ("Group bookings", Feature.Kind.BUSINESS, "18", 8),
    ]:
        FeatureFactory(art=rail, title=title, kind=kind, estimate_points=Decimal(estimate), job_size=size)
    art_rank_now(rail)
    return plan_setup


def test_popm_plans_and_commits_a_pi_in_the_browser(browser_page, alice, fuller_plan):
    pi = fuller_plan["pi"]
    page = browser_page(alice)
    page.goto(f"/arts/{pi.art_id}/capacity/")
    assert page.locator("h1").inner_text() == "PI 26.4"
    assert page.locator("tr.cap-cutline").count() == 3
    screenshot(page, "capacity_plan_strict_1280")

    page.fill("#id_business", "60")
    page.fill("#id_enabler", "20")
    page.fill("#id_exploration", "10")
    page.click("text=Save allocation")
    assert "must add up to 100; they add up to 90." in page.locator(".cap-allocation .error").inner_text()
    page.fill("#id_enabler", "30")
    page.click("text=Save allocation")
    assert "Allocation of PI 26.4 set to 60/30/10." in page.locator(".message").inner_text()

    page.click(".cap-modes >> text=Fill")
    page.click("text=Commit fill plan")
    assert "Plan committed (fill)" in page.locator(".message").inner_text()
    assert PlanCommit.objects.get().mode == "fill"
    screenshot(page, "capacity_plan_fill_committed_1280")


def test_capacity_page_reads_on_a_phone(browser_page, carol, fuller_plan):
    pi = fuller_plan["pi"]
    page = browser_page(carol, width=390, height=844)
    page.goto(f"/arts/{pi.art_id}/pis/{pi.pk}/capacity/")
    assert page.locator(".cap-readonly").is_visible()
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 390, f"page scrolls sideways ({page_width}px)"
    screenshot(page, "capacity_plan_stakeholder_390")


def test_fragile_rows_name_the_step_on_the_capacity_page_and_the_backlog(browser_page, alice, plan_setup):
    # Refunds (Time Criticality 2: 23/3) is first below the business line; its Job Size 3 -> 2
    # (23/2) passes Seat map (22/2), which then falls out: 30 + 20 + 25 > 70.
    refunds = plan_setup["refunds"]
    Feature.objects.filter(pk=refunds.pk).update(time_criticality=2)
    art_rank_now(refunds.art)
    pi = plan_setup["pi"]
    page = browser_page(alice)
    page.goto(f"/arts/{pi.art_id}/pis/{pi.pk}/capacity/")
    tags = page.locator("#kind-business .cap-tag.fragile")
    assert tags.count() == 2
    assert tags.nth(1).get_attribute("title") == (
        "One step from the cut line: Job Size 3 → 2 would commit it to PI 26.4."
    )
    tags.nth(0).hover()
    screenshot(page, "capacity_plan_fragile_1280")
    page.goto(f"/arts/{pi.art_id}/backlog/")
    assert page.locator("tr", has_text="Seat map").locator(".mark-fragile").is_visible()
    screenshot(page, "backlog-fragile")


def test_reloading_after_a_refused_allocation_shows_the_capacity_page(browser_page, alice, plan_setup):
    """A refused form re-renders at its own address; a reload there used to answer a blank 405."""
    pi = plan_setup["pi"]
    page = browser_page(alice)
    page.goto(f"/arts/{pi.art_id}/pis/{pi.pk}/capacity/?mode=fill")
    page.fill("#id_business", "")
    page.fill("#id_enabler", "150")
    page.fill("#id_exploration", "10")
    page.click("text=Save allocation")
    errors = page.locator(".cap-allocation .error")
    assert errors.count() == 2
    assert "Business needs a share" in errors.nth(0).inner_text()
    assert page.url.endswith("/capacity/allocation/?mode=fill")
    screenshot(page, "capacity_allocation_refused_1280")
    page.goto(page.url)  # the address bar's reload of a form's answer: a GET
    assert page.url.endswith(f"/pis/{pi.pk}/capacity/?mode=fill")
    assert page.locator("h1").inner_text() == "PI 26.4"
    assert page.locator("#id_business").input_value() == "70"
    page.goto(f"/arts/{pi.art_id}/pis/{pi.pk}/capacity/allocation/")
    assert page.locator("h1").inner_text() == "PI 26.4"
