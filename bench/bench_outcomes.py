"""Flow metrics of an ART with 10,000 done features and 100,000 status changes, and the PI review page.

    .venv/bin/python bench/bench_outcomes.py [--features 10000] [--requests 50] [--keep]

Creates (and drops, unless --keep) the PostgreSQL database popm_bench_outcomes on 127.0.0.1,
loads one ART with 4 teams, 6 PIs of 10 weeks, N done features spread over them (kinds
70/20/10), 10 recorded status changes per feature (funnel to done with one rework loop and a
reopening: 100,000 for N = 10,000), 500 features in progress and 20 objectives per PI, then times:
- the flow metrics as the app reads them (scoring.outcomes.selectors.art_flow over the 6 PIs:
  the grouped history query, allocation, load, done-without-history, percentiles, distribution);
- GET /api/arts/{id}/flow/ (all 6 PIs) in-process with Django's test client;
- GET /pis/{id}/review/, the PI review page of one PI (about N/6 done features listed).
Targets (issue 10): flow metrics <= 200 ms; the PI review page p95 <= 300 ms.
"""

import argparse
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from benchdb import database_create, database_drop, machine

DATABASE = "popm_bench_outcomes"
FLOW_TARGET_MS = 200.0
PAGE_TARGET_MS = 300.0
PIS = 6
WALK = [
    (None, "funnel"),
    ("funnel", "analyzing"),
    ("analyzing", "backlog"),
    ("backlog", "implementing"),
    ("implementing", "validating"),
    ("validating", "implementing"),
    ("implementing", "validating"),
    ("validating", "done"),
    ("done", "validating"),
    ("validating", "done"),
]


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(call, count: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        call()
    wall = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        wall.append((time.perf_counter() - started) * 1000)
    return wall


def report(name: str, wall: list[float], extra: str = "") -> None:
    print(
        f"{name:<52} p50 {statistics.median(wall):6.1f} ms  p95 {percentile(wall, 0.95):6.1f} ms"
        f"  max {max(wall):6.1f} ms  n={len(wall)}{'  ' + extra if extra else ''}"
    )


def art_with_history(feature_count: int):
    from django.db import connection

    from backlog.models import Art, Feature, FeatureChange, ProgramIncrement, Team
    from scoring.outcomes.models import PIObjective

    rng = random.Random(10)
    art = Art.objects.create(name="Bench outcomes")
    teams = [Team.objects.create(art=art, name=f"Team {i}", velocity=30) for i in range(4)]
    first = date(2025, 1, 6)
    pis = [
        ProgramIncrement.objects.create(
            art=art,
            name=f"PI {i}",
            start_date=first + timedelta(weeks=10 * i),
            end_date=first + timedelta(weeks=10 * i + 10, days=-1),
        )
        for i in range(PIS)
    ]
    kinds = ["business"] * 7 + ["enabler"] * 2 + ["exploration"]
    done = [
        Feature(
            art=art,
            team=rng.choice(teams),
            title=f"Done {i}",
            kind=rng.choice(kinds),
            status="done",
            estimate_points=Decimal(rng.choice([3, 5, 8, 13, 20])),
            outcome_verdict=rng.choice(["", "achieved", "partly", "exceeded", "not_achieved"]),
            user_business_value=rng.choice([1, 2, 3, 5, 8, 13, 20]),
        )
        for i in range(feature_count)
    ]
    Feature.objects.bulk_create(done, batch_size=5000)
    Feature.objects.bulk_create(
        [
            Feature(art=art, title=f"Busy {i}", kind=rng.choice(kinds), status="implementing")
            for i in range(500)
        ]
    )
    changes = []
    for feature in done:
        pi = rng.choice(pis)
        done_at = datetime.combine(pi.start_date, datetime.min.time(), tzinfo=UTC) + timedelta(
            days=rng.randint(1, 68), hours=rng.randint(0, 23)
        )
        moment = done_at - timedelta(days=rng.randint(40, 120))
        for index, (old, new) in enumerate(WALK):
            moment = done_at if index == len(WALK) - 1 else moment + timedelta(days=rng.randint(1, 5))
            changes.append(
                FeatureChange(
                    art=art,
                    feature=feature,
                    feature_title=feature.title,
                    action="created" if old is None else "updated",
                    door="script",
                    changed_at=min(moment, done_at),
                    changes={"status": [old, new]},
                )
            )
        if len(changes) >= 20000:
            FeatureChange.objects.bulk_create(changes)
            changes = []
    FeatureChange.objects.bulk_create(changes)
    for pi in pis:
        PIObjective.objects.bulk_create(
            PIObjective(
                pi=pi,
                team=teams[i % 4],
                title=f"Objective {i}",
                committed=i % 5 != 0,
                planned_value=rng.randint(1, 10),
                actual_value=rng.randint(1, 10),
            )
            for i in range(20)
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return art, pis


def run(feature_count: int, request_count: int) -> None:
    from django.contrib.auth.models import Group, User
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, reset_queries
    from django.test import Client

    from backlog.access import POPM_GROUP
    from backlog.models import FeatureChange
    from scoring.outcomes.selectors import art_flow, spans_forget

    request_finished.disconnect(close_old_connections)
    request_started.disconnect(reset_queries)
    print(machine())
    started = time.perf_counter()
    art, pis = art_with_history(feature_count)
    history = FeatureChange.objects.filter(art=art).count()
    print(
        f"ART of {feature_count} done features, {history} status changes; loaded in {time.perf_counter() - started:.1f} s"
    )

    flow = art_flow(art_id=art.pk, pis=pis)
    print(
        f"flow: {sum(p.done_features for p in flow.pis)} done in {PIS} PIs, {flow.flow_times} flow times, p50 {flow.percentiles[50]} days"
    )
    from django.db import connection

    # Baseline, same run, same data: one plain SQL pass over the ART's history rows, to read
    # the numbers below against how busy the machine is at the moment.
    def history_scan():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), max(changed_at) FROM backlog_featurechange WHERE art_id = %s AND changes ? 'status'",
                [art.pk],
            )
            cursor.fetchall()

    report("baseline: one SQL pass over the history rows", timed(history_scan, 20))

    def flow_cold():
        spans_forget()
        art_flow(art_id=art.pk, pis=pis)

    report(
        f"art_flow over {PIS} PIs, cold (history read)",
        timed(flow_cold, 20),
        f"target <= {FLOW_TARGET_MS:.0f} ms",
    )
    report(
        f"art_flow over {PIS} PIs, warm (spans kept)",
        timed(lambda: art_flow(art_id=art.pk, pis=pis), 20),
        f"target <= {FLOW_TARGET_MS:.0f} ms",
    )

    popm = User.objects.create_user("bench-popm", password="x")
    popm.groups.add(Group.objects.get_or_create(name=POPM_GROUP)[0])
    art.popms.add(popm)
    client = Client()
    client.force_login(popm)
    api = f"/api/arts/{art.pk}/flow/?pis={','.join(str(pi.pk) for pi in pis)}"
    assert client.get(api).status_code == 200

    def api_cold():
        spans_forget()
        client.get(api)

    report(
        "GET /api/arts/{id}/flow/ (6 PIs), cold",
        timed(api_cold, request_count),
        f"target <= {FLOW_TARGET_MS:.0f} ms",
    )
    report(
        "GET /api/arts/{id}/flow/ (6 PIs), warm",
        timed(lambda: client.get(api), request_count),
        f"target <= {FLOW_TARGET_MS:.0f} ms",
    )
    page = f"/pis/{pis[2].pk}/review/"
    response = client.get(page)
    assert response.status_code == 200
    report(
        "GET /pis/{id}/review/",
        timed(lambda: client.get(page), request_count),
        f"{len(response.content) / 1024:.0f} KiB, {flow.pis[2].done_features} done in the PI, 200 listed   target p95 <= {PAGE_TARGET_MS:.0f} ms",
    )
    xlsx = f"/pis/{pis[2].pk}/review.xlsx"
    report("GET /pis/{id}/review.xlsx", timed(lambda: client.get(xlsx), 10, warmup=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
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
