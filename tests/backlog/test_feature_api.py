"""/api/features/: the contract of docs/api.md as a script sees it."""

from decimal import Decimal

import pytest

from backlog.models import Feature
from scoring.models import ScoringRun
from tests.factories import EpicFactory, FeatureFactory, ProgramIncrementFactory, TeamFactory, art_rank_now

pytestmark = pytest.mark.django_db

CONTRACT_FIELDS = {
    "id",
    "art",
    "pi",
    "epic",
    "team",
    "title",
    "description",
    "benefit_hypothesis",
    "acceptance_criteria",
    "kind",
    "status",
    "user_business_value",
    "time_criticality",
    "risk_reduction",
    "job_size",
    "estimate_points",
    "fixed_date",
    "created_at",
    "updated_at",
    "version",
    "cost_of_delay",
    "wsjf",
    "rank",
}
WSJF_INPUTS = ["user_business_value", "time_criticality", "risk_reduction", "job_size"]
SCALE_TEXT = "1, 2, 3, 5, 8, 13, 20"


@pytest.fixture
def feature(rail):
    """A ranked feature: CoD 13, WSJF 2.60, rank 1."""
    feature = FeatureFactory(
        art=rail,
        title="Saved cards",
        user_business_value=8,
        time_criticality=3,
        risk_reduction=2,
        job_size=5,
        estimate_points="8",
    )
    art_rank_now(rail)
    feature.refresh_from_db()
    return feature


def feature_row(feature: Feature) -> dict:
    return Feature.objects.filter(pk=feature.pk).values().get()


def test_create_returns_every_contract_field_with_cod_and_wsjf(api, alice, rail):
    team = TeamFactory(art=rail)
    pi = ProgramIncrementFactory(art=rail)
    epic = EpicFactory(art=rail)
    body = {
        "art": rail.pk,
        "pi": pi.pk,
        "epic": epic.pk,
        "team": team.pk,
        "title": "Apple Pay",
        "description": "Wallet payments.",
        "benefit_hypothesis": "More mobile conversions.",
        "acceptance_criteria": "- works on iOS",
        "kind": "business",
        "status": "analyzing",
        "user_business_value": 13,
        "time_criticality": 5,
        "risk_reduction": 5,
        "job_size": 5,
        "estimate_points": "13.0",
        "fixed_date": "2027-03-01",
    }
    response = api(alice).post("/api/features/", body, format="json")
    assert response.status_code == 201, response.data
    assert set(response.data) >= CONTRACT_FIELDS
    assert {name: response.data[name] for name in body} == body
    assert (response.data["cost_of_delay"], response.data["wsjf"], response.data["version"]) == (
        23,
        "4.60",
        1,
    )
    assert response.data["rank"] is None  # ranks come from the next scoring run
    assert Feature.objects.get(pk=response.data["id"]).wsjf == Decimal("4.60")


def test_create_with_only_a_title_gives_an_unscored_funnel_feature(api, alice, rail):
    response = api(alice).post("/api/features/", {"art": rail.pk, "title": "Idea"}, format="json")
    assert response.status_code == 201, response.data
    assert (response.data["kind"], response.data["status"]) == ("business", "funnel")
    assert [response.data[name] for name in (*WSJF_INPUTS, "cost_of_delay", "wsjf")] == [None] * 6


def test_create_without_title_or_art_names_both_fields(api, alice, rail):
    response = api(alice).post("/api/features/", {}, format="json")
    assert response.status_code == 400
    assert set(response.data) == {"art", "title"}
    assert not Feature.objects.exists()


def test_retrieve_shows_decimals_as_strings_and_the_version_as_etag(api, carol, feature):
    response = api(carol).get(f"/api/features/{feature.pk}/")
    assert response.status_code == 200
    assert set(response.data) >= CONTRACT_FIELDS
    assert (response.data["wsjf"], response.data["estimate_points"]) == ("2.60", "8.0")
    assert response["ETag"] == '"1"'


def test_list_is_paginated_and_holds_the_arts_features(api, bob, rail, feature):
    FeatureFactory(art=rail, title="Second")
    response = api(bob).get("/api/features/")
    assert response.status_code == 200
    assert set(response.data) >= {"count", "next", "previous", "results"}
    assert response.data["count"] == 2
    assert {row["title"] for row in response.data["results"]} == {"Saved cards", "Second"}
    assert set(response.data["results"][0]) >= CONTRACT_FIELDS


def test_patch_shows_new_cod_and_wsjf_at_once_and_bumps_the_version(api, alice, feature):
    response = api(alice).patch(
        f"/api/features/{feature.pk}/", {"user_business_value": 20, "version": 1}, format="json"
    )
    assert response.status_code == 200, response.data
    assert (response.data["cost_of_delay"], response.data["wsjf"], response.data["version"]) == (
        25,
        "5.00",
        2,
    )
    assert feature_row(feature)["version"] == 2


