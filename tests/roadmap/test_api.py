"""GET /api/arts/{id}/forecast/: the shape, both modes, bad input, who may read it."""

from datetime import date, timedelta

import pytest

from backlog.models import Feature
from tests.factories import FeatureFactory, ProgramIncrementFactory, TeamFactory, art_rank_now

pytestmark = pytest.mark.django_db


def url(art, query: str = "") -> str:
    return f"/api/arts/{art.pk}/forecast/{query}"


def test_strict_forecast_has_the_issues_shape(api, alice, rail, roadmap):
    response = api(alice).get(url(rail))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"mode", "pis", "features"} and body["mode"] == "strict"
    now, following = body["pis"]
    assert now == {
        "id": roadmap["now"].pk,
        "name": "PI Now",
        "start_date": roadmap["now"].start_date.isoformat(),
        "end_date": roadmap["now"].end_date.isoformat(),
        "projected": False,
        "kinds": [
            {"kind": "business", "budget": "28.00", "used": "20.00"},
            {"kind": "enabler", "budget": "8.00", "used": "0.00"},
            {"kind": "exploration", "budget": "4.00", "used": "0.00"},
        ],
    }
    assert following["kinds"][0] == {"kind": "business", "budget": "28.00", "used": "23.00"}
    features = {row["id"]: row for row in body["features"]}
    assert features[roadmap["ticketing"].pk] == {
        "id": roadmap["ticketing"].pk,
        "pi": roadmap["now"].pk,
        "pi_name": "PI Now",
        "projected": False,
        "committed": False,
        "status": "forecast",
    }
    assert features[roadmap["seat_map"].pk]["pi_name"] == "PI Next"
    assert features[roadmap["refunds"].pk]["pi_name"] == "PI Next"
    assert features[roadmap["wifi"].pk] == {
        "id": roadmap["wifi"].pk,
        "pi": roadmap["next"].pk,
        "pi_name": "PI Next",
        "projected": False,
        "committed": True,
        "status": "committed",
    }
    assert features[roadmap["lounge"].pk]["status"] == "needs_estimate"
    assert features[roadmap["lounge"].pk]["pi"] is None
    assert features[roadmap["draft"].pk]["status"] == "unscored"
    # Rank order, unscored last.
    assert [row["id"] for row in body["features"]][-1] == roadmap["draft"].pk


def test_fill_mode_lets_a_smaller_feature_into_the_current_pi(api, alice, rail, roadmap):
    body = api(alice).get(url(rail, "?mode=fill")).json()
    features = {row["id"]: row for row in body["features"]}
    assert body["mode"] == "fill"
    assert features[roadmap["refunds"].pk]["pi_name"] == "PI Now"
    assert features[roadmap["seat_map"].pk]["pi_name"] == "PI Next"
    assert body["pis"][0]["kinds"][0]["used"] == "28.00"


def test_a_feature_forecast_past_the_last_pi_is_in_a_projection(api, alice, rail, roadmap):
    Feature.objects.filter(pk=roadmap["refunds"].pk).update(estimate_points=28)
    body = api(alice).get(url(rail)).json()
    projection = body["pis"][-1]
    assert (projection["id"], projection["name"], projection["projected"]) == (None, "PI Next + 1", True)
    assert projection["start_date"] == (roadmap["next"].end_date + timedelta(days=1)).isoformat()
    features = {row["id"]: row for row in body["features"]}
    assert features[roadmap["refunds"].pk] == {
        "id": roadmap["refunds"].pk,
        "pi": None,
        "pi_name": "PI Next + 1",
        "projected": True,
        "committed": False,
        "status": "forecast",
    }


def test_a_bad_mode_is_refused_naming_mode_and_what_is_allowed(api, alice, rail, roadmap):
    response = api(alice).get(url(rail, "?mode=greedy"))
    assert response.status_code == 400
    assert response.json() == {"mode": ['"greedy" is not allowed; use one of: strict, fill.']}


def test_an_art_without_a_pi_forecasts_nothing(api, alice, rail):
    body = api(alice).get(url(rail)).json()
    assert body == {"mode": "strict", "pis": [], "features": []}


def test_after_the_last_pi_has_ended_only_projections_are_filled(api, alice, rail):
    ended = ProgramIncrementFactory(
        art=rail, name="Old", start_date=date(2020, 1, 6), end_date=date(2020, 3, 15)
    )
    body = api(alice).get(url(rail)).json()
    assert [pi["name"] for pi in body["pis"]] == []  # nothing to forecast: no projection needed
    TeamFactory(art=rail, velocity=10)
    FeatureFactory(art=rail, estimate_points=5)
    art_rank_now(rail)
    body = api(alice).get(url(rail)).json()
    assert [pi["name"] for pi in body["pis"]] == ["Old + 1"]
    assert all(pi["projected"] for pi in body["pis"]) and ended.pk not in [pi["id"] for pi in body["pis"]]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 200), ("carol", 200), ("admin", 200), ("bob", 200), ("dave", 404), ("anonymous", 401)],
)
def test_who_may_read_the_forecast(client_of, rail, roadmap, persona, status):
    assert client_of(persona).get(url(rail)).status_code == status


def test_a_missing_art_is_404(api, alice, db):
    assert api(alice).get("/api/arts/999999/forecast/").status_code == 404


def test_the_forecast_costs_a_fixed_number_of_queries(
    api, alice, rail, roadmap, django_assert_max_num_queries
):
    client = api(alice)
    with django_assert_max_num_queries(14):
        assert client.get(url(rail)).status_code == 200


def test_the_schema_describes_the_forecast(api, alice):
    schema = api(alice).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/arts/{art_id}/forecast/"]["get"]
    assert [p["name"] for p in operation["parameters"] if p["in"] == "query"] == ["mode"]
    assert "ForecastOutput" in str(operation["responses"]["200"])
