"""GET /api/arts/{id}/backlog/ under gunicorn, for ARTs of 1,000 and 10,000 features.

    .venv/bin/python bench/bench_backlog_api.py [--sizes 1000,10000] [--requests 500] [--seconds 10]

Creates and drops its own database, scores the ARTs with a real scoring run, and starts
gunicorn (sync workers, 2 per CPU) on a free 127.0.0.1 port with DJANGO_ENV=production
(DEBUG off, persistent database connections). A POPM signs in with a token. Per size:
- p50 / p95 / p99 of ?page_size=100 with one client (sequential requests after a warm-up);
- requests/s with 8 concurrent clients (wrk, 2 threads, 8 connections, bounded in time);
- the whole ranked backlog as JSON: every page at page_size=1000, one after the other;
- queries per request, counted in-process with CaptureQueriesContext;
- CPU time per request of the server side (gunicorn workers and their PostgreSQL backends,
  from /proc during the wrk run), which other work on the machine disturbs much less than
  latency.
Targets (issue 2): p95 <= 15 ms and >= 150 requests/s at 10,000; the whole backlog of
10,000 in <= 0.2 s; queries per request constant in the number of features.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from benchdb import ROOT, art_create, database_create, database_drop, database_url, machine, median

DATABASE = "popm_bench_api"
REDIS_URL = "redis://127.0.0.1:6379/14"
P95_TARGET_MS = 15.0
RPS_TARGET = 150.0
WHOLE_TARGET_S = 0.2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def token_for_popm(arts) -> str:
    from django.contrib.auth.models import Group, User
    from rest_framework.authtoken.models import Token

    from backlog.access import POPM_GROUP

    user = User.objects.create_user("bench-popm", password=secrets.token_hex(8))
    user.groups.add(Group.objects.get_or_create(name=POPM_GROUP)[0])
    for art in arts:
        art.popms.add(user)
    return Token.objects.create(user=user).key


def arts_scored(sizes: list[int]) -> dict[int, int]:
    from scoring.models import ScoringRun
    from scoring.services import scoring_run_execute

    arts = {}
    for size in sizes:
        art = art_create(name=f"ART of {size}", features=size)
        run = scoring_run_execute(run_id=ScoringRun.objects.create(art=art, trigger="manual").pk)
        assert run.status == "done"
        arts[size] = art
    # A run rewrites every rank; autovacuum then tidies the table within a minute or so.
    # Vacuum now so that every figure is taken in that steady state, not half-way through it.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return arts


def gunicorn_start(port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        # Plain http on loopback, no TLS proxy in front: no redirect to https.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(DATABASE),
        "REDIS_URL": REDIS_URL,
        "DJANGO_LOG_LEVEL": "WARNING",
        # whitenoise warns that there is no collectstatic output; the API needs none.
        "PYTHONWARNINGS": "ignore::UserWarning",
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "popm.wsgi",
            "-c",
            "popm/gunicorn.conf.py",  # popm's worker settings (collector tuning); flags below win
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


def get_bytes(port: int, path: str, token: str) -> bytes:
    """One request on a new connection (gunicorn's sync workers close it after each answer)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Authorization": f"Token {token}", "Host": "127.0.0.1"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}: {body[:300]!r}")
    return body


def get(port: int, path: str, token: str) -> tuple[float, dict]:
    """Seconds until the whole answer has arrived, and the answer parsed (after the clock)."""
    started = time.perf_counter()
    body = get_bytes(port, path, token)
    return time.perf_counter() - started, json.loads(body)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def latency_one_client(port: int, path: str, token: str, requests: int) -> dict:
    for _ in range(max(50, requests // 5)):
        get(port, path, token)
    times = [get(port, path, token)[0] * 1000 for _ in range(requests)]
    return {
        "p50": percentile(times, 0.50),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
        "requests": requests,
    }


def proc_stat(pid: int | str) -> list[str]:
    """Fields of /proc/<pid>/stat after the command name (state, ppid, ...)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU the processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = proc_stat(pid)
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(server: subprocess.Popen) -> tuple[list[int], list[int]]:
    """gunicorn's workers and the PostgreSQL backends serving this benchmark's database."""
    from django.db import connection

    workers = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(proc_stat(entry)[1])
            except (FileNotFoundError, ProcessLookupError):
                continue
            if parent == server.pid:
                workers.append(int(entry))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [DATABASE]
        )
        backends = [pid for (pid,) in cursor.fetchall()]
    connection.close()
    return [server.pid, *workers], backends


def throughput_wrk(port: int, path: str, token: str, seconds: int, pids: tuple[list[int], list[int]]) -> dict:
    if not shutil.which("wrk"):
        return {"error": "wrk is not installed (apt-get install -y wrk)"}
    command = [
        "wrk",
        "-t2",
        "-c8",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "--latency",
        "-H",
        f"Authorization: Token {token}",
        f"http://127.0.0.1:{port}{path}",
    ]
    app_before, db_before = cpu_seconds(pids[0]), cpu_seconds(pids[1])
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30).stdout
    app_used, db_used = cpu_seconds(pids[0]) - app_before, cpu_seconds(pids[1]) - db_before
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    failed = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    return {
        "rps": rps,
        "non_2xx": int(failed.group(1)) if failed else 0,
        "socket_errors": errors.group(0) if errors else "none",
        "p50": p50.group(1) if p50 else "?",
        "p99": p99.group(1) if p99 else "?",
        "cpu_ms": 1000 * (app_used + db_used) / requests,
        "app_ms": 1000 * app_used / requests,
        "db_ms": 1000 * db_used / requests,
    }


def whole_backlog(port: int, art_id: int, token: str, repeat: int = 5) -> dict:
    """Every page at page_size=1000, one request after the other; the time to receive them.

    The client parses the pages after the clock stops (it needs the count, asked first).
    """
    path = f"/api/arts/{art_id}/backlog/?page_size=1000"
    count = get(port, f"/api/arts/{art_id}/backlog/?page_size=1", token)[1]["count"]
    pages = max(1, -(-count // 1000))
    totals = []
    for _ in range(repeat):
        started = time.perf_counter()
        bodies = [get_bytes(port, f"{path}&page={page}", token) for page in range(1, pages + 1)]
        totals.append(time.perf_counter() - started)
        rows = [row for body in bodies for row in json.loads(body)["results"]]
        assert len({row["id"] for row in rows}) == count, "every feature once"
    ranks = [row["rank"] for row in rows if row["rank"] is not None]
    assert ranks == list(range(1, len(ranks) + 1)), "ranks 1..n, in order, across all pages"
    return {"seconds": median(totals), "all": totals, "rows": count, "pages": pages}


def queries_per_request(art_id: int, token: str, page_size: int) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    path = f"/api/arts/{art_id}/backlog/?page_size={page_size}"
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    return len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    options = parser.parse_args()
    sizes = [int(s) for s in options.sizes.split(",")]
    print(machine())
    print(f"gunicorn: {options.workers} sync workers, DJANGO_ENV=production, DEBUG off; client on 127.0.0.1")
    database_create(DATABASE)
    server = None
    try:
        arts = arts_scored(sizes)
        token = token_for_popm(arts.values())
        queries = {
            size: (queries_per_request(art.pk, token, 100), queries_per_request(art.pk, token, 1000))
            for size, art in arts.items()
        }
        from django.db import connections

        connections.close_all()
        server = gunicorn_start(free_port(), options.workers)
        port = int(server.args[server.args.index("--bind") + 1].rsplit(":", 1)[1])
        for size, art in arts.items():
            path = f"/api/arts/{art.pk}/backlog/?page_size=100"
            one = latency_one_client(port, path, token, options.requests)
            many = throughput_wrk(port, path, token, options.seconds, server_pids(server))
            whole = whole_backlog(port, art.pk, token)
            p95_note = "met" if one["p95"] <= P95_TARGET_MS else "MISSED"
            print(f"{size:>6,} features, {path}")
            print(
                f"   one client, {one['requests']} requests: p50 {one['p50']:.1f} ms, "
                f"p95 {one['p95']:.1f} ms (target <= {P95_TARGET_MS:.0f} ms: {p95_note}), "
                f"p99 {one['p99']:.1f} ms"
            )
            if "error" in many:
                print(f"   8 clients: {many['error']}")
            else:
                rps_note = "met" if many["rps"] >= RPS_TARGET else "MISSED"
                print(
                    f"   8 clients (wrk -t2 -c8 -d{options.seconds}s): {many['rps']:.0f} requests/s "
                    f"(target >= {RPS_TARGET:.0f}: {rps_note}), wrk latency p50 {many['p50']} "
                    f"p99 {many['p99']}, non-2xx {many['non_2xx']}, socket errors {many['socket_errors']}"
                )
                print(
                    f"   CPU per request: {many['cpu_ms']:.1f} ms (gunicorn workers {many['app_ms']:.1f} ms "
                    f"+ their PostgreSQL backends {many['db_ms']:.1f} ms), i.e. at most {os.cpu_count() * 1000 / many['cpu_ms']:.0f} "
                    f"requests/s if {os.cpu_count()} CPUs served nothing else (an estimate, not a measurement)"
                )
            whole_note = "met" if whole["seconds"] <= WHOLE_TARGET_S else "MISSED"
            print(
                f"   whole backlog ({whole['rows']:,} rows, {whole['pages']} pages of 1000): "
                f"{whole['seconds']:.3f} s median of {[round(s, 3) for s in whole['all']]} "
                f"(target <= {WHOLE_TARGET_S} s at 10,000: {whole_note})"
            )
            print(
                f"   queries per request: {queries[size][0]} at page_size=100, "
                f"{queries[size][1]} at page_size=1000"
            )
    finally:
        if server is not None:
            gunicorn_stop(server)
        database_drop(DATABASE)


if __name__ == "__main__":
    sys.exit(main())
