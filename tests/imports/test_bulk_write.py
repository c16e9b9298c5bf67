"""The import's bulk path (backlog.services.features_import_write) keeps a page edit's rules:
validation, version bump, history, ONE scoring run after commit, in few queries."""

from decimal import Decimal
from pathlib import Path

import pytest

from backlog import services
from backlog.imports.jira_csv import jira_csv_read
from backlog.imports.jira_import import jira_import
from backlog.models import Feature, FeatureChange
from backlog.signals import ranking_inputs_changed
from tests.factories import EpicFactory, FeatureFactory, TeamFactory

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def jira_text(rows: int, *, size: int = 5, start: int = 1) -> bytes:
    lines = ["Issue key,Summary,Status,Custom field (Job Size),Business Value,Created"]
    lines += [
        f"RAIL-{n},Feature {n},In Progress,{size},8,22/Sep/25 9:26 AM" for n in range(start, start + rows)
    ]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def signals():
    sent = []

    def receiver(**kwargs):
        sent.append(kwargs["art_id"])

    ranking_inputs_changed.connect(receiver, weak=False)
    yield sent
    ranking_inputs_changed.disconnect(receiver)


def test_a_large_import_asks_for_one_scoring_run_in_few_queries(
    rail, alice, signals, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    jira = jira_csv_read(jira_text(2500))
    with django_capture_on_commit_callbacks(execute=True), django_assert_max_num_queries(30):
        result = jira_import(art=rail, jira=jira, acting_user=alice, source="big.csv")
    assert result.created == 2500
    assert signals == [rail.pk]  # one run for the whole import, not one per feature
    feature = Feature.objects.get(external_key="RAIL-2500")
    assert (feature.version, feature.job_size, feature.user_business_value) == (1, 5, 8)
    assert feature.scored_by == alice and feature.scored_at is not None
    assert feature.created_at.isoformat() == "2025-09-22T09:26:00+00:00"
    assert FeatureChange.objects.filter(action="created", door="import", source="big.csv").count() == 2500


def test_an_update_bumps_the_version_and_records_what_changed(
    rail, alice, signals, django_capture_on_commit_callbacks
):
    jira_import(art=rail, jira=jira_csv_read(jira_text(3)), acting_user=alice, source="a.csv")
    text = jira_text(3, size=13).replace(b"Feature 2,", b"Feature two,")
    with django_capture_on_commit_callbacks(execute=True):
        result = jira_import(
            art=rail,
            jira=jira_csv_read(text),
            acting_user=alice,
            source="b.csv",
            take_jira=frozenset({"job_size"}),
        )
    assert (result.created, result.updated, result.unchanged) == (0, 3, 0)
    assert signals == [rail.pk]
    two = Feature.objects.get(external_key="RAIL-2")
    assert (two.title, two.job_size, two.version) == ("Feature two", 13, 2)
    change = FeatureChange.objects.get(feature=two, action="updated")
    assert (change.door, change.source, change.changed_by) == ("import", "b.csv", alice)
    assert change.changes["job_size"] == [5, 13]


def test_a_title_only_update_asks_for_no_scoring_run(
    rail, alice, signals, django_capture_on_commit_callbacks
):
    jira_import(art=rail, jira=jira_csv_read(jira_text(2)), acting_user=alice, source="a.csv")
    text = jira_text(2).replace(b"Feature 1,", b"Feature one,")
    with django_capture_on_commit_callbacks(execute=True):
        result = jira_import(art=rail, jira=jira_csv_read(text), acting_user=alice, source="b.csv")
    assert (result.updated, result.unchanged) == (1, 1)
    assert signals == []


def test_the_model_refuses_a_row_and_the_others_are_written(rail, alice):
    other_epic = EpicFactory(art=FeatureFactory().art)  # an epic of another ART
    created, updated = services.features_import_write(
        art=rail,
        acting_user=alice,
        source="x.csv",
        creates=[
            ("RAIL-1", None, {"title": "Fine", "estimate_points": Decimal("3")}),
            ("RAIL-2", None, {"title": "Too small", "estimate_points": Decimal("0.1")}),
            ("RAIL-3", None, {"title": "Wrong epic", "epic": other_epic}),
            ("RAIL-4", None, {"title": "x" * 201}),
        ],
        updates=[],
    )
    assert isinstance(created[0], Feature)
    assert "estimate_points" in created[1].message_dict
    assert "epic" in created[2].message_dict
    assert "title" in created[3].message_dict
    assert list(Feature.objects.filter(art=rail).values_list("external_key", flat=True)) == ["RAIL-1"]
    assert FeatureChange.objects.filter(art=rail).count() == 1


def test_quoted_multi_line_descriptions_are_kept_whole(rail, alice):
    jira = jira_csv_read((FIXTURES / "multiline_descriptions.csv").read_bytes())
    result = jira_import(art=rail, jira=jira, acting_user=alice, source="m.csv")
    assert result.created == 3 and not result.problems
    descriptions = dict(Feature.objects.values_list("external_key", "description"))
    assert descriptions["RAIL-301"] == (
        'Line one\r\nLine two with "quotes", a comma; and a semicolon\r\n\r\n- a list item'
    )
    assert descriptions["RAIL-302"] == 'Starts with a quote: "Hi"\nand a bare LF line'
    assert descriptions["RAIL-303"] == "Ends in a newline"
    assert Feature.objects.get(external_key="RAIL-301").title == "Refunds, partial"


def test_a_reimport_of_the_same_file_reads_in_few_queries_and_previews_the_first_rows(
    rail, alice, django_assert_max_num_queries
):
    TeamFactory(art=rail, name="Platform")
    lines = ["Issue key,Summary,Issue Type,Team"] + [f"RAIL-E{n},Epic {n},Epic," for n in range(30)]
    lines += [f"RAIL-{n},Feature {n},Feature,Platform" for n in range(300)]
    data = ("\n".join(lines) + "\n").encode()
    jira_import(art=rail, jira=jira_csv_read(data), acting_user=alice, source="a.csv")
    with django_assert_max_num_queries(40):
        again = jira_import(art=rail, jira=jira_csv_read(data), acting_user=alice, source="a.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 330)
    assert [row["row"] for row in again.rows] == list(range(2, 22))  # the file's first 20 rows
