"""Rows of the ranked backlog written as CSV and XLSX bytes. Pure: no database.

Every text cell that a spreadsheet could read as a formula is neutralised (OWASP's rule for
CSV injection): a cell starting with =, +, -, @, a tab or a carriage return gets a leading
apostrophe. Numbers are written as numbers and never start with one of those.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    key: str
    # Excel number format for the XLSX; empty: General.
    number_format: str = ""


# Rank: the position with executive-priority pins applied (the backlog the train works from);
# WSJF rank: by WSJF alone (docs/rules.md, "Pins").
BACKLOG_COLUMNS = (
    Column("Rank", "rank"),
    Column("ID", "id"),
    Column("Issue key", "external_key"),
    Column("Title", "title"),
    Column("Kind", "kind"),
    Column("Status", "status"),
    Column("Team", "team_name"),
    Column("PI", "pi_name"),
    Column("User-Business Value", "user_business_value"),
    Column("Time Criticality", "time_criticality"),
    Column("RR|OE", "risk_reduction"),
    Column("Job Size", "job_size"),
    Column("Cost of Delay", "cost_of_delay", "0"),
    Column("WSJF", "wsjf", "0.00"),
    Column("WSJF rank", "wsjf_rank"),
    Column("Estimate (points)", "estimate_points", "0.0"),
)

# Jira's importer matches a column to a field in its mapping step; the names are those of the
# custom fields a SAFe Jira usually has, so the mapping is found by name.
JIRA_COLUMNS = (
    Column("Issue key", "external_key"),
    Column("Summary", "title"),
    Column("User-Business Value", "user_business_value"),
    Column("Time Criticality", "time_criticality"),
    Column("RR|OE", "risk_reduction"),
    Column("Job Size", "job_size"),
    Column("Cost of Delay", "cost_of_delay"),
    Column("WSJF", "wsjf"),
    Column("WSJF Rank", "wsjf_rank"),
    # With pins applied: the order the train works from (equal to WSJF Rank without pins).
    Column("Backlog Rank", "rank"),
)


def cell_neutralise(value: Any) -> Any:
    """The value, with a leading apostrophe if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(cell_neutralise(value))


def rows_csv(rows: Iterable[dict], columns: Sequence[Column]) -> bytes:
    """UTF-8 with a BOM (so Excel reads the accents right), CRLF line ends, a header row."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([column.header for column in columns])
    keys = [column.key for column in columns]
    writer.writerows([_csv_text(row[key]) for key in keys] for row in rows)
    return out.getvalue().encode("utf-8")


def jira_csv(rows: Iterable[dict]) -> tuple[bytes, int]:
    """The Jira-import CSV of the rows that carry an issue key, and how many were left out."""
    rows = list(rows)
    keyed = [row for row in rows if row["external_key"]]
    return rows_csv(keyed, JIRA_COLUMNS), len(rows) - len(keyed)


@dataclass(frozen=True, slots=True)
class Sheet:
    """A plain second sheet: a title, a header row and rows of values (already in order)."""

    title: str
    headers: tuple[str, ...]
    rows: list[tuple]


def backlog_xlsx(rows: Iterable[dict], *, extra_sheets: Sequence[Sheet] = ()) -> bytes:
    """The backlog sheet (bold header row, frozen below it, autofilter over every column),
    then the extra sheets. Written in openpyxl's write-only mode: 10,000 rows in well under
    the time a normal workbook takes."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Backlog")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_header_cell(sheet, column.header, bold) for column in BACKLOG_COLUMNS])
    count = 0
    formatted = [(column.key, column.number_format) for column in BACKLOG_COLUMNS]
    for row in rows:
        sheet.append([_value_cell(sheet, row[key], number_format) for key, number_format in formatted])
        count += 1
    sheet.auto_filter.ref = f"A1:{_column_letter(len(BACKLOG_COLUMNS))}{count + 1}"
    for extra in extra_sheets:
        _sheet_add(workbook, extra, bold)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_add(workbook: Workbook, extra: Sheet, bold: Font) -> None:
    # Excel refuses these in a sheet's name, and names longer than 31 characters.
    title = "".join(" " if char in "[]:*?/\\" else char for char in extra.title)[:31]
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, header, bold) for header in extra.headers])
    for row in extra.rows:
        sheet.append([cell_neutralise(value) for value in row])


def _header_cell(sheet, text: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = font
    return cell


def _value_cell(sheet, value: Any, number_format: str) -> Any:
    if not number_format or value is None:
        return cell_neutralise(value)
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
