"""The trade-off pages in headless Chromium: what-if, chart, save, share, ledger, CD3.

Screenshots land in screenshots/tradeoffs-*.png at 1280 and 390 px wide.
"""

from decimal import Decimal

import pytest

from tests.browser import screenshot
from tests.factories import FeatureFactory, TeamFactory, art_rank_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BACKLOG = [
    # title, UBV, TC, RR|OE, job size, points, money per week, weeks
    ("Checkout retry", 13, 8, 3, 2, 8, "12000", "2"),
    ("Fraud rules v2", 8, 13, 8, 5, 20, "15000", "4"),
    ("Apple Pay", 13, 5, 2, 3, 13, "6000", "3"),
    ("Partner API rate limits", 3, 8, 13, 5, 20, "4000", "4"),
    ("Receipt emails", 5, 2, 1, 2, 5, "1500", "1"),
    ("Loyalty points", 8, 3, 3, 8, 30, "5000", "6"),
    ("SSO for partners", 8, 5, 2, 13, 40, "20000", "8"),
    ("Dark mode", 2, 1, 1, 3, 8, "300", "2"),
]


@pytest.fixture
def rail_backlog(rail):
    TeamFactory(art=rail, name="Payments", velocity=24)
    TeamFactory(art=rail, name="Checkout", velocity=16)
    features = {}
    for title, ubv, tc, rr, size, points, money, weeks in BACKLOG:
        features[title] = FeatureFactory(
            art=rail,
            title=title,
            user_business_value=ubv,
            time_criticality=tc,
            risk_reduction=rr,
            job_size=size,
            estimate_points=Decimal(points),
            cost_of_delay_per_week=Decimal(money),
            duration_weeks=Decimal(weeks),
        )
    return features


def test_what_if_page_answers_move_x_before_y_with_words_table_and_chart(
    browser_page, alice, rail, rail_backlog
):
    page = browser_page(alice)
    page.goto(f"/arts/{rail.pk}/tradeoffs/")
    sso, retry = rail_backlog["SSO for partners"], rail_backlog["Checkout retry"]
    page.select_option("#id_move", str(sso.pk))
    page.select_option("#id_before", str(retry.pk))
    page.click("text=Show the cost")
    summary = page.get_by_test_id("summary").inner_text()
    # Every feature has a money view: CD3 puts SSO third (20000/8 per week), so two wait.
    assert summary.startswith(
        "Moving 'SSO for partners' ahead of 'Checkout retry' delays 2 features by 8 weeks"
    )
    assert "more in money than the CD3 order" in summary
    assert page.locator("table.moves tbody tr").count() == 3
    chart = page.get_by_test_id("value-chart")
    assert chart.is_visible()
    assert chart.locator("path.line").count() == 2
    screenshot(page, "tradeoffs-whatif-1280")
    page.fill("#id_title", "Sales: SSO for partners first")
    page.click("text=Save trade-off")
    assert page.locator("h1").inner_text() == "Sales: SSO for partners first"
    page.click("text=Create share link")
    message = page.locator(".message").first.inner_text()
    url = message[message.index("http") :]
    screenshot(page, "tradeoffs-saved-1280")

    visitor = browser_page(None, width=390, height=844)
    visitor.goto(url)
    assert "Sales: SSO for partners first" in visitor.locator("h1").inner_text()
    assert visitor.get_by_test_id("value-chart").is_visible()
    assert visitor.locator("form").count() == 0
    screenshot(visitor, "tradeoffs-shared-390")


def test_proposed_order_for_a_set_at_phone_width(browser_page, carol, rail, rail_backlog):
    page = browser_page(carol, width=390, height=844)
    page.goto(f"/arts/{rail.pk}/tradeoffs/")
    for position, title in enumerate(["Dark mode", "Receipt emails", "Checkout retry"], start=1):
        page.fill(f"#pos_{rail_backlog[title].pk}", str(position))
    page.click("text=Compare this order")
    summary = page.get_by_test_id("summary").inner_text()
    assert summary.startswith("The proposed order delays 1 feature by 3 weeks")
    # A stakeholder reads; saving is for the POPM.
    assert page.locator("text=Save trade-off").count() == 0
    screenshot(page, "tradeoffs-order-390")


def test_relative_units_with_weeks_at_desktop_width(browser_page, alice, rail, rail_backlog):
    page = browser_page(alice)
    page.goto(f"/arts/{rail.pk}/tradeoffs/")
    page.select_option("#id_move", str(rail_backlog["SSO for partners"].pk))
    page.select_option("#id_before", str(rail_backlog["Checkout retry"].pk))
    page.select_option("#id_unit", "cod-jobsize")
    page.click("text=Show the cost")
    summary = page.get_by_test_id("summary").inner_text()
    assert "job-size units" in summary and "weeks at the ART's throughput" in summary
    assert "CoD × job-size units than the WSJF order" in summary
    screenshot(page, "tradeoffs-whatif-relative-1280")


