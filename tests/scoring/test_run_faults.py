"""Scoring runs through faults: the queue down when an edit is saved, a worker that died
mid-run, a run delivered twice, a feature deleted while its ART is being scored."""

import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from backlog.models import Art, Feature
from scoring.models import FeatureScore, ScoringRun
from scoring.services import scoring_run_execute, scoring_runs_requeue_stale
from tests.factories import FeatureFactory, art_rank_now, features_bulk
from tests.scoring.test_worker import wait_until

BROKER_DOWN = OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")


def broker_down():
    return mock.patch("scoring.tasks.scoring_run_task.delay", side_effect=BROKER_DOWN)


@pytest.mark.django_db
def test_with_the_queue_down_an_edit_is_saved_and_answers_200_with_its_new_version(
    api, alice, rail, client, django_capture_on_commit_callbacks
):
    feature = FeatureFactory(art=rail, job_size=5)
    art_rank_now(rail)
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = api(alice).patch(
            f"/api/features/{feature.pk}/", {"job_size": 1, "version": feature.version}, format="json"
        )
    assert (response.status_code, response.json()["version"]) == (200, 2)
    assert Feature.objects.get(pk=feature.pk).job_size == 1
    run = ScoringRun.objects.get(art=rail, status=ScoringRun.Status.PENDING)
    assert run.error.startswith("queue unreachable: OperationalError")
    assert api(alice).get(f"/api/arts/{rail.pk}/backlog/").json()["scores_current"] is False
    client.force_login(alice)
    page = client.get(f"/arts/{rail.pk}/backlog/").content.decode()
    assert "ranking will update when the queue is back" in page

    # The broker is back: the next sweep sends the run at once (not after two minutes).
    with mock.patch("scoring.tasks.scoring_run_task.delay") as delay:
        assert scoring_runs_requeue_stale() == 1
    delay.assert_called_once_with(run.pk)
    run.refresh_from_db()
    assert (run.status, run.error) == (ScoringRun.Status.PENDING, "")
    assert (
        "ranking will update when the queue is back"
        not in client.get(f"/arts/{rail.pk}/backlog/").content.decode()
    )


@pytest.mark.django_db
def test_a_sweep_with_the_queue_still_down_keeps_the_run_pending_and_raises_nothing(rail):
    run = ScoringRun.objects.create(art=rail, trigger=ScoringRun.Trigger.MANUAL, error="queue unreachable: x")
    with broker_down():
        assert scoring_runs_requeue_stale() == 0
    run.refresh_from_db()
    assert run.status == ScoringRun.Status.PENDING and run.error.startswith("queue unreachable")


def _running_since(art: Art, seconds: int) -> ScoringRun:
    return ScoringRun.objects.create(
        art=art,
        trigger=ScoringRun.Trigger.MANUAL,
        status=ScoringRun.Status.RUNNING,
        started_at=timezone.now() - timedelta(seconds=seconds),
    )


@pytest.mark.django_db
def test_a_run_left_running_by_a_dead_worker_is_sent_again(rail):
    orphan = _running_since(rail, 20)
    with mock.patch("scoring.tasks.scoring_run_task.delay") as delay:
        assert scoring_runs_requeue_stale() == 1
    delay.assert_called_once_with(orphan.pk)


@pytest.mark.django_db
def test_a_run_just_claimed_is_left_to_its_worker(rail):
    _running_since(rail, 2)
    with mock.patch("scoring.tasks.scoring_run_task.delay") as delay:
        assert scoring_runs_requeue_stale() == 0
    delay.assert_not_called()


@pytest.mark.django_db(transaction=True)
def test_a_long_run_whose_worker_holds_the_art_lock_is_not_sent_again(rail):
    _running_since(rail, 300)
    locked, release = threading.Event(), threading.Event()

    def worker_holding_the_lock():
        with transaction.atomic():
            Art.objects.select_for_update(no_key=True).filter(pk=rail.pk).first()
            locked.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=worker_holding_the_lock)
    thread.start()
    try:
        assert locked.wait(10)
        with mock.patch("scoring.tasks.scoring_run_task.delay") as delay:
            assert scoring_runs_requeue_stale() == 0
        delay.assert_not_called()
    finally:
        release.set()
        thread.join()


@pytest.mark.django_db
def test_a_run_delivered_again_after_it_finished_changes_and_records_nothing(rail):
    FeatureFactory(art=rail, job_size=2)
    FeatureFactory(art=rail, job_size=5)
    run = art_rank_now(rail)
    scores = FeatureScore.objects.filter(run=run).count()
    ScoringRun.objects.filter(pk=run.pk).update(
        status=ScoringRun.Status.RUNNING
    )  # as a second delivery sees it
    with mock.patch("scoring.services._claim", return_value=True):
        ScoringRun.objects.filter(pk=run.pk).update(status=ScoringRun.Status.DONE)
        scoring_run_execute(run_id=run.pk)
    assert FeatureScore.objects.filter(run=run).count() == scores
    assert ScoringRun.objects.get(pk=run.pk).attempts == 1


@pytest.mark.django_db(transaction=True)
def test_deleting_features_while_their_art_is_scored_by_the_worker_never_fails(
    scoring_worker, api, alice, rail
):
    features_bulk(rail, 20_000)
    doomed = list(Feature.objects.filter(art=rail).order_by("-pk").values_list("pk", flat=True)[:5])
    client = api(alice)
    run = ScoringRun.objects.create(art=rail, trigger=ScoringRun.Trigger.MANUAL)
    from scoring.services import scoring_run_send

    scoring_run_send(run.pk)
    assert wait_until(lambda: ScoringRun.objects.get(pk=run.pk).status != ScoringRun.Status.PENDING, 30)
    assert ScoringRun.objects.get(pk=run.pk).status == ScoringRun.Status.RUNNING  # the deletes meet it
    answers, started = [], time.monotonic()
    for feature_id in doomed:
        answers.append(client.delete(f"/api/features/{feature_id}/", HTTP_IF_MATCH="*").status_code)
    assert answers == [204] * 5
    assert wait_until(
        lambda: client.get(f"/api/arts/{rail.pk}/backlog/?page_size=1").json()["scores_current"], 60
    )
    assert not ScoringRun.objects.filter(art=rail, status=ScoringRun.Status.FAILED).exists()
    assert ScoringRun.objects.get(pk=run.pk).status == ScoringRun.Status.DONE
    ranks = list(Feature.objects.filter(art=rail).order_by("rank").values_list("rank", flat=True))
    assert ranks == list(range(1, 20_000 - 5 + 1))
    assert time.monotonic() - started < 60
