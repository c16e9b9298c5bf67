"""The ranked backlog in headless Chromium, against a live server, PostgreSQL and a Celery worker:
a POPM scores inline, a stakeholder reads; the value-effort chart; a phone."""

import pytest

from backlog.models import FeatureRequest, Stakeholder
from tests.browser import screenshot
from tests.factories import FeatureFactory, ProgramIncrementFactory, TeamFactory, art_rank_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ranked_rail(rail):
    team = TeamFactory(art=rail, name="Checkout Crew")
    ProgramIncrementFactory(art=rail, name="PI 26.4")
    FeatureFactory(
        art=rail, title="Checkout retry", team=team, user_business_value=13, job_size=2, estimate_points=8
    )
    FeatureFactory(
        art=rail, title="SSO for partners", team=team, user_business_value=8, job_size=5, estimate_points=13
    )
    FeatureFactory(
        art=rail,
        title="Upgrade PostgreSQL",
        kind="enabler",
        user_business_value=1,
        time_criticality=1,
        job_size=1,
    )
    FeatureFactory(art=rail, title="Spike: passkeys", kind="exploration", job_size=8)
    art_rank_now(rail)
    return rail


def rank_cell(page, title: str) -> str:
    return page.locator("tr", has_text=title).locator("td.rank .rank-n").inner_text()


def test_popm_changes_job_size_inline_and_sees_the_rank_change(
    browser_page, scoring_worker, alice, ranked_rail
):
    page = browser_page(alice)
    assert page.url.endswith(f"/arts/{ranked_rail.pk}/backlog/")
    assert rank_cell(page, "SSO for partners") == "3"
    screenshot(page, "backlog-popm")
    page.locator("tr", has_text="SSO for partners").locator("select[name=job_size]").select_option("1")
    page.locator("tr", has_text="SSO for partners").locator("td.strong", has_text="11.00").wait_for()
    page.locator("tr.moved", has_text="SSO for partners").wait_for(timeout=20_000)
    assert rank_cell(page, "SSO for partners") == "1"
    assert "3 → 1" in page.locator("tr", has_text="SSO for partners").locator(".move").inner_text()
    screenshot(page, "backlog-after-inline-edit")


def test_a_stale_inline_edit_from_a_second_browser_is_refused(browser_page, alice, ranked_rail):
    first, second = browser_page(alice), browser_page(alice)
    first.locator("tr", has_text="Checkout retry").locator("select[name=time_criticality]").select_option("8")
    first.locator("tr", has_text="Checkout retry").locator(".row-saved").wait_for()
    second.locator("tr", has_text="Checkout retry").locator("select[name=job_size]").select_option("13")
    alert = second.locator("tr", has_text="Checkout retry").get_by_role("alert")
    alert.wait_for()
    words = alert.inner_text()
    assert "your change was not saved" not in words  # the old words; these name both values
    assert "Not saved: someone else changed this feature" in words
    assert "Time Criticality is now 8, saved meanwhile (it was 2)" in words
    assert "Job Size: you tried 13; it stays 2" in words
    assert (
        second.locator("tr", has_text="Checkout retry").locator("select[name=job_size]").input_value() == "2"
    )
    screenshot(second, "backlog-stale-edit-refused")


def test_the_conflict_message_stays_through_table_refreshes_until_dismissed(browser_page, alice, ranked_rail):
    first, second = browser_page(alice), browser_page(alice)
    row = second.locator("tr", has_text="Checkout retry")
    first.locator("tr", has_text="Checkout retry").locator("select[name=user_business_value]").select_option(
        "20"
    )
    first.locator("tr", has_text="Checkout retry").locator(".row-saved").wait_for()
    row.locator("select[name=user_business_value]").select_option("5")
    row.get_by_role("alert").wait_for()
    assert "User-Business Value: you tried 5; 20 was saved meanwhile (it was 13)" in row.inner_text()
    # The first tab's change is ranked now; the second tab's status poll sees it and its table
    # is read again, twice over a few seconds: the message is still there, with its numbers.
    from scoring.models import ScoringRun
    from scoring.services import scoring_run_execute

    scoring_run_execute(run_id=ScoringRun.objects.get(art=ranked_rail, status=ScoringRun.Status.PENDING).pk)
    second.wait_for_function("() => !document.querySelector('#scoring-status .spinner')", timeout=10_000)
    second.evaluate("() => htmx.trigger(document.body, 'scoring-done')")
    second.wait_for_timeout(2_500)
    alert = row.get_by_role("alert")
    assert alert.count() == 1
    assert "20 was saved meanwhile" in alert.inner_text()
    assert row.locator("select[name=user_business_value]").input_value() == "20"
    screenshot(second, "backlog-conflict-lasts")
    second.set_viewport_size({"width": 390, "height": 844})
    screenshot(second, "backlog-conflict-lasts-phone")
    alert.get_by_role("button", name="Dismiss").click()
    assert row.get_by_role("alert").count() == 0
    assert second.evaluate("() => document.activeElement.name") == "user_business_value"


def test_after_an_inline_save_the_focus_stays_on_the_same_select(
    browser_page, scoring_worker, alice, ranked_rail
):
    page = browser_page(alice)
    feature_id = ranked_rail.features.get(title="SSO for partners").pk
    select = page.locator(f"#s-{feature_id}-job_size")
    select.focus()
    page.keyboard.press("ArrowUp")  # 5 -> 3
    page.locator(f"#row-note-{feature_id}.row-saved").wait_for()
    assert page.evaluate("() => document.activeElement.id") == f"s-{feature_id}-job_size"
    # The worker ranks the change; the table is read again and swapped in: focus stays.
    page.locator("tr", has_text="SSO for partners").locator("td.strong", has_text="3.67").wait_for()
    page.wait_for_timeout(1_500)
    assert page.evaluate("() => document.activeElement.id") == f"s-{feature_id}-job_size"
    # Shift+Tab goes back to the row's previous input; a save there keeps the focus there too.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement.id") == f"s-{feature_id}-risk_reduction"
    page.keyboard.press("ArrowDown")  # 1 -> 2
    page.locator("tr", has_text="SSO for partners").locator("td.strong", has_text="4.00").wait_for()
    page.wait_for_timeout(1_500)
    assert page.evaluate("() => document.activeElement.id") == f"s-{feature_id}-risk_reduction"
    screenshot(page, "backlog-keyboard-scoring")


