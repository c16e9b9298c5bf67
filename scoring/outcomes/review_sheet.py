"""The PI review as an XLSX workbook: one sheet per part of the page. Text cells that a
spreadsheet would read as a formula are neutralised with a leading apostrophe."""

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from scoring.outcomes.selectors import PiReview

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value  # numbers (Decimal too) and dates as they are: openpyxl writes them as such


def _sheet(book: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    sheet = book.create_sheet(title)
    bold = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        bold.append(cell)
    sheet.append(bold)
    for row in rows:
        sheet.append([_cell(value) for value in row])


def review_xlsx(review: PiReview) -> bytes:
    book = Workbook(write_only=True)  # streamed: a PI with thousands of done features stays quick
    figure = review.predictability
    _sheet(
        book,
        "Predictability",
        ["Team", "Planned BV (committed)", "Actual BV (all)", "Predictability %"],
        [
            *[
                (row.team.name, row.figure.planned, row.figure.actual, row.figure.percent)
                for row in figure.teams
            ],
            ("ART (every objective)", figure.art.planned, figure.art.actual, figure.art.percent),
        ],
    )
    objectives = [o for row in figure.teams for o in row.objectives] + figure.art_objectives
    _sheet(
        book,
        "Objectives",
        ["Team", "Objective", "Committed", "Planned BV", "Actual BV"],
        [
            (
                o.team.name if o.team else "ART",
                o.title,
                "yes" if o.committed else "stretch",
                o.planned_value,
                o.actual_value,
            )
            for o in objectives
        ],
    )
    _sheet(
        book,
        "Distribution",
        ["Kind", "Features done", "Points done", "Delivered %", "Planned %"],
        [
            (s.kind, s.features, s.points, s.delivered_percent, s.planned_percent)
            for s in review.flow.distribution
        ],
    )
    _sheet(
        book,
        "Done features",
        ["ID", "Title", "Kind", "Team", "Points", "Outcome verdict"],
        [
            (
                f.pk,
                f.title,
                f.kind,
                f.team.name if f.team else "",
                f.estimate_points,
                f.get_outcome_verdict_display(),
            )
            for f in review.done_features
        ],
    )
    _sheet(
        book,
        "Missed fixed dates",
        ["ID", "Title", "Fixed date", "Done on"],
        [
            (m.feature.pk, m.feature.title, m.feature.fixed_date, m.done_on or "not done")
            for m in review.missed_fixed_dates
        ],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
