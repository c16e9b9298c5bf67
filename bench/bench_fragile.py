"""Fragile ranks at 10,000 candidates: the pure rule, its selectors, and the pages that show it.

    .venv/bin/python bench/bench_fragile.py [--features 10000] [--requests 50] [--keep] [--default-gc]

Creates (and drops, unless --keep) the PostgreSQL database popm_bench_fragile on 127.0.0.1 and
loads the ART of bench/bench_capacity_plan.py (8 teams, a PI running today, N candidate
features: kinds 70/20/10, about 5% without an estimate, about 3% unscored), ranked by a real
scoring run. Then times:
- the pure rule (scoring.planning.fragile.plan_fragile) on the ranked candidates, in rank
  order as the selectors read them, shuffled (the sort then does real work), and with
  budgets that hold every candidate (the worst case: every feature is near the line);
- planning.selectors.plan_lines (cut lines and fragile features from one read: what the
  backlog page and API use), art_fragile_features (the same after finding the current PI) and
  plan_fragile_features (the capacity page's extra read, on a plan already built);
- in-process with Django's test client, a POPM signed in: GET /api/arts/{id}/backlog/ with
  page_size=100, the ranked backlog page, the capacity page (strict). --pages-only times these
  alone, so the script also runs on a tree from before fragile ranks, for a comparison.
By default with popm's worker GC settings (popm/worker_gc.py), as gunicorn serves requests.
"""

import argparse
import gc
import random
import time

from bench_capacity_plan import QueryCount, art_with_candidates, report, timed
from benchdb import database_create, database_drop, machine

DATABASE = "popm_bench_fragile"


def run(feature_count: int, request_count: int, *, worker_gc: bool, pages_only: bool) -> None:
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, reset_queries

    from popm.worker_gc import worker_gc_tune
    from scoring.planning.selectors import pi_plan

    # One connection across requests, as a production worker with CONN_MAX_AGE keeps.
    request_finished.disconnect(close_old_connections)
    request_started.disconnect(reset_queries)

    print(machine())
    started = time.perf_counter()
    art, pi = art_with_candidates(feature_count)
    state = pi_plan(pi=pi)
    print(
        f"ART of {feature_count} candidate features, capacity {state.capacity} points, "
        f"{len(state.plan.committed_ids)} committed (strict); loaded and ranked in "
        f"{time.perf_counter() - started:.1f} s"
    )
    if worker_gc:
        worker_gc_tune()  # as popm/gunicorn.conf.py does in every worker
    print(f"collector thresholds {gc.get_threshold()}, frozen objects {gc.get_freeze_count()}")
    if not pages_only:
        rule_and_selectors(art, pi, state)
    pages(art, pi, request_count)


def rule_and_selectors(art, pi, state) -> None:
    from django.utils import timezone

    from scoring.planning.fragile import plan_fragile
    from scoring.planning.selectors import (
        art_fragile_features,
        fragile_candidates,
        plan_fragile_features,
        plan_lines,
    )

    budgets = {kind.kind: kind.budget for kind in state.plan.kinds}
    ranked = fragile_candidates(pi=pi)  # exactly as the selectors read them: rank order
    shuffled = random.Random(5).sample(ranked, len(ranked))
    print(f"{len(ranked)} ranked candidates, {len(plan_fragile(budgets=budgets, candidates=ranked))} fragile")
    # Worst case: budgets that hold every candidate, so every one is near the line.
    roomy = {kind: budget * 100 for kind, budget in budgets.items()}
    for name, candidates, kind_budgets in (
        ("rank order", ranked, budgets),
        ("shuffled", shuffled, budgets),
        ("all fit", ranked, roomy),
    ):
        report(
            f"plan_fragile, pure, {len(candidates)}, {name}",
            timed(lambda c=candidates, b=kind_budgets: plan_fragile(budgets=b, candidates=c), 50),
        )
    today = timezone.localdate()
    for name, call in (
        ("plan_lines (reads + plan + fragile)", lambda: plan_lines(pi=pi)),
        ("art_fragile_features (+ current PI)", lambda: art_fragile_features(art_id=art.pk, today=today)),
        ("plan_fragile_features (plan already read)", lambda: plan_fragile_features(state=state)),
    ):
        with QueryCount() as queries:
            call()
        report(name, timed(call, 30), f"queries {queries.count}")


def pages(art, pi, request_count: int) -> None:
    """What a POPM's requests cost; runs on a tree without fragile ranks too (--pages-only)."""
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from backlog.access import POPM_GROUP

    popm = User.objects.create_user("bench-popm", password="x")
    popm.groups.add(Group.objects.get_or_create(name=POPM_GROUP)[0])
    art.popms.add(popm)
    client = Client()
    client.force_login(popm)
    for name, url in (
        ("GET backlog API, page_size=100", f"/api/arts/{art.pk}/backlog/?page_size=100"),
        ("GET backlog page (1,000 rows)", f"/arts/{art.pk}/backlog/"),
        ("GET capacity page, strict", f"/arts/{art.pk}/pis/{pi.pk}/capacity/"),
    ):
        with QueryCount() as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        report(name, timed(lambda u=url: client.get(u), request_count), f"queries {queries.count}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--features", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--default-gc", action="store_true", help="keep CPython's collector settings")
    parser.add_argument(
        "--pages-only", action="store_true", help="time the requests only (works before fragile ranks too)"
    )
    args = parser.parse_args()
    database_create(DATABASE, DJANGO_ALLOWED_HOSTS="testserver")
    try:
        run(args.features, args.requests, worker_gc=not args.default_gc, pages_only=args.pages_only)
    finally:
        if not args.keep:
            database_drop(DATABASE)


if __name__ == "__main__":
    main()
