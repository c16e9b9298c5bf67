"""The roadmap in headless Chromium: columns, filters by htmx, a share link opened signed out,
"when will it ship?" on the feature page; at 1280 and 390 px wide.

Screenshots land in screenshots/roadmap-*.png.
"""

import re

import pytest

from tests.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_roadmap_shows_pi_columns_and_filters_them_in_place(browser_page, alice, rail, roadmap):
    page = browser_page(alice)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"/arts/{rail.pk}/roadmap/")
    columns = page.locator(".rm-pi")
    assert columns.count() == 2
    assert columns.nth(0).locator(".rm-card-title").all_inner_texts() == ["Ticketing"]
    assert columns.nth(1).locator(".rm-card-title").all_inner_texts() == ["Seat map", "Refunds", "Wi-Fi"]
    assert "committed" in columns.nth(1).locator(".rm-card").nth(2).inner_text()
    screenshot(page, "roadmap-1280")
    page.select_option("#id_team", str(roadmap["team"].pk))  # htmx swaps the board, pushes the URL
    page.wait_for_url(re.compile(r"team="))
    page.wait_for_function("document.querySelectorAll('.rm-card').length === 2")
    page.select_option("#id_mode", "fill")
    page.wait_for_url(re.compile(r"mode=fill"))
    page.wait_for_function(
        "[...document.querySelectorAll('.rm-pi')[0].querySelectorAll('.rm-card-title')].length === 1"
    )
    assert errors == []


def test_a_shared_link_opens_the_roadmap_signed_out_on_a_phone(browser_page, alice, rail, roadmap):
    page = browser_page(alice)
    page.goto(f"/arts/{rail.pk}/roadmap/")
    page.click("text=Make a link")
    link = re.search(r"https?://\S+/shared/roadmap/\S+/", page.locator(".message").inner_text()).group(0)
    phone = browser_page(width=390, height=844)
    phone.goto(link)
    assert phone.locator(".shared-banner").is_visible()
    assert phone.locator(".rm-card").count() == 4
    assert phone.locator(".rm-card a").count() == 0  # no links into the app
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the shared roadmap scrolls sideways on a phone"
    screenshot(phone, "roadmap-shared-390")
    phone.emulate_media(media="print")
    assert not phone.locator(".rm-filters").is_visible()


def test_the_feature_page_says_when_it_will_ship(browser_page, carol, roadmap):
    page = browser_page(carol)
    page.goto(f"/features/{roadmap['refunds'].pk}/")
    page.wait_for_selector(".ship-forecast")
    assert "Forecast: PI Next, 2 to 4 months from now." in page.locator(".ship-forecast").inner_text()
    page.goto("/my-requests/")
    page.wait_for_selector(".ship-forecast")
    assert "PI Next" in page.locator(".ship-forecast").inner_text()


def test_what_if_answers_in_place_which_features_change_pi(browser_page, carol, rail, roadmap):
    page = browser_page(carol)
    page.goto(f"/arts/{rail.pk}/roadmap/")
    page.click("text=What if…? See which features change PI")
    page.select_option("#id_move", str(roadmap["refunds"].pk))
    page.select_option("#id_before", str(roadmap["ticketing"].pk))
    page.click("text=Show what changes")
    page.wait_for_selector("#whatif-answer h2")
    assert page.locator("#whatif-answer h2").inner_text() == "1 feature changes PI"
    assert "Refunds" in page.locator("#whatif-answer tbody").inner_text()
    screenshot(page, "roadmap-whatif-1280")
