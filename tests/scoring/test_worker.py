"""The real path: a change over the API, a message on Redis, a Celery worker, PostgreSQL."""

import time

import pytest

from backlog.models import Feature
from scoring.models import ScoringRun
from tests.factories import FeatureFactory


def wait_until(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_an_edit_over_the_api_is_ranked_by_the_worker(scoring_worker, api, alice, rail):
    low = FeatureFactory(art=rail, title="low", user_business_value=1)
    FeatureFactory(art=rail, title="high", user_business_value=13)
    response = api(alice).patch(
        f"/api/features/{low.pk}/",
        {"user_business_value": 20, "job_size": 1, "version": low.version},
        format="json",
    )
    assert response.status_code == 200, response.data
    assert wait_until(lambda: api(alice).get(f"/api/arts/{rail.pk}/backlog/").data["scores_current"])
    backlog = api(alice).get(f"/api/arts/{rail.pk}/backlog/").data["results"]
    assert [(row["title"], row["rank"], row["wsjf"]) for row in backlog] == [
        ("low", 1, "23.00"),
        ("high", 2, "5.33"),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_edits_coalesces_into_few_runs(scoring_worker, api, alice, rail):
    features = FeatureFactory.create_batch(20, art=rail)
    client = api(alice)
    for index, feature in enumerate(features):
        client.patch(
            f"/api/features/{feature.pk}/",
            {"job_size": [1, 2, 3, 5, 8][index % 5], "version": feature.version},
            format="json",
        )
    assert wait_until(lambda: client.get(f"/api/arts/{rail.pk}/backlog/").data["scores_current"])
    assert ScoringRun.objects.filter(art=rail).count() < 20
    ranks = sorted(Feature.objects.filter(art=rail).values_list("rank", flat=True))
    assert ranks == list(range(1, 21))
