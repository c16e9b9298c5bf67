"""The outcomes API: indicators, measurements, objectives, predictability, flow, the verdict."""

from decimal import Decimal

import pytest

from backlog.models import FeatureChange
from scoring.outcomes.models import PIObjective
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams(rail_train):
    return {"payments": rail_train.team, "checkout": TeamFactory(art=rail_train.art, name="Checkout")}


def objective_post(client, pi, **fields):
    body = {"title": "An objective", "committed": True, "planned_value": 5, **fields}
    return client.post(f"/api/pis/{pi.pk}/objectives/", body, format="json")


def test_predictability_by_hand_with_stretch_a_team_with_none_and_an_art_objective(
    client_of, rail_train, teams
):
    alice, pi = client_of("alice"), rail_train.pi
    payments = teams["payments"].pk
    for fields in [
        {"team": payments, "planned_value": 8, "actual_value": 8},
        {"team": payments, "planned_value": 7, "actual_value": 5},
        {"team": payments, "committed": False, "planned_value": 4, "actual_value": 3},
        {"team": None, "planned_value": 10, "actual_value": 9},
    ]:
        assert objective_post(alice, pi, **fields).status_code == 201
    response = client_of("carol").get(f"/api/pis/{pi.pk}/predictability/")
    assert response.status_code == 200
    # ART: planned 8 + 7 + 10 = 25; actual 8 + 5 + 3 + 9 = 25 -> 100.00.
    assert response.data["art"] == {"planned": "25", "actual": "25", "percent": "100.00"}
    by_team = {row["team"]: row for row in response.data["teams"]}
    assert by_team[payments] == {"team": payments, "planned": "15", "actual": "16", "percent": "106.67"}
    assert by_team[teams["checkout"].pk] == {
        "team": teams["checkout"].pk,
        "planned": "0",
        "actual": "0",
        "percent": None,
    }


def test_a_pi_with_no_committed_objective_has_a_null_percent(client_of, rail_train):
    objective_post(client_of("alice"), rail_train.pi, committed=False, planned_value=3, actual_value=3)
    data = client_of("alice").get(f"/api/pis/{rail_train.pi.pk}/predictability/").data
    assert data["art"] == {"planned": "0", "actual": "3", "percent": None}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("planned_value", 11, "must be a whole number 1 to 10."),
        ("planned_value", 0, "must be a whole number 1 to 10."),
        ("actual_value", "high", "must be a whole number 1 to 10 or null."),
        ("team", 999999, "team must be a team of this PI's ART, or null for an ART objective."),
        ("features", [999999], "No feature of this ART with id 999999."),
    ],
)
def test_a_bad_objective_is_refused_naming_the_field(client_of, rail_train, field, value, message):
    response = objective_post(client_of("alice"), rail_train.pi, **{field: value})
    assert response.status_code == 400
    assert message in response.data[field][0]
    assert not PIObjective.objects.exists()


def test_another_arts_team_or_feature_cannot_be_linked(client_of, rail_train, sea_train):
    alice = client_of("alice")
    assert objective_post(alice, rail_train.pi, team=sea_train.team.pk).status_code == 400
    assert objective_post(alice, rail_train.pi, features=[sea_train.feature.pk]).status_code == 400


