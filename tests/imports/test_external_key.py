"""A feature's Jira issue key (external_key): unique per ART, shown, filterable, read-only."""

import pytest
from django.db import IntegrityError
from django.test import Client

from tests.factories import FeatureFactory

pytestmark = pytest.mark.django_db


def test_an_issue_key_is_unique_within_an_art_only(rail, sea):
    FeatureFactory(art=rail, external_key="RAIL-1")
    FeatureFactory(art=sea, external_key="RAIL-1")
    FeatureFactory(art=rail, external_key=None)
    FeatureFactory(art=rail, external_key=None)
    with pytest.raises(IntegrityError):
        FeatureFactory(art=rail, external_key="RAIL-1")


def test_feature_api_shows_and_filters_by_issue_key(client_of, rail):
    keyed = FeatureFactory(art=rail, external_key="RAIL-7")
    FeatureFactory(art=rail)
    api = client_of("alice")
    assert api.get(f"/api/features/{keyed.pk}/").json()["external_key"] == "RAIL-7"
    results = api.get("/api/features/?external_key=RAIL-7").json()["results"]
    assert [row["id"] for row in results] == [keyed.pk]
    assert api.get("/api/features/?external_key=RAIL-8").json()["results"] == []


def test_the_api_does_not_change_an_issue_key(client_of, rail):
    keyed = FeatureFactory(art=rail, external_key="RAIL-7")
    response = client_of("alice").patch(
        f"/api/features/{keyed.pk}/", {"external_key": "X-1", "version": keyed.version}, format="json"
    )
    assert response.status_code == 200
    keyed.refresh_from_db()
    assert keyed.external_key == "RAIL-7"


def test_feature_page_shows_the_issue_key(alice, rail):
    client = Client()
    client.force_login(alice)
    keyed = FeatureFactory(art=rail, external_key="RAIL-7")
    assert (
        'Issue key: <span class="issue-key">RAIL-7</span>'
        in client.get(f"/features/{keyed.pk}/").content.decode()
    )
