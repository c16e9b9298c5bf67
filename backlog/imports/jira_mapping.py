"""What each row of a Jira export becomes in popm: an epic, a feature, or nothing, with the
values popm will store and a problem for every cell it cannot take. Pure: no database.

The plan is built before anything is written, so the preview and the import read the same
thing. A row without an issue key or a summary, with a repeated key, or with a summary longer
than popm keeps, is refused whole; a cell popm cannot read (a date, story points, a WSJF input
off the scale) is reported and left out, and the rest of the row is kept. Nothing is rounded
or cut short.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

from backlog.imports.jira_csv import JiraFile, JiraRow, jira_datetime_parse
from backlog.imports.wsjf_columns import RowProblem, wsjf_inputs_read

POPM_STATUSES = ("funnel", "analyzing", "backlog", "implementing", "validating", "done")
# Jira's usual status names (compared without case) -> popm's; any other status is "funnel".
DEFAULT_STATUSES = {
    "to do": "backlog",
    "open": "backlog",
    "backlog": "backlog",
    "selected for development": "analyzing",
    "analysis": "analyzing",
    "in progress": "implementing",
    "in review": "validating",
    "qa": "validating",
    "testing": "validating",
    "done": "done",
    "closed": "done",
    "resolved": "done",
}
UNMAPPED_STATUS = "funnel"
STORY_POINT_HEADERS = ("Custom field (Story Points)", "Custom field (Story point estimate)")
# Where an issue names its epic: current Cloud, then older Data Center, then the parent's id.
PARENT_KEY_HEADERS = ("Parent key", "Custom field (Epic Link)")
PARENT_ID_HEADERS = ("Parent", "Parent id")
# Jira's team field: a plain "Team" (Data Center, Advanced Roadmaps) or a custom field.
TEAM_HEADERS = ("Team", "Custom field (Team)", "Custom field (Team Name)")
# popm has no labels: a label naming one of popm's kinds sets a new feature's kind (its
# capacity bucket); the others are shown in the preview and not stored.
KIND_LABELS = {
    "business": "business",
    "enabler": "enabler",
    "exploration": "exploration",
    "spike": "exploration",
}
TITLE_MAX = 200
KEY_MAX = 50
# Feature.estimate_points: 7 digits, one of them after the point, at least 0.5.
POINTS_MAX = Decimal("999999.9")
POINTS_MIN = Decimal("0.5")


@dataclass(frozen=True)
class Mapping:
    """How the file's values become popm's; the preview may change any of it.

    statuses: Jira status (any case) -> popm status, on top of DEFAULT_STATUSES.
    epic_types: issue types (any case) that become epics; skip_types: types left out.
    feature_types: issue types that become features; None means every type that is not an epic.
    story_points: one header to read story points from; None means each row takes the first
    of STORY_POINT_HEADERS it fills.
    """

    statuses: dict[str, str] = field(default_factory=dict)
    epic_types: frozenset[str] = frozenset({"epic"})
    feature_types: frozenset[str] | None = None
    skip_types: frozenset[str] = frozenset()
    story_points: str | None = None
    zone: tzinfo = UTC

    def __post_init__(self) -> None:
        wrong = {status for status in self.statuses.values() if status not in POPM_STATUSES}
        if wrong:
            raise ValueError(f"not a popm status: {', '.join(sorted(wrong))}")
        if self.story_points is not None and self.story_points not in STORY_POINT_HEADERS:
            raise ValueError(f"not a story points column: {self.story_points}")

    def status(self, jira_status: str) -> str:
        name = jira_status.strip().lower()
        overrides = {key.strip().lower(): value for key, value in self.statuses.items()}
        return overrides.get(name) or DEFAULT_STATUSES.get(name, UNMAPPED_STATUS)

    def kind(self, issue_type: str) -> str | None:
        """ "epic", "feature", or None for a type the import leaves out."""
        name = issue_type.strip().lower()
        if name in {kind.lower() for kind in self.skip_types}:
            return None
        if name in {kind.lower() for kind in self.epic_types}:
            return "epic"
        if self.feature_types is None or name in {kind.lower() for kind in self.feature_types}:
            return "feature"
        return None


@dataclass(frozen=True)
class PlannedEpic:
    row: int
    external_key: str
    title: str
    description: str
    created_at: datetime | None


@dataclass(frozen=True)
class PlannedFeature:
    row: int
    external_key: str
    # Feature.EDITABLE_FIELDS the file fills (title, description, status, estimate_points,
    # the WSJF inputs); a field the file leaves empty is absent, so an update keeps popm's.
    fields: dict[str, Any]
    epic_key: str | None
    created_at: datetime | None
    # The team's name as Jira writes it (matched to the ART's teams by the import), the labels.
    team_name: str = ""
    labels: tuple[str, ...] = ()

    @property
    def kind_from_labels(self) -> str | None:
        kinds = {KIND_LABELS[label.lower()] for label in self.labels if label.lower() in KIND_LABELS}
        return kinds.pop() if len(kinds) == 1 else None


@dataclass
class ImportPlan:
    epics: list[PlannedEpic] = field(default_factory=list)
    features: list[PlannedFeature] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    # Rows refused whole (each has at least one problem), and rows of a type left out.
    refused_rows: list[int] = field(default_factory=list)
    skipped_rows: list[int] = field(default_factory=list)


def import_plan_build(jira: JiraFile, mapping: Mapping | None = None) -> ImportPlan:
    """Every row of the file as the epic or feature it will become, and every problem."""
    mapping = mapping or Mapping()
    plan = ImportPlan()
    kinds = {row.number: mapping.kind(jira.value(row, "Issue Type")) for row in jira.rows}
    key_by_id = {jira.value(row, "Issue id"): jira.value(row, "Issue key") for row in jira.rows}
    epic_keys = {jira.value(row, "Issue key") for row in jira.rows if kinds[row.number] == "epic"}
    feature_keys = {jira.value(row, "Issue key") for row in jira.rows if kinds[row.number] == "feature"}
    seen: set[str] = set()
    for row in jira.rows:
        kind = kinds[row.number]
        if kind is None:
            plan.skipped_rows.append(row.number)
            continue
        refusal = _refusal(jira, row, seen)
        if refusal:
            plan.problems.append(refusal)
            plan.refused_rows.append(row.number)
            continue
        key = jira.value(row, "Issue key")
        seen.add(key)
        created_at = _created_at(jira, row, mapping, plan.problems)
        if kind == "epic":
            plan.epics.append(
                PlannedEpic(
                    row=row.number,
                    external_key=key,
                    title=jira.value(row, "Summary"),
                    description=jira.value(row, "Description"),
                    created_at=created_at,
                )
            )
            continue
        epic_key = _epic_key(jira, row, key_by_id)
        if epic_key in feature_keys and epic_key not in epic_keys:
            epic_key = None  # the parent is another feature of the file: popm has no such link
        plan.features.append(
            PlannedFeature(
                row=row.number,
                external_key=key,
                fields=_feature_fields(jira, row, mapping, plan.problems),
                epic_key=epic_key,
                created_at=created_at,
                team_name=next((name for h in TEAM_HEADERS if (name := jira.value(row, h))), ""),
                labels=tuple(jira.values(row, "Labels")),
            )
        )
    return plan


def _refusal(jira: JiraFile, row: JiraRow, seen: set[str]) -> RowProblem | None:
    key = jira.value(row, "Issue key")
    title = jira.value(row, "Summary")
    if not key:
        return RowProblem(row.number, "Issue key", "no issue key; popm matches issues by key")
    if len(key) > KEY_MAX:
        return RowProblem(row.number, "Issue key", f"longer than {KEY_MAX} characters")
    if key in seen:
        return RowProblem(row.number, "Issue key", f"{key} is in the file twice; the first row is imported")
    if not title:
        return RowProblem(row.number, "Summary", "no summary")
    if len(title) > TITLE_MAX:
        return RowProblem(
            row.number, "Summary", f"{len(title)} characters; popm keeps {TITLE_MAX} and does not cut it"
        )
    return None


def _created_at(
    jira: JiraFile, row: JiraRow, mapping: Mapping, problems: list[RowProblem]
) -> datetime | None:
    text = jira.value(row, "Created")
    try:
        return jira_datetime_parse(text, zone=mapping.zone)
    except ValueError:
        problems.append(
            RowProblem(row.number, "Created", f"{text!r} is not a date popm reads; popm's time used")
        )
        return None


def _epic_key(jira: JiraFile, row: JiraRow, key_by_id: dict[str, str]) -> str | None:
    for header in PARENT_KEY_HEADERS:
        if key := jira.value(row, header):
            return key
    for header in PARENT_ID_HEADERS:
        if parent := jira.value(row, header):
            # Cloud's "Parent" holds the parent's issue id; an older file may hold its key.
            return key_by_id.get(parent) or (None if parent.isdigit() else parent)
    return None


def _feature_fields(
    jira: JiraFile, row: JiraRow, mapping: Mapping, problems: list[RowProblem]
) -> dict[str, Any]:
    fields: dict[str, Any] = {"title": jira.value(row, "Summary")}
    if description := jira.value(row, "Description"):
        fields["description"] = description
    if status := jira.value(row, "Status"):
        fields["status"] = mapping.status(status)
    points = _story_points(jira, row, mapping, problems)
    if points is not None:
        fields["estimate_points"] = points
    inputs, input_problems = wsjf_inputs_read(jira, row)
    fields.update(inputs)
    problems.extend(input_problems)
    return fields


def _story_points(
    jira: JiraFile, row: JiraRow, mapping: Mapping, problems: list[RowProblem]
) -> Decimal | None:
    headers = (mapping.story_points,) if mapping.story_points else STORY_POINT_HEADERS
    for header in headers:
        text = jira.value(row, header)
        if not text:
            continue
        try:
            points = Decimal(text)
        except InvalidOperation:
            problems.append(RowProblem(row.number, header, f"{text!r} is not a number; not imported"))
            return None
        if not points.is_finite() or not POINTS_MIN <= points <= POINTS_MAX:
            problems.append(
                RowProblem(
                    row.number, header, f"{text} is outside {POINTS_MIN} to {POINTS_MAX}; not imported"
                )
            )
            return None
        if points != points.quantize(Decimal("0.1")):
            problems.append(
                RowProblem(
                    row.number, header, f"{text} has more than one decimal; not imported (not rounded)"
                )
            )
            return None
        return points.quantize(Decimal("0.1"))
    return None
