"""The production-like stack of docker-compose.yml, run natively: gunicorn, a Celery worker and
Celery beat as separate processes against PostgreSQL and Redis. A script creates features
over HTTP and sees them ranked by the real worker.
"""

import contextlib
import os
import re
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
from django.test import override_settings
from rest_framework.authtoken.models import Token

from backlog.access import POPM_GROUP
from backlog.models import Feature
from tests.factories import ArtFactory

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


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
    commands: dict[str, list]
    env: dict[str, str]
    logs: Path

    def start(self, name: str, command_of: str | None = None) -> Service:
        """Start (or start again) a service; its log goes on after the earlier run's."""
        log = self.logs / f"{name}.log"
        with log.open("a") as log_file:
            process = subprocess.Popen(
                [str(part) for part in self.commands[command_of or name]],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        self.services[name] = Service(name, process, log)
        return self.services[name]

    def kill(self, name: str) -> None:
        """SIGKILL, as when a machine or container dies: no warm shutdown, no ack."""
        service = self.services.pop(name)
        service.process.kill()
        service.process.wait()
        service.name = f"{name} (killed)"
        self.services[service.name] = service


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
        dead = [s.name for s in services.values() if not s.running() and not s.name.endswith("(killed)")]
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


def stack_commands(port: int, tmp_path: Path) -> dict[str, list]:
    return {
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
        # DEBUG: beat then logs the schedule it loaded.
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


@contextlib.contextmanager
def stack_running(tmp_path: Path, redis_url: str) -> Iterator[Stack]:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DATABASE_URL": database_url_of_this_run(),
        "REDIS_URL": redis_url,
        "PYTHONUNBUFFERED": "1",
    }
    stack = Stack(f"http://127.0.0.1:{port}", {}, stack_commands(port, tmp_path), env, tmp_path)
    try:
        for name in stack.commands:
            stack.start(name)
        # Listening is not answering: on a busy machine Django takes seconds to load in a worker.
        wait_for(lambda: answers(f"{stack.url}/login/"), 60, "gunicorn to answer", stack.services)
        yield stack
    finally:
        for service in stack.services.values():
            if service.running():
                service.process.terminate()
        for service in stack.services.values():
            try:
                service.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                service.process.kill()
                service.process.wait()
            # pytest shows this only when the test fails.
            print(f"\n----- {service.name} (exit {service.process.returncode}) -----\n{service.output()}")


@pytest.fixture
def stack(transactional_db, tmp_path) -> Iterator[Stack]:
    from popm.celery import app

    app.control.purge()  # messages left on the test Redis by earlier runs
    with stack_running(tmp_path, settings.REDIS_URL) as running:
        yield running


def popm_session(art) -> requests.Session:
    user = User.objects.create_user("paula", password="pw-paula")
    user.groups.add(Group.objects.get_or_create(name=POPM_GROUP)[0])
    art.popms.add(user)
    session = requests.Session()
    session.headers["Authorization"] = f"Token {Token.objects.create(user=user).key}"
    return session


def backlog_when_current(
    stack: Stack, session: requests.Session, art_id: int, count: int, timeout: float = 30
) -> list[dict]:
    """The backlog as soon as the worker has ranked all `count` features of it."""
    url = f"{stack.url}/api/arts/{art_id}/backlog/"
    seen: dict = {}

    def ranked() -> bool:
        response = session.get(url, timeout=5)
        assert response.status_code == 200, response.text
        seen.update(response.json())
        rows = seen["results"]
        return seen["scores_current"] and len(rows) == count and all(row["rank"] for row in rows)

    wait_for(ranked, timeout, "the worker to rank the backlog", stack.services)
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
    assert "requeue-stale-scoring-runs scoring.requeue_stale_runs() <freq: 15.00 seconds>" in beat_log

    # The same server answers the API docs with their scripts, without the internet.
    assert requests.get(f"{stack.url}/api/docs/", timeout=5).status_code == 200
    bundle = requests.get(
        f"{stack.url}/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js", timeout=5
    )
    assert (bundle.status_code, len(bundle.content) > 100_000) == (200, True)


def test_a_run_whose_worker_is_killed_is_taken_over_within_a_minute_exactly_once(stack):
    from scoring.models import FeatureScore, ScoringRun
    from scoring.services import scores_compute, scoring_run_send
    from tests.factories import features_bulk

    art = ArtFactory(name="Big train")
    features_bulk(art, 100_000)
    run = ScoringRun.objects.create(art=art, trigger=ScoringRun.Trigger.MANUAL)
    assert scoring_run_send(run.pk)

    def status() -> str:
        return ScoringRun.objects.values_list("status", flat=True).get(pk=run.pk)

    wait_for(lambda: status() == ScoringRun.Status.RUNNING, 60, "the worker to start the run", stack.services)
    time.sleep(0.5)  # well inside the run: reading 100,000 features and ranking them
    stack.kill("worker")
    assert status() == ScoringRun.Status.RUNNING  # the dead worker's run, left behind
    started = time.monotonic()
    stack.start("worker 2", command_of="worker")
    wait_for(
        lambda: status() == ScoringRun.Status.DONE, 60, "a new worker to take the run over", stack.services
    )
    taken_over = time.monotonic() - started
    print(f"run taken over and done {taken_over:.1f} s after the new worker started")
    assert taken_over < 60

    run.refresh_from_db()
    assert run.attempts == 1  # the killed attempt wrote nothing; the takeover ran once
    rows = list(
        Feature.objects.filter(art=art).values_list(
            "id", *Feature.SCORE_INPUTS, "status", "created_at", "pinned_position", "pinned_at"
        )
    )
    expected = {feature_id: score[2] for feature_id, score in scores_compute(rows).items()}
    stored = dict(Feature.objects.filter(art=art).values_list("id", "rank"))
    assert stored == expected
    assert sorted(stored.values()) == list(range(1, 100_001))
    recorded = FeatureScore.objects.filter(run=run)
    assert recorded.count() == recorded.values("feature").distinct().count() == 100_000
    assert "was left running by a worker that died" in stack.services["worker 2"].output()


def redis_server(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not port_open(port):
        assert time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.1)
    return process


@pytest.mark.django_db(transaction=True)
def test_with_the_queue_down_an_edit_is_saved_and_ranked_once_the_queue_is_back(tmp_path, client):
    from scoring.models import ScoringRun

    redis_port = free_port()
    redis = redis_server(redis_port)
    try:
        with stack_running(tmp_path, f"redis://127.0.0.1:{redis_port}/0") as stack:
            art = ArtFactory(name="Commerce")
            session = popm_session(art)
            for title, ubv, tc, rr, size in FEATURES:
                body = {"art": art.pk, "title": title, "user_business_value": ubv, "time_criticality": tc}
                body |= {"risk_reduction": rr, "job_size": size, "status": "backlog"}
                assert session.post(f"{stack.url}/api/features/", json=body, timeout=5).status_code == 201
            rows = backlog_when_current(stack, session, art.pk, len(FEATURES))

            redis.kill()
            redis.wait()
            last = rows[-1]
            asked = time.monotonic()
            response = session.patch(
                f"{stack.url}/api/features/{last['id']}/",
                json={"job_size": 1, "user_business_value": 20, "version": last["version"]},
                timeout=10,
            )
            answered_in = time.monotonic() - asked
            assert response.status_code == 200, response.text
            assert response.json()["version"] == last["version"] + 1
            assert answered_in < 3, answered_in
            backlog = session.get(f"{stack.url}/api/arts/{art.pk}/backlog/", timeout=5).json()
            assert backlog["scores_current"] is False
            pending = ScoringRun.objects.get(art=art, status=ScoringRun.Status.PENDING)
            assert pending.error.startswith("queue unreachable")
            client.force_login(User.objects.get(username="paula"))
            page = client.get(f"/arts/{art.pk}/backlog/").content.decode()
            assert "ranking will update when the queue is back" in page

            redis = redis_server(redis_port)
            back = time.monotonic()
            rows = backlog_when_current(stack, session, art.pk, len(FEATURES), timeout=60)
            print(
                f"queue down: edit answered in {answered_in:.2f} s; ranked {time.monotonic() - back:.1f} s after Redis was back"
            )
            assert rows[0]["title"] == last["title"]
    finally:
        redis.kill()
        redis.wait()


def test_the_production_build_and_start_commands_serve_pages_docs_and_static_files(tmp_path):
    """popm/deploy.sh, as the Dockerfile and docker-compose.yml run it, under the production
    settings: build (collectstatic with the manifest), then web (migrate, gunicorn)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    port = free_port()
    secret = "processes-test-secret-" + "x" * 40
    env = {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secret,
        "DATABASE_URL": database_url_of_this_run(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "PYTHONUNBUFFERED": "1",
    }
    build = subprocess.run(
        ["sh", "popm/deploy.sh", "build"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )
    assert build.returncode == 0, build.stdout + build.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()

    art = ArtFactory(name="Commerce")
    user = User.objects.create_user("paula", password="pw-paula")
    user.groups.add(Group.objects.get_or_create(name=POPM_GROUP)[0])
    art.popms.add(user)
    with override_settings(SECRET_KEY=secret):  # signed as the production server will read it
        session = SessionStore()
        session.update(
            {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: "backlog.access.StaffAreAdminsBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
        )
        session.create()

    log = tmp_path / "web.log"
    with log.open("w") as log_file:
        web = subprocess.Popen(
            [
                "sh",
                "popm/deploy.sh",
                "web",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--no-control-socket",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    services = {"web": Service("web", web, log)}
    # As the TLS-terminating proxy forwards it: https, so no redirect and Secure cookies hold.
    proxied = {"X-Forwarded-Proto": "https"}
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: answers_via_proxy(f"{url}/login/", proxied), 90, "gunicorn to answer", services)
        login = requests.get(f"{url}/login/", headers=proxied, timeout=10)
        assert login.status_code == 200
        assert "max-age=31536000" in login.headers["Strict-Transport-Security"]
        assert "script-src 'self'" in login.headers["Content-Security-Policy"]
        stylesheet = re.search(r'href="(/static/popm/app\.[0-9a-f]{12}\.css)"', login.text)
        assert stylesheet, "the page links the manifest's hashed stylesheet"
        assert requests.get(url + stylesheet.group(1), headers=proxied, timeout=10).status_code == 200

        signed_in = {**proxied, "Cookie": f"sessionid={session.session_key}"}
        backlog = requests.get(f"{url}/arts/{art.pk}/backlog/", headers=signed_in, timeout=10)
        assert backlog.status_code == 200, backlog.text[:2000]
        assert "Commerce" in backlog.text
        docs = requests.get(f"{url}/api/docs/", headers=signed_in, timeout=10)
        assert docs.status_code == 200
        plain = requests.get(f"{url}/login/", timeout=10, allow_redirects=False)
        assert (plain.status_code, plain.headers["Location"]) == (301, f"https://127.0.0.1:{port}/login/")
    finally:
        web.terminate()
        try:
            web.wait(timeout=15)
        except subprocess.TimeoutExpired:
            web.kill()
            web.wait()
        print(f"\n----- web (exit {web.returncode}) -----\n{log.read_text(errors='replace')}")


def answers_via_proxy(url: str, headers: dict) -> bool:
    try:
        return requests.get(url, headers=headers, timeout=5).status_code == 200
    except requests.RequestException:
        return False