def test_three_quick_arrow_downs_end_on_the_value_shown(browser_page, scoring_worker, alice, ranked_rail):
    page = browser_page(alice)
    feature = ranked_rail.features.get(title="Checkout retry")  # job size 2
    select = page.locator(f"#s-{feature.pk}-job_size")
    select.focus()
    for _ in range(3):
        page.keyboard.press("ArrowDown")  # 2 -> 3 -> 5 -> 8, as fast as the keyboard goes
    assert select.input_value() == "8"
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        f"() => document.querySelector('#row-state-{feature.pk} [name=seen_job_size]').value === '8'"
    )
    page.wait_for_timeout(1_500)  # the ranking run and the table refresh that follows it
    feature.refresh_from_db()
    assert feature.job_size == 8
    assert page.locator(f"#s-{feature.pk}-job_size").input_value() == "8"
    assert page.evaluate("() => document.activeElement.id") == f"s-{feature.pk}-job_size"
    assert page.locator("tr", has_text="Checkout retry").get_by_role("alert").count() == 0
    page.reload()
    assert page.locator(f"#s-{feature.pk}-job_size").input_value() == "8"


def test_stakeholder_reads_the_backlog_but_cannot_edit(browser_page, carol, ranked_rail):
    stakeholder = Stakeholder.objects.get(user=carol)
    FeatureRequest.objects.create(
        stakeholder=stakeholder,
        feature=ranked_rail.features.get(title="SSO for partners"),
        note="Partners ask every week",
    )
    page = browser_page(carol)
    assert page.url.endswith("/my-requests/")
    assert "Ranked 3 of 4" in page.content()
    screenshot(page, "my-requests")
    page.goto(f"/arts/{ranked_rail.pk}/backlog/")
    assert page.locator("select.score").count() == 0
    assert page.locator("tr", has_text="Checkout retry").count() == 1
    status = page.request.post(
        f"/features/{ranked_rail.features.first().pk}/score/", form={"version": "1", "job_size": "1"}
    )
    assert status.status in (403,)


def test_value_effort_chart_and_feature_page_render(browser_page, alice, ranked_rail):
    page = browser_page(alice)
    page.goto(f"/arts/{ranked_rail.pk}/value-effort/")
    assert page.locator("svg.value-effort circle").count() == 4
    screenshot(page, "value-effort-chart")
    page.locator("svg.value-effort a").first.click()
    page.wait_for_load_state()
    assert page.get_by_text("Why it ranks where it does").is_visible()
    screenshot(page, "feature-page")


def test_backlog_is_usable_on_a_phone(browser_page, alice, ranked_rail):
    page = browser_page(alice, width=390, height=844)
    assert page.locator("table.backlog").is_visible()
    screenshot(page, "backlog-phone")


def test_why_did_it_move_reads_well_on_a_desktop_and_a_phone(browser_page, alice, carol, rail):
    from backlog import services
    from scoring.models import ScoringRun
    from scoring.services import scoring_run_execute

    def art_rank_now(art):
        # The edits below queued a run (no worker here): run that one.
        run = ScoringRun.objects.get(art=art, status=ScoringRun.Status.PENDING)
        return scoring_run_execute(run_id=run.pk)

    def feature(title, ubv, tc, rr, size):
        inputs = {"user_business_value": ubv, "time_criticality": tc, "risk_reduction": rr, "job_size": size}
        return services.feature_create(
            art=rail, acting_user=alice, door="page", title=title, status="backlog", **inputs
        )

    feature("Checkout retry", 13, 8, 5, 2)
    sso = feature("SSO for partners", 8, 5, 3, 3)
    wallet = feature("Mobile wallet", 5, 3, 2, 5)
    run = art_rank_now(rail)
    pages = {width: browser_page(carol, width=width) for width in (1280, 390)}
    for page in pages.values():
        page.goto(f"/arts/{rail.pk}/backlog/")  # remembered as her last visit
    services.feature_update(
        feature=wallet, acting_user=alice, door="inline", user_business_value=20, time_criticality=8
    )  # WSJF 2.00 -> 6.00, above SSO (5.33)
    feature("Gift cards", 20, 13, 8, 2)
    art_rank_now(rail)
    for width, name in ((1280, "desktop"), (390, "phone")):
        page = pages[width]
        page.goto(f"/arts/{rail.pk}/backlog/?since=visit")
        assert (
            page.locator("tr", has_text="SSO for partners")
            .locator(".rank-change")
            .inner_text()
            .startswith("▼2")
        )
        screenshot(page, f"backlog-rank-change-{name}")
        page.goto(f"/features/{sso.pk}/rank-change/?since={run.pk}")
        assert page.locator(".rank-box").inner_text().startswith("#2 → #4")
        assert "2 features passed it" in page.locator(".rank-words").inner_text()
        screenshot(page, f"rank-change-{name}")
        page.goto(f"/features/{wallet.pk}/")
        assert "User-Business Value 5 → 20" in page.locator("#history").inner_text()
        screenshot(page, f"feature-history-{name}")
