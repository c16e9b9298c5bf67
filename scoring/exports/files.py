"""The three export files as HTTP answers, shared by the page and the API routes."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from backlog.models import Art
from scoring.exports import selectors, sheets

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(body: bytes, content_type: str, art: Art, file_name: str) -> HttpResponse:
    """file_name "backlog.csv" -> "rail-backlog-2026-12-02.csv"."""
    response = HttpResponse(body, content_type=content_type)
    stem, extension = file_name.rsplit(".", 1)
    name = f"{slugify(art.name) or 'art'}-{stem}-{timezone.localdate().isoformat()}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def backlog_csv_response(*, art: Art, query: dict) -> HttpResponse:
    body = sheets.rows_csv(selectors.export_rows(art=art, query=query), sheets.BACKLOG_COLUMNS)
    return _attachment(body, "text/csv; charset=utf-8", art, "backlog.csv")


def backlog_xlsx_response(*, art: Art, query: dict) -> HttpResponse:
    rows = selectors.export_rows(art=art, query=query)
    plan = selectors.capacity_sheet(art=art)
    body = sheets.backlog_xlsx(rows, extra_sheets=[plan] if plan else [])
    return _attachment(body, XLSX_TYPE, art, "backlog.xlsx")


def jira_csv_response(*, art: Art, query: dict) -> HttpResponse:
    """Features without an issue key cannot be matched in Jira: left out, counted in the
    X-Popm-Left-Out header."""
    body, left_out = sheets.jira_csv(selectors.export_rows(art=art, query=query))
    response = _attachment(body, "text/csv; charset=utf-8", art, "jira-wsjf.csv")
    response["X-Popm-Left-Out"] = str(left_out)
    return response


FILES = {"csv": backlog_csv_response, "xlsx": backlog_xlsx_response, "jira": jira_csv_response}
