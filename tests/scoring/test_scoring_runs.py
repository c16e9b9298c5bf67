"""Scoring runs against PostgreSQL: what they store, how often they query, how they coalesce."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backlog import services
from backlog.models import Feature
from scoring.models import FeatureScore, ScoringRun
from scoring.selectors import art_scores_current
from scoring.services import scoring_run_execute, scoring_run_request
from tests.factories import FeatureFactory, art_rank_now

pytestmark = pytest.mark.django_db


def ranked_titles(art) -> list[str]:
    return list(
        Feature.objects.filter(art=art, rank__isnull=False).order_by("rank").values_list("title", flat=True)
    )


def test_a_run_ranks_by_wsjf_and_stores_cod_and_wsjf(rail):
    FeatureFactory(
        art=rail, title="low", user_business_value=1, time_criticality=1, risk_reduction=1, job_size=13
    )
    FeatureFactory(
        art=rail, title="high", user_business_value=20, time_criticality=8, risk_reduction=5, job_size=2
    )
    run = art_rank_now(rail)
    assert ranked_titles(rail) == ["high", "low"]
    high = Feature.objects.get(title="high")
    assert (high.cost_of_delay, str(high.wsjf), high.rank) == (33, "16.50", 1)
    assert (run.status, run.feature_count, run.changed_count) == ("done", 2, 2)


def test_done_and_unscored_features_get_no_rank(rail):
    FeatureFactory(art=rail, title="done", status=Feature.Status.DONE)
    FeatureFactory(art=rail, title="unscored", job_size=None)
    FeatureFactory(art=rail, title="ranked")
    art_rank_now(rail)
    assert ranked_titles(rail) == ["ranked"]
    assert Feature.objects.get(title="unscored").cost_of_delay == 6


def test_running_twice_gives_the_same_result_and_writes_nothing_the_second_time(rail):
    FeatureFactory.create_batch(5, art=rail)
    art_rank_now(rail)
    before = list(Feature.objects.order_by("id").values_list("id", "rank", "wsjf", "cost_of_delay"))
    second = art_rank_now(rail)
    assert second.changed_count == 0
    assert list(Feature.objects.order_by("id").values_list("id", "rank", "wsjf", "cost_of_delay")) == before


def test_executing_the_same_run_again_changes_nothing(rail):
    FeatureFactory.create_batch(3, art=rail)
    run = art_rank_now(rail)
    again = scoring_run_execute(run_id=run.pk)
    assert again.status == "done" and again.changed_count == 3


def test_a_run_records_the_scores_it_changed_with_the_previous_rank(rail):
    first = FeatureFactory(art=rail, title="first", user_business_value=20)
    second = FeatureFactory(art=rail, title="second")
    art_rank_now(rail)
    services.feature_update(
        feature=second, acting_user=None, door="script", user_business_value=20, job_size=1
    )
    run = art_rank_now(rail)
    changes = {s.feature.title: (s.previous_rank, s.rank) for s in FeatureScore.objects.filter(run=run)}
    assert changes == {"second": (2, 1), "first": (1, 2)}
    assert first.pk


@pytest.mark.parametrize("size", [10, 200])
def test_a_run_costs_the_same_number_of_queries_whatever_the_backlog_size(
    rail, size, django_assert_max_num_queries
):
    Feature.objects.bulk_create(
        [
            Feature(
                art=rail,
                title=f"f{i}",
                user_business_value=1 + i % 3,
                time_criticality=1,
                risk_reduction=1,
                job_size=3,
            )
            for i in range(size)
        ]
    )
    run = ScoringRun.objects.create(art=rail, trigger=ScoringRun.Trigger.MANUAL)
    with CaptureQueriesContext(connection) as queries:
        scoring_run_execute(run_id=run.pk)
    # 11: one of them re-reads the run under the ART lock, so a second delivery redoes nothing.
    assert len(queries) <= 11, [q["sql"][:80] for q in queries]


def test_requests_coalesce_into_one_pending_run(rail):
    first = scoring_run_request(art_id=rail.pk, trigger="feature_change")
    assert first is not None
    assert scoring_run_request(art_id=rail.pk, trigger="feature_change") is None
    assert ScoringRun.objects.filter(art=rail, status="pending").count() == 1
    assert art_scores_current(art_id=rail.pk) is False


def test_a_failed_run_is_visible_and_scores_are_not_current(rail, monkeypatch):
    FeatureFactory(art=rail)
    run = ScoringRun.objects.create(art=rail, trigger=ScoringRun.Trigger.MANUAL)

    def broken(rows):
        raise RuntimeError("disk full")

    monkeypatch.setattr("scoring.services.scores_compute", broken)
    with pytest.raises(RuntimeError):
        scoring_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.error, run.attempts) == ("failed", "RuntimeError: disk full", 1)
    assert art_scores_current(art_id=rail.pk) is False
    monkeypatch.undo()
    assert scoring_run_execute(run_id=run.pk).status == "done"
    assert art_scores_current(art_id=rail.pk) is True