def test_patch_with_the_current_if_match_header_is_accepted(api, alice, feature):
    response = api(alice).patch(
        f"/api/features/{feature.pk}/", {"title": "Stored cards"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200, response.data
    assert (response.data["title"], response.data["version"]) == ("Stored cards", 2)


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_a_write_without_version_or_if_match_gets_428_and_changes_nothing(api, alice, feature, method):
    before = feature_row(feature)
    response = getattr(api(alice), method)(f"/api/features/{feature.pk}/", {"title": "Blind"}, format="json")
    assert response.status_code == 428
    assert "send the version you edited as `version`" in response.json()["detail"]
    assert "If-Match: *" in response.json()["detail"]
    assert feature_row(feature) == before


def test_delete_with_a_stale_version_gets_412_and_keeps_the_feature(api, alice, feature):
    client = api(alice)
    client.patch(f"/api/features/{feature.pk}/", {"title": "One", "version": 1}, format="json")
    response = client.delete(f"/api/features/{feature.pk}/", HTTP_IF_MATCH='"1"')
    assert response.status_code == 412
    assert response.json()["current"]["version"] == 2
    assert Feature.objects.filter(pk=feature.pk).exists()
    assert client.delete(f"/api/features/{feature.pk}/", {"version": 2}, format="json").status_code == 204


@pytest.mark.parametrize("how", ["body", "if-match"])
def test_a_stale_version_gets_412_with_the_current_data_and_overwrites_nothing(api, alice, feature, how):
    client = api(alice)
    client.patch(
        f"/api/features/{feature.pk}/",
        {"title": "Newer title", "job_size": 8},
        format="json",
        HTTP_IF_MATCH="*",
    )
    before = feature_row(feature)
    if how == "body":
        response = client.patch(
            f"/api/features/{feature.pk}/", {"title": "Stale", "job_size": 1, "version": 1}, format="json"
        )
    else:
        response = client.patch(
            f"/api/features/{feature.pk}/",
            {"title": "Stale", "job_size": 1},
            format="json",
            HTTP_IF_MATCH='"1"',
        )
    assert response.status_code == 412
    assert "version 2" in response.json()["detail"]
    current = response.json()["current"]
    assert (current["title"], current["job_size"], current["version"]) == ("Newer title", 8, 2)
    assert (current["wsjf"], current["estimate_points"], current["pi"]) == ("1.63", "8.0", None)
    assert feature_row(feature) == before


def test_an_unreadable_if_match_header_is_a_400_naming_the_header(api, alice, feature):
    response = api(alice).patch(
        f"/api/features/{feature.pk}/", {"title": "X"}, format="json", HTTP_IF_MATCH="yesterday"
    )
    assert response.status_code == 400
    assert "If-Match" in response.data
    assert feature_row(feature)["title"] == "Saved cards"


@pytest.mark.parametrize("field", WSJF_INPUTS)
@pytest.mark.parametrize("value", [0, 4, 21, -1, 2.5, "high"])
def test_a_wsjf_input_off_the_scale_is_refused_naming_field_and_scale(
    api, alice, rail, feature, field, value
):
    client = api(alice)
    created = client.post("/api/features/", {"art": rail.pk, "title": "New", field: value}, format="json")
    before = feature_row(feature)
    patched = client.patch(f"/api/features/{feature.pk}/", {field: value}, format="json")
    for response in (created, patched):
        assert response.status_code == 400
        assert list(response.data) == [field]
        assert response.data[field] == [f"{value} is not on the scale {SCALE_TEXT}"]
    assert Feature.objects.count() == 1
    assert feature_row(feature) == before


@pytest.mark.parametrize(
    "field, allowed",
    [
        ("kind", "business, enabler, exploration"),
        ("status", "funnel, analyzing, backlog, implementing, validating, done"),
    ],
)
def test_a_bad_kind_or_status_names_the_allowed_values(api, alice, rail, feature, field, allowed):
    client = api(alice)
    created = client.post("/api/features/", {"art": rail.pk, "title": "New", field: "urgent"}, format="json")
    patched = client.patch(f"/api/features/{feature.pk}/", {field: "urgent"}, format="json")
    for response in (created, patched):
        assert response.status_code == 400
        assert response.data[field] == [f'"urgent" is not allowed; use one of: {allowed}.']
    assert Feature.objects.count() == 1


@pytest.mark.parametrize(
    "field, factory, label",
    [("pi", ProgramIncrementFactory, "PI"), ("epic", EpicFactory, "Epic"), ("team", TeamFactory, "Team")],
)
def test_a_pi_epic_or_team_of_another_art_is_refused(api, alice, rail, sea, feature, field, factory, label):
    other = factory(art=sea)
    client = api(alice)
    before = feature_row(feature)
    created = client.post("/api/features/", {"art": rail.pk, "title": "New", field: other.pk}, format="json")
    patched = client.patch(f"/api/features/{feature.pk}/", {field: other.pk, "version": 1}, format="json")
    for response in (created, patched):
        assert response.status_code == 400
        assert response.data[field] == [f"{label} must belong to this feature's ART."]
    assert Feature.objects.count() == 1
    assert feature_row(feature) == before


def test_a_feature_cannot_move_to_another_art(api, admin_user, sea, feature):
    response = api(admin_user).patch(
        f"/api/features/{feature.pk}/", {"art": sea.pk, "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert response.data["art"] == ["This feature cannot move to another ART."]
    assert feature_row(feature)["art_id"] == feature.art_id


def test_estimate_points_below_half_a_point_is_refused(api, alice, feature):
    response = api(alice).patch(f"/api/features/{feature.pk}/", {"estimate_points": "0"}, format="json")
    assert response.status_code == 400
    assert response.data["estimate_points"] == ["estimate_points must be at least 0.5 story points."]


def test_score_columns_and_version_cannot_be_written(api, alice, feature):
    response = api(alice).patch(
        f"/api/features/{feature.pk}/",
        {"wsjf": "99.00", "rank": 1, "cost_of_delay": 60, "version": 1},
        format="json",
    )
    assert response.status_code == 200
    assert (response.data["wsjf"], response.data["rank"], response.data["cost_of_delay"]) == ("2.60", 1, 13)
    assert feature_row(feature) == Feature.objects.filter(pk=feature.pk).values().get()
    assert (feature_row(feature)["version"], str(feature_row(feature)["wsjf"])) == (1, "2.60")


def test_delete_removes_the_feature(api, alice, feature):
    response = api(alice).delete(f"/api/features/{feature.pk}/", HTTP_IF_MATCH='"1"')
    assert response.status_code == 204
    assert not Feature.objects.filter(pk=feature.pk).exists()
    assert api(alice).get(f"/api/features/{feature.pk}/").status_code == 404


def pending_runs(art) -> int:
    return ScoringRun.objects.filter(art=art, status=ScoringRun.Status.PENDING).count()


@pytest.mark.parametrize(
    "change",
    [{"job_size": 1}, {"status": "done"}, {"user_business_value": None}],
    ids=["input", "status", "input-cleared"],
)
def test_a_change_that_decides_the_rank_queues_a_scoring_run(
    api, alice, rail, feature, change, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(alice).patch(f"/api/features/{feature.pk}/", {**change, "version": 1}, format="json")
    assert response.status_code == 200, response.data
    assert pending_runs(rail) == 1


def test_a_change_of_title_only_queues_no_run(api, alice, rail, feature, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api(alice).patch(
            f"/api/features/{feature.pk}/", {"title": "Stored cards", "version": 1}, format="json"
        )
    assert pending_runs(rail) == 0


def test_creating_and_deleting_queue_a_scoring_run(
    api, alice, rail, feature, django_capture_on_commit_callbacks
):
    client = api(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/api/features/", {"art": rail.pk, "title": "New", "job_size": 2}, format="json")
    assert pending_runs(rail) == 1
    ScoringRun.objects.filter(art=rail).delete()
    with django_capture_on_commit_callbacks(execute=True):
        client.delete(f"/api/features/{feature.pk}/", HTTP_IF_MATCH="*")
    assert pending_runs(rail) == 1


def test_the_etag_of_a_patch_is_the_if_match_of_the_next_one(api, alice, feature):
    client = api(alice)
    first = client.patch(f"/api/features/{feature.pk}/", {"title": "One"}, format="json", HTTP_IF_MATCH='"1"')
    assert first["ETag"] == '"2"'
    second = client.patch(
        f"/api/features/{feature.pk}/", {"title": "Two"}, format="json", HTTP_IF_MATCH=first["ETag"]
    )
    assert (second.status_code, second["ETag"]) == (200, '"3"')


def test_if_match_star_accepts_any_current_version(api, alice, feature):
    client = api(alice)
    client.patch(f"/api/features/{feature.pk}/", {"title": "One", "version": 1}, format="json")
    response = client.patch(
        f"/api/features/{feature.pk}/", {"title": "Two"}, format="json", HTTP_IF_MATCH="*"
    )
    assert (response.status_code, response.data["version"]) == (200, 3)
