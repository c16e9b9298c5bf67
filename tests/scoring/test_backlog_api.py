"""GET /api/arts/{id}/backlog/: the ranked backlog as a script sees it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backlog.models import Feature
from scoring.models import ScoringRun
from scoring.services import scoring_run_execute
from tests.factories import (
    FeatureFactory,
    ProgramIncrementFactory,
    TeamFactory,
    art_rank_now,
    features_bulk,
    scored,
)

pytestmark = pytest.mark.django_db


def backlog(client, art, **params) -> dict:
    response = client.get(f"/api/arts/{art.pk}/backlog/", params)
    assert response.status_code == 200, response.data
    return response.json()


def test_rows_come_in_rank_order_with_scores_and_unranked_last(api, carol, rail):
    FeatureFactory(art=rail, title="no job size", job_size=None)
    FeatureFactory(art=rail, title="middle", user_business_value=8, job_size=3)  # 11 / 3 = 3.67
    FeatureFactory(art=rail, title="top", user_business_value=20, job_size=2)  # 23 / 2 = 11.50
    FeatureFactory(art=rail, title="bottom", user_business_value=1, job_size=13)  # 4 / 13 = 0.31
    FeatureFactory(art=rail, title="finished", status=Feature.Status.DONE, user_business_value=20)
    art_rank_now(rail)
    rows = backlog(api(carol), rail)["results"]
    assert [(row["title"], row["rank"], row["cost_of_delay"], row["wsjf"]) for row in rows] == [
        ("top", 1, 23, "11.50"),
        ("middle", 2, 11, "3.67"),
        ("bottom", 3, 4, "0.31"),
        ("no job size", None, 6, None),
    ]


def test_each_row_carries_what_a_script_needs(api, alice, rail):
    FeatureFactory(art=rail, title="only", estimate_points="5", fixed_date="2027-01-31")
    art_rank_now(rail)
    (row,) = backlog(api(alice), rail)["results"]
    assert row["art"] == rail.pk
    assert (row["estimate_points"], row["fixed_date"], row["version"]) == ("5.0", "2027-01-31", 1)
    assert {"id", "pi", "epic", "team", "kind", "status", "created_at", "updated_at"} <= set(row)


@pytest.mark.parametrize(
    "params, titles",
    [
        ({"kind": "enabler"}, ["enabler"]),
        ({"status": "analyzing"}, ["analyzing"]),
        ({"status": "done"}, ["done"]),
        ({"pi": "PI"}, ["in the PI"]),
        ({"kind": "business", "status": "backlog"}, ["in the PI", "plain"]),
    ],
)
def test_filters_narrow_the_backlog(api, alice, rail, params, titles):
    pi = ProgramIncrementFactory(art=rail)
    FeatureFactory(art=rail, title="enabler", kind=Feature.Kind.ENABLER, user_business_value=13)
    FeatureFactory(art=rail, title="analyzing", status=Feature.Status.ANALYZING, user_business_value=8)
    FeatureFactory(art=rail, title="done", status=Feature.Status.DONE)
    FeatureFactory(art=rail, title="in the PI", pi=pi, user_business_value=5)
    FeatureFactory(art=rail, title="plain", user_business_value=1)
    art_rank_now(rail)
    if params.get("pi") == "PI":
        params = {"pi": pi.pk}
    rows = backlog(api(alice), rail, **params)["results"]
    assert [row["title"] for row in rows] == titles


@pytest.mark.parametrize(
    "params, field, message",
    [
        (
            {"kind": "feature"},
            "kind",
            '"feature" is not allowed; use one of: business, enabler, exploration.',
        ),
        (
            {"status": "open"},
            "status",
            '"open" is not allowed; use one of: funnel, analyzing, backlog, implementing, validating, done.',
        ),
        ({"pi": "next"}, "pi", "A valid integer is required."),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_allowed_values(api, alice, rail, params, field, message):
    response = api(alice).get(f"/api/arts/{rail.pk}/backlog/", params)
    assert response.status_code == 400
    assert response.json() == {field: [message]}


def test_each_row_says_whether_one_step_moves_it_across_the_cut_line(api, alice, rail):
    TeamFactory(art=rail, velocity=10)  # 4 development iterations: the business budget is 28
    ProgramIncrementFactory(art=rail)
    scored(rail, "safe", 20, 20, 20, 1, estimate_points=3)
    scored(rail, "last in", 5, 3, 1, 5, estimate_points=20)  # 23 of 28
    scored(rail, "first out", 5, 2, 1, 5, estimate_points=8)  # 31: one step up passes "last in"
    scored(rail, "far below", 1, 1, 1, 20, estimate_points=8)
    art_rank_now(rail)
    rows = backlog(api(alice), rail, fragile="true")["results"]
    assert [(row["title"], row["fragile"]) for row in rows] == [
        ("safe", False),
        ("last in", True),
        ("first out", True),
        ("far below", False),
    ]


def test_fragile_is_of_the_plan_of_the_pi_the_backlog_is_filtered_on(api, alice, rail):
    TeamFactory(art=rail, velocity=10)
    ProgramIncrementFactory(art=rail, name="Now")
    upcoming = ProgramIncrementFactory(art=rail, name="Next", start_date="2027-01-04", end_date="2027-03-12")
    scored(rail, "last in", 5, 3, 1, 5, estimate_points=20, pi=upcoming)
    scored(rail, "first out", 5, 2, 1, 5, estimate_points=9, pi=upcoming)  # 29 > 28
    art_rank_now(rail)
    client = api(alice)
    # Features of another PI are no candidates of the current PI's plan.
    assert [row["fragile"] for row in backlog(client, rail, fragile="true")["results"]] == [False, False]
    rows = backlog(client, rail, pi=upcoming.pk, fragile="true")["results"]
    assert [row["fragile"] for row in rows] == [True, True]
    assert "fragile" not in backlog(client, rail, pi=upcoming.pk)["results"][0]


def test_a_fragile_that_is_not_a_boolean_is_refused_naming_it(api, alice, rail):
    response = api(alice).get(f"/api/arts/{rail.pk}/backlog/", {"fragile": "perhaps"})
    assert response.status_code == 400
    assert list(response.json()) == ["fragile"]


def test_pages_carry_count_next_and_previous(api, alice, rail):
    features_bulk(rail, 5)
    art_rank_now(rail)
    client = api(alice)
    first = backlog(client, rail, page_size=2)
    assert (first["count"], len(first["results"]), first["previous"]) == (5, 2, None)
    assert "page=2" in first["next"]
    last = backlog(client, rail, page_size=2, page=3)
    assert [row["rank"] for row in last["results"]] == [5]
    assert last["next"] is None
    assert "page=2" in last["previous"]


def test_a_page_holds_up_to_1000_rows_and_no_more(api, alice, rail):
    features_bulk(rail, 1001)
    client = api(alice)
    assert len(backlog(client, rail, page_size=1000)["results"]) == 1000
    capped = backlog(client, rail, page_size=5000)
    assert (capped["count"], len(capped["results"])) == (1001, 1000)
    assert "page=2" in capped["next"]


@pytest.mark.parametrize("page", ["9", "0", "last-but-one"])
def test_a_page_that_does_not_exist_is_a_404(api, alice, rail, page):
    features_bulk(rail, 3)
    response = api(alice).get(f"/api/arts/{rail.pk}/backlog/", {"page": page})
    assert response.status_code == 404


def test_scores_are_not_current_while_a_run_is_pending(api, alice, rail, django_capture_on_commit_callbacks):
    feature = FeatureFactory(art=rail)
    art_rank_now(rail)
    client = api(alice)
    assert backlog(client, rail)["scores_current"] is True
    with django_capture_on_commit_callbacks(execute=True):
        client.patch(
            f"/api/features/{feature.pk}/", {"job_size": 1, "version": feature.version}, format="json"
        )
    pending = ScoringRun.objects.get(art=rail, status=ScoringRun.Status.PENDING)
    assert backlog(client, rail)["scores_current"] is False
    scoring_run_execute(run_id=pending.pk)
    assert backlog(client, rail)["scores_current"] is True


def queries_to_get(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_backlog(api, alice, rail, django_assert_num_queries):
    # With a team and a current PI, so the rows' fragile flags walk a plan.
    TeamFactory(art=rail, velocity=10)
    ProgramIncrementFactory(art=rail)
    client = api(alice)
    url = f"/api/arts/{rail.pk}/backlog/?page_size=1000&fragile=true&since=2000-01-01"
    features_bulk(rail, 10)
    art_rank_now(rail)
    with_ten = queries_to_get(client, url)
    features_bulk(rail, 290)
    art_rank_now(rail)
    with django_assert_num_queries(with_ten):
        response = client.get(url)
    assert len(response.json()["results"]) == 300


def test_scores_are_not_current_after_a_failed_run_until_one_succeeds(api, alice, rail):
    FeatureFactory(art=rail)
    ScoringRun.objects.create(art=rail, trigger=ScoringRun.Trigger.MANUAL, status=ScoringRun.Status.FAILED)
    client = api(alice)
    assert backlog(client, rail)["scores_current"] is False
    art_rank_now(rail)
    assert backlog(client, rail)["scores_current"] is True


# --- who may read ---------------------------------------------------------------------------

PERSONAS = ["admin", "alice", "bob", "carol", "dave", "anonymous"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_ranked_backlog_answers_readers_and_hides_from_others(persona, client_of, rail_train, sea_train):
    response = client_of(persona).get(f"/api/arts/{rail_train.art.pk}/backlog/")
    expected = {"anonymous": 401, "dave": 404}.get(persona, 200)
    assert response.status_code == expected
    if expected == 200:
        assert [row["title"] for row in response.data["results"]] == ["Rail feature"]


@pytest.mark.parametrize("method", ["post", "patch", "put", "delete"])
@pytest.mark.parametrize("persona", ["admin", "alice", "anonymous"])
def test_ranked_backlog_is_read_only(persona, method, client_of, rail_train):
    response = getattr(client_of(persona), method)(f"/api/arts/{rail_train.art.pk}/backlog/", {})
    assert response.status_code == (401 if persona == "anonymous" else 405)
