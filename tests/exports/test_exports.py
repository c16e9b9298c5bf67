"""The ranked backlog exported as CSV, XLSX and Jira-import CSV, as a user opens the files."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from scoring.exports.sheets import BACKLOG_COLUMNS, cell_neutralise
from tests.factories import FeatureFactory, ProgramIncrementFactory, TeamFactory, art_rank_now, features_bulk

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_cell_neutralise_prefixes_formula_starts_only():
    assert [cell_neutralise(text) for text in HOSTILE] == ["'" + text for text in HOSTILE]
    assert cell_neutralise("Plain title") == "Plain title"
    assert cell_neutralise(5) == 5


def test_csv_lists_the_ranked_backlog_with_a_bom(alice, rail):
    FeatureFactory(art=rail, title="Small job", user_business_value=8, job_size=1, external_key="RAIL-1")
    FeatureFactory(art=rail, title="Big job – café", user_business_value=8, job_size=13)
    art_rank_now(rail)
    response = signed_in(alice).get(f"/arts/{rail.pk}/backlog/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="rail-backlog-{today}.csv"'
    header, first, second = csv_rows(response.content)
    assert header == [column.header for column in BACKLOG_COLUMNS]
    assert first[:4] == ["1", str(first[1]), "RAIL-1", "Small job"]
    assert first[header.index("WSJF")] == "11.00"
    assert first[header.index("Cost of Delay")] == "11"
    assert second[:4] == ["2", second[1], "", "Big job – café"]


def test_csv_neutralises_formula_cells(alice, rail):
    for text in HOSTILE:
        FeatureFactory(art=rail, title=text)
    rows = csv_rows(signed_in(alice).get(f"/arts/{rail.pk}/backlog/export.csv").content)
    titles = sorted(row[3] for row in rows[1:])
    assert titles == sorted("'" + text for text in HOSTILE)


def test_export_applies_the_pages_filters(alice, rail):
    blue = TeamFactory(art=rail, name="Blue")
    FeatureFactory(art=rail, title="Blue enabler", kind="enabler", team=blue)
    FeatureFactory(art=rail, title="Blue business", team=blue)
    FeatureFactory(art=rail, title="Other enabler", kind="enabler")
    FeatureFactory(art=rail, title="Blue done", kind="enabler", team=blue, status="done")
    query = f"?team={blue.pk}&kind=enabler"
    rows = csv_rows(signed_in(alice).get(f"/arts/{rail.pk}/backlog/export.csv{query}").content)
    assert [row[3] for row in rows[1:]] == ["Blue enabler"]
    searched = csv_rows(signed_in(alice).get(f"/arts/{rail.pk}/backlog/export.csv?q=other").content)
    assert [row[3] for row in searched[1:]] == ["Other enabler"]


def test_xlsx_reads_back_cell_by_cell(alice, rail):
    team = TeamFactory(art=rail, name="Blue", velocity=40)
    today = timezone.localdate()
    pi = ProgramIncrementFactory(
        art=rail, name="PI 26.1", start_date=today - timedelta(days=7), end_date=today + timedelta(days=60)
    )
    FeatureFactory(
        art=rail,
        title="=cmd|' /C calc'!A0",
        user_business_value=8,
        job_size=1,
        team=team,
        pi=pi,
        estimate_points=Decimal("5"),
        external_key="RAIL-7",
    )
    FeatureFactory(art=rail, title="Second", user_business_value=3, job_size=5)
    art_rank_now(rail)
    response = signed_in(alice).get(f"/arts/{rail.pk}/backlog/export.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Backlog"]
    assert [cell.value for cell in sheet[1]] == [column.header for column in BACKLOG_COLUMNS]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:P3"
    first = {column.header: cell for column, cell in zip(BACKLOG_COLUMNS, sheet[2], strict=True)}
    assert first["Rank"].value == 1 and first["WSJF rank"].value == 1
    assert first["Issue key"].value == "RAIL-7"
    assert first["Title"].value == "'=cmd|' /C calc'!A0" and first["Title"].data_type == "s"
    assert first["Team"].value == "Blue" and first["PI"].value == "PI 26.1"
    assert [
        first[name].value for name in ("User-Business Value", "Time Criticality", "RR|OE", "Job Size")
    ] == [
        8,
        2,
        1,
        1,
    ]
    assert first["Cost of Delay"].value == 11 and first["Cost of Delay"].number_format == "0"
    assert first["WSJF"].value == 11 and first["WSJF"].number_format == "0.00"
    assert first["Estimate (points)"].value == 5 and first["Estimate (points)"].number_format == "0.0"
    second = [cell.value for cell in sheet[3]]
    assert second[0] == 2 and second[3] == "Second" and second[2] is None
    assert sheet.max_row == 3
    plan = workbook["Capacity PI 26.1"]
    assert [cell.value for cell in plan[1]][:4] == [
        "Team or kind",
        "Velocity",
        "Share (%)",
        "Capacity (points)",
    ]
    assert [cell.value for cell in plan[2]][:2] == ["Blue", 40]
    assert plan.cell(row=plan.max_row, column=1).value == "Total"


def test_xlsx_without_a_pi_has_the_backlog_sheet_only(alice, rail):
    FeatureFactory(art=rail, title="Alone")
    workbook = load_workbook(io.BytesIO(signed_in(alice).get(f"/arts/{rail.pk}/backlog/export.xlsx").content))
    assert workbook.sheetnames == ["Backlog"]


def test_jira_export_writes_keyed_features_and_counts_the_others(alice, rail):
    FeatureFactory(art=rail, title="Keyed", user_business_value=8, job_size=1, external_key="RAIL-1")
    FeatureFactory(art=rail, title="@Also keyed", user_business_value=3, job_size=5, external_key="RAIL-2")
    FeatureFactory(art=rail, title="Made in popm")
    art_rank_now(rail)
    response = signed_in(alice).get(f"/arts/{rail.pk}/backlog/export-jira.csv")
    assert response["X-Popm-Left-Out"] == "1"
    rows = csv_rows(response.content)
    assert rows[0] == [
        "Issue key",
        "Summary",
        "User-Business Value",
        "Time Criticality",
        "RR|OE",
        "Job Size",
        "Cost of Delay",
        "WSJF",
        "WSJF Rank",
        "Backlog Rank",
    ]
    assert rows[1] == ["RAIL-1", "Keyed", "8", "2", "1", "1", "11", "11.00", "1", "1"]
    assert (
        rows[2][:2] == ["RAIL-2", "'@Also keyed"] and rows[2][-1] == "3"
    )  # the backlog rank, not the row number
    assert len(rows) == 3


@pytest.mark.parametrize("path", ["export.csv", "export.xlsx", "export-jira.csv"])
@pytest.mark.parametrize(("persona", "code"), [("alice", 200), ("carol", 200), ("admin", 200), ("bob", 200)])
def test_readers_of_the_art_may_export_through_the_api(client_of, rail, path, persona, code):
    FeatureFactory(art=rail)
    assert client_of(persona).get(f"/api/arts/{rail.pk}/{path}", HTTP_ACCEPT="text/csv").status_code == code


@pytest.mark.parametrize("path", ["export.csv", "export.xlsx", "export-jira.csv"])
def test_an_art_you_cannot_see_is_404(client_of, sea, carol, dave, path):
    assert client_of("carol").get(f"/api/arts/{sea.pk}/{path}").status_code == 404
    assert client_of("dave").get(f"/api/arts/{sea.pk}/{path}").status_code == 404
    assert client_of("anonymous").get(f"/api/arts/{sea.pk}/{path}").status_code in (401, 403)


def test_page_export_of_an_art_you_cannot_see_is_404(carol, sea):
    assert signed_in(carol).get(f"/arts/{sea.pk}/backlog/export.csv").status_code == 404


def test_api_refuses_a_filter_that_is_not_valid(client_of, rail):
    response = client_of("alice").get(f"/api/arts/{rail.pk}/export.csv?kind=nonsense")
    assert response.status_code == 400
    assert "kind" in response.json()


def test_api_export_matches_the_page_export(client_of, alice, rail):
    FeatureFactory(art=rail, title="One")
    api_body = client_of("alice").get(f"/api/arts/{rail.pk}/export.csv").content
    assert api_body == signed_in(alice).get(f"/arts/{rail.pk}/backlog/export.csv").content


def test_backlog_page_links_the_exports_with_its_filters(alice, rail):
    html = signed_in(alice).get(f"/arts/{rail.pk}/backlog/?kind=enabler").content.decode()
    assert f'href="/arts/{rail.pk}/backlog/export.xlsx?kind=enabler' in html
    assert f'href="/arts/{rail.pk}/backlog/export-jira.csv?kind=enabler' in html


@pytest.mark.parametrize("path", ["export.csv", "export.xlsx", "export-jira.csv"])
def test_export_queries_do_not_grow_with_the_backlog(alice, rail, path):
    today = timezone.localdate()
    ProgramIncrementFactory(art=rail, start_date=today, end_date=today + timedelta(days=70))
    client = signed_in(alice)
    features_bulk(rail, 5)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/arts/{rail.pk}/backlog/{path}").status_code == 200
    features_bulk(rail, 60)
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"/arts/{rail.pk}/backlog/{path}").status_code == 200
    assert len(many) == len(few)
