"""gunicorn settings for popm (docker-compose.yml: gunicorn -c popm/gunicorn.conf.py)."""

from popm.worker_gc import worker_gc_tune

bind = "0.0.0.0:8000"
workers = 3


def post_worker_init(worker) -> None:
    # After the app is loaded: what Django built at start-up is frozen out of the collector.
    worker_gc_tune()
