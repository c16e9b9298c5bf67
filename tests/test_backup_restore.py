"""Backup and restore as the README says (pg_dump -Fc, pg_restore into a fresh database): the
restored database holds the same ranked backlog, capacity plans and override ledger."""

import shutil
import subprocess

import psycopg2
import pytest
from django.db import connection

from backlog.models import Art, Feature
from scoring.models import ScoringRun
from scoring.planning.models import Allocation, PlanCommit, TeamCapacity
from scoring.services import scoring_run_execute
from scoring.tradeoffs.models import Override
from scoring.tradeoffs.services import override_create
from tests.factories import demo_load

pytestmark = [
    pytest.mark.processes,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump and pg_restore are not installed"),
]

# What a POPM would miss: the ranked backlog, the plans, the ledger, and who did what.
TABLES = [
    Feature._meta.db_table,
    TeamCapacity._meta.db_table,
    Allocation._meta.db_table,
    PlanCommit._meta.db_table,
    Override._meta.db_table,
    "backlog_featurechange",
    "auth_user",
]


def connection_args(name: str) -> list[str]:
    db = connection.settings_dict
    return ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"], "-d", name]


def table_rows(cursor, table: str) -> list[str]:
    """Every row as PostgreSQL writes it in UTC: the same text whichever driver reads it."""
    cursor.execute("SET TIME ZONE 'UTC'")
    cursor.execute(f"SELECT t::text FROM {table} AS t ORDER BY 1")
    return [row[0] for row in cursor.fetchall()]


def test_a_dump_restored_into_a_fresh_database_has_the_same_backlog_plans_and_ledger(tmp_path):
    demo_load()
    for run in ScoringRun.objects.filter(status=ScoringRun.Status.PENDING):
        scoring_run_execute(run_id=run.pk)  # rank now, without a worker
    art = Art.objects.first()
    last = Feature.objects.filter(art=art).exclude(rank=None).order_by("-rank").first()
    override_create(
        art=art, feature_id=last.pk, position=1, reason="CEO promise to a key account", acting_user=None
    )
    assert Feature.objects.exclude(rank=None).exists()

    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored"
    dump = tmp_path / "popm.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), *connection_args(source)], check=True, timeout=120)
    subprocess.run(["dropdb", "--if-exists", *connection_args(restored)[:-2], restored], check=True)
    subprocess.run(["createdb", *connection_args(restored)[:-2], restored], check=True)
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", *connection_args(restored), str(dump)],
            check=True,
            timeout=120,
        )
        db = connection.settings_dict
        with (
            psycopg2.connect(
                host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=restored
            ) as other,
            other.cursor() as theirs,
            connection.cursor() as ours,
        ):
            for table in TABLES:
                assert table_rows(theirs, table) == table_rows(ours, table), table
            theirs.execute(
                f"SELECT id, rank FROM {Feature._meta.db_table} WHERE rank IS NOT NULL ORDER BY rank"
            )
            assert theirs.fetchall() == list(
                Feature.objects.exclude(rank=None).order_by("rank").values_list("id", "rank")
            )
        other.close()
    finally:
        subprocess.run(["dropdb", "--if-exists", *connection_args(restored)[:-2], restored], check=True)
