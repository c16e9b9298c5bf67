"""/api/teams/, /api/pis/, /api/epics/, /api/stakeholders/: bad input and how scripts sign in."""

import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from backlog.models import Epic, ProgramIncrement, Stakeholder, Team

pytestmark = pytest.mark.django_db


def rows(model) -> list[dict]:
    return list(model.objects.order_by("pk").values())


@pytest.mark.parametrize(
    "path, attr, model, who, label",
    [
        ("/api/teams/", "team", Team, "admin_user", "team"),
        ("/api/pis/", "pi", ProgramIncrement, "alice", "PI"),
        ("/api/epics/", "epic", Epic, "alice", "epic"),
        ("/api/stakeholders/", "stakeholder", Stakeholder, "admin_user", "stakeholder"),
    ],
)
def test_nothing_moves_to_another_art(request, api, rail_train, sea_train, path, attr, model, who, label):
    """alice edits Rail only: moving her epic into Sea would put it where she may not edit."""
    before = rows(model)
    item = getattr(rail_train, attr)
    response = api(request.getfixturevalue(who)).patch(
        f"{path}{item.pk}/", {"art": sea_train.art.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.data["art"] == [f"This {label} cannot move to another ART."]
    assert rows(model) == before


def test_an_epic_input_off_the_scale_is_refused_naming_the_scale(api, alice, rail_train):
    before = rows(Epic)
    response = api(alice).patch(f"/api/epics/{rail_train.epic.pk}/", {"job_size": 4}, format="json")
    assert response.status_code == 400
    assert response.data == {"job_size": ["4 is not on the scale 1, 2, 3, 5, 8, 13, 20"]}
    assert rows(Epic) == before


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"end_date": "2026-10-01"}, "end_date", "end_date must be after start_date."),
        ({"start_date": "2027-01-01"}, "end_date", "end_date must be after start_date."),
        ({"iterations": 1}, "iterations", "iterations must be 2 to 12."),
        ({"iterations": 13}, "iterations", "iterations must be 2 to 12."),
    ],
)
def test_a_pi_with_impossible_dates_or_iterations_is_refused(api, alice, rail_train, body, field, message):
    before = rows(ProgramIncrement)
    response = api(alice).patch(f"/api/pis/{rail_train.pi.pk}/", body, format="json")
    assert response.status_code == 400
    assert response.data[field] == [message]
    assert rows(ProgramIncrement) == before


@pytest.mark.parametrize(
    "path, model, who, body, message",
    [
        (
            "/api/teams/",
            Team,
            "admin_user",
            {"name": "Rail team", "velocity": 5},
            'a team with name "Rail team"',
        ),
        (
            "/api/pis/",
            ProgramIncrement,
            "alice",
            {"name": "Rail PI", "start_date": "2027-01-04", "end_date": "2027-03-14"},
            'a PI with name "Rail PI"',
        ),
        ("/api/epics/", Epic, "alice", {"title": "Rail epic"}, 'an epic with title "Rail epic"'),
        (
            "/api/stakeholders/",
            Stakeholder,
            "admin_user",
            {"name": "Rail stakeholder"},
            'a stakeholder with name "Rail stakeholder"',
        ),
    ],
)
def test_a_name_taken_in_the_art_is_refused_on_that_field(
    request, api, rail_train, path, model, who, body, message
):
    before = rows(model)
    client = api(request.getfixturevalue(who))
    response = client.post(path, {"art": rail_train.art.pk, **body}, format="json")
    assert response.status_code == 400
    (field,) = response.data
    assert response.data[field] == [f"Rail already has {message}."]
    assert rows(model) == before


def test_a_stakeholder_account_is_linked_once_per_art(api, admin_user, carol, rail_train):
    response = api(admin_user).patch(
        f"/api/stakeholders/{rail_train.stakeholder.pk}/", {"user": carol.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.data == {"user": ['Rail already has a stakeholder with user "carol".']}
    assert Stakeholder.objects.get(pk=rail_train.stakeholder.pk).user is None


def test_the_same_name_in_another_art_is_fine(api, alice, rail_train, sea_train):
    body = {"art": sea_train.art.pk, "title": "Rail epic"}
    assert api(alice).post("/api/epics/", body, format="json").status_code == 403  # not her ART
    body = {"art": rail_train.art.pk, "title": "Sea epic"}
    assert api(alice).post("/api/epics/", body, format="json").status_code == 201


def test_a_negative_team_velocity_is_refused(api, admin_user, rail_train):
    response = api(admin_user).patch(f"/api/teams/{rail_train.team.pk}/", {"velocity": -5}, format="json")
    assert response.status_code == 400
    assert "velocity" in response.data
    assert Team.objects.get(pk=rail_train.team.pk).velocity == 20


def test_stakeholders_show_what_they_asked_for(api, carol, rail_train):
    response = api(carol).get(f"/api/stakeholders/{rail_train.stakeholder.pk}/")
    assert response.data["requests"] == [{"feature": rail_train.feature.pk, "note": "Please, soon."}]


def test_a_browser_session_reads_the_api_and_writes_only_with_the_csrf_token(alice, rail_train):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get("/api/features/").status_code == 200
    response = client.patch(f"/api/features/{rail_train.feature.pk}/", {"title": "X"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.data["detail"]
    assert rail_train.feature.title == type(rail_train.feature).objects.get(pk=rail_train.feature.pk).title


def test_a_token_made_with_drf_create_token_signs_a_script_in(alice, rail_train):
    out = io.StringIO()
    call_command("drf_create_token", "alice", stdout=out)
    key = out.getvalue().split()[2]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get(f"/api/arts/{rail_train.art.pk}/backlog/")
    assert response.status_code == 200
    assert APIClient().get(f"/api/arts/{rail_train.art.pk}/backlog/").status_code == 401
