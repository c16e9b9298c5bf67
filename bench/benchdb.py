"""What every benchmark needs: its own PostgreSQL database, an ART of N features, the machine.

Import this module before Django: `database_create()` points DATABASE_URL at a fresh database,
sets Django up and migrates it; `database_drop()` removes it again.
"""

import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_SERVER = "postgres://postgres@127.0.0.1:5432"
SCALE = (1, 2, 3, 5, 8, 13, 20)


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", f"{PG_SERVER}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PGOPTIONS": "--client-min-messages=warning"},
    )


def database_url(name: str) -> str:
    return f"{PG_SERVER}/{name}"


def database_create(name: str, **environ: str) -> None:
    """Create a fresh database `name`, set Django up against it (env overrides in environ), migrate."""
    _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _psql(f'CREATE DATABASE "{name}"')
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "popm.settings",
            "DJANGO_ENV": "local",
            # DEBUG off: with it on Django keeps every query in memory, which skews timings.
            "DJANGO_DEBUG": "false",
            "REDIS_URL": "",
            "DJANGO_LOG_LEVEL": "WARNING",
            **environ,
            "DATABASE_URL": database_url(name),
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def database_drop(name: str) -> None:
    try:
        from django.db import connections

        connections.close_all()
    except ImportError:
        pass
    _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def art_create(*, name: str, features: int, seed: int = 7):
    """An ART with 4 teams, 2 PIs, 20 epics and `features` features.

    About 90% are fully scored, 5% miss an input (unranked), 8% are done (out of the backlog);
    inputs are drawn from the scale with a fixed seed, so every run builds the same backlog.
    Scores (CoD, WSJF, rank) are left empty, as before the first scoring run.
    """
    from backlog.models import Art, Epic, Feature, ProgramIncrement, Team

    rng = random.Random(seed)
    art = Art.objects.create(name=name)
    teams = [Team.objects.create(art=art, name=f"Team {i}", velocity=30 + 5 * i) for i in range(4)]
    pis = [
        ProgramIncrement.objects.create(
            art=art,
            name=f"PI {i}",
            start_date=datetime(2026, 1, 5).date() + timedelta(weeks=10 * i),
            end_date=datetime(2026, 3, 13).date() + timedelta(weeks=10 * i),
        )
        for i in range(2)
    ]
    epics = [Epic.objects.create(art=art, title=f"Epic {i}") for i in range(20)]
    kinds = [Feature.Kind.BUSINESS] * 7 + [Feature.Kind.ENABLER] * 2 + [Feature.Kind.EXPLORATION]
    statuses = [s for s in Feature.Status.values if s != Feature.Status.DONE]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    batch: list = []
    for i in range(features):
        inputs = [rng.choice(SCALE) for _ in range(4)]
        if rng.random() < 0.05:
            inputs[rng.randrange(4)] = None
        batch.append(
            Feature(
                art=art,
                pi=rng.choice(pis + [None]),
                epic=rng.choice(epics + [None]),
                team=rng.choice(teams),
                title=f"Feature {i}: {rng.choice(['Faster', 'Safer', 'Simpler'])} "
                f"{rng.choice(['checkout', 'booking', 'reporting', 'onboarding', 'search'])}",
                description="As a user I want this so that that.",
                kind=rng.choice(kinds),
                status=Feature.Status.DONE if rng.random() < 0.08 else rng.choice(statuses),
                user_business_value=inputs[0],
                time_criticality=inputs[1],
                risk_reduction=inputs[2],
                job_size=inputs[3],
                estimate_points=Decimal(rng.choice([3, 5, 8, 13, 20, 40])),
            )
        )
        if len(batch) == 5000:
            Feature.objects.bulk_create(batch)
            batch = []
    if batch:
        Feature.objects.bulk_create(batch)
    # auto_now_add stamps the insert time; spread creation over a year so "older first" matters.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Feature._meta.db_table} SET created_at = %s + (id %% 9973) * interval '53 minutes'"
            " WHERE art_id = %s",
            [start, art.pk],
        )
        cursor.execute("VACUUM ANALYZE")
    return art


def machine() -> str:
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs ({model}), "
        f"{mem_kb / 1024 / 1024:.1f} GiB RAM; load average at start {load}"
    )


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def timed(function, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result
