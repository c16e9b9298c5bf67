"""The import as a Celery job: a message on Redis, a real worker, PostgreSQL."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from backlog.imports import services
from backlog.imports.models import ImportRun
from backlog.models import Feature, FeatureChange
from tests.scoring.test_worker import wait_until

FIXTURES = Path(__file__).parent / "fixtures"


def finished(run_id: int) -> bool:
    return ImportRun.objects.get(pk=run_id).is_finished


def upload_and_confirm(client, art) -> int:
    content = (FIXTURES / "cloud_all_fields.csv").read_bytes()
    response = client.post(
        f"/api/arts/{art.pk}/imports/",
        {"file": SimpleUploadedFile("cloud.csv", content), "dry_run": "true"},
        format="multipart",
    )
    run_id = response.json()["id"]
    assert client.post(f"/api/imports/{run_id}/confirm/").status_code == 202
    return run_id


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_confirmed_import_and_a_second_one_changes_nothing(
    scoring_worker, api, alice, rail
):
    client = api(alice)
    first = upload_and_confirm(client, rail)
    assert wait_until(lambda: finished(first))
    status = client.get(f"/api/imports/{first}/").json()
    assert (status["status"], status["created"], status["processed"]) == ("done", 3, 3)
    versions = dict(Feature.objects.values_list("external_key", "version"))
    history = FeatureChange.objects.count()
    # The import asked for a scoring run; the worker ranks the new features too.
    assert wait_until(lambda: client.get(f"/api/arts/{rail.pk}/backlog/").data["scores_current"])

    second = upload_and_confirm(client, rail)
    assert wait_until(lambda: finished(second))
    status = client.get(f"/api/imports/{second}/").json()
    assert (status["status"], status["created"], status["updated"], status["unchanged"]) == ("done", 0, 0, 3)
    assert dict(Feature.objects.values_list("external_key", "version")) == versions
    assert FeatureChange.objects.count() == history
    assert ImportRun.objects.get(pk=second).content == b""  # the file is dropped once written


@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_while_the_import_transaction_is_still_open(alice, rail):
    run = ImportRun.objects.create(art=rail, created_by=alice, file_name="x.csv", total=2000)
    write, side = services._progress_writer(run.pk)
    observer = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with transaction.atomic():
            Feature.objects.create(art=rail, title="inside the import's transaction")
            write(100)  # under PROGRESS_EVERY: not written yet
            write(600)
            with observer.cursor() as cursor:
                cursor.execute("SELECT processed FROM imports_importrun WHERE id = %s", [run.pk])
                assert cursor.fetchone() == (600,)
                cursor.execute("SELECT count(*) FROM backlog_feature")
                assert cursor.fetchone() == (0,)  # the rows themselves are not visible yet
    finally:
        side.close()
        observer.close()


@pytest.mark.django_db
def test_a_run_that_fails_is_recorded_as_failed_and_writes_nothing(alice, rail, monkeypatch):
    content = (FIXTURES / "cloud_all_fields.csv").read_bytes()
    run = services.import_run_upload(art=rail, acting_user=alice, file_name="cloud.csv", content=content)
    services.import_run_confirm(run=run, acting_user=alice, queue=False)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("backlog.services._import_history_insert", broken)
    services.import_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "failed" and run.failure == "RuntimeError: disk full"
    assert not Feature.objects.exists() and not rail.epics.exists()  # all or nothing
    assert services.import_run_execute(run_id=run.pk) is None  # a finished run is never run again
