from celery import shared_task

from backlog.imports import services


@shared_task(name="imports.run", acks_late=True, soft_time_limit=540, time_limit=600)
def import_run_task(run_id: int) -> str | None:
    """Run a confirmed import. Safe to receive twice: only the first claims the run."""
    run = services.import_run_execute(run_id=run_id)
    return run.status if run else None
