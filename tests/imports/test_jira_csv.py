"""Reading Jira CSV exports (backlog/imports/jira_csv.py) from fixture files made by the project."""

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from backlog.imports.jira_csv import FileRefused, jira_csv_read, jira_datetime_parse

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str):
    return jira_csv_read((FIXTURES / name).read_bytes())


def test_cloud_export_keeps_every_repeated_column():
    jira = read("cloud_all_fields.csv")
    first = jira.rows[0]
    assert jira.values(first, "Labels") == ["payments", "mobile"]
    assert jira.values(first, "Sprint") == ["RAIL Sprint 4", "RAIL Sprint 5"]
    assert jira.values(first, "Watchers") == ["alice", "bob"]
    assert len(jira.values(first, "Comment")) == 2
    assert jira.value(first, "Parent key") == "RAIL-1"


def test_cloud_export_bom_crlf_and_quoted_multiline_description():
    jira = read("cloud_all_fields.csv")
    assert jira.encoding == "utf-8" and jira.delimiter == ","
    assert jira.headers[0] == "Summary"  # the BOM is not part of the first header
    description = jira.value(jira.rows[0], "Description")
    assert description.splitlines() == [
        "As a buyer I want to pay in one step.",
        "Acceptance:",
        '- the "Pay" button works',
        "- no reload",
    ]
    assert [row.number for row in jira.rows] == [2, 3, 4]
    assert [jira.value(row, "Issue key") for row in jira.rows] == ["RAIL-101", "RAIL-102", "RAIL-1"]


def test_story_points_are_read_from_whichever_column_a_row_fills():
    jira = read("cloud_all_fields.csv")
    first, second = jira.rows[:2]
    assert jira.value(first, "Custom field (Story Points)") == "8"
    assert jira.value(second, "Custom field (Story Points)") == ""
    assert jira.value(second, "Custom field (Story point estimate)") == "5"


def test_data_center_export_with_epic_link_and_iso_dates():
    jira = read("datacenter_epic_link.csv")
    story = jira.rows[0]
    assert jira.value(story, "Custom field (Epic Link)") == "SEA-1"
    assert jira_datetime_parse(jira.value(story, "Created")) == datetime(
        2024, 11, 3, 14, 5, tzinfo=timezone(timedelta(hours=1))
    )
    assert jira_datetime_parse(jira.value(jira.rows[1], "Created")) == datetime(2024, 10, 1, 8, 0, tzinfo=UTC)


def test_semicolon_file_keeps_commas_inside_values():
    jira = read("semicolon.csv")
    assert jira.delimiter == ";"
    assert [jira.value(row, "Summary") for row in jira.rows] == ["Tarif, réduit", "Zweite Zeile"]


def test_cp1252_file_is_read_and_says_so():
    jira = read("cp1252.csv")
    assert jira.encoding == "cp1252"
    assert jira.value(jira.rows[0], "Summary") == "Café crème"
    assert jira.value(jira.rows[0], "Description") == "Prix en €, déjà payé"


def test_wsjf_custom_fields_are_read_as_written_never_rounded():
    jira = read("off_scale_wsjf.csv")
    off = jira.rows[1]
    assert [jira.value(off, f"Custom field ({name})") for name in ("User-Business Value", "Job Size")] == [
        "7",
        "10",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22/Sep/25 9:26 AM", datetime(2025, 9, 22, 9, 26, tzinfo=UTC)),
        ("25/Feb/26 10:17 PM", datetime(2026, 2, 25, 22, 17, tzinfo=UTC)),
        ("2025-09-22T09:26:00.000+0200", datetime(2025, 9, 22, 7, 26, tzinfo=UTC)),
        ("2025-09-22", datetime(2025, 9, 22, tzinfo=UTC)),
        ("", None),
    ],
)
def test_jira_dates(text, expected):
    assert jira_datetime_parse(text) == expected


def test_a_date_that_is_no_date_is_refused():
    with pytest.raises(ValueError):
        jira_datetime_parse("yesterday")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf\r\n", "empty"),
        (b"Issue key,Title\r\nRAIL-1,x\r\n", "no Summary column"),
        (b"PK\x03\x04\x00\x00binary", "binary"),
        (b"Summary\r\n\x81\x8d\x90\r\n", "neither UTF-8 nor Windows-1252"),
        (b'Summary,Issue key\r\n"unclosed,RAIL-1\r\n', "well-formed"),
    ],
)
def test_bad_files_are_refused_with_a_reason(data, message):
    with pytest.raises(FileRefused, match=message):
        jira_csv_read(data)


def test_size_and_row_limits_are_stated():
    with pytest.raises(FileRefused, match="size limit of 1 MB"):
        jira_csv_read(b"Summary\r\n" + b"x" * (1024 * 1024), max_bytes=1024 * 1024)
    with pytest.raises(FileRefused, match="more than 2 issues"):
        jira_csv_read(b"Summary\r\na\r\nb\r\nc\r\n", max_rows=2)
