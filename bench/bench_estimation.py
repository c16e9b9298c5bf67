"""An estimation session under load: 50 features x 4 columns, 20 people voting at once over HTTP.

    .venv/bin/python bench/bench_estimation.py [--voters 20] [--features 50] [--changes 5] [--page-reads 40]

Creates and drops its own database, starts gunicorn (sync workers, 2 per CPU) on a free
127.0.0.1 port with DJANGO_ENV=production (DEBUG off, persistent database connections), and
runs one session through the API with a bounded loopback client: one thread per voter, each
with its own token, every request on a new connection (gunicorn's sync workers close it).
Per column: every voter votes on every feature in a shuffled order and changes their mind on
`--changes` of them (a second vote on the same feature, which replaces the first); then the
POPM reveals, reads the reveal page (the HTML board with every vote, signed in by cookie)
`--page-reads` times, accepts a value for every feature and moves on. At the end it closes the
session and checks that every vote is stored exactly once (one row per voter, feature, column).
Targets (issue 9): p95 vote latency <= 30 ms; the POPM's reveal page <= 100 ms p95.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time

from benchdb import ROOT, art_create, database_create, database_drop, database_url, machine

DATABASE = "popm_bench_estimation"
REDIS_URL = "redis://127.0.0.1:6379/13"
VOTE_P95_TARGET_MS = 30.0
PAGE_P95_TARGET_MS = 100.0
COLUMNS = ["user_business_value", "time_criticality", "risk_reduction", "job_size"]
SCALE = (1, 2, 3, 5, 8, 13, 20)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def static_collect(env: dict) -> bool:
    """The production pages need collectstatic's manifest; True if this run made staticfiles/."""
    made = not (ROOT / "staticfiles").exists()
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return made


def gunicorn_env() -> dict:
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ["BENCH_SECRET_KEY"],
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(DATABASE),
        # The close enqueues a scoring run here; no worker runs it (the bench measures votes).
        "REDIS_URL": REDIS_URL,
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore::UserWarning",
    }


def gunicorn_start(port: int, workers: int, env: dict) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "popm.wsgi",
            "-c",
            "popm/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.2)
    gunicorn_stop(server)
    raise RuntimeError("gunicorn did not start within 30 s")


def gunicorn_stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def request(
    port: int, method: str, path: str, headers: dict, body: dict | None = None
) -> tuple[float, int, bytes]:
    """Seconds until the whole answer arrived, its status and body."""
    payload = json.dumps(body).encode() if body is not None else None
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        method,
        path,
        body=payload,
        headers={
            "Host": "127.0.0.1",
            "X-Forwarded-Proto": "https",
            "Content-Type": "application/json",
            **headers,
        },
    )
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return time.perf_counter() - started, response.status, data


