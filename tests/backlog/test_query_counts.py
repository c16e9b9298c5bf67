"""Every API list costs a fixed number of queries, however many rows it returns."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backlog.models import FeatureRequest, Stakeholder
from tests.factories import (
    ArtFactory,
    EpicFactory,
    FeatureFactory,
    ProgramIncrementFactory,
    TeamFactory,
    art_rank_now,
    features_bulk,
)

pytestmark = pytest.mark.django_db


def add_arts(rail, alice, count: int) -> None:
    for _ in range(count):
        ArtFactory().popms.add(alice)


def add_stakeholders(rail, alice, count: int) -> None:
    feature = FeatureFactory(art=rail)
    for _ in range(count):
        stakeholder = Stakeholder.objects.create(art=rail, name=f"Person {Stakeholder.objects.count()}")
        FeatureRequest.objects.create(stakeholder=stakeholder, feature=feature, note="soon")


def add_with(factory):
    def add(rail, alice, count: int) -> None:
        factory.create_batch(count, art=rail)

    return add


LISTS = {
    "/api/arts/": add_arts,
    "/api/teams/": add_with(TeamFactory),
    "/api/pis/": add_with(ProgramIncrementFactory),
    "/api/epics/": add_with(EpicFactory),
    "/api/features/": add_with(FeatureFactory),
    "/api/stakeholders/": add_stakeholders,
}


def queries_to_list(client, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, {"page_size": 1000})
    assert response.status_code == 200
    return len(queries), response.data["count"]


@pytest.mark.parametrize("path", LISTS)
def test_a_list_costs_the_same_queries_for_3_rows_and_for_30(api, admin_user, alice, rail, path):
    client = api(admin_user)
    LISTS[path](rail, alice, 3)
    few, few_rows = queries_to_list(client, path)
    LISTS[path](rail, alice, 27)
    many, many_rows = queries_to_list(client, path)
    assert many_rows - few_rows == 27
    assert many == few


def test_feature_list_query_count_does_not_grow_with_the_ranked_backlog(
    api, alice, rail, django_assert_num_queries
):
    client = api(alice)
    features_bulk(rail, 10)
    art_rank_now(rail)
    with_ten, _ = queries_to_list(client, "/api/features/")
    features_bulk(rail, 290)
    art_rank_now(rail)
    with django_assert_num_queries(with_ten):
        response = client.get("/api/features/", {"page_size": 1000})
    assert len(response.json()["results"]) == 300
