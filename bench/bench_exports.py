"""Export of the ranked backlog: CSV, XLSX (with the capacity plan sheet) and the Jira CSV.

    .venv/bin/python bench/bench_exports.py [--features 10000] [--repeat 5] [--keep]

Creates (and drops, unless --keep) the PostgreSQL database popm_bench_exports on 127.0.0.1,
loads one ART of N features (bench/benchdb.art_create), gives a third of them an issue key,
ranks them with a real scoring run, then times each export URL in-process with Django's test
client (server time: routing, middleware, queries, writing the file; no network), and the
file writing alone. Targets (issue 13): 10,000 features as CSV <= 1 s, as XLSX <= 3 s.
"""

import argparse
import time

from benchdb import art_create, database_create, database_drop, machine, median

DATABASE = "popm_bench_exports"
TARGETS_S = {"export.csv": 1.0, "export.xlsx": 3.0, "export-jira.csv": 1.0}


def timed_median(call, repeat: int) -> tuple[float, object]:
    call()  # warm up
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        samples.append(time.perf_counter() - started)
    return median(samples), result


def run(feature_count: int, repeat: int) -> None:
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from backlog.access import POPM_GROUP
    from backlog.models import Feature
    from scoring.exports import selectors, sheets
    from scoring.models import ScoringRun
    from scoring.services import scoring_run_execute

    print(machine())
    art = art_create(name="Bench exports", features=feature_count)
    for number, pk in enumerate(Feature.objects.filter(art=art).values_list("pk", flat=True)[::3], 1):
        Feature.objects.filter(pk=pk).update(external_key=f"BENCH-{number}")
    scoring_run_execute(run_id=ScoringRun.objects.create(art=art, trigger="manual").pk)
    popm = User.objects.create_user("bench-popm", password="x")
    popm.groups.add(Group.objects.get_or_create(name=POPM_GROUP)[0])
    art.popms.add(popm)
    client = Client()
    client.force_login(popm)
    rows = selectors.export_rows(art=art, query={})
    print(f"{feature_count} features, {len(rows)} in the exported backlog (done features are not)")

    for label, write in (
        ("write CSV alone", lambda: sheets.rows_csv(rows, sheets.BACKLOG_COLUMNS)),
        ("write XLSX alone", lambda: sheets.backlog_xlsx(rows)),
        ("write Jira CSV alone", lambda: sheets.jira_csv(rows)),
    ):
        seconds, _ = timed_median(write, repeat)
        print(f"{label:<34} median {seconds * 1000:7.0f} ms")
    for path, target in TARGETS_S.items():
        seconds, response = timed_median(lambda path=path: client.get(f"/api/arts/{art.pk}/{path}"), repeat)
        assert response.status_code == 200, response.status_code
        verdict = "ok" if seconds <= target else "OVER TARGET"
        print(
            f"GET /api/arts/{{id}}/{path:<16} median {seconds * 1000:7.0f} ms  "
            f"{len(response.content) / 1024:6.0f} KiB  target {target:.0f} s: {verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--features", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    database_create(DATABASE, DJANGO_ALLOWED_HOSTS="testserver")
    try:
        run(args.features, args.repeat)
    finally:
        if not args.keep:
            database_drop(DATABASE)


if __name__ == "__main__":
    main()
