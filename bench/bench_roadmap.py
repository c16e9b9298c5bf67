"""The roadmap forecast of an ART with 10,000 open features over 8 PIs, its API and its page.

    .venv/bin/python bench/bench_roadmap.py [--features 10000] [--requests 100] [--keep]

Creates (and drops, unless --keep) the PostgreSQL database popm_bench_roadmap on 127.0.0.1,
loads one ART with 8 teams, 8 PIs from today on (the first one running) and N open features
(kinds 70/20/10, about 10% committed to a PI, 5% without an estimate, 3% unscored), ranks
them with a real scoring run, then times:
- the pure walk (scoring.roadmap.forecast.forecast_walk), strict and fill, N features over
  the 8 PIs and their 8 projections;
- the forecast as the app reads it (scoring.roadmap.selectors.art_forecast: queries + walk);
- GET /api/arts/{id}/forecast/ and the roadmap page, in-process with Django's test client
  (server time: routing, middleware, queries, JSON or template rendering; no network);
- the ranked backlog page, which now carries a "Forecast PI" column, and that column alone;
- the forecast and the roadmap page again with popm's worker GC settings (popm/worker_gc.py).
Targets (issue 15): the forecast <= 100 ms; the roadmap page p95 <= 300 ms.
"""

import argparse
import random
import statistics
import time
from datetime import timedelta
from decimal import Decimal

from benchdb import database_create, database_drop, machine