def people_make(art, voters: int) -> tuple[str, str, list[tuple[int, str]]]:
    """A POPM (token and signed-in session cookie) and `voters` stakeholders with tokens."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group, User
    from django.contrib.sessions.backends.db import SessionStore
    from rest_framework.authtoken.models import Token

    from backlog.access import POPM_GROUP, STAKEHOLDER_GROUP
    from backlog.models import Stakeholder

    popm = User.objects.create_user("bench-popm", password=secrets.token_hex(8))
    popm.groups.add(Group.objects.get_or_create(name=POPM_GROUP)[0])
    art.popms.add(popm)
    store = SessionStore()
    store[SESSION_KEY] = str(popm.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = popm.get_session_auth_hash()
    store.create()
    cookie = f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
    group = Group.objects.get_or_create(name=STAKEHOLDER_GROUP)[0]
    people = []
    for index in range(voters):
        user = User.objects.create_user(f"voter-{index}", password=secrets.token_hex(8))
        user.groups.add(group)
        Stakeholder.objects.create(art=art, name=f"Voter {index}", title="Business owner", user=user)
        people.append((user.pk, Token.objects.create(user=user).key))
    return Token.objects.create(user=popm).key, cookie, people


def column_votes(port, session_id, column, feature_ids, people, changes, seed) -> tuple[list[float], int]:
    """Every voter votes on every feature at the same time; latencies (ms) and refusals."""
    latencies: list[float] = []
    refused = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(len(people))

    def voter(index, token):
        rng = random.Random(seed * 1000 + index)
        order = feature_ids[:]
        rng.shuffle(order)
        order += rng.sample(feature_ids, changes)  # changes of mind: a second vote replaces the first
        mine = []
        barrier.wait()
        for feature_id in order:
            seconds, status, _ = request(
                port,
                "POST",
                f"/api/estimations/{session_id}/votes/",
                {"Authorization": f"Token {token}"},
                {"feature": feature_id, "column": column, "value": rng.choice(SCALE)},
            )
            mine.append(seconds * 1000)
            if status != 200:
                with lock:
                    refused[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=voter, args=(i, token)) for i, (_, token) in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return latencies, refused[0]


def baseline_reads(port, art_id, people, requests_each) -> list[float]:
    """The same 20 concurrent clients on a bare read (GET /api/arts/{id}/): what this machine
    and gunicorn give any request at this moment, beside which the vote figures read best."""
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(people))

    def reader(token):
        mine = []
        barrier.wait()
        for _ in range(requests_each):
            seconds, status, _ = request(
                port, "GET", f"/api/arts/{art_id}/", {"Authorization": f"Token {token}"}
            )
            assert status == 200, status
            mine.append(seconds * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=reader, args=(token,)) for _, token in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, default=20)
    parser.add_argument("--features", type=int, default=50)
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--page-reads", type=int, default=40)
    arguments = parser.parse_args()
    os.environ["BENCH_SECRET_KEY"] = secrets.token_urlsafe(50)
    print(machine())
    database_create(DATABASE, DJANGO_SECRET_KEY=os.environ["BENCH_SECRET_KEY"])
    server, made_static = None, False
    try:
        from scoring.estimation.models import Vote

        art = art_create(name="Estimation bench", features=max(200, arguments.features))
        popm_token, popm_cookie, people = people_make(art, arguments.voters)
        from backlog.models import Feature

        feature_ids = list(
            Feature.objects.filter(art=art).exclude(status="done").order_by("id").values_list("id", flat=True)
        )[: arguments.features]
        port, workers = free_port(), 2 * (os.cpu_count() or 1)
        env = gunicorn_env()
        made_static = static_collect(env)
        server = gunicorn_start(port, workers, env)
        popm = {"Authorization": f"Token {popm_token}"}
        _, status, body = request(
            port,
            "POST",
            f"/api/arts/{art.pk}/estimations/",
            popm,
            {
                "name": "Bench",
                "features": feature_ids,
                "columns": COLUMNS,
                "participants": [pk for pk, _ in people],
            },
        )
        assert status == 201, body[:300]
        session_id = json.loads(body)["id"]
        assert request(port, "POST", f"/api/estimations/{session_id}/open/", popm)[1] == 200
        # warm every worker up (imports, connections) before the clock runs
        for _ in range(4 * workers):
            request(port, "GET", f"/api/estimations/{session_id}/", popm)
        all_votes, page_times, detail_times, refused_total = [], [], [], 0
        for seed, column in enumerate(COLUMNS):
            started = time.perf_counter()
            votes, refused = column_votes(
                port, session_id, column, feature_ids, people, arguments.changes, seed
            )
            wall = time.perf_counter() - started
            all_votes += votes
            refused_total += refused
            assert request(port, "POST", f"/api/estimations/{session_id}/reveal/", popm)[1] == 200
            pages = []
            for _ in range(arguments.page_reads):
                seconds, status, page = request(
                    port, "GET", f"/estimations/{session_id}/", {"Cookie": popm_cookie}
                )
                assert status == 200 and b'data-testid="votes"' in page, (status, page[:200])
                pages.append(seconds * 1000)
            page_times += pages
            for _ in range(10):
                detail_times.append(request(port, "GET", f"/api/estimations/{session_id}/", popm)[0] * 1000)
            print(
                f"{column:<20} {len(votes)} votes in {wall:.2f} s ({len(votes) / wall:.0f}/s), "
                f"p50 {percentile(votes, 0.5):.1f} ms, p95 {percentile(votes, 0.95):.1f} ms, "
                f"p99 {percentile(votes, 0.99):.1f} ms; refused {refused}; "
                f"reveal page p50 {percentile(pages, 0.5):.1f} ms, p95 {percentile(pages, 0.95):.1f} ms"
            )
            for feature_id in feature_ids:
                request(
                    port,
                    "POST",
                    f"/api/estimations/{session_id}/accept/",
                    popm,
                    {"feature": feature_id, "column": column, "value": 5},
                )
            if column != COLUMNS[-1]:
                assert request(port, "POST", f"/api/estimations/{session_id}/next-column/", popm)[1] == 200
        started = time.perf_counter()
        base = baseline_reads(port, art.pk, people, len(feature_ids) + arguments.changes)
        base_wall = time.perf_counter() - started
        seconds, status, _ = request(port, "POST", f"/api/estimations/{session_id}/close/", popm, {})
        assert status == 200, status
        rows = Vote.objects.filter(session_id=session_id).count()
        expected = len(COLUMNS) * len(feature_ids) * len(people)
        distinct = (
            Vote.objects.filter(session_id=session_id).values("feature", "column", "voter").distinct().count()
        )
        vote_p95, page_p95 = percentile(all_votes, 0.95), percentile(page_times, 0.95)
        print(
            f"\nall columns: {len(all_votes)} vote requests, refused {refused_total}; "
            f"rows {rows} (expected {expected}, distinct voter/feature/column {distinct}): "
            f"{'every vote stored once' if rows == expected == distinct else 'MISMATCH'}"
        )
        print(
            f"vote latency p50 {percentile(all_votes, 0.5):.1f} ms, p95 {vote_p95:.1f} ms, "
            f"p99 {percentile(all_votes, 0.99):.1f} ms (target p95 <= {VOTE_P95_TARGET_MS:.0f} ms: "
            f"{'met' if vote_p95 <= VOTE_P95_TARGET_MS else 'MISSED'})"
        )
        print(
            f"reveal page ({len(feature_ids)} features x {len(people)} votes) p50 {percentile(page_times, 0.5):.1f} ms, "
            f"p95 {page_p95:.1f} ms (target p95 <= {PAGE_P95_TARGET_MS:.0f} ms: "
            f"{'met' if page_p95 <= PAGE_P95_TARGET_MS else 'MISSED'}); "
            f"API detail p50 {percentile(detail_times, 0.5):.1f} ms, p95 {percentile(detail_times, 0.95):.1f} ms"
        )
        print(
            f"baseline, same clients, GET /api/arts/{{id}}/: {len(base)} requests in {base_wall:.2f} s "
            f"({len(base) / base_wall:.0f}/s), p50 {percentile(base, 0.5):.1f} ms, p95 {percentile(base, 0.95):.1f} ms"
        )
        print(f"close (writes {len(feature_ids)} features, 4 columns each): {seconds * 1000:.0f} ms")
        print(machine())
    finally:
        if server is not None:
            gunicorn_stop(server)
        if made_static:
            shutil.rmtree(ROOT / "staticfiles")
        database_drop(DATABASE)


if __name__ == "__main__":
    main()
