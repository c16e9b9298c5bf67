"""Server time of the ranked backlog page and of an inline scoring round-trip.

    .venv/bin/python bench/bench_backlog_page.py [--features 1000] [--requests 200]

Creates (and drops) the PostgreSQL database popm_bench_page on 127.0.0.1, loads an ART of N
features, ranks it, then times the page and the inline POST in-process with Django's test
client (server time: URL routing, middleware, queries, template rendering; no network).
The POST enqueues a scoring run on Redis db 9 (no worker runs it, as in production where the
worker is another process); the queue is purged at the end.
"""

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
DB = "popm_bench_page"
os.environ.update(
    DJANGO_ENV="test",
    DJANGO_DEBUG="false",
    DJANGO_ALLOWED_HOSTS="testserver",
    DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB}",
    REDIS_URL="redis://127.0.0.1:6379/9",
    DJANGO_SETTINGS_MODULE="popm.settings",
)


def admin_sql(sql: str) -> None:
    connection = psycopg2.connect("dbname=postgres user=postgres host=127.0.0.1")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(call, count: int) -> list[float]:
    for _ in range(5):
        call()
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(name: str, samples: list[float], queries: int) -> None:
    print(
        f"{name:<44} p50 {statistics.median(samples):7.1f} ms   p95 {percentile(samples, 0.95):7.1f} ms"
        f"   max {max(samples):7.1f} ms   queries {queries}   n={len(samples)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--features", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--default-gc",
        action="store_true",
        help="keep CPython's default collector settings instead of popm's worker settings",
    )
    args = parser.parse_args()

    admin_sql(f"DROP DATABASE IF EXISTS {DB}")
    admin_sql(f"CREATE DATABASE {DB}")
    try:
        run(args.features, args.requests, worker_gc=not args.default_gc)
    finally:
        from django.db import connections

        connections.close_all()
        admin_sql(f"DROP DATABASE IF EXISTS {DB}")


def run(feature_count: int, request_count: int, *, worker_gc: bool) -> None:
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from backlog.models import Art, Feature, ProgramIncrement, Team
    from popm.celery import app
    from scoring.models import ScoringRun
    from scoring.services import scoring_run_execute
    from scoring.wsjf import SCALE

    # Keep one connection across requests, as a production worker with CONN_MAX_AGE does,
    # and so that the query log survives between requests.
    request_finished.disconnect(close_old_connections)
    request_started.disconnect(close_old_connections)
    request_started.disconnect(reset_queries)
    call_command("migrate", verbosity=0)
    art = Art.objects.create(name="Bench ART")
    teams = [Team.objects.create(art=art, name=f"Team {i}", velocity=30) for i in range(5)]
    pi = ProgramIncrement.objects.create(art=art, name="PI 1", start_date="2026-10-05", end_date="2026-12-13")
    kinds = ["business"] * 7 + ["enabler"] * 2 + ["exploration"]
    Feature.objects.bulk_create(
        Feature(
            art=art,
            title=f"Feature number {i} with a realistic title length",
            kind=kinds[i % 10],
            status="backlog",
            team=teams[i % 5],
            pi=pi if i % 4 == 0 else None,
            user_business_value=SCALE[i % 7],
            time_criticality=SCALE[(i // 7) % 7],
            risk_reduction=SCALE[(i // 49) % 7],
            job_size=SCALE[(i * 3) % 7],
            estimate_points=(i % 13) + 1,
        )
        for i in range(feature_count)
    )
    scoring_run_execute(run_id=ScoringRun.objects.create(art=art, trigger="manual").pk)
    popm = User.objects.create_user("bench-popm", password="x")
    popm.groups.add(Group.objects.get(name="POPM"))
    art.popms.add(popm)
    client = Client()
    client.force_login(popm)

    if worker_gc:
        from popm.worker_gc import worker_gc_tune

        worker_gc_tune()  # as popm/gunicorn.conf.py does in every worker
    print(f"collector thresholds {gc.get_threshold()}, frozen objects {gc.get_freeze_count()}")
    url = f"/arts/{art.pk}/backlog/"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    print(
        f"ART of {feature_count} features, page of {response.content.count(b'<tr id=')} rows, {len(response.content) / 1024:.0f} KiB HTML"
    )
    page_queries = len(queries)
    report(
        "GET backlog page (POPM, all selects)", timed(lambda: client.get(url), request_count), page_queries
    )

    filtered = f"{url}?kind=enabler&q=number"
    with CaptureQueriesContext(connection) as queries:
        client.get(filtered)
    filtered_queries = len(queries)
    report(
        "GET backlog page filtered (enablers, search)",
        timed(lambda: client.get(filtered), request_count),
        filtered_queries,
    )

    feature = Feature.objects.filter(art=art).order_by("rank")[10]
    sizes = iter(SCALE * (request_count + 10))

    def post_score() -> None:
        current = Feature.objects.only("version").get(pk=feature.pk)
        response = client.post(
            f"/features/{feature.pk}/score/",
            {
                "version": current.version,
                "user_business_value": 8,
                "time_criticality": 3,
                "risk_reduction": 2,
                "job_size": next(sizes),
            },
        )
        assert response.status_code == 200 and b"not saved" not in response.content

    with CaptureQueriesContext(connection) as queries:
        post_score()
    post_queries = len(queries) - 1
    if os.environ.get("BENCH_SHOW_QUERIES"):
        print("\n".join(q["sql"][:140] for q in queries.captured_queries))
    report("POST inline score (round-trip, incl. enqueue)", timed(post_score, request_count), post_queries)
    print("(the POST's queries exclude the benchmark's own version lookup)")
    app.control.purge()


if __name__ == "__main__":
    main()
