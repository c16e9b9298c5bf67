"""The rescoring API: lists, roles, accept and dismiss (412, 409, 400), history, query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backlog.models import Feature, FeatureChange
from backlog.services import feature_update
from scoring.rescoring.models import TcProposal
from scoring.rescoring.services import art_rescoring_check
from tests.factories import art_rank_now
from tests.rescoring.conftest import TODAY, utc

pytestmark = pytest.mark.django_db

READERS = {"alice": 200, "bob": 200, "carol": 200, "admin": 200, "dave": 404, "anonymous": 401}
WRITERS = {"alice": 200, "admin": 200, "bob": 403, "carol": 403, "dave": 404, "anonymous": 401}


@pytest.fixture
def checked(rail_dates, bob, carol, dave):
    art_rescoring_check(art_id=rail_dates.art.pk, today=TODAY)
    return rail_dates


def proposal_of(train) -> TcProposal:
    return TcProposal.objects.get(feature=train.ledger, status="open")


def accept(client, proposal, **kwargs):
    return client.post(
        f"/api/tc-proposals/{proposal.pk}/accept/", kwargs.pop("body", {}), format="json", **kwargs
    )


def test_stale_scores_are_listed_by_who_scored_them_with_when_the_check_ran(api, alice, checked):
    body = api(alice).get(f"/api/arts/{checked.art.pk}/stale-scores/").json()
    assert body["count"] == 2
    assert body["checked_at"].endswith("Z")
    assert [(row["scored_by"], row["title"], row["rank"]) for row in body["results"]] == [
        ("alice", "Checkout", 1),
        ("erin", "Fraud", 3),
    ]
    assert body["results"][0] | {"flagged_at": None} == {
        "feature": checked.checkout.pk,
        "title": "Checkout",
        "rank": 1,
        "status": "backlog",
        "scored_at": "2026-09-20T09:00:00Z",
        "scored_by": "alice",
        "pi": checked.pi.pk,
        "pi_name": "PI 26.4",
        "flagged_at": None,
    }


def test_proposals_are_listed_with_their_reason_and_filtered_by_status(api, alice, checked):
    body = api(alice).get(f"/api/arts/{checked.art.pk}/tc-proposals/", {"status": "open"}).json()
    (row,) = body["results"]
    assert (row["feature_title"], row["from_value"], row["to_value"], row["late"]) == ("Ledger", 5, 8, True)
    assert (row["iterations_left"], row["finishes_in"], row["rank"]) == ("3.0", "4.5", 2)
    assert row["reason"].startswith("3 iterations left to 2026-12-14; at rank 2 it finishes in 4.5")
    dismissed = api(alice).get(f"/api/arts/{checked.art.pk}/tc-proposals/", {"status": "dismissed"}).json()
    assert dismissed["count"] == 0


def test_an_unknown_status_filter_is_a_400_naming_it(api, alice, checked):
    response = api(alice).get(f"/api/arts/{checked.art.pk}/tc-proposals/", {"status": "maybe"})
    assert response.status_code == 400
    assert response.json()["status"] == [
        '"maybe" is not allowed; use one of: open, accepted, dismissed, withdrawn.'
    ]


def test_fixed_dates_show_red_ones_first_and_say_why_others_have_no_proposal(api, alice, checked):
    # Move the fixed dates so that today is to them what 2026-11-02 was.
    shift = timezone.localdate() - TODAY
    for feature in (checked.ledger, checked.fraud, checked.badge):
        Feature.objects.filter(pk=feature.pk).update(fixed_date=feature.fixed_date + shift)
    body = api(alice).get(f"/api/arts/{checked.art.pk}/fixed-dates/").json()
    rows = [
        (r["title"], r["state"], r["late"], r["proposed_tc"], r["open_proposal"]) for r in body["results"]
    ]
    assert rows == [
        ("Ledger", "late", True, 8, proposal_of(checked).pk),
        ("Badge", "unknown", False, None, None),
        ("Fraud", "on_track", False, None, None),
    ]
    assert body["results"][1]["reason"] == "No estimate: popm cannot tell when it finishes."
    assert (body["results"][2]["iterations_left"], body["results"][2]["finishes_in"]) == ("7.0", "5.0")


@pytest.mark.parametrize("path", ["stale-scores", "tc-proposals", "fixed-dates"])
@pytest.mark.parametrize(("persona", "status"), READERS.items())
def test_who_may_read_the_lists(client_of, checked, path, persona, status):
    assert client_of(persona).get(f"/api/arts/{checked.art.pk}/{path}/").status_code == status


@pytest.mark.parametrize("action", ["accept", "dismiss"])
@pytest.mark.parametrize(("persona", "status"), WRITERS.items())
def test_who_may_accept_or_dismiss(client_of, checked, action, persona, status):
    proposal = proposal_of(checked)
    response = client_of(persona).post(f"/api/tc-proposals/{proposal.pk}/{action}/", {}, format="json")
    assert response.status_code == status
    proposal.refresh_from_db()
    assert proposal.is_open == (status != 200)
    assert Feature.objects.get(pk=checked.ledger.pk).time_criticality == (
        8 if (status, action) == (200, "accept") else 5
    )


def test_accepting_shows_in_the_feature_history_as_the_scheduled_job(api, alice, checked):
    proposal = proposal_of(checked)
    response = accept(api(alice), proposal)
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["decided_by"]) == ("accepted", "alice")
    history = api(alice).get(f"/api/features/{checked.ledger.pk}/history/").json()["results"]
    latest = history[0]
    assert (latest["door"], latest["source"], latest["changed_by"]) == (
        "job",
        f"TC proposal {proposal.pk}",
        "alice",
    )
    assert latest["changes"]["time_criticality"] == {"from": 5, "to": 8}
    assert FeatureChange.objects.filter(feature=checked.ledger, door="job").count() == 1


def test_accepting_after_the_feature_changed_answers_412_with_the_feature_now(api, alice, checked):
    proposal = proposal_of(checked)
    feature_update(feature=checked.ledger, acting_user=alice, door=FeatureChange.Door.PAGE, title="Ledger v2")
    response = accept(api(alice), proposal)
    assert response.status_code == 412
    body = response.json()
    assert "changed meanwhile" in body["detail"]
    assert (body["current"]["title"], body["current"]["time_criticality"]) == ("Ledger v2", 5)
    assert proposal_of(checked).is_open


def test_accept_takes_the_version_seen_in_the_body_or_if_match(api, alice, checked):
    proposal = proposal_of(checked)
    ledger = feature_update(
        feature=checked.ledger, acting_user=alice, door=FeatureChange.Door.PAGE, title="v2"
    )
    stale = accept(api(alice), proposal, HTTP_IF_MATCH=f'"{proposal.feature_version}"')
    assert stale.status_code == 412
    fresh = accept(api(alice), proposal, HTTP_IF_MATCH=f'"{ledger.version}"')
    assert fresh.status_code == 200
    assert Feature.objects.get(pk=ledger.pk).time_criticality == 8


def test_a_bad_version_is_a_400_naming_it(api, alice, checked):
    proposal = proposal_of(checked)
    assert accept(api(alice), proposal, body={"version": "abc"}).json() == {
        "version": ["A valid integer is required."]
    }
    assert "If-Match" in accept(api(alice), proposal, HTTP_IF_MATCH="yesterday").json()
    assert proposal_of(checked).is_open


def test_answering_a_closed_proposal_is_a_409_that_says_so(api, alice, checked):
    proposal = proposal_of(checked)
    assert api(alice).post(f"/api/tc-proposals/{proposal.pk}/dismiss/").status_code == 200
    for action in ("accept", "dismiss"):
        response = api(alice).post(f"/api/tc-proposals/{proposal.pk}/{action}/", {}, format="json")
        assert response.status_code == 409
        body = response.json()
        assert body["status"] == "dismissed"
        assert body["detail"].startswith("This proposal was already dismissed by alice on ")
        assert body["detail"].endswith("UTC. Nothing changed.")
    assert Feature.objects.get(pk=checked.ledger.pk).time_criticality == 5


def test_a_proposal_in_an_art_you_cannot_read_does_not_exist(api, sea_train, checked, dave):
    proposal = proposal_of(checked)
    assert api(dave).post(f"/api/tc-proposals/{proposal.pk}/accept/").json() == {
        "detail": "No such proposal."
    }
    assert api(dave).post("/api/tc-proposals/999999/accept/").status_code == 404


def add_features(train, count: int, offset: int) -> None:
    """count more stale, late features with proposals."""
    for index in range(count):
        Feature.objects.create(
            art=train.art,
            title=f"More {offset + index}",
            status="backlog",
            user_business_value=1,
            time_criticality=1,
            risk_reduction=1,
            job_size=20,
            estimate_points=5,
            fixed_date=TODAY + timedelta(days=7),
            scored_at=utc("2026-09-01"),
        )
    art_rank_now(train.art)
    art_rescoring_check(art_id=train.art.pk, today=TODAY)


@pytest.mark.parametrize("path", ["stale-scores", "tc-proposals", "fixed-dates"])
def test_a_list_costs_the_same_queries_for_3_rows_and_for_30(api, alice, checked, path):
    client = api(alice)
    counts = []
    for count, offset in ((3, 0), (27, 3)):
        add_features(checked, count, offset)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/arts/{checked.art.pk}/{path}/", {"page_size": 1000})
        assert response.status_code == 200
        counts.append((len(queries), response.json()["count"]))
    (few, few_rows), (many, many_rows) = counts
    assert many_rows > few_rows + 20
    assert few == many


def test_the_schema_documents_every_rescoring_endpoint(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    for path in ("stale-scores", "tc-proposals", "fixed-dates"):
        assert set(paths[f"/api/arts/{{art_id}}/{path}/"]) == {"get"}
    for action in ("accept", "dismiss"):
        assert set(paths[f"/api/tc-proposals/{{proposal_id}}/{action}/"]) == {"post"}
    statuses = paths["/api/arts/{art_id}/tc-proposals/"]["get"]["parameters"]
    assert "status" in [parameter["name"] for parameter in statuses]
