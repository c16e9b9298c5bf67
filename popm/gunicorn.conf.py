"""gunicorn settings for popm (docker-compose.yml: gunicorn -c popm/gunicorn.conf.py)."""

import gc

bind = "0.0.0.0:8000"
workers = 3
accesslog = "-"


def post_worker_init(worker) -> None:
    # What Django built at start-up lives as long as the worker; freezing it keeps the cyclic
    # garbage collector from walking it again on every full collection during requests.
    gc.freeze()
