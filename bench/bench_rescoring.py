"""How long the daily rescoring check takes over 10,000 features on PostgreSQL.

    .venv/bin/python bench/bench_rescoring.py [--features 10000] [--arts 1,20] [--repeat 3]

The job is what beat's `rescoring.check_all_arts` runs: `services.rescoring_check_all(today=)`,
every ART in its own transaction. For each layout (all features in one ART, or spread over N
ARTs) the database holds only those ARTs, built by benchdb.art_create and ranked by a real
scoring run; then scores are dated (a fixed seed: 3 in 4 before the current PI started, by five
people) and 20% of the open features get a fixed date 0 to 300 days ahead. Measured:

- first check: no flag and no proposal yet; it flags every stale score and makes every
  proposal (flags, proposals and checks are deleted and the tables vacuumed before each one);
- same day again: nothing changes, nothing is written;
- next day: every open proposal's numbers move (one day less), so each is refreshed.

Medians of --repeat repetitions, and the queries of one check of each kind. Creates and drops
its own database. Target (issue 8): the daily job over 10,000 features <= 5 s.
"""

import argparse
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from benchdb import art_create, database_create, database_drop, machine, median, timed

DATABASE = "popm_bench_rescore"
TARGET_SECONDS = 5.0
# PI 1 of benchdb's ARTs runs 2026-03-16 to 2026-05-22: today is in it.
TODAY = date(2026, 4, 1)
FIXED_DATE_SHARE = 0.2


def art_prepare(art, scorers, seed: int) -> None:
    """Rank the ART, date its scores and give a share of its open features a fixed date."""
    from django.db import connection

    from backlog.models import Feature
    from scoring.models import ScoringRun
    from scoring.services import scoring_run_execute

    run = ScoringRun.objects.create(art=art, trigger=ScoringRun.Trigger.MANUAL)
    scoring_run_execute(run_id=run.pk)
    rng = random.Random(seed)
    rows = []
    for feature_id in Feature.objects.filter(art=art).order_by("pk").values_list("pk", flat=True):
        stale = rng.random() < 0.75
        days = rng.randrange(1, 300) if stale else rng.randrange(0, 16)
        day = date(2026, 3, 16) - timedelta(days=days) if stale else date(2026, 3, 16) + timedelta(days=days)
        fixed = TODAY + timedelta(days=rng.randrange(0, 300)) if rng.random() < FIXED_DATE_SHARE else None
        rows.append(
            (feature_id, datetime(day.year, day.month, day.day, 10, tzinfo=UTC), rng.choice(scorers), fixed)
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {Feature._meta.db_table} AS f
                   SET scored_at = v.scored_at, scored_by_id = v.scored_by, fixed_date = v.fixed_date
                  FROM unnest(%s::bigint[], %s::timestamptz[], %s::int[], %s::date[])
                       AS v(id, scored_at, scored_by, fixed_date)
                 WHERE f.id = v.id""",
            [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows]],
        )


def layout_build(features: int, arts: int) -> list:
    from django.contrib.auth.models import User

    from backlog.models import Art

    Art.objects.all().delete()
    scorers = [User.objects.get_or_create(username=f"scorer{i}")[0].pk for i in range(5)]
    built = []
    for index in range(arts):
        art = art_create(name=f"ART {index + 1} of {arts}", features=features // arts, seed=7 + index)
        art_prepare(art, scorers, seed=11 + index)
        built.append(art)
    return built


def checks_clear() -> None:
    from django.db import connection

    from scoring.rescoring.models import RescoringCheck, StaleScore, TcProposal

    StaleScore.objects.all().delete()
    TcProposal.objects.all().delete()
    RescoringCheck.objects.all().delete()
    with connection.cursor() as cursor:
        tables = ", ".join(model._meta.db_table for model in (StaleScore, TcProposal, RescoringCheck))
        cursor.execute(f"VACUUM ANALYZE {tables}")


def check_all(today: date):
    from scoring.rescoring.services import rescoring_check_all

    return rescoring_check_all(today=today)


def queries_of(today: date) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        check_all(today)
    return len(queries)


def layout_measure(features: int, arts: int, repeat: int) -> dict:
    layout_build(features, arts)
    firsts, agains, nexts = [], [], []
    for _ in range(repeat):
        checks_clear()
        seconds, first = timed(check_all, TODAY)
        firsts.append(seconds)
        seconds, again = timed(check_all, TODAY)
        assert (again.flagged, again.proposed, again.withdrawn, again.unflagged) == (0, 0, 0, 0), again
        agains.append(seconds)
        seconds, _ = timed(check_all, TODAY + timedelta(days=1))
        nexts.append(seconds)
    checks_clear()
    queries = (queries_of(TODAY), queries_of(TODAY), queries_of(TODAY + timedelta(days=1)))
    from backlog.models import Feature

    return {
        "features": Feature.objects.count(),
        "fixed_dates": Feature.objects.exclude(fixed_date=None).exclude(status="done").count(),
        "arts": arts,
        "first": firsts,
        "again": agains,
        "next": nexts,
        "result": first,
        "queries": queries,
    }


def report(result: dict) -> None:
    first, again, following = (median(result[key]) for key in ("first", "again", "next"))
    worst = max(first, again, following)
    verdict = "met" if worst <= TARGET_SECONDS else "MISSED"
    counts = result["result"]
    print(
        f"{result['features']:,} features in {result['arts']} ART(s), {result['fixed_dates']:,} open with a fixed date: "
        f"first check {first:.3f} s ({counts.flagged:,} flagged, {counts.proposed:,} proposed), "
        f"same day again {again:.3f} s, next day {following:.3f} s; target {TARGET_SECONDS} s, {verdict}"
    )
    for key in ("first", "again", "next"):
        print(f"    {key:<6} {[round(s, 3) for s in result[key]]}")
    print(f"    queries (first / again / next day): {' / '.join(str(q) for q in result['queries'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--features", type=int, default=10_000)
    parser.add_argument("--arts", default="1,20")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    print(machine())
    database_create(DATABASE)
    try:
        for arts in (int(n) for n in options.arts.split(",")):
            report(layout_measure(options.features, arts, options.repeat))
    finally:
        database_drop(DATABASE)
    print(f"end: load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


if __name__ == "__main__":
    main()
