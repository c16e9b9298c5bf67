"""A Jira export brought into an ART (backlog/imports/jira_import.py): preview, confirm, re-import."""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from backlog.imports.jira_csv import jira_csv_read
from backlog.imports.jira_import import jira_import
from backlog.imports.models import ImportRun
from backlog.models import Epic, Feature, FeatureChange
from tests.factories import EpicFactory, FeatureFactory

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def run(art, user, name="cloud_all_fields.csv", *, text: str | None = None, **options):
    data = text.encode() if text is not None else (FIXTURES / name).read_bytes()
    return jira_import(art=art, jira=jira_csv_read(data), acting_user=user, source=name, **options)


def test_preview_counts_and_writes_nothing(rail, alice):
    result = run(rail, alice, dry_run=True)
    assert (result.created, result.updated, result.unchanged, result.refused) == (3, 0, 0, 0)
    assert [(row["row"], row["what"], row["action"]) for row in result.rows] == [
        (2, "feature", "created"),
        (3, "feature", "created"),
        (4, "epic", "created"),
    ]
    assert result.rows[0]["status"] == "implementing" and result.rows[0]["epic"] == "RAIL-1"
    assert not Feature.objects.exists() and not Epic.objects.exists()
    assert not FeatureChange.objects.exists()


def test_confirm_creates_epics_and_features_with_history(rail, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = run(rail, alice)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert callbacks  # scoring is queued after commit
    epic = Epic.objects.get(art=rail, external_key="RAIL-1")
    checkout = Feature.objects.get(art=rail, external_key="RAIL-101")
    assert checkout.epic == epic
    assert checkout.status == "implementing" and checkout.estimate_points == Decimal("8.0")
    assert checkout.created_at == datetime(2025, 9, 22, 9, 26, tzinfo=UTC)  # Jira's, not today
    assert epic.created_at == datetime(2025, 1, 1, 0, 0, tzinfo=UTC)
    changes = FeatureChange.objects.filter(feature=checkout)
    assert [(c.action, c.door, c.source, c.changed_by) for c in changes] == [
        ("created", "import", "cloud_all_fields.csv", alice)
    ]


def test_reimport_of_the_same_file_changes_nothing(rail, alice):
    run(rail, alice)
    versions = dict(Feature.objects.values_list("external_key", "version"))
    history = FeatureChange.objects.count()
    again = run(rail, alice)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert dict(Feature.objects.values_list("external_key", "version")) == versions
    assert FeatureChange.objects.count() == history


def test_update_by_key_keeps_popms_scores_and_fields_the_file_leaves_empty(rail, alice):
    feature = FeatureFactory(
        art=rail,
        external_key="RAIL-11",
        title="Old title",
        description="Written in popm",
        user_business_value=13,
        time_criticality=None,
        job_size=2,
        estimate_points=Decimal("4"),
    )
    text = (
        "Issue key,Summary,Description,Custom field (User-Business Value),Custom field (Job Size),"
        "Custom field (Time Criticality),Custom field (Story Points)\n"
        "RAIL-11,New title,,8,5,3,6\n"
    )
    result = run(rail, alice, text=text)
    assert (result.created, result.updated) == (0, 1)
    feature.refresh_from_db()
    assert feature.title == "New title"
    assert feature.description == "Written in popm"  # the file leaves it empty
    assert (feature.user_business_value, feature.job_size) == (13, 2)  # popm's own
    assert feature.estimate_points == Decimal("4.0")
    assert feature.time_criticality == 3  # popm had none: the file's fills it
    change = FeatureChange.objects.get(feature=feature, action="updated")
    assert change.door == "import"


def test_take_jiras_values_for_named_fields(rail, alice):
    feature = FeatureFactory(art=rail, external_key="RAIL-11", user_business_value=13, job_size=2)
    text = "Issue key,Summary,Business Value,Job Size\nRAIL-11,T,8,5\n"
    run(rail, alice, text=text, take_jira=frozenset({"job_size"}))
    feature.refresh_from_db()
    assert (feature.user_business_value, feature.job_size) == (13, 5)
    with pytest.raises(ValueError, match="does not protect"):
        run(rail, alice, text=text, take_jira=frozenset({"title"}))


def test_refused_rows_never_stop_the_others(rail, alice, sea):
    FeatureFactory(art=sea, external_key="RAIL-2")  # another ART's key does not clash
    EpicFactory(art=rail, title="Taken", external_key="OTHER-1")
    text = (
        "Issue key,Summary,Issue Type,Custom field (Story Points),Parent key\n"
        ",No key,Feature,,\n"
        "RAIL-2,Fine,Feature,3,\n"
        "RAIL-3,Taken,Epic,,\n"
        "RAIL-4,Orphan,Feature,,NOPE-1\n"
    )
    result = run(rail, alice, text=text)
    assert (result.created, result.refused) == (2, 2)
    assert [(p.row, p.column) for p in result.problems] == [
        (2, "Issue key"),
        (4, "Summary"),
        (5, "Parent key"),
    ]
    assert set(Feature.objects.filter(art=rail).values_list("external_key", flat=True)) == {
        "RAIL-2",
        "RAIL-4",
    }


def test_an_epic_made_in_popm_is_adopted_by_title(rail, alice):
    epic = EpicFactory(art=rail, title="Payments epic")
    result = run(rail, alice)
    epic.refresh_from_db()
    assert epic.external_key == "RAIL-1"
    assert Feature.objects.get(external_key="RAIL-101").epic == epic
    assert (result.created, result.updated) == (2, 1)


def test_import_jira_command(rail, capsys, tmp_path):
    path = str(FIXTURES / "cloud_all_fields.csv")
    call_command("import_jira", "--art", str(rail.pk), path, "--dry-run")
    assert "would be created 3, updated 0, unchanged 0, refused 0" in capsys.readouterr().out
    assert not Feature.objects.exists()
    call_command("import_jira", "--art", str(rail.pk), path)
    call_command("import_jira", "--art", str(rail.pk), path)
    assert "created 0, updated 0, unchanged 3" in capsys.readouterr().out.splitlines()[-1]
    assert FeatureChange.objects.filter(door="import", changed_by=None).count() == 2
    runs = ImportRun.objects.filter(art=rail)
    assert [(r.status, r.created_by, r.created, r.unchanged) for r in runs] == [
        ("done", None, 0, 3),
        ("done", None, 3, 0),
    ]
    with pytest.raises(CommandError, match="No ART"):
        call_command("import_jira", "--art", "0", path)
    with pytest.raises(CommandError, match="empty"):
        (tmp_path / "empty.csv").write_bytes(b"")
        call_command("import_jira", "--art", str(rail.pk), str(tmp_path / "empty.csv"))
