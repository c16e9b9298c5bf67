"""What each row of a Jira export becomes (backlog/imports/jira_mapping.py): pure, no database."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from backlog.imports.jira_csv import jira_csv_read
from backlog.imports.jira_mapping import Mapping, import_plan_build
from backlog.imports.wsjf_columns import RowProblem

FIXTURES = Path(__file__).parent / "fixtures"


def plan_of(name: str, mapping: Mapping | None = None):
    return import_plan_build(jira_csv_read((FIXTURES / name).read_bytes()), mapping)


def plan_of_text(text: str, mapping: Mapping | None = None):
    return import_plan_build(jira_csv_read(text.encode()), mapping)


def test_cloud_export_epic_and_features():
    plan = plan_of("cloud_all_fields.csv")
    assert [(epic.external_key, epic.title) for epic in plan.epics] == [("RAIL-1", "Payments epic")]
    assert plan.epics[0].created_at == datetime(2025, 1, 1, 0, 0, tzinfo=UTC)
    first, second = plan.features
    assert first.external_key == "RAIL-101"
    assert first.epic_key == "RAIL-1"  # Parent key, and Parent (the id 10001) agrees
    assert first.created_at == datetime(2025, 9, 22, 9, 26, tzinfo=UTC)
    assert first.fields["title"] == "Checkout in one step"
    assert first.fields["status"] == "implementing"
    assert first.fields["estimate_points"] == Decimal("8.0")
    assert '"Pay"' in first.fields["description"]
    # Story Points empty on this row: it takes Story point estimate.
    assert second.fields["estimate_points"] == Decimal("5.0")
    assert second.fields["status"] == "backlog"
    assert second.epic_key is None
    assert plan.problems == [] and plan.refused_rows == []


def test_data_center_epic_link_and_iso_dates():
    plan = plan_of("datacenter_epic_link.csv")
    (feature,) = plan.features
    assert feature.epic_key == "SEA-1"
    assert feature.fields["status"] == "backlog"
    assert feature.created_at == datetime(2024, 11, 3, 14, 5, tzinfo=timezone(timedelta(hours=1)))
    assert [epic.external_key for epic in plan.epics] == ["SEA-1"]


def test_semicolon_and_cp1252_files():
    assert [f.fields["status"] for f in plan_of("semicolon.csv").features] == ["done", "backlog"]
    (feature,) = plan_of("cp1252.csv").features
    assert feature.fields == {"title": "Café crème", "description": "Prix en €, déjà payé"}
    assert "status" not in feature.fields  # no Status column: an update keeps popm's


def test_off_scale_wsjf_inputs_are_reported_and_left_out():
    plan = plan_of("off_scale_wsjf.csv")
    on_scale, off_scale = plan.features
    assert {name: on_scale.fields[name] for name in ("user_business_value", "job_size")} == {
        "user_business_value": 8,
        "job_size": 5,
    }
    assert off_scale.fields["risk_reduction"] == 1
    assert "user_business_value" not in off_scale.fields and "job_size" not in off_scale.fields
    assert {(p.row, p.column) for p in plan.problems} == {
        (3, "Custom field (User-Business Value)"),
        (3, "Custom field (Time Criticality)"),
        (3, "Custom field (Job Size)"),
    }
    assert plan.refused_rows == []  # the row is kept with what it has on the scale


def test_statuses_default_unknown_and_overridden():
    text = "Issue key,Summary,Status\nA-1,a,Selected for Development\nA-2,b,Blocked\nA-3,c,QA\nA-4,d,closed\n"
    assert [f.fields["status"] for f in plan_of_text(text).features] == [
        "analyzing",
        "funnel",
        "validating",
        "done",
    ]
    mapping = Mapping(statuses={"blocked": "implementing", "QA": "implementing"})
    assert [f.fields["status"] for f in plan_of_text(text, mapping).features][1:3] == [
        "implementing",
        "implementing",
    ]


def test_a_mapping_refuses_what_popm_does_not_know():
    with pytest.raises(ValueError, match="not a popm status"):
        Mapping(statuses={"Blocked": "stuck"})
    with pytest.raises(ValueError, match="story points"):
        Mapping(story_points="Custom field (Points)")


def test_issue_types_epics_features_and_left_out():
    text = "Issue key,Summary,Issue Type\nA-1,a,Initiative\nA-2,b,Story\nA-3,c,Bug\nA-4,d,Capability\n"
    mapping = Mapping(epic_types=frozenset({"Initiative", "Capability"}), feature_types=frozenset({"story"}))
    plan = plan_of_text(text, mapping)
    assert [e.external_key for e in plan.epics] == ["A-1", "A-4"]
    assert [f.external_key for f in plan.features] == ["A-2"]
    assert plan.skipped_rows == [4]


def test_pinned_story_points_column():
    plan = plan_of("cloud_all_fields.csv", Mapping(story_points="Custom field (Story point estimate)"))
    assert [f.fields.get("estimate_points") for f in plan.features] == [None, Decimal("5.0")]


def test_story_points_never_rounded():
    text = (
        "Issue key,Summary,Custom field (Story Points)\n"
        "A-1,a,2.5\nA-2,b,2.25\nA-3,c,lots\nA-4,d,0\nA-5,e,3.0\n"
    )
    plan = plan_of_text(text)
    assert [f.fields.get("estimate_points") for f in plan.features] == [
        Decimal("2.5"),
        None,
        None,
        None,
        Decimal("3.0"),
    ]
    assert [(p.row, p.column) for p in plan.problems] == [
        (3, "Custom field (Story Points)"),
        (4, "Custom field (Story Points)"),
        (5, "Custom field (Story Points)"),
    ]
    assert "not rounded" in plan.problems[0].message


def test_refused_rows_never_stop_the_others():
    long = "x" * 201
    text = f"Issue key,Summary,Created\n,no key,\nA-2,,\nA-3,{long},\nA-4,ok,\nA-4,again,\nA-6,late,someday\n"
    plan = plan_of_text(text)
    assert [f.external_key for f in plan.features] == ["A-4", "A-6"]
    assert plan.refused_rows == [2, 3, 4, 6]
    assert [(p.row, p.column) for p in plan.problems] == [
        (2, "Issue key"),
        (3, "Summary"),
        (4, "Summary"),
        (6, "Issue key"),
        (7, "Created"),
    ]
    assert plan.features[1].created_at is None  # kept; popm's own time is used
    assert all(isinstance(p, RowProblem) for p in plan.problems)


def test_a_parent_that_is_a_feature_of_the_file_is_no_epic():
    text = "Issue key,Summary,Issue Type,Parent key\nA-1,f,Feature,\nA-2,s,Story,A-1\nA-3,t,Story,X-9\n"
    plan = plan_of_text(text)
    assert [f.epic_key for f in plan.features] == [None, None, "X-9"]
