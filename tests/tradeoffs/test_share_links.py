"""Shared read-only links: signature, expiry, revocation, scope, roles."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from scoring.tradeoffs import services
from scoring.tradeoffs.models import ShareLink
from tests.factories import FeatureFactory


@pytest.fixture
def saved(rail, alice):
    retry = FeatureFactory(
        art=rail,
        title="Checkout retry",
        user_business_value=13,
        time_criticality=5,
        risk_reduction=2,
        job_size=1,
    )
    sso = FeatureFactory(
        art=rail,
        title="SSO for partners",
        user_business_value=8,
        time_criticality=5,
        risk_reduction=2,
        job_size=5,
    )
    return services.tradeoff_save(
        art=rail, acting_user=alice, title="SSO first?", sequence=[sso.pk, retry.pk]
    )


def share(client, saved, **body):
    return client.post(f"/api/tradeoffs/{saved.pk}/share/", body, format="json")


def path_of(url: str) -> str:
    return url[url.index("/shared/") :]


@pytest.mark.django_db
def test_popm_creates_a_link_that_opens_the_tradeoff_without_an_account(api, alice, saved):
    response = share(api(alice), saved)
    assert response.status_code == 201, response.data
    body = response.json()
    assert body["url"].startswith("http://testserver/shared/tradeoffs/")
    expires = timezone.datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert timedelta(days=13, hours=23) < expires - timezone.now() <= timedelta(days=14)
    page = Client().get(path_of(body["url"]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "SSO first?" in text
    assert "costs 85 more" in text
    assert "<svg" in text
    assert page["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.django_db
def test_the_token_is_not_stored(api, alice, saved):
    url = share(api(alice), saved).json()["url"]
    token = path_of(url).split("/")[3]
    link = ShareLink.objects.get()
    assert token not in link.token_hash and token.split(":")[0] not in link.token_hash


@pytest.mark.django_db
def test_a_tampered_or_made_up_link_is_not_found(api, alice, saved):
    url = share(api(alice), saved).json()["url"]
    path = path_of(url)
    secret, signature = path.split("/")[3].split(":")
    forged_secret = ("A" if secret[0] != "A" else "B") + secret[1:]
    assert Client().get(f"/shared/tradeoffs/{forged_secret}:{signature}/").status_code == 404
    assert Client().get(f"/shared/tradeoffs/{secret}:{'x' * len(signature)}/").status_code == 404
    assert Client().get("/shared/tradeoffs/nothing-here/").status_code == 404


@pytest.mark.django_db
def test_an_expired_link_is_gone(api, alice, saved):
    url = share(api(alice), saved, expires_in_days=1).json()["url"]
    ShareLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    page = Client().get(path_of(url))
    assert page.status_code == 410
    assert "This link has expired" in page.content.decode()
    assert "SSO first?" not in page.content.decode()


@pytest.mark.django_db
def test_a_revoked_link_stops_working_at_once(api, alice, saved):
    created = share(api(alice), saved).json()
    assert Client().get(path_of(created["url"])).status_code == 200
    assert api(alice).delete(f"/api/share-links/{created['id']}/").status_code == 204
    page = Client().get(path_of(created["url"]))
    assert page.status_code == 410
    assert "This link was revoked" in page.content.decode()


@pytest.mark.django_db
def test_the_link_opens_nothing_but_its_tradeoff(api, alice, rail, saved):
    url = share(api(alice), saved).json()["url"]
    visitor = Client()
    assert visitor.get(path_of(url)).status_code == 200
    # The visit signs nobody in: every other page and the API stay closed.
    assert visitor.get(f"/arts/{rail.pk}/tradeoffs/").status_code == 302
    assert visitor.get(f"/arts/{rail.pk}/tradeoffs/{saved.pk}/").status_code == 302
    assert visitor.get(f"/api/tradeoffs/{saved.pk}/").status_code in (401, 403)
    assert visitor.post(f"/api/tradeoffs/{saved.pk}/share/").status_code in (401, 403)
    assert ShareLink.objects.count() == 1


@pytest.mark.django_db
def test_shared_page_has_no_forms(api, alice, saved):
    url = share(api(alice), saved).json()["url"]
    text = Client().get(path_of(url)).content.decode()
    assert "<form" not in text


@pytest.mark.django_db
def test_only_a_popm_of_the_art_may_share(api, bob, carol, dave, saved):
    assert share(api(carol), saved).status_code == 403
    assert share(api(bob), saved).status_code == 403
    assert share(api(dave), saved).status_code == 404
    assert share(api(None), saved).status_code == 401
    assert ShareLink.objects.count() == 0


@pytest.mark.django_db
def test_admin_may_share(api, admin_user, saved):
    assert share(api(admin_user), saved).status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("days", [0, 91, "soon"])
def test_bad_expiry_is_refused(api, alice, saved, days):
    response = share(api(alice), saved, expires_in_days=days)
    assert response.status_code == 400
    assert "expires_in_days" in response.json()
    assert ShareLink.objects.count() == 0


@pytest.mark.django_db
def test_stakeholder_may_not_revoke(api, alice, carol, saved):
    created = share(api(alice), saved).json()
    assert api(carol).delete(f"/api/share-links/{created['id']}/").status_code == 403
    assert ShareLink.objects.get().revoked_at is None
