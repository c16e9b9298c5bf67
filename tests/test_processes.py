"""The production-like stack of docker-compose.yml, run natively: gunicorn, a Celery worker and
Celery beat as separate processes against PostgreSQL and Redis. A script creates features
over HTTP and sees them ranked by the real worker.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connection
from rest_framework.authtoken.models import Token

from backlog.access import POPM_GROUP
from tests.factories import ArtFactory

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def running(self) -> bool:
        return self.process.poll() is None


@dataclass
class Stack:
    url: str
    services: dict[str, Service]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url_of_this_run() -> str:
    """The database pytest created for this run, which the other processes must share."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(predicate, timeout: float, what: str, services: dict[str, Service]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        dead = [service.name for service in services.values() if not service.running()]
        if dead:
            pytest.fail(f"{', '.join(dead)} exited while waiting for {what}")
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def stack(transactional_db, tmp_path) -> Iterator[Stack]:
    from popm.celery import app

    app.control.purge()  # messages left on the test Redis by earlier runs
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DATABASE_URL": database_url_of_this_run(),
        "REDIS_URL": settings.REDIS_URL,
        "PYTHONUNBUFFERED": "1",
    }
    commands = {
        # No control socket: its default path is shared by every gunicorn of this user.
        "web": [
            BIN / "gunicorn",
            "popm.wsgi",
            "-c",
            "popm/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--no-control-socket",
        ],
        "worker": [BIN / "celery", "-A", "popm", "worker", "--pool", "solo", "--loglevel", "INFO"],
        # DEBUG: beat then logs the schedule it loaded (its first send is a minute away).
        "beat": [
            BIN / "celery",
            "-A",
            "popm",
            "beat",
            "--loglevel",
            "DEBUG",
            "--schedule",
            tmp_path / "beat",
        ],
    }
    services: dict[str, Service] = {}
    try:
        for name, command in commands.items():
            log = tmp_path / f"{name}.log"
            with log.open("w") as log_file:
                process = subprocess.Popen(
                    [str(part) for part in command],
                    cwd=BASE_DIR,
                    env=env,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                )
            services[name] = Service(name, process, log)
        wait_for(lambda: port_open(port), 30, "gunicorn to listen", services)
        yield Stack(url=f"http://127.0.0.1:{port}", services=services)
    finally:
        for service in services.values():
            service.process.terminate()
        for service in services.values():
            try:
                service.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                service.process.kill()
                service.process.wait()
            # pytest shows this only when the test fails.
            print(f"\n----- {service.name} (exit {service.process.returncode}) -----\n{service.output()}")


def popm_session(art) -> requests.Session:
    user = User.objects.create_user("paula", password="pw-paula")
    user.groups.add(Group.objects.get_or_create(name=POPM_GROUP)[0])
    art.popms.add(user)
    session = requests.Session()
    session.headers["Authorization"] = f"Token {Token.objects.create(user=user).key}"
    return session


def backlog_when_current(stack: Stack, session: requests.Session, art_id: int, count: int) -> list[dict]:
    """The backlog as soon as the worker has ranked all `count` features of it."""
    url = f"{stack.url}/api/arts/{art_id}/backlog/"
    seen: dict = {}

    def ranked() -> bool:
        response = session.get(url, timeout=5)
        assert response.status_code == 200, response.text
        seen.update(response.json())
        rows = seen["results"]
        return seen["scores_current"] and len(rows) == count and all(row["rank"] for row in rows)

    wait_for(ranked, 30, "the worker to rank the backlog", stack.services)
    return seen["results"]


FEATURES = [  # title, UBV, TC, RR|OE, job size -> WSJF
    ("Guest checkout", 8, 5, 2, 5),  # 15 / 5 = 3.00
    ("Apple Pay", 13, 8, 3, 3),  # 24 / 3 = 8.00
    ("Order summary redesign", 3, 1, 1, 8),  # 5 / 8 = 0.63
    ("Checkout retry", 20, 13, 8, 2),  # 41 / 2 = 20.50
    ("Address autocomplete", 5, 2, 3, 5),  # 10 / 5 = 2.00
]


def test_features_created_over_http_are_ranked_by_the_real_worker(stack):
    art = ArtFactory(name="Commerce")
    session = popm_session(art)
    for title, ubv, tc, rr, size in FEATURES:
        body = {
            "art": art.pk,
            "title": title,
            "status": "backlog",
            "user_business_value": ubv,
            "time_criticality": tc,
            "risk_reduction": rr,
            "job_size": size,
        }
        response = session.post(f"{stack.url}/api/features/", json=body, timeout=5)
        assert response.status_code == 201, response.text

    rows = backlog_when_current(stack, session, art.pk, len(FEATURES))
    assert [(row["rank"], row["title"], row["wsjf"]) for row in rows] == [
        (1, "Checkout retry", "20.50"),
        (2, "Apple Pay", "8.00"),
        (3, "Guest checkout", "3.00"),
        (4, "Address autocomplete", "2.00"),
        (5, "Order summary redesign", "0.63"),
    ]

    # A POPM re-scores the last feature: the worker moves it to the top.
    last = rows[-1]
    response = session.patch(
        f"{stack.url}/api/features/{last['id']}/",
        json={"user_business_value": 20, "time_criticality": 20, "job_size": 1, "version": last["version"]},
        timeout=5,
    )
    assert response.status_code == 200, response.text
    assert response.json()["wsjf"] == "41.00"
    rows = backlog_when_current(stack, session, art.pk, len(FEATURES))
    assert [row["title"] for row in rows][:2] == ["Order summary redesign", "Checkout retry"]

    assert "Task scoring.run" in stack.services["worker"].output()
    assert stack.services["beat"].running()
    beat_log = stack.services["beat"].output()
    assert "beat: Starting..." in beat_log
    assert "requeue-stale-scoring-runs scoring.requeue_stale_runs() <freq: 1.00 minute>" in beat_log

    # The same server answers the API docs with their scripts, without the internet.
    assert requests.get(f"{stack.url}/api/docs/", timeout=5).status_code == 200
    bundle = requests.get(
        f"{stack.url}/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js", timeout=5
    )
    assert (bundle.status_code, len(bundle.content) > 100_000) == (200, True)
