"""Hardening figures (issue 12), on loopback only and bounded in time.

    .venv/bin/python bench/bench_hardening.py [--read-seconds 30] [--skip-suite]

Creates and drops its own database with the demo ART, starts gunicorn (production settings,
2 workers) and a Celery worker on a free port / its own Redis db, and measures:
- 8 clients x 50 read-modify-write edits of one feature's estimate, with preconditions
  (version; a 412 re-reads and retries) and without (If-Match: *): updates lost;
- a PATCH with no precondition at all: the status (428 expected);
- 8 clients reading the ranked backlog for --read-seconds while another edits at 5/s:
  errors and p50 / p95 / p99 of the reads;
then (unless --skip-suite) runs the suite's fuzz, worker-kill and queue-down tests and prints
the figures they print: schemathesis requests and failures, takeover time after a new worker
starts, the queue-down edit's answer time and how soon it was ranked after Redis was back.
"""

import argparse
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchdb import ROOT, database_create, database_drop, database_url, machine

DATABASE = "popm_bench_hardening"
REDIS_URL = "redis://127.0.0.1:6379/13"
P99_TARGET_MS = 150.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def services_start(port: int, logs: Path) -> list[subprocess.Popen]:
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain http on loopback, no TLS proxy
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(DATABASE),
        "REDIS_URL": REDIS_URL,
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore::UserWarning",
    }
    bin_dir = ROOT / ".venv/bin"
    commands = [
        [bin_dir / "gunicorn", "popm.wsgi", "-c", "popm/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "2", "--log-level", "warning", "--no-control-socket"],
        [bin_dir / "celery", "-A", "popm", "worker", "--pool", "solo", "--loglevel", "WARNING"],
    ]
    processes = []
    for index, command in enumerate(commands):
        with (logs / f"service{index}.log").open("w") as log:
            processes.append(
                subprocess.Popen(
                    [str(part) for part in command],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
    return processes


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def concurrent_edits(url: str, token: str, feature_id: int, *, preconditions: bool) -> tuple[int, int]:
    """8 clients x 50 increments of estimate_points; returns (final increments, 412 retries)."""
    import requests

    headers = {"Authorization": f"Token {token}"}
    base = requests.get(f"{url}/api/features/{feature_id}/", headers=headers, timeout=10).json()
    start = int(float(base["estimate_points"] or 0))
    retries = [0]
    lock = threading.Lock()

    def client():
        session = requests.Session()
        session.headers.update(headers)
        for _ in range(50):
            while True:
                current = session.get(f"{url}/api/features/{feature_id}/", timeout=10).json()
                points = int(float(current["estimate_points"] or 0)) + 1
                body = {"estimate_points": str(points)}
                extra = {}
                if preconditions:
                    body["version"] = current["version"]
                else:
                    extra = {"If-Match": "*"}
                answer = session.patch(
                    f"{url}/api/features/{feature_id}/", json=body, headers=extra, timeout=10
                )
                if answer.status_code == 412:
                    with lock:
                        retries[0] += 1
                    continue
                assert answer.status_code == 200, answer.text
                break

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = requests.get(f"{url}/api/features/{feature_id}/", headers=headers, timeout=10).json()
    return int(float(final["estimate_points"])) - start, retries[0]


def reads_while_editing(url: str, token: str, art_id: int, feature_id: int, seconds: float):
    import requests

    headers = {"Authorization": f"Token {token}"}
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    errors = [0, 0]  # reads, edits
    edits = [0]
    lock = threading.Lock()

    def reader():
        session = requests.Session()
        session.headers.update(headers)
        while time.monotonic() < stop:
            started = time.perf_counter()
            answer = session.get(f"{url}/api/arts/{art_id}/backlog/", timeout=10)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors[0] += answer.status_code != 200

    def editor():
        session = requests.Session()
        session.headers.update(headers)
        sizes = [1, 2, 3, 5, 8, 13, 20]
        index = 0
        while time.monotonic() < stop:
            tick = time.monotonic()
            current = session.get(f"{url}/api/features/{feature_id}/", timeout=10).json()
            body = {"job_size": sizes[index % 7], "version": current["version"]}
            answer = session.patch(f"{url}/api/features/{feature_id}/", json=body, timeout=10)
            errors[1] += answer.status_code != 200
            edits[0] += 1
            index += 1
            time.sleep(max(0.0, 0.2 - (time.monotonic() - tick)))  # 5 edits a second

    threads = [threading.Thread(target=reader) for _ in range(8)] + [threading.Thread(target=editor)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, edits[0]


def suite_figures() -> list[str]:
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DATABASE_URL": database_url(DATABASE + "_suite"),
        "REDIS_URL": REDIS_URL,
    }
    tests = [
        "tests/test_fuzz_api.py",
        "tests/test_processes.py::test_a_run_whose_worker_is_killed_is_taken_over_within_a_minute_exactly_once",
        "tests/test_processes.py::test_with_the_queue_down_an_edit_is_saved_and_ranked_once_the_queue_is_back",
    ]
    ran = subprocess.run(
        [str(ROOT / ".venv/bin/pytest"), "-q", "-s", "-p", "no:cacheprovider", "-p", "no:logging", *tests],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    lines = [
        line.strip()
        for line in ran.stdout.splitlines()
        if re.search(r"schemathesis:|taken over and done|queue down:|passed|failed", line)
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--read-seconds", type=float, default=30)
    parser.add_argument("--skip-suite", action="store_true")
    args = parser.parse_args()

    print(machine())
    database_create(DATABASE, REDIS_URL="")
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from backlog.models import Art, Feature
    from scoring.models import ScoringRun
    from scoring.services import scoring_run_execute

    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
    for run in ScoringRun.objects.filter(status=ScoringRun.Status.PENDING):
        scoring_run_execute(run_id=run.pk)
    art = Art.objects.first()
    token = Token.objects.get_or_create(user=User.objects.get(username="paula"))[0].key
    edited, read_edited = Feature.objects.filter(art=art).order_by("pk")[:2]

    subprocess.run(["redis-cli", "-n", "13", "flushdb"], check=False, stdout=subprocess.DEVNULL)
    port = free_port()
    logs = Path("/tmp") / f"bench-hardening-{port}"
    logs.mkdir(exist_ok=True)
    processes = services_start(port, logs)
    url = f"http://127.0.0.1:{port}"
    import requests

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                # An API answer: pages would need collectstatic's manifest, which the API does not.
                if requests.get(f"{url}/api/schema/", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, "gunicorn did not answer"
            time.sleep(0.5)

        headers = {"Authorization": f"Token {token}"}
        blind = requests.patch(
            f"{url}/api/features/{edited.pk}/", json={"title": edited.title}, headers=headers, timeout=10
        )
        print(f"PATCH without version or If-Match: {blind.status_code}")
        for preconditions in (True, False):
            applied, retries = concurrent_edits(url, token, edited.pk, preconditions=preconditions)
            what = "with version (412 -> re-read, retry)" if preconditions else "with If-Match: * (blind)"
            print(
                f"8 x 50 edits {what}: {applied}/400 applied, {400 - applied} lost, {retries} retries after 412"
            )

        latencies, errors, edits = reads_while_editing(url, token, art.pk, read_edited.pk, args.read_seconds)
        p50, p95, p99 = (percentile(latencies, share) for share in (0.5, 0.95, 0.99))
        verdict = "met" if p99 <= P99_TARGET_MS and not any(errors) else "MISSED"
        print(
            f"8 readers x {args.read_seconds:.0f} s + 1 editor at 5/s: {len(latencies)} reads, {edits} edits, "
            f"errors {errors[0]} reads / {errors[1]} edits; read p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
            f"p99 {p99:.1f} ms (target p99 <= {P99_TARGET_MS:.0f} ms: {verdict})"
        )
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=20)
        database_drop(DATABASE)

    if not args.skip_suite:
        for line in suite_figures():
            print(line)


if __name__ == "__main__":
    sys.exit(main())