def test_patch_needs_a_version_and_a_stale_one_changes_nothing(client_of, rail_train):
    alice = client_of("alice")
    created = objective_post(alice, rail_train.pi, features=[rail_train.feature.pk]).data
    assert created["features"] == [rail_train.feature.pk]
    url = f"/api/objectives/{created['id']}/"
    assert alice.patch(url, {"actual_value": 4}, format="json").status_code == 428
    ok = alice.patch(url, {"actual_value": 4, "version": 1}, format="json")
    assert ok.status_code == 200 and ok.data["actual_value"] == 4 and ok.data["version"] == 2
    assert ok["ETag"] == '"2"'
    stale = alice.patch(url, {"actual_value": 9}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale.data["current"]["actual_value"] == 4
    assert (
        alice.patch(url, {"actual_value": None}, format="json", HTTP_IF_MATCH="*").data["actual_value"]
        is None
    )


@pytest.mark.parametrize(
    ("persona", "status"), [("alice", 201), ("admin", 201), ("carol", 403), ("bob", 403), ("dave", 404)]
)
def test_business_values_are_recorded_by_the_arts_popms_and_admins(
    client_of, rail_train, bob, admin_user, dave, persona, status
):
    assert objective_post(client_of(persona), rail_train.pi).status_code == status


def test_stakeholders_read_objectives_and_other_arts_do_not_see_them(client_of, rail_train, sea_train, bob):
    objective = objective_post(client_of("alice"), rail_train.pi).data
    assert client_of("carol").get(f"/api/pis/{rail_train.pi.pk}/objectives/").data[0]["id"] == objective["id"]
    carol_patch = client_of("carol").patch(
        f"/api/objectives/{objective['id']}/", {"version": 1}, format="json"
    )
    assert carol_patch.status_code == 403
    # bob is POPM of Sea: he reads Rail (POPMs read every ART) but may not change it.
    assert (
        client_of("bob")
        .patch(f"/api/objectives/{objective['id']}/", {"version": 1}, format="json")
        .status_code
        == 403
    )
    assert client_of("dave").get(f"/api/objectives/{objective['id']}/").status_code == 404
    assert client_of("anonymous").get(f"/api/pis/{rail_train.pi.pk}/predictability/").status_code in (
        401,
        403,
    )


def test_delete_of_an_objective_needs_a_version(client_of, rail_train):
    alice = client_of("alice")
    objective = objective_post(alice, rail_train.pi).data
    assert alice.delete(f"/api/objectives/{objective['id']}/").status_code == 428
    assert alice.delete(f"/api/objectives/{objective['id']}/?version=1").status_code == 204


def test_indicator_with_measurements_and_progress(client_of, rail_train):
    alice, feature = client_of("alice"), rail_train.feature
    body = {
        "name": "Checkout conversion",
        "unit": "%",
        "baseline": "2.1",
        "target": "2.5",
        "due_date": "2027-03-31",
    }
    created = alice.post(f"/api/features/{feature.pk}/indicators/", body, format="json")
    assert created.status_code == 201
    url = f"/api/indicators/{created.data['id']}/measurements/"
    assert alice.post(url, {"measured_on": "2026-01-10", "value": "2.2"}, format="json").status_code == 201
    assert alice.post(url, {"measured_on": "2026-02-10", "value": "2.3"}, format="json").status_code == 201
    listed = client_of("carol").get(f"/api/features/{feature.pk}/indicators/").data
    assert listed[0]["progress"] == "50.00"
    assert [m["value"] for m in listed[0]["measurements"]] == ["2.2000", "2.3000"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"baseline": "x"}, "baseline", "baseline must be a number"),
        ({"target": "2.1"}, "target", "target must differ from baseline"),
        ({"name": ""}, "name", ""),
        ({"due_date": "31/03/2027"}, "due_date", ""),
    ],
)
def test_a_bad_indicator_is_refused_naming_the_field(client_of, rail_train, body, field, message):
    full = {"name": "Conversion", "baseline": "2.1", "target": "2.5", "due_date": "2027-03-31", **body}
    response = client_of("alice").post(
        f"/api/features/{rail_train.feature.pk}/indicators/", full, format="json"
    )
    assert response.status_code == 400
    assert message in str(response.data[field][0])


def test_a_measurement_in_the_future_is_refused(client_of, rail_train):
    alice = client_of("alice")
    body = {"name": "Conversion", "baseline": "2.1", "target": "2.5", "due_date": "2027-03-31"}
    indicator = alice.post(f"/api/features/{rail_train.feature.pk}/indicators/", body, format="json").data
    response = alice.post(
        f"/api/indicators/{indicator['id']}/measurements/",
        {"measured_on": "2999-01-01", "value": "2"},
        format="json",
    )
    assert response.status_code == 400 and "future" in response.data["measured_on"][0]
    carol = client_of("carol").post(
        f"/api/indicators/{indicator['id']}/measurements/",
        {"measured_on": "2026-01-01", "value": "2"},
        format="json",
    )
    assert carol.status_code == 403


def test_the_outcome_verdict_is_a_feature_field_with_history(client_of, rail_train):
    feature = rail_train.feature
    alice = client_of("alice")
    response = alice.patch(
        f"/api/features/{feature.pk}/",
        {"outcome_verdict": "achieved", "version": feature.version},
        format="json",
    )
    assert response.status_code == 200 and response.data["outcome_verdict"] == "achieved"
    change = FeatureChange.objects.filter(feature=feature).first()
    assert change.changes["outcome_verdict"] == ["", "achieved"]
    bad = alice.patch(
        f"/api/features/{feature.pk}/",
        {"outcome_verdict": "great", "version": response.data["version"]},
        format="json",
    )
    assert bad.status_code == 400
    assert "exceeded, achieved, partly, not_achieved, too_early" in bad.data["outcome_verdict"][0]


def test_flow_api_names_a_bad_pis_parameter(client_of, rail_train, sea_train):
    alice = client_of("alice")
    assert alice.get(f"/api/arts/{rail_train.art.pk}/flow/?pis=abc").status_code == 400
    wrong = alice.get(f"/api/arts/{rail_train.art.pk}/flow/?pis={sea_train.pi.pk}")
    assert wrong.status_code == 400 and "No PI of this ART" in wrong.data["pis"][0]
    ok = alice.get(f"/api/arts/{rail_train.art.pk}/flow/?pis={rail_train.pi.pk}")
    assert ok.status_code == 200
    assert ok.data["pis"][0]["distribution"][1] == {
        "kind": "enabler",
        "features": 0,
        "points": "0",
        "delivered_percent": None,
        "planned_percent": "20",
    }
    assert Decimal(ok.data["pis"][0]["done_points"]) == 0