def test_ledger_and_cd3_pages(browser_page, alice, rail, rail_backlog):
    page = browser_page(alice)
    page.goto(f"/arts/{rail.pk}/overrides/")
    page.select_option("#id_feature", str(rail_backlog["Dark mode"].pk))
    page.fill("#id_position", "2")
    page.fill("#id_reason", "CEO promised dark mode to the board for the Q4 demo.")
    page.click("button:text('Pin')")
    assert page.locator("table.ledger tbody tr").count() == 1
    assert "CEO promised dark mode" in page.locator("table.ledger").inner_text()
    screenshot(page, "tradeoffs-ledger-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "tradeoffs-ledger-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/arts/{rail.pk}/cd3/")
    assert page.locator("table.cd3 tbody tr").count() == len(BACKLOG)
    assert page.get_by_test_id("disagreements").is_visible()
    screenshot(page, "tradeoffs-cd3-1280")


def test_dragging_a_feature_onto_another_asks_what_if_it_went_before_it(
    browser_page, carol, rail, rail_backlog
):
    page = browser_page(carol)
    page.goto(f"/arts/{rail.pk}/tradeoffs/")
    page.select_option("#id_unit", "cod-jobsize")
    sso, retry = rail_backlog["SSO for partners"], rail_backlog["Checkout retry"]
    page.drag_and_drop(f"[data-feature='{sso.pk}']", f"[data-feature='{retry.pk}']")
    page.wait_for_url(f"**/arts/{rail.pk}/tradeoffs/?mode=move*")
    summary = page.get_by_test_id("summary").inner_text()
    assert summary.startswith("Moving 'SSO for partners' ahead of 'Checkout retry' delays 7 features")


def _rank_pending(art) -> None:
    """Run the scoring run a pin queued (a live server commits, so the pin queued one)."""
    from scoring.models import ScoringRun
    from scoring.services import scoring_run_execute

    run = ScoringRun.objects.filter(art=art, status=ScoringRun.Status.PENDING).first()
    if run is None:
        art_rank_now(art)
    else:
        scoring_run_execute(run_id=run.pk)


def test_a_pin_made_on_the_ledger_reorders_the_ranked_backlog(browser_page, alice, rail, rail_backlog):
    art_rank_now(rail)
    page = browser_page(alice)
    page.goto(f"/arts/{rail.pk}/overrides/")
    page.select_option("#id_feature", str(rail_backlog["Dark mode"].pk))
    page.fill("#id_position", "2")
    page.fill("#id_reason", "CEO promised dark mode to the board for the Q4 demo.")
    page.click("button:text('Pin')")
    _rank_pending(rail)
    page.goto(f"/arts/{rail.pk}/backlog/")
    rows = page.locator("table tbody tr[id^='feature-']")
    second = rows.nth(1)
    assert "Dark mode" in second.inner_text()
    assert second.locator(".rank-n").inner_text() == "2"
    assert (
        second.locator(".wsjf-rank").inner_text() == "WSJF #7"
    )  # Dark mode: 4 / 3 = 1.33, above SSO for partners (15 / 13)
    assert "pinned to #2" in second.inner_text()
    screenshot(page, "pins-backlog-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "pins-backlog-390")


def test_relative_answer_leads_with_weeks_and_money_and_hides_small_moves(
    browser_page, carol, rail, rail_backlog
):
    for index in range(6):
        FeatureFactory(
            art=rail,
            title=f"Small fix {index + 1}",
            # WSJF 6 / 2 = 3: between Checkout retry (12) and Dark mode (1.33), so each waits.
            user_business_value=3,
            time_criticality=2,
            risk_reduction=1,
            job_size=2,
            estimate_points=Decimal(3),
            cost_of_delay_per_week=Decimal(2000),
        )
    page = browser_page(carol)
    page.goto(f"/arts/{rail.pk}/tradeoffs/")
    page.select_option("#id_move", str(rail_backlog["Dark mode"].pk))
    page.select_option("#id_before", str(rail_backlog["Checkout retry"].pk))
    page.select_option("#id_unit", "cod-jobsize")
    page.click("text=Show the cost")
    summary = page.get_by_test_id("summary").inner_text()
    assert "weeks at the ART's throughput" in summary and "more in money" in summary
    assert summary.index("weeks") < summary.index("money") < summary.index("CoD × job-size units")
    lead = page.get_by_test_id("lead").inner_text()
    assert lead.index("wait") < lead.index("Extra cost in money") < lead.index("Extra delay cost, relative")
    shown = page.locator("table.moves").first.locator("tbody tr")
    assert shown.count() == 10
    rest = page.locator("details.moves-rest table.moves tbody tr")
    assert not rest.first.is_visible()
    page.click("details.moves-rest > summary")
    assert rest.first.is_visible()
    screenshot(page, "tradeoffs-lead-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "tradeoffs-lead-390")
