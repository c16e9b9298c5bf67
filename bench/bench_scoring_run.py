"""How long a scoring run takes for an ART of 1,000 / 10,000 / 100,000 features on PostgreSQL.

    .venv/bin/python bench/bench_scoring_run.py [--sizes 1000,10000,100000] [--repeat 3]

For each size: the first run (every score changes: scores are cleared before each repetition),
the re-run (nothing changes), the queries a run makes; at 1,000 and 10,000 also the naive way
(load each feature, compute with scoring.wsjf, save it, then save the ranks one at a time) and
the ratio naive / first run. Medians of --repeat repetitions. Creates and drops its own database.
Targets (issue 2): first run <= 0.2 s / 1 s / 8 s; naive / run >= 30x at 10,000.
"""

import argparse

from benchdb import art_create, database_create, database_drop, machine, median, timed

DATABASE = "popm_bench_scoring"
TARGETS = {1_000: 0.2, 10_000: 1.0, 100_000: 8.0}
NAIVE_SIZES = (1_000, 10_000)


def scores_clear(art_id: int) -> None:
    from django.db import connection

    from backlog.models import Feature
    from scoring.models import FeatureScore

    FeatureScore.objects.filter(feature__art_id=art_id).delete()
    Feature.objects.filter(art_id=art_id).update(cost_of_delay=None, wsjf=None, rank=None)
    # Clearing leaves a dead copy of every row; vacuum as autovacuum soon would, so each
    # repetition starts from the same tidy table instead of a more bloated one every time.
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Feature._meta.db_table}, {FeatureScore._meta.db_table}")


def scoring_run(art_id: int):
    from scoring.models import ScoringRun
    from scoring.services import scoring_run_execute

    run = ScoringRun.objects.create(art_id=art_id, trigger=ScoringRun.Trigger.MANUAL)
    return scoring_run_execute(run_id=run.pk)


def naive_run(art_id: int) -> None:
    """The obvious code: one query per feature to read, one to save, one per rank.

    In one transaction (kinder to it than autocommit, which would add a commit per save).
    """
    from django.db import transaction

    from backlog.models import Feature
    from scoring import wsjf

    with transaction.atomic():
        rankable = []
        for feature_id in Feature.objects.filter(art_id=art_id).values_list("id", flat=True):
            feature = Feature.objects.get(pk=feature_id)
            inputs = (feature.user_business_value, feature.time_criticality, feature.risk_reduction)
            feature.cost_of_delay = None if None in inputs else wsjf.cost_of_delay(*inputs)
            feature.wsjf = (
                None
                if feature.cost_of_delay is None or feature.job_size is None
                else wsjf.wsjf(feature.cost_of_delay, feature.job_size)
            )
            feature.rank = None
            feature.save(update_fields=["cost_of_delay", "wsjf", "rank"])
            if feature.wsjf is not None and feature.status != Feature.Status.DONE:
                rankable.append(
                    wsjf.RankInput(feature.pk, feature.cost_of_delay, feature.job_size, feature.created_at)
                )
        for feature_id, rank in wsjf.ranks_by_id(rankable).items():
            feature = Feature.objects.get(pk=feature_id)
            feature.rank = rank
            feature.save(update_fields=["rank"])


def ranks_snapshot(art_id: int) -> list:
    from backlog.models import Feature

    return list(
        Feature.objects.filter(art_id=art_id)
        .order_by("id")
        .values_list("id", "cost_of_delay", "wsjf", "rank")
    )


def size_measure(size: int, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    art = art_create(name=f"ART of {size}", features=size)
    firsts, reruns = [], []
    for _ in range(repeat):
        scores_clear(art.pk)
        seconds, run = timed(scoring_run, art.pk)
        assert run.status == "done" and run.changed_count > 0.9 * size, (run.status, run.changed_count)
        firsts.append(seconds)
        changed = run.changed_count
        seconds, run = timed(scoring_run, art.pk)
        assert run.changed_count == 0
        reruns.append(seconds)
    scores_clear(art.pk)
    with CaptureQueriesContext(connection) as first_queries:
        scoring_run(art.pk)
    with CaptureQueriesContext(connection) as rerun_queries:
        scoring_run(art.pk)
    result = {
        "size": size,
        "first": median(firsts),
        "first_all": firsts,
        "changed": changed,
        "rerun": median(reruns),
        "rerun_all": reruns,
        "queries_first": len(first_queries),
        "queries_rerun": len(rerun_queries),
    }
    if size in NAIVE_SIZES:
        expected = ranks_snapshot(art.pk)
        naives = []
        for _ in range(repeat if size < 10_000 else max(1, repeat - 1)):
            scores_clear(art.pk)
            seconds, _ = timed(naive_run, art.pk)
            naives.append(seconds)
        assert ranks_snapshot(art.pk) == expected, "the naive way must give the same scores"
        result["naive"] = median(naives)
        result["naive_all"] = naives
    return result


def report(result: dict) -> None:
    size = result["size"]
    target = TARGETS.get(size)
    verdict = "" if target is None else ("met" if result["first"] <= target else "MISSED")
    print(
        f"{size:>7,} features: first run ({result['changed']:,} scores change) {result['first']:.3f} s (target {target} s, {verdict}), "
        f"re-run {result['rerun']:.3f} s; queries per run {result['queries_first']} first, "
        f"{result['queries_rerun']} re-run"
    )
    print(f"          first runs {[round(s, 3) for s in result['first_all']]}")
    print(f"          re-runs    {[round(s, 3) for s in result['rerun_all']]}")
    if "naive" in result:
        ratio = result["naive"] / result["first"]
        note = "" if size != 10_000 else f" (target >= 30x, {'met' if ratio >= 30 else 'MISSED'})"
        print(
            f"          naive way {result['naive']:.3f} s {[round(s, 3) for s in result['naive_all']]}: "
            f"{ratio:.0f}x slower than a run{note}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    print(machine())
    database_create(DATABASE)
    try:
        for size in (int(s) for s in options.sizes.split(",")):
            report(size_measure(size, options.repeat))
    finally:
        database_drop(DATABASE)


if __name__ == "__main__":
    main()
