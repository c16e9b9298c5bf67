"""Hostile or careless input to the API gets a clear 4xx in JSON and changes nothing: bodies
nested too deep, bodies too large, text over its limit, junk query parameters."""

import json

import pytest

from backlog.models import TEXT_LIMIT, Feature
from tests.factories import FeatureFactory

pytestmark = pytest.mark.django_db


def nested(depth: int) -> str:
    return '{"title": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize("depth", [100, 950, 5000])
def test_a_body_nested_too_deep_is_a_400_not_a_500(api, alice, rail, depth):
    response = api(alice).generic("POST", "/api/features/", nested(depth), content_type="application/json")
    assert response.status_code == 400
    assert "nested deeper than 64 levels" in response.json()["detail"]
    assert not Feature.objects.exists()


def test_a_body_nested_within_the_limit_is_read(api, alice, rail):
    body = json.dumps({"art": rail.pk, "title": "Shallow", "extra": [[[["fine"]]]]})
    response = api(alice).generic("POST", "/api/features/", body, content_type="application/json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_a_body_over_the_limit_is_a_json_413(api, alice, rail, content_type):
    body = json.dumps({"art": rail.pk, "title": "Big", "description": "x" * 1_100_000})
    response = api(alice).generic("POST", "/api/features/", body, content_type=content_type)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "larger than 1,000,000 bytes" in response.json()["detail"]
    assert not Feature.objects.exists()


@pytest.mark.parametrize("field", ["description", "benefit_hypothesis", "acceptance_criteria"])
def test_text_over_its_limit_is_refused_saying_the_limit(api, alice, rail, field):
    feature = FeatureFactory(art=rail)
    client = api(alice)
    too_long = "y" * (TEXT_LIMIT + 1)
    created = client.post("/api/features/", {"art": rail.pk, "title": "T", field: too_long}, format="json")
    patched = client.patch(
        f"/api/features/{feature.pk}/", {field: too_long, "version": feature.version}, format="json"
    )
    for response in (created, patched):
        assert response.status_code == 400
        assert response.json()[field] == ["Keep this to 20,000 characters or fewer (this one has 20001)."]
    assert Feature.objects.count() == 1
    at_limit = client.patch(
        f"/api/features/{feature.pk}/", {field: "y" * TEXT_LIMIT, "version": feature.version}, format="json"
    )
    assert at_limit.status_code == 200


@pytest.mark.parametrize("value", ["true", "0", "-5", "1.5", "ten"])
def test_a_junk_page_size_is_a_400_naming_the_parameter(api, alice, rail, value):
    response = api(alice).get("/api/features/", {"page_size": value})
    assert response.status_code == 400
    assert response.json() == {
        "page_size": [f"page_size must be a whole number from 1 to 1000, not {value!r}."]
    }


def test_a_page_size_over_the_maximum_gets_the_maximum(api, alice, rail):
    FeatureFactory(art=rail)
    response = api(alice).get(f"/api/arts/{rail.pk}/backlog/", {"page_size": "5000"})
    assert response.status_code == 200


def test_a_query_parameter_holding_nul_is_a_400_naming_it(api, alice, rail):
    response = api(alice).get("/api/features/", {"external_key": "RAIL-\x001"})
    assert response.status_code == 400
    assert response.json() == {"external_key": ["external_key must not contain NUL (\\0) characters."]}


def test_a_path_under_api_that_matches_nothing_is_a_json_404(api, alice, settings):
    settings.DEBUG = False
    response = api(alice).get("/api/tradeoffs/null,null/share/")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_options_answers_without_building_the_views_serializers(api, alice):
    response = api(alice).options("/api/tc-proposals/0/accept/")
    assert response.status_code == 200
    assert "actions" not in response.json()


def test_a_form_body_is_a_415_the_api_speaks_json(api, alice, rail):
    feature = FeatureFactory(art=rail)
    response = api(alice).patch(
        f"/api/features/{feature.pk}/", "-13805", content_type="multipart/form-data; boundary=x"
    )
    assert response.status_code == 415


def test_a_query_parameter_given_twice_is_a_400_naming_it(api, alice, rail):
    response = api(alice).get("/api/features/?page=1&page=2")
    assert (response.status_code, response.json()) == (
        400,
        {"page": ["page was given 2 times; give it once."]},
    )
