"""Stakeholder requests in headless Chromium: a stakeholder sends an idea, a POPM accepts it
into the funnel, the stakeholder sees it accepted; the epics page on a phone."""

import pytest

from backlog.models import FeatureRequest
from tests.browser import screenshot
from tests.factories import EpicFactory, FeatureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_idea_goes_from_stakeholder_to_funnel_and_back(browser_page, carol, alice, rail):
    stakeholder_page = browser_page(carol)
    stakeholder_page.goto("/my-requests/")
    stakeholder_page.click("text=Ask for something")
    stakeholder_page.click("text=Send the idea")  # empty title: refused beside the field
    assert stakeholder_page.locator("#id_idea-title ~ p.error").inner_text() == "This field is required."
    stakeholder_page.fill("#id_idea-title", "Invoices in the customer's language")
    stakeholder_page.fill("#id_idea-description", "Swiss clients ask every month.")
    stakeholder_page.click("text=Send the idea")
    stakeholder_page.wait_for_url("**/my-requests/")
    assert "Awaiting triage" in stakeholder_page.inner_text("main")

    request = FeatureRequest.objects.get(status="new")
    popm_page = browser_page(alice)
    popm_page.goto(f"/arts/{rail.pk}/requests/")
    card = popm_page.locator(f'[data-testid="triage-{request.pk}"]')
    card.locator("button", has_text="Decline").click()  # no reason: refused, nothing changes
    assert "A reason is required." in popm_page.inner_text("main")
    popm_page.reload()  # the refused POST's URL works on reload
    card = popm_page.locator(f'[data-testid="triage-{request.pk}"]')
    card.locator(f"#t{request.pk}-kind").select_option("enabler")
    card.locator("button", has_text="Accept").click()
    assert "is in the funnel" in popm_page.inner_text("main")
    screenshot(popm_page, "requests-triage")

    stakeholder_page.goto("/my-requests/")
    text = stakeholder_page.inner_text("main")
    assert "Invoices in the customer's language" in text and "Accepted" in text and "Funnel" in text


def test_the_epics_page_on_a_phone_labels_every_number(browser_page, alice, rail):
    epic = EpicFactory(
        art=rail, title="Payments", user_business_value=8, time_criticality=5, risk_reduction=3, job_size=8
    )
    FeatureFactory(art=rail, epic=epic, estimate_points=8)
    page = browser_page(alice, width=390, height=800)
    page.goto(f"/arts/{rail.pk}/epics/")
    row = page.locator(f'[data-testid="epic-{epic.pk}"]')
    wsjf_cell = row.locator('td[data-label="WSJF"]')
    assert wsjf_cell.inner_text() == "2.00"
    label = wsjf_cell.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"WSJF "'  # the header row is hidden on a phone; each number says what it is
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "epics-phone")


def test_the_rank_column_keeps_a_re_rank_chip_on_the_rank_line(browser_page, alice, rail):
    from datetime import timedelta

    from django.utils import timezone

    from backlog.models import FeatureChange
    from backlog.services import feature_update
    from scoring.models import ScoringRun
    from scoring.services import scoring_run_execute
    from tests.factories import ProgramIncrementFactory, art_rank_now, scored

    today = timezone.localdate()
    ProgramIncrementFactory(
        art=rail, start_date=today - timedelta(days=10), end_date=today + timedelta(days=60)
    )
    features = [scored(rail, f"Feature {i:02}", 3, 2, 1, 3) for i in range(14)]
    first = art_rank_now(rail)
    ScoringRun.objects.filter(pk=first.pk).update(finished_at=timezone.now() - timedelta(days=20))
    FeatureChange.objects.update(changed_at=timezone.now() - timedelta(days=21))
    feature_update(
        feature=features[-1], acting_user=alice, door=FeatureChange.Door.PAGE, user_business_value=20
    )
    queued = ScoringRun.objects.filter(art=rail, status=ScoringRun.Status.PENDING).first()
    scoring_run_execute(run_id=queued.pk) if queued else art_rank_now(rail)
    for width in (1280, 390):
        page = browser_page(alice, width=width)
        page.goto(f"/arts/{rail.pk}/backlog/")
        cell = page.locator("tr", has_text="Feature 13").locator("td.rank")
        chip = cell.locator(".rank-change")
        assert chip.inner_text().startswith("▲")
        rank_box = cell.locator(".rank-n").bounding_box()
        chip_box = chip.bounding_box()
        assert abs(rank_box["y"] - chip_box["y"]) < rank_box["height"], "the chip wrapped under the rank"
        # The column has room for the chips before they appear: the table does not jump when
        # the arrows come (or go, with "Don't show").
        with_chips = page.locator("table.backlog th").first.bounding_box()["width"]
        page.goto(f"/arts/{rail.pk}/backlog/?since=off")
        assert page.locator("table.backlog th").first.bounding_box()["width"] == with_chips
        screenshot(page, f"rank-chip-{width}")
