"""Import of a Jira CSV export: 10,000 rows in, then the same file again.

    .venv/bin/python bench/bench_import.py [--rows 10000] [--keep]

Creates (and drops, unless --keep) the PostgreSQL database popm_bench_import on 127.0.0.1,
one ART with 4 teams and a POPM, and writes a Jira-Cloud-shaped CSV of N rows (50 epics, the
rest features with parent, status, story points in one of the two columns, the four WSJF
inputs as custom fields, a team, repeated Labels and Sprint columns, quoted multi-line
descriptions). Then it times, end to end (bytes in, rows written, the ImportRun recorded):

- the preview (upload + dry run: everything the import does, rolled back);
- the import (the confirm, as the Celery task runs it: read the file, plan, write);
- the re-import of the same file (nothing changes);
- a newer export (10% of the rows with another summary) imported on top.

Targets (issue 13): import of 10,000 rows <= 5 s, re-import <= 3 s.
"""

import argparse
import csv
import io
import random
import time

from benchdb import database_create, database_drop, machine

DATABASE = "popm_bench_import"
TARGETS_S = {"import": 5.0, "re-import": 3.0}
HEADERS = [
    "Summary",
    "Issue key",
    "Issue id",
    "Issue Type",
    "Status",
    "Created",
    "Labels",
    "Labels",
    "Sprint",
    "Sprint",
    "Description",
    "Parent",
    "Parent key",
    "Custom field (Story Points)",
    "Custom field (Story point estimate)",
    "Custom field (User-Business Value)",
    "Custom field (Time Criticality)",
    "Custom field (RR|OE)",
    "Custom field (Job Size)",
    "Team",
]
STATUSES = ["To Do", "In Progress", "In Review", "Done", "Backlog", "Selected for Development"]
SCALE = (1, 2, 3, 5, 8, 13, 20)


def jira_csv(rows: int, *, seed: int = 13, renamed_share: float = 0.0) -> bytes:
    rng = random.Random(seed)
    renames = random.Random(seed + 1)  # its own draws: the other values stay the file's
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    epics = 50
    for number in range(1, rows + 1):
        issue_id = 10000 + number
        minute = number % 60
        created = f"{1 + number % 28:02d}/{['Jan', 'Feb', 'Mar', 'Sep'][number % 4]}/25 {1 + number % 12}:{minute:02d} AM"
        if number <= epics:
            writer.writerow(
                [f"Epic {number}", f"BENCH-{number}", issue_id, "Epic", "To Do", created]
                + [""] * (len(HEADERS) - 6)
            )
            continue
        parent = rng.randint(1, epics)
        points = rng.choice(["3", "5", "8", "13", ""])
        summary = f"Feature {number}: {rng.choice(['faster', 'safer', 'simpler'])} checkout"
        if renamed_share and renames.random() < renamed_share:
            summary += " (v2)"
        writer.writerow(
            [
                summary,
                f"BENCH-{number}",
                issue_id,
                rng.choice(["Story", "Feature"]),
                rng.choice(STATUSES),
                created,
                rng.choice(["payments", "mobile", "enabler", ""]),
                rng.choice(["q3", ""]),
                "BENCH Sprint 4",
                "BENCH Sprint 5",
                f'As a buyer I want "{number}".\nAcceptance:\n- it works',
                10000 + parent,
                f"BENCH-{parent}",
                points if number % 2 else "",
                "" if number % 2 else points,
                *(rng.choice(SCALE) for _ in range(4)),
                f"Team {number % 4}",
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def run(rows: int) -> None:
    from django.contrib.auth.models import Group, User
    from django.db import connection, reset_queries

    from backlog.access import POPM_GROUP
    from backlog.imports import services
    from backlog.models import Art, Feature, FeatureChange, Team

    print(machine())
    print("times are wall clock, end to end; CPU is this process's alone (PostgreSQL's is not in it)")
    art = Art.objects.create(name="Bench import")
    for i in range(4):
        Team.objects.create(art=art, name=f"Team {i}", velocity=30)
    popm = User.objects.create_user("bench-popm", password="x")
    popm.groups.add(Group.objects.get_or_create(name=POPM_GROUP)[0])
    art.popms.add(popm)
    data = jira_csv(rows)
    newer = jira_csv(rows, renamed_share=0.1)
    print(f"{rows:,} rows, {len(data) / 1024 / 1024:.1f} MiB")

    def upload_and_confirm(content: bytes, name: str) -> tuple[float, float, object]:
        started, cpu = time.perf_counter(), time.process_time()
        run = services.import_run_upload(
            art=art, acting_user=popm, file_name=name, content=content, mapping=None, dry_run=True
        )
        previewed, cpu_previewed = time.perf_counter(), time.process_time()
        services.import_run_confirm(run=run, acting_user=popm, queue=False)
        services.import_run_execute(run_id=run.pk)
        finished, cpu_finished = time.perf_counter(), time.process_time()
        run.refresh_from_db()
        assert run.status == "done", (run.status, run.failure)
        cpu_times[:] = [cpu_previewed - cpu, cpu_finished - cpu_previewed]
        return previewed - started, finished - previewed, run

    # The scoring run the import asks for runs in-process here (no Redis: tasks run eagerly),
    # inside the timed import; it is timed on its own too, to show what is the import's.
    import scoring.services

    scoring_times: list[float] = []
    cpu_times: list[float] = []
    execute = scoring.services.scoring_run_execute

    def timed_execute(**kwargs):
        started = time.perf_counter()
        try:
            return execute(**kwargs)
        finally:
            scoring_times.append(time.perf_counter() - started)

    scoring.services.scoring_run_execute = timed_execute
    # A baseline minutes apart on the same machine (its speed varies 2-3x with the load): a bare
    # bulk_create of as many features, no validation, no history, rolled back.
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():
        Feature.objects.bulk_create(
            [Feature(art=art, title=f"Baseline {n}", external_key=f"BASE-{n}") for n in range(rows)],
            batch_size=1000,
        )
        transaction.set_rollback(True)
    print(
        f"baseline: bare bulk_create of {rows:,} features, rolled back: {time.perf_counter() - started:.2f} s"
    )

    connection.force_debug_cursor = True
    results = {}
    for label, content in (("import", data), ("re-import", data), ("newer export", newer)):
        reset_queries()
        scoring_times.clear()
        preview_s, import_s, run = upload_and_confirm(content, f"{label}.csv")
        queries = len(connection.queries)
        results[label] = import_s
        target = TARGETS_S.get(label)
        verdict = (
            ""
            if target is None
            else f"  target {target:.0f} s: {'ok' if import_s <= target else 'OVER TARGET'}"
        )
        print(
            f"{label:<13} preview {preview_s:6.2f} s (CPU {cpu_times[0]:.2f})   "
            f"import {import_s:6.2f} s (CPU {cpu_times[1]:.2f}){verdict}   "
            f"created {run.created}, updated {run.updated}, unchanged {run.unchanged}, "
            f"refused {run.refused}; {queries} queries (preview + import); of the import, "
            f"{sum(scoring_times):.2f} s is the scoring run it triggered ({len(scoring_times)} run)"
        )
    print(
        f"features {Feature.objects.filter(art=art).count():,}, "
        f"history rows {FeatureChange.objects.filter(art=art).count():,}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    database_create(DATABASE)
    try:
        run(args.rows)
    finally:
        if not args.keep:
            database_drop(DATABASE)


if __name__ == "__main__":
    main()
