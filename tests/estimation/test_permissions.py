"""Who may do what in an estimation session (DOMAIN.md's roles table, docs/roles.md).

Session invites carol (stakeholder of Rail); erin is a stakeholder of Rail not invited.
"""

import pytest

from scoring.estimation import services
from scoring.estimation.models import Vote
from tests.estimation.conftest import session_open

UBV = "user_business_value"


@pytest.fixture
def invited_carol(candidates, alice, carol, erin):
    return session_open(candidates, alice, [carol])


@pytest.mark.parametrize(
    "persona, status",
    [
        ("admin", 200),
        ("alice", 200),
        ("carol", 200),
        ("erin", 404),
        ("bob", 404),
        ("dave", 404),
        ("anonymous", 401),
    ],
)
def test_who_may_read_a_session(client_of, invited_carol, persona, status):
    answer = client_of(persona).get(f"/api/estimations/{invited_carol.pk}/")
    assert answer.status_code == status


@pytest.mark.parametrize(
    "persona, status",
    [
        ("carol", 200),
        ("alice", 403),
        ("admin", 403),
        ("erin", 404),
        ("bob", 404),
        ("dave", 404),
        ("anonymous", 401),
    ],
)
def test_only_the_invited_vote(client_of, invited_carol, candidates, persona, status):
    answer = client_of(persona).post(
        f"/api/estimations/{invited_carol.pk}/votes/",
        {"feature": candidates.checkout.pk, "column": UBV, "value": 5},
        format="json",
    )
    assert answer.status_code == status
    assert Vote.objects.count() == (1 if status == 200 else 0)


@pytest.mark.parametrize(
    "persona, status",
    [
        ("alice", 200),
        ("admin", 200),
        ("carol", 403),
        ("erin", 404),
        ("bob", 404),
        ("dave", 404),
        ("anonymous", 401),
    ],
)
@pytest.mark.parametrize("step", ["reveal", "next-column", "close"])
def test_only_the_arts_popms_and_admins_run_a_session(client_of, invited_carol, persona, status, step):
    if step == "next-column":
        services.round_reveal(session=invited_carol, acting_user=None)
    answer = client_of(persona).post(f"/api/estimations/{invited_carol.pk}/{step}/", {}, format="json")
    assert answer.status_code == status


@pytest.mark.parametrize(
    "persona, status",
    [("alice", 201), ("admin", 201), ("carol", 403), ("bob", 403), ("dave", 404), ("anonymous", 401)],
)
def test_who_may_create_a_session(client_of, candidates, carol, persona, status):
    answer = client_of(persona).post(
        f"/api/arts/{candidates.art.pk}/estimations/",
        {"name": "S", "features": candidates.ids, "participants": [carol.pk]},
        format="json",
    )
    assert answer.status_code == status


def test_the_session_list_holds_only_the_sessions_a_person_may_open(
    api, candidates, invited_carol, alice, carol, erin
):
    url = f"/api/arts/{candidates.art.pk}/estimations/"
    assert [row["id"] for row in api(alice).get(url).json()["results"]] == [invited_carol.pk]
    assert [row["id"] for row in api(carol).get(url).json()["results"]] == [invited_carol.pk]
    assert api(erin).get(url).json()["count"] == 0


@pytest.mark.parametrize(
    "persona, status", [("alice", 200), ("carol", 200), ("erin", 404), ("bob", 404), ("dave", 404)]
)
def test_who_may_open_the_session_page(client, request, invited_carol, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/estimations/{invited_carol.pk}/").status_code == status


@pytest.mark.parametrize(
    "persona, status", [("alice", 200), ("admin_user", 200), ("carol", 403), ("bob", 403), ("dave", 404)]
)
def test_bias_per_person_is_for_popms_only(client, request, candidates, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/arts/{candidates.art.pk}/estimations/bias/").status_code == status


def test_a_stakeholder_cannot_press_the_popm_buttons_on_the_page(client, invited_carol, carol):
    client.force_login(carol)
    for step in ("reveal", "next-column", "close", "open"):
        assert client.post(f"/estimations/{invited_carol.pk}/{step}/").status_code == 403
    invited_carol.refresh_from_db()
    assert invited_carol.state == "open"
    assert not invited_carol.rounds.filter(revealed_at__isnull=False).exists()
