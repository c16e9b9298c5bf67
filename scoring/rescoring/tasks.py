from dataclasses import asdict
from datetime import date

from celery import shared_task
from django.utils import timezone

from scoring.rescoring import services


@shared_task(
    name="rescoring.check_all_arts",
    autoretry_for=(Exception,),
    retry_backoff=5,
    max_retries=3,
    soft_time_limit=240,
    time_limit=300,
)
def rescoring_check_all_task(today: str | None = None) -> dict[str, int]:
    """The daily check of every ART (beat, 00:30 UTC). today: an ISO date, for a re-run of a
    given day; by default the UTC date now. Safe to run again: a second run changes nothing."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    return asdict(services.rescoring_check_all(today=day))
