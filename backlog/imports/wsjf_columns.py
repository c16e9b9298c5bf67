"""The WSJF inputs a Jira export carries in custom fields, read and checked. Pure: no database.

SAFe Jira sites name these fields in several ways ("Custom field (User-Business Value)",
"Business Value", "RR|OE", "Risk Reduction"...); a header is matched on its letters alone.
A value off the 1, 2, 3, 5, 8, 13, 20 scale is reported for its row, never rounded.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from backlog.imports.jira_csv import JiraFile, JiraRow
from scoring.wsjf import ScaleError, scale_value_parse

HEADER_NAMES = {
    "user_business_value": {"userbusinessvalue", "businessvalue", "ubv"},
    "time_criticality": {"timecriticality", "tc"},
    "risk_reduction": {
        "rroe",
        "riskreduction",
        "riskreductionopportunityenablement",
        "riskreductionandoropportunityenablement",
        "riskreductionandopportunityenablement",
    },
    "job_size": {"jobsize"},
}
_CUSTOM_FIELD = re.compile(r"^custom field \((.*)\)$", re.IGNORECASE)
# Jira writes a number custom field as "8.0": a whole number is read as one.
_WHOLE = re.compile(r"^(\d+)(\.0+)?$")


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int
    column: str
    message: str


def _letters(header: str) -> str:
    match = _CUSTOM_FIELD.match(header.strip())
    name = match.group(1) if match else header
    return re.sub(r"[^a-z]", "", name.lower())


def wsjf_headers(headers: list[str]) -> dict[str, str]:
    """popm input -> the file's header for it, for the inputs the file carries (first wins)."""
    return dict(_wsjf_headers(tuple(headers)))


@lru_cache(maxsize=8)
def _wsjf_headers(headers: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    # Read once per file, not once per row (a 10,000-row file asks 10,000 times).
    found: dict[str, str] = {}
    for header in headers:
        for field, names in HEADER_NAMES.items():
            if _letters(header) in names and field not in found:
                found[field] = header
    return tuple(found.items())


def wsjf_inputs_read(jira: JiraFile, row: JiraRow) -> tuple[dict[str, int], list[RowProblem]]:
    """The row's WSJF inputs that are filled and on the scale, and a problem for each other one."""
    values: dict[str, int] = {}
    problems: list[RowProblem] = []
    for field, header in _wsjf_headers(tuple(jira.headers)):
        text = jira.value(row, header)
        if not text:
            continue
        whole = _WHOLE.match(text)
        try:
            values[field] = scale_value_parse(whole.group(1) if whole else text)
        except ScaleError as error:
            problems.append(RowProblem(row.number, header, f"{error}; not imported (popm does not round)"))
    return values, problems
