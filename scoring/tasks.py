from celery import shared_task

from scoring import services


@shared_task(
    name="scoring.run",
    autoretry_for=(Exception,),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=4,
    soft_time_limit=240,
    time_limit=300,
)
def scoring_run_task(run_id: int) -> None:
    services.scoring_run_execute(run_id=run_id)


@shared_task(name="scoring.requeue_stale_runs", time_limit=60)
def requeue_stale_runs_task() -> int:
    return services.scoring_runs_requeue_stale()


@shared_task(name="scoring.rescore_all_arts", time_limit=60)
def rescore_all_arts_task() -> int:
    return services.scoring_runs_request_all()
