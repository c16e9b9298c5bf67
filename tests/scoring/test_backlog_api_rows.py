"""The ranked backlog API builds its rows in PostgreSQL for speed: they must equal the Python rows."""

from datetime import UTC, datetime

import pytest

from backlog.models import Feature
from scoring.api import backlog_row_json
from scoring.backlog_marks import fragile_feature_ids
from scoring.selectors import BACKLOG_FIELDS, backlog_features
from tests.factories import FeatureFactory, ProgramIncrementFactory, TeamFactory, art_rank_now

pytestmark = pytest.mark.django_db


def test_rows_built_by_the_database_equal_the_python_rows_key_for_key(api, alice, rail):
    TeamFactory(art=rail, velocity=10)  # the business budget is 28 points
    pi = ProgramIncrementFactory(art=rail)
    FeatureFactory(
        art=rail,
        title='Quote " back\\slash ünï 💡\nnew\u2028line',
        pi=pi,
        estimate_points="5",
        fixed_date="2027-01-31",
    )
    # Same WSJF as the first, so one step on either swaps them: 5 + 25 > 28, both fragile.
    FeatureFactory(art=rail, title="fragile", estimate_points="25")
    FeatureFactory(art=rail, title="unscored", job_size=None, estimate_points=None)
    whole_second = FeatureFactory(art=rail, title="created on a whole second")
    Feature.objects.filter(pk=whole_second.pk).update(
        created_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        updated_at=datetime(2025, 1, 2, 3, 4, 5, 10, tzinfo=UTC),
    )
    art_rank_now(rail)

    response = api(alice).get(f"/api/arts/{rail.pk}/backlog/", {"fragile": "true"})

    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == ["count", "next", "previous", "results", "scores_current"]
    fragile_ids = fragile_feature_ids(art_id=rail.pk, pi_id=None)
    expected = [
        backlog_row_json(row) | {"fragile": row["id"] in fragile_ids}
        for row in backlog_features(art_id=rail.pk).values(*BACKLOG_FIELDS)
    ]
    assert [list(row.items()) for row in body["results"]] == [list(row.items()) for row in expected]
    assert [row["fragile"] for row in body["results"]] == [False, True, True, False]
    assert body["results"][0]["created_at"] == "2025-01-02T03:04:05Z"
    assert body["results"][0]["updated_at"] == "2025-01-02T03:04:05.000010Z"


def test_an_empty_backlog_is_an_empty_first_page(api, alice, rail):
    FeatureFactory(art=rail, status=Feature.Status.DONE)

    body = api(alice).get(f"/api/arts/{rail.pk}/backlog/").json()

    assert (body["count"], body["results"], body["next"]) == (0, [], None)


def test_the_last_page_holds_the_lowest_ranks_in_order(api, alice, rail):
    FeatureFactory.create_batch(5, art=rail)
    art_rank_now(rail)

    body = api(alice).get(f"/api/arts/{rail.pk}/backlog/", {"page_size": 2, "page": 3}).json()

    assert [row["rank"] for row in body["results"]] == [5]


def test_with_since_each_row_carries_its_rank_then_and_the_places_it_moved(api, alice, rail):
    first = FeatureFactory(art=rail, title="first", user_business_value=8)
    second = FeatureFactory(art=rail, title="second", user_business_value=5)
    run = art_rank_now(rail)
    Feature.objects.filter(pk=second.pk).update(user_business_value=20)
    FeatureFactory(art=rail, title="new", user_business_value=13)
    art_rank_now(rail)

    body = api(alice).get(f"/api/arts/{rail.pk}/backlog/", {"since": run.pk}).json()

    moves = [(row["title"], row["rank_then"], row["rank"], row["rank_change"]) for row in body["results"]]
    assert moves == [("second", 2, 1, 1), ("new", None, 2, None), ("first", 1, 3, -2)]
    assert (
        first.pk and "rank_change" not in api(alice).get(f"/api/arts/{rail.pk}/backlog/").json()["results"][0]
    )


def test_with_since_the_database_rows_equal_the_python_rows(api, alice, rail):
    FeatureFactory.create_batch(3, art=rail)
    run = art_rank_now(rail)
    FeatureFactory(art=rail, title="later", user_business_value=20)
    art_rank_now(rail)

    query = {"since": run.pk, "fragile": "true"}
    json_rows = api(alice).get(f"/api/arts/{rail.pk}/backlog/", query).json()["results"]
    html_api = api(alice).get(f"/api/arts/{rail.pk}/backlog/", {**query, "format": "api"})

    python_rows = html_api.data["results"]
    assert [list(row.items()) for row in json_rows] == [list(row.items()) for row in python_rows]


def test_a_bad_since_on_the_backlog_api_is_refused_naming_since(api, alice, rail):
    response = api(alice).get(f"/api/arts/{rail.pk}/backlog/", {"since": "yesterday-ish"})
    assert response.status_code == 400
    assert list(response.data) == ["since"]
