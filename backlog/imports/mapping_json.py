"""The import's mapping as JSON (the API's `mapping` field, ImportRun.mapping, the preview
form) and what a file offers to map. Pure: no database.

    {"story_points": null | "Custom field (Story Points)" | "Custom field (Story point estimate)",
     "statuses": {"In Progress": "implementing", ...},      Jira status -> popm status
     "issue_types": {"Epic": "epic", "Story": "feature", "Bug": "skip"},
     "take_jira": ["job_size", ...]}                        fields where Jira's value wins

Every key is optional; what is left out follows the defaults of jira_mapping.Mapping.
"""

from typing import Any

from backlog.imports.jira_csv import JiraFile
from backlog.imports.jira_mapping import (
    POPM_STATUSES,
    STORY_POINT_HEADERS,
    TEAM_HEADERS,
    Mapping,
)
from backlog.imports.wsjf_columns import wsjf_headers

ISSUE_TYPE_CHOICES = ("feature", "epic", "skip")
KEYS = ("story_points", "statuses", "issue_types", "take_jira")


class MappingRefused(ValueError):
    """The mapping JSON is not one popm can use; the message says what is allowed."""


def mapping_from_json(data: Any, *, take_jira_allowed: tuple[str, ...]) -> tuple[Mapping, frozenset[str]]:
    """The Mapping and the take_jira fields a JSON object describes; MappingRefused if wrong."""
    if data in (None, ""):
        data = {}
    if not isinstance(data, dict):
        raise MappingRefused("must be a JSON object with any of: " + ", ".join(KEYS) + ".")
    unknown = set(data) - set(KEYS)
    if unknown:
        raise MappingRefused(f"unknown key {', '.join(sorted(unknown))}; allowed: {', '.join(KEYS)}.")
    story_points = data.get("story_points") or None
    if story_points is not None and story_points not in STORY_POINT_HEADERS:
        raise MappingRefused(
            f"story_points must be null (each row takes the column it fills) or one of: "
            f"{', '.join(STORY_POINT_HEADERS)}."
        )
    statuses = _text_map(data.get("statuses", {}), "statuses", POPM_STATUSES)
    types = _text_map(data.get("issue_types", {}), "issue_types", ISSUE_TYPE_CHOICES)
    take_jira = data.get("take_jira", [])
    if not isinstance(take_jira, list) or not all(isinstance(name, str) for name in take_jira):
        raise MappingRefused("take_jira must be a list of field names.")
    wrong = sorted(set(take_jira) - set(take_jira_allowed))
    if wrong:
        raise MappingRefused(
            f"take_jira: {', '.join(wrong)} cannot be taken from Jira; allowed: {', '.join(take_jira_allowed)}."
        )
    epic_types = {name for name, kind in types.items() if kind == "epic"}
    if not any(name.strip().lower() == "epic" for name in types):
        epic_types.add("epic")  # Jira's own Epic type stays an epic unless mapped otherwise
    mapping = Mapping(
        statuses=statuses,
        epic_types=frozenset(epic_types),
        skip_types=frozenset(name for name, kind in types.items() if kind == "skip"),
        story_points=story_points,
    )
    return mapping, frozenset(take_jira)


def _text_map(value: Any, key: str, allowed: tuple[str, ...]) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise MappingRefused(f"{key} must be an object of names to one of: {', '.join(allowed)}.")
    wrong = {name: to for name, to in value.items() if to not in allowed}
    if wrong:
        name, to = next(iter(wrong.items()))
        raise MappingRefused(f"{key}: {name!r} -> {to!r} is not allowed; use one of: {', '.join(allowed)}.")
    return dict(value)


def mapping_offer(jira: JiraFile, mapping: Mapping) -> dict[str, Any]:
    """What the file lets the POPM map, with what each maps to now: the story points columns
    it has, its statuses and issue types, and the columns popm reads for the rest."""
    statuses = sorted({jira.value(row, "Status") for row in jira.rows} - {""}, key=str.lower)
    types = sorted({jira.value(row, "Issue Type") for row in jira.rows} - {""}, key=str.lower)
    return {
        "story_points_columns": [header for header in STORY_POINT_HEADERS if header in jira.positions],
        "story_points": mapping.story_points,
        "statuses": {status: mapping.status(status) for status in statuses},
        "issue_types": {name: mapping.kind(name) or "skip" for name in types},
        "wsjf_columns": wsjf_headers(jira.headers),
        "team_column": next((header for header in TEAM_HEADERS if header in jira.positions), None),
        "labels_columns": len(jira.positions.get("Labels", ())),
        "sprint_columns": len(jira.positions.get("Sprint", ())),
    }
