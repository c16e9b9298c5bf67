"""The whole session in three browsers: alice (POPM) runs it, carol and erin vote.

Screenshots land in screenshots/estimation-*.png at 1280 and 390 px wide.
"""

import pytest

from backlog.models import Feature, FeatureChange
from tests.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _vote(page, title: str, value: str) -> None:
    row = page.get_by_test_id("board-row").filter(has_text=title)
    row.locator(f"label.chip:has(input[value='{value}'])").click()
    row.get_by_text("Saved").wait_for()


def test_three_people_score_a_column_hidden_then_revealed_and_the_scores_are_written(
    browser_page, candidates, alice, carol, erin
):
    popm = browser_page(alice)
    popm.goto(f"/arts/{candidates.art.pk}/estimations/new/")
    popm.fill("#id_name", "PI 27.2 prep")
    for column in ("time_criticality", "risk_reduction", "job_size"):
        popm.uncheck(f"input[name=columns][value={column}]")
    popm.get_by_role("button", name="Create session").click()
    popm.get_by_role("button", name="Open the session").click()
    popm.get_by_test_id("progress").filter(has_text="0 of 3").wait_for()
    session_url = popm.url.split("#")[0]

    sales, architect = browser_page(carol), browser_page(erin)
    for page in (sales, architect):
        page.goto(session_url)
    _vote(sales, "Checkout", "13")
    _vote(architect, "Checkout", "2")
    for title, value in (("Ledger", "5"), ("Badge", "1")):
        _vote(sales, title, value)
        _vote(architect, title, value)
    _vote(popm, "Checkout", "13")
    _vote(popm, "Ledger", "3")
    _vote(popm, "Badge", "?")
    # carol sees that erin voted, never what
    sales.reload()
    assert "Erin Wu (Architect): " not in sales.content()
    popm.get_by_test_id("progress").filter(has_text="3 of 3").wait_for(timeout=10_000)
    screenshot(popm, "estimation-voting-1280")

    popm.get_by_test_id("reveal").click()
    # the voters' pages reload by themselves once the round is revealed
    sales.get_by_test_id("votes").first.wait_for(timeout=10_000)
    assert (
        "Erin Wu (Architect): 2" in sales.get_by_test_id("board-row").filter(has_text="Checkout").inner_text()
    )
    checkout_row = popm.get_by_test_id("board-row").filter(has_text="Checkout")
    assert checkout_row.get_by_test_id("discuss").is_visible()  # 2 vs 13
    screenshot(popm, "estimation-revealed-1280")

    for title in ("Checkout", "Ledger", "Badge"):
        row = popm.get_by_test_id("board-row").filter(has_text=title)
        row.get_by_role("button", name="Accept").click()
        popm.get_by_test_id("board-row").filter(has_text=title).get_by_test_id("accepted").wait_for()
    popm.get_by_test_id("close").click()
    popm.locator(".message", has_text="Closed: scores written").wait_for()
    screenshot(popm, "estimation-closed-1280")
    phone = browser_page(carol, width=390, height=800)
    phone.goto(session_url)
    screenshot(phone, "estimation-closed-390")

    checkout = Feature.objects.get(pk=candidates.checkout.pk)
    assert checkout.user_business_value == 13  # median of 2, 13, 13 (it was 8)
    assert FeatureChange.objects.filter(feature=checkout, door=FeatureChange.Door.SESSION).count() == 1