DATABASE = "popm_bench_roadmap"
FORECAST_TARGET_MS = 100.0
PAGE_TARGET_MS = 300.0


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(call, count: int, warmup: int = 3) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each call (on a shared machine wall time includes
    waiting for a core; CPU time does not)."""
    for _ in range(warmup):
        call()
    wall, cpu = [], []
    for _ in range(count):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def report(name: str, samples: tuple[list[float], list[float]], extra: str = "") -> None:
    wall, cpu = samples
    print(
        f"{name:<50} p50 {statistics.median(wall):6.1f} ms  p95 {percentile(wall, 0.95):6.1f} ms"
        f"  max {max(wall):6.1f} ms  (CPU p50 {statistics.median(cpu):5.1f} p95 {percentile(cpu, 0.95):5.1f})"
        f"  n={len(wall)}{'  ' + extra if extra else ''}"
    )


class QueryCount:
    def __enter__(self):
        from django.db import connection

        self.count = 0
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)


def art_with_open_features(count: int):
    from django.db import connection
    from django.utils import timezone

    from backlog.models import Art, Epic, Feature, ProgramIncrement, Team
    from scoring.models import ScoringRun
    from scoring.services import scoring_run_execute
    from scoring.wsjf import SCALE

    rng = random.Random(15)
    art = Art.objects.create(name="Bench ART")
    teams = [Team.objects.create(art=art, name=f"Team {i}", velocity=30 + 3 * i) for i in range(8)]
    epics = [Epic.objects.create(art=art, title=f"Epic {i}") for i in range(20)]
    start = timezone.localdate() - timedelta(days=20)
    pis = []
    for number in range(8):
        pis.append(
            ProgramIncrement.objects.create(
                art=art, name=f"PI {number + 1}", start_date=start, end_date=start + timedelta(days=69)
            )
        )
        start += timedelta(days=70)
    kinds = ["business"] * 7 + ["enabler"] * 2 + ["exploration"]
    statuses = ["funnel", "analyzing", "backlog", "backlog", "implementing"]
    features = []
    for i in range(count):
        inputs = [rng.choice(SCALE) for _ in range(4)]
        if rng.random() < 0.03:
            inputs[rng.randrange(4)] = None
        features.append(
            Feature(
                art=art,
                pi=rng.choice(pis[:3]) if rng.random() < 0.1 else None,
                team=rng.choice(teams),
                epic=rng.choice(epics) if rng.random() < 0.7 else None,
                title=f"Feature {i}: {rng.choice(['Faster', 'Safer', 'Simpler'])} "
                f"{rng.choice(['checkout', 'booking', 'reporting', 'onboarding', 'search'])}",
                kind=rng.choice(kinds),
                status=rng.choice(statuses),
                user_business_value=inputs[0],
                time_criticality=inputs[1],
                risk_reduction=inputs[2],
                job_size=inputs[3],
                estimate_points=None if rng.random() < 0.05 else Decimal(rng.choice([3, 5, 8, 13, 20, 40])),
            )
        )
    Feature.objects.bulk_create(features, batch_size=5000)
    scoring_run_execute(run_id=ScoringRun.objects.create(art=art, trigger="manual").pk)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return art


def run(feature_count: int, request_count: int) -> None:
    from django.contrib.auth.models import Group, User
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, reset_queries
    from django.test import Client
    from django.utils import timezone

    from backlog.access import POPM_GROUP
    from scoring.roadmap.forecast import FILL, STRICT, OpenFeature, forecast_walk
    from scoring.roadmap.selectors import (
        FEATURE_FIELDS,
        art_forecast,
        forecast_features_ranked,
        forecast_pis,
        pi_slots,
    )

    request_finished.disconnect(close_old_connections)
    request_started.disconnect(reset_queries)

    print(machine())
    started = time.perf_counter()
    art = art_with_open_features(feature_count)
    today = timezone.localdate()
    slots = pi_slots(art_id=art.pk, pis=forecast_pis(art_id=art.pk, today=today), today=today)
    rows = forecast_features_ranked(art_id=art.pk).values_list(*FEATURE_FIELDS)
    features = list(map(OpenFeature._make, rows))
    state = art_forecast(art_id=art.pk, today=today)
    placed = sum(1 for f in state.forecast.features if f.status == "forecast")
    print(
        f"ART of {len(features)} open features, {len(slots)} PI slots (8 PIs + 8 projections), "
        f"{placed} forecast into {len(state.forecast.pis)} PIs (strict); "
        f"loaded and ranked in {time.perf_counter() - started:.1f} s"
    )
    for mode in (STRICT, FILL):
        report(
            f"forecast_walk, pure, {len(features)} features, {mode}",
            timed(lambda m=mode: forecast_walk(features=features, pis=slots, mode=m), 50),
            f"target <= {FORECAST_TARGET_MS:.0f} ms",
        )
    with QueryCount() as queries:
        art_forecast(art_id=art.pk, today=today)
    for mode in (STRICT, FILL):
        report(
            f"art_forecast (queries + walk), {mode}",
            timed(lambda m=mode: art_forecast(art_id=art.pk, today=today, mode=m), 30),
            f"queries {queries.count}   target <= {FORECAST_TARGET_MS:.0f} ms",
        )

    from scoring.backlog_marks import forecast_marks

    report(
        "backlog's Forecast PI column (forecast_marks)",
        timed(lambda: forecast_marks(art=art), 30),
        "what the column adds to the ranked backlog page",
    )

    popm = User.objects.create_user("bench-popm", password="x")
    popm.groups.add(Group.objects.get_or_create(name=POPM_GROUP)[0])
    art.popms.add(popm)
    client = Client()
    client.force_login(popm)
    for name, url, target in (
        ("GET /api/arts/{id}/forecast/ (strict)", f"/api/arts/{art.pk}/forecast/", ""),
        ("GET roadmap page (strict)", f"/arts/{art.pk}/roadmap/", f"target p95 <= {PAGE_TARGET_MS:.0f} ms"),
        ("GET roadmap page (fill, by epic)", f"/arts/{art.pk}/roadmap/?mode=fill&group=epic", ""),
        ("GET roadmap page (kind filter)", f"/arts/{art.pk}/roadmap/?kind=enabler", ""),
        ("GET ranked backlog page (with Forecast PI)", f"/arts/{art.pk}/backlog/", ""),
    ):
        with QueryCount() as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        report(
            name,
            timed(lambda u=url: client.get(u), request_count),
            f"queries {queries.count}, {len(response.content) / 1024:.0f} KiB   {target}",
        )

    # As popm's gunicorn workers serve it (popm/gunicorn.conf.py tunes the cyclic GC).
    from popm.worker_gc import worker_gc_tune

    worker_gc_tune()
    report(
        "art_forecast (strict), worker GC settings",
        timed(lambda: art_forecast(art_id=art.pk, today=today), 30),
        f"target <= {FORECAST_TARGET_MS:.0f} ms",
    )
    report(
        "GET roadmap page (strict), worker GC settings",
        timed(lambda: client.get(f"/arts/{art.pk}/roadmap/"), request_count),
        f"target p95 <= {PAGE_TARGET_MS:.0f} ms",
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--features", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    database_create(DATABASE, DJANGO_ALLOWED_HOSTS="testserver")
    try:
        run(args.features, args.requests)
    finally:
        if not args.keep:
            database_drop(DATABASE)


if __name__ == "__main__":
    main()
