"""popm's error pages: 403, 404, 405, 410, 500 and a CSRF failure in the product's layout,
saying what happened and where to go, never listing URL patterns, with DEBUG on and off."""

import pytest
from django.test import Client

from popm import error_pages

LAYOUT = 'class="topbar"'
URL_PATTERN_WORDS = ("URLconf", "&lt;int:", "<int:", "urlpatterns", "Using the URLconf")

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def page_of(response) -> str:
    return response.content.decode()


def assert_popm_page(response, status: int, words: str) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = page_of(response)
    assert LAYOUT in page, "in popm's layout"
    assert words in page
    assert "Where to go" in page
    for word in URL_PATTERN_WORDS:
        assert word not in page
    return page


def test_an_unknown_address_answers_popms_404(client, alice, debug):
    client.force_login(alice)
    page = assert_popm_page(client.get("/no/such/page/"), 404, "There is no such page")
    assert "Your start page" in page


def test_a_missing_feature_answers_popms_404_without_naming_the_model(client, alice, debug):
    client.force_login(alice)
    page = assert_popm_page(client.get("/features/999999/"), 404, "There is no such page")
    assert "matches the given query" not in page


def test_an_anonymous_404_offers_to_sign_in(client, debug):
    page = assert_popm_page(client.get("/no/such/page/"), 404, "There is no such page")
    assert "Sign in" in page


def test_an_unknown_shared_link_answers_popms_404(client, debug):
    page = assert_popm_page(client.get("/shared/tradeoffs/not-a-token/"), 404, "There is no such page")
    assert "Sign in" in page


def test_an_api_404_stays_json(client, alice, debug):
    client.force_login(alice)
    response = client.get("/api/features/999999/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_a_stakeholder_editing_a_feature_gets_popms_403_with_the_reason(client, rail_train, carol, debug):
    client.force_login(carol)
    response = client.post(f"/features/{rail_train.feature.pk}/", {"title": "Mine now"})
    page = assert_popm_page(response, 403, "You may not do this")
    assert "Only a POPM of this ART may edit its features." in page
    rail_train.feature.refresh_from_db()
    assert rail_train.feature.title == "Rail feature"


def test_a_stakeholder_opening_new_feature_gets_popms_403(client, rail, carol, debug):
    client.force_login(carol)
    assert_popm_page(client.get(f"/arts/{rail.pk}/features/new/"), 403, "You may not do this")


def test_a_form_without_its_csrf_token_gets_popms_403_not_plain_text(rail_train, alice, debug):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(f"/features/{rail_train.feature.pk}/", {"title": "No token"})
    page = assert_popm_page(response, 403, "This form could not be checked, so nothing was saved")
    assert "reload the page" in page
    assert "CSRF verification failed" not in page


def test_a_get_on_a_post_only_address_gets_popms_405_and_keeps_allow(client, alice, rail_train, debug):
    client.force_login(alice)
    response = client.get(f"/features/{rail_train.feature.pk}/score/")
    assert_popm_page(response, 405, "This address only takes a form")
    assert response["Allow"] == "POST"


def test_a_revoked_shared_link_answers_410_in_popms_layout(api, alice, rail, debug):
    from scoring.tradeoffs import services
    from tests.factories import FeatureFactory

    first, second = (FeatureFactory(art=rail, title=t, job_size=1) for t in ("One", "Two"))
    saved = services.tradeoff_save(
        art=rail, acting_user=alice, title="Two first?", sequence=[second.pk, first.pk]
    )
    created = api(alice).post(f"/api/tradeoffs/{saved.pk}/share/", {}, format="json").json()
    assert api(alice).delete(f"/api/share-links/{created['id']}/").status_code == 204
    response = Client().get(created["url"][created["url"].index("/shared/") :])
    page = assert_popm_page(response, 410, "This link was revoked")
    assert "Ask them for a new one" in page and "Two first?" not in page


def test_the_410_page_reads_in_popms_layout(rf, debug):
    from django.template.loader import render_to_string

    page = render_to_string("tradeoffs/shared_gone.html", {"why": "has expired"})
    assert LAYOUT in page and "This link has expired" in page and "Ask them for a new one" in page
    assert "410 · Gone" in page and "Where to go" in page
    generic = render_to_string("410.html", {})
    assert "This page is gone for good" in generic


def test_a_server_error_answers_popms_500_without_the_failing_request(rf, debug):
    response = error_pages.server_error(rf.get("/"))
    page = assert_popm_page(response, 500, "Something went wrong on popm's side")
    assert "may not have been saved" in page


def test_a_crashing_page_answers_popms_500_with_debug_off(client, alice, settings, monkeypatch):
    settings.DEBUG = False
    from backlog import views

    def crash(user):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(views, "arts_visible_to", crash)
    admin_client = Client(raise_request_exception=False)
    admin_client.force_login(alice)
    alice.is_staff = True  # not a POPM-of-one redirect: the home page reads the ART list
    alice.save()
    response = admin_client.get("/")
    page = assert_popm_page(response, 500, "Something went wrong on popm's side")
    assert "database on fire" not in page
