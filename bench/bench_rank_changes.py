"""Rank changes at 10,000 features with 50,000 history rows: the backlog API with ?since=
against the same page without it, and the "why did it move?" explanation of one feature.

    .venv/bin/python bench/bench_rank_changes.py [--features 10000] [--history 50000] [--requests 200]

Creates and drops its own database. Builds an ART of N features, ranks it, then edits random
features' inputs in rounds (each round: 400 features re-scored through bulk updates, their
FeatureChange rows written, one real scoring run) until the score history holds --history
rows; FeatureChange rows are topped up to the same number. Then, in-process with Django's test
client and a POPM's token (DEBUG off):
- GET /api/arts/{id}/backlog/?page_size=100 with and without since=<the first run>, requests
  interleaved, p50 / p95 of each, and the ratio (target: within 1.5x);
- rank_change_explain for a feature ranked in the middle, since the first run: p50 / p95
  (target <= 50 ms), and the same through GET /api/features/{id}/rank-change/.
"""

import argparse
import random
import secrets
import time

from benchdb import art_create, database_create, database_drop, machine, median

DATABASE = "popm_bench_rank_changes"
API_RATIO_TARGET = 1.5
EXPLAIN_TARGET_MS = 50.0
SCALE = (1, 2, 3, 5, 8, 13, 20)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def history_build(art, *, rows_wanted: int, seed: int = 11) -> tuple[int, int, int]:
    """Re-score random features in rounds, each followed by a scoring run, until the score
    history holds rows_wanted rows. Returns (first run id, score rows, change rows)."""
    from django.utils import timezone

    from backlog.models import Feature, FeatureChange
    from scoring.models import FeatureScore, ScoringRun
    from scoring.services import scoring_run_execute

    def run_now() -> int:
        run = ScoringRun.objects.create(art=art, trigger=ScoringRun.Trigger.MANUAL)
        return scoring_run_execute(run_id=run.pk).pk

    rng = random.Random(seed)
    first = run_now()
    ids = list(Feature.objects.filter(art=art).values_list("id", flat=True))
    while FeatureScore.objects.filter(run__art=art).count() < rows_wanted:
        changes = []
        for feature_id in rng.sample(ids, 400):
            old, new = rng.choice(SCALE), rng.choice(SCALE)
            Feature.objects.filter(pk=feature_id).update(time_criticality=new, scored_at=timezone.now())
            changes.append(
                FeatureChange(
                    art=art,
                    feature_id=feature_id,
                    feature_title=f"Feature {feature_id}",
                    action=FeatureChange.Action.UPDATED,
                    door=FeatureChange.Door.API,
                    changes={"time_criticality": [old, new]},
                )
            )
        FeatureChange.objects.bulk_create(changes)
        run_now()
    missing = rows_wanted - FeatureChange.objects.filter(art=art).count()
    FeatureChange.objects.bulk_create(
        [
            FeatureChange(
                art=art,
                feature_id=rng.choice(ids),
                feature_title="older change",
                action=FeatureChange.Action.UPDATED,
                door=FeatureChange.Door.PAGE,
                changed_at=timezone.now() - timezone.timedelta(days=400),
                changes={"job_size": [3, 5]},
            )
            for _ in range(max(0, missing))
        ],
        batch_size=5000,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return (
        first,
        FeatureScore.objects.filter(run__art=art).count(),
        FeatureChange.objects.filter(art=art).count(),
    )


def popm_client(art):
    from django.contrib.auth.models import Group, User
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from backlog.access import POPM_GROUP

    user = User.objects.create_user("bench-popm", password=secrets.token_hex(8))
    user.groups.add(Group.objects.get_or_create(name=POPM_GROUP)[0])
    art.popms.add(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def timed_get(client, url: str, params: dict) -> float:
    started = time.perf_counter()
    response = client.get(url, params)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.content[:300]
    return elapsed * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--features", type=int, default=10_000)
    parser.add_argument("--history", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="print where the explanation spends its time")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    database_create(DATABASE, DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1")
    try:
        from backlog.models import Feature
        from popm.worker_gc import worker_gc_tune
        from scoring.rank_changes import moment_parse, rank_change_explain

        art = art_create(name="Bench", features=args.features)
        started = time.perf_counter()
        first, scores, changes = history_build(art, rows_wanted=args.history)
        print(
            f"history: {scores} score rows, {changes} change rows (built in {time.perf_counter() - started:.0f} s)"
        )
        worker_gc_tune()
        client = popm_client(art)
        url = f"/api/arts/{art.pk}/backlog/"
        plain, since = [], []
        for _ in range(20):  # warm-up
            timed_get(client, url, {"page_size": 100})
            timed_get(client, url, {"page_size": 100, "since": first})
        for _ in range(args.requests):
            plain.append(timed_get(client, url, {"page_size": 100}))
            since.append(timed_get(client, url, {"page_size": 100, "since": first}))
        ratio = median(since) / median(plain)
        print(f"backlog API page of 100, without since: p50 {median(plain):.1f} ms, p95 {p95(plain):.1f} ms")
        print(f"backlog API page of 100, with since:    p50 {median(since):.1f} ms, p95 {p95(since):.1f} ms")
        verdict = "met" if ratio <= API_RATIO_TARGET else "MISSED"
        print(f"ratio of medians {ratio:.2f} (target <= {API_RATIO_TARGET}: {verdict})")

        ranked = Feature.objects.filter(art=art, rank__isnull=False).count()
        middle = Feature.objects.get(art=art, rank=ranked // 2)
        moment = moment_parse(art_id=art.pk, since=str(first))
        explain = []
        for _ in range(5):
            rank_change_explain(feature=middle, moment=moment)
        for _ in range(30):
            started = time.perf_counter()
            result = rank_change_explain(feature=middle, moment=moment)
            explain.append((time.perf_counter() - started) * 1000)
        verdict = "met" if p95(explain) <= EXPLAIN_TARGET_MS else "MISSED"
        print(
            f"explanation of #{ranked // 2} (now #{result.to_rank}, then #{result.from_rank}; "
            f"{len(result.passed_by)} passed it, {len(result.fell_behind)} fell behind): "
            f"p50 {median(explain):.1f} ms, p95 {p95(explain):.1f} ms (target <= {EXPLAIN_TARGET_MS:.0f} ms: {verdict})"
        )
        if args.profile:
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.runcall(rank_change_explain, feature=middle, moment=moment)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        api = [
            timed_get(client, f"/api/features/{middle.pk}/rank-change/", {"since": first}) for _ in range(30)
        ]
        print(f"GET /api/features/{{id}}/rank-change/: p50 {median(api):.1f} ms, p95 {p95(api):.1f} ms")
    finally:
        database_drop(DATABASE)


if __name__ == "__main__":
    main()
