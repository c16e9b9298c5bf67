"""The daily check as beat sends it: a message on Redis, a real Celery worker, PostgreSQL."""

import pytest
from django.conf import settings

from popm.celery import app
from scoring.rescoring.models import RescoringCheck, StaleScore, TcProposal
from scoring.rescoring.tasks import rescoring_check_all_task
from tests.rescoring.conftest import TODAY
from tests.scoring.test_worker import wait_until


def checked_after(art, moment) -> bool:
    check = RescoringCheck.objects.filter(art=art).first()
    return check is not None and (moment is None or check.checked_at > moment)


def test_beat_sends_the_daily_check_by_a_registered_name_at_half_past_midnight_utc():
    entry = settings.CELERY_BEAT_SCHEDULE["daily-rescoring-check"]
    assert entry["task"] in app.tasks
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({0}, {30})


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_check_and_a_second_run_proposes_and_flags_nothing_new(
    scoring_worker, rail_dates
):
    rescoring_check_all_task.delay(today=TODAY.isoformat())
    assert wait_until(lambda: checked_after(rail_dates.art, None))
    flags = sorted(StaleScore.objects.values_list("pk", "feature__title"))
    proposals = list(TcProposal.objects.values_list("pk", "feature__title", "to_value", "status"))
    assert [title for _, title in flags] == ["Checkout", "Fraud"]
    assert [row[1:] for row in proposals] == [("Ledger", 8, "open")]

    first = RescoringCheck.objects.get(art=rail_dates.art).checked_at
    rescoring_check_all_task.delay(today=TODAY.isoformat())
    assert wait_until(lambda: checked_after(rail_dates.art, first))
    assert sorted(StaleScore.objects.values_list("pk", "feature__title")) == flags
    assert list(TcProposal.objects.values_list("pk", "feature__title", "to_value", "status")) == proposals
