"""The roles table of docs/roles.md, for every endpoint and method of backlog's API (the ranked
backlog's own are in tests/scoring/test_backlog_api.py).

admin: everything. alice (POPM of Rail): reads all, writes PIs, epics and features of Rail;
ARTs, teams and stakeholders are managed by admins. bob (POPM of Sea): reads Rail, writes
nothing there. carol (stakeholder of Rail): reads Rail only, writes nothing. dave (no role):
sees nothing (empty lists, 404). Anonymous: 401. A refused write changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Model

from backlog.models import Art, Epic, Feature, ProgramIncrement, Stakeholder, Team
from tests.factories import Train

pytestmark = pytest.mark.django_db

PERSONAS = ["admin", "alice", "bob", "carol", "dave", "anonymous"]
ARTS_VISIBLE = {"admin": {"Rail", "Sea"}, "alice": {"Rail", "Sea"}, "bob": {"Rail", "Sea"}, "carol": {"Rail"}}


@dataclass(frozen=True)
class Resource:
    path: str
    model: type[Model]
    train_attr: str  # which object of the Rail train the item endpoints act on
    create_body: Callable[[Train], dict[str, Any]]
    patch_body: dict[str, Any]
    popm_writes: bool  # False: admin-only writes (admins manage ARTs, teams and people)

    def __str__(self) -> str:
        return self.path


RESOURCES = [
    Resource("/api/arts/", Art, "art", lambda t: {"name": "Tram"}, {"description": "Changed"}, False),
    Resource(
        "/api/teams/",
        Team,
        "team",
        lambda t: {"art": t.art.pk, "name": "New team", "velocity": 30},
        {"velocity": 99},
        False,
    ),
    Resource(
        "/api/pis/",
        ProgramIncrement,
        "pi",
        lambda t: {"art": t.art.pk, "name": "PI 9", "start_date": "2027-01-04", "end_date": "2027-03-14"},
        {"name": "Renamed PI"},
        True,
    ),
    Resource(
        "/api/epics/", Epic, "epic", lambda t: {"art": t.art.pk, "title": "New epic"}, {"title": "X"}, True
    ),
    Resource(
        "/api/features/",
        Feature,
        "feature",
        lambda t: {"art": t.art.pk, "title": "New feature", "user_business_value": 5},
        {"title": "Renamed", "job_size": 1},
        True,
    ),
    Resource(
        "/api/stakeholders/",
        Stakeholder,
        "stakeholder",
        lambda t: {"art": t.art.pk, "name": "New Person", "title": "CFO"},
        {"title": "CEO"},
        False,
    ),
]


def table_snapshot(model: type[Model]) -> list[dict]:
    return list(model.objects.order_by("pk").values())


def expected_write_status(persona: str, action: str, resource: Resource) -> int:
    if persona == "anonymous":
        return 401
    if persona == "admin" or (persona == "alice" and resource.popm_writes):
        return {"create": 201, "patch": 200, "delete": 204}[action]
    if persona == "dave" and action != "create":
        return 404  # dave cannot see Rail: for him its objects do not exist
    return 403


def art_names_in(resource: Resource, rows: list[dict]) -> set[str]:
    if resource.model is Art:
        return {row["name"] for row in rows}
    return set(Art.objects.filter(pk__in=[row["art"] for row in rows]).values_list("name", flat=True))


@pytest.mark.parametrize("resource", RESOURCES, ids=str)
@pytest.mark.parametrize("persona", PERSONAS)
def test_list_shows_the_arts_the_persona_may_read(persona, resource, client_of, rail_train, sea_train):
    response = client_of(persona).get(resource.path)
    if persona == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    assert response.data["count"] == len(response.data["results"])
    assert art_names_in(resource, response.data["results"]) == ARTS_VISIBLE.get(persona, set())


@pytest.mark.parametrize("resource", RESOURCES, ids=str)
@pytest.mark.parametrize("persona", PERSONAS)
def test_retrieve_answers_readers_and_hides_from_others(persona, resource, client_of, rail_train, sea_train):
    item = getattr(rail_train, resource.train_attr)
    response = client_of(persona).get(f"{resource.path}{item.pk}/")
    expected = {"anonymous": 401, "dave": 404}.get(persona, 200)
    assert response.status_code == expected
    if expected == 200:
        assert response.data["id"] == item.pk


@pytest.mark.parametrize("action", ["create", "patch", "delete"])
@pytest.mark.parametrize("resource", RESOURCES, ids=str)
@pytest.mark.parametrize("persona", PERSONAS)
def test_writes_follow_the_roles_table(persona, resource, action, client_of, rail_train, sea_train):
    client = client_of(persona)
    item = getattr(rail_train, resource.train_attr)
    before = table_snapshot(resource.model)
    if action == "create":
        response = client.post(resource.path, resource.create_body(rail_train), format="json")
    elif action == "patch":
        # If-Match: * ("whatever is there"): a versioned resource needs a precondition (428).
        response = client.patch(
            f"{resource.path}{item.pk}/", resource.patch_body, format="json", HTTP_IF_MATCH="*"
        )
    else:
        response = client.delete(f"{resource.path}{item.pk}/", HTTP_IF_MATCH="*")
    expected = expected_write_status(persona, action, resource)
    assert response.status_code == expected, response.data
    after = table_snapshot(resource.model)
    if expected >= 400:
        assert after == before, "a refused write changed something"
        assert response.data["detail"]
    elif action == "create":
        assert len(after) == len(before) + 1
    elif action == "patch":
        item.refresh_from_db()
        assert all(getattr(item, name) == value for name, value in resource.patch_body.items())
    else:
        assert not resource.model.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize("resource", RESOURCES, ids=str)
def test_put_is_not_offered_use_patch(resource, client_of, rail_train):
    item = getattr(rail_train, resource.train_attr)
    before = table_snapshot(resource.model)
    response = client_of("admin").put(
        f"{resource.path}{item.pk}/", resource.create_body(rail_train), format="json"
    )
    assert response.status_code == 405
    assert table_snapshot(resource.model) == before
