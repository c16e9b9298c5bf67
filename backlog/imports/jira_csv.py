"""A Jira CSV export read into rows of cells, positionally. Pure: no database, no Django.

Jira repeats a column name for every value of a multi-value field (Labels, Sprint, Watchers,
Comment, Fix versions...), and two custom fields may even share a name, so the file is read
with csv.reader and a header keeps every position it names; DictReader would keep the last.
"""

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
ENCODINGS = ("utf-8", "cp1252")
REQUIRED_HEADER = "Summary"


class FileRefused(ValueError):
    """The file cannot be imported at all; the message says why, for the user."""


@dataclass(frozen=True, slots=True)
class JiraRow:
    # As a spreadsheet numbers it: the header is row 1, so the first issue is row 2.
    number: int
    cells: tuple[str, ...]


@dataclass
class JiraFile:
    encoding: str
    delimiter: str
    headers: list[str]
    rows: list[JiraRow]
    positions: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        positions: dict[str, list[int]] = defaultdict(list)
        for position, header in enumerate(self.headers):
            positions[header].append(position)
        self.positions = dict(positions)

    def values(self, row: JiraRow, header: str) -> list[str]:
        """Every non-empty value of the column(s) named header, in file order."""
        return [
            row.cells[position].strip()
            for position in self.positions.get(header, ())
            if position < len(row.cells) and row.cells[position].strip()
        ]

    def value(self, row: JiraRow, header: str) -> str:
        """The first non-empty value of the column(s) named header; "" if none."""
        cells = row.cells
        for position in self.positions.get(header, ()):  # asked ~20 times a row: no list built
            if position < len(cells) and (text := cells[position].strip()):
                return text
        return ""


def jira_csv_read(data: bytes, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> JiraFile:
    """The file's header and rows; FileRefused if it is empty, too big, not text in UTF-8
    or cp1252, not a CSV, has no Summary column or more than max_rows issues."""
    if len(data) > max_bytes:
        raise FileRefused(f"The file is over the size limit of {max_bytes // (1024 * 1024)} MB.")
    text, encoding = _decode(data)
    if not text.strip():
        raise FileRefused("The file is empty.")
    if "\x00" in text:
        raise FileRefused("This is not a CSV file (it holds binary data).")
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        headers = [header.strip() for header in next(reader)]
        if REQUIRED_HEADER not in headers:
            raise FileRefused(
                "This is not a Jira CSV export: it has no Summary column "
                f"(the first row reads: {', '.join(headers[:5])[:120]})."
            )
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == max_rows:
                raise FileRefused(f"The file has more than {max_rows:,} issues; split it.")
            rows.append(JiraRow(number, tuple(cells)))
    except csv.Error as error:
        raise FileRefused(f"This is not a well-formed CSV file (line {reader.line_num}: {error}).")
    return JiraFile(encoding=encoding, delimiter=delimiter, headers=headers, rows=rows)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise FileRefused("The file is neither UTF-8 nor Windows-1252 (cp1252) text; export it again as UTF-8.")


def _delimiter(text: str) -> str:
    """; when the header row holds more semicolons than commas (Excel in many European
    locales saves so), else ,."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


# Jira writes dates in the exporter's locale format ("22/Sep/25 9:26 AM") or ISO 8601.
_JIRA_FORMATS = ("%d/%b/%y %I:%M %p", "%d/%b/%Y %I:%M %p", "%d/%b/%y %H:%M", "%d/%b/%y", "%d/%b/%Y")
_ISO_OFFSET = re.compile(r"([+-]\d\d)(\d\d)$")


def jira_datetime_parse(text: str, *, zone: tzinfo = UTC) -> datetime | None:
    """A Jira date as an aware datetime; None for "". Dates without an offset are in zone.
    ValueError for anything else."""
    text = text.strip()
    if not text:
        return None
    for pattern in _JIRA_FORMATS:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=zone)
        except ValueError:
            continue
    # Python 3.11 reads "+02:00" but not Jira's "+0200".
    moment = datetime.fromisoformat(_ISO_OFFSET.sub(r"\1:\2", text))
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)
