"""A Jira export brought into an ART: epics and features created or matched by issue key, every
write through backlog.services (door "import", history, version bump, scoring after commit).

The preview runs the very same import inside a savepoint that is rolled back, so what it
counts is what the confirm does, and it writes nothing (the scoring queued on commit is dropped
with it). A refused row never stops the others: new epics and features go in bulk
(services.epics_import_create, services.features_import_write), which validate each row
before anything is written and leave a refused one out; a changed or adopted epic goes
through epic_update, in its own savepoint.

An update takes every field the file fills, but never empties one the file leaves empty, and
never replaces a WSJF input, the estimate or the team that popm already holds unless the
caller names that field in take_jira ("take Jira's values"). Importing the same file twice
changes nothing: values are compared first and an equal one is not written.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from backlog import services
from backlog.imports.jira_csv import JiraFile
from backlog.imports.jira_mapping import ImportPlan, Mapping, PlannedEpic, import_plan_build
from backlog.imports.wsjf_columns import RowProblem
from backlog.models import Art, Epic, Feature, Team

# The fields popm's own scoring owns once set: kept on update unless the caller takes Jira's.
POPM_OWNED_FIELDS = (*Feature.SCORE_INPUTS, "estimate_points", "team")
PREVIEW_ROWS = 20


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    skipped: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    # The rows refused whole (each has at least one problem; other problems only note a cell).
    refused_rows: set[int] = field(default_factory=set)
    # The first rows as popm stores them: row, what, action, external_key and the values.
    rows: list[dict[str, Any]] = field(default_factory=list)
    # Which rows those are: the first PREVIEW_ROWS epics and features of the file, by row.
    preview_rows: set[int] = field(default_factory=set)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.refused + self.skipped


def jira_import(
    *,
    art: Art,
    jira: JiraFile,
    acting_user: Any,
    source: str,
    mapping: Mapping | None = None,
    take_jira: frozenset[str] = frozenset(),
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Create and update the ART's epics and features from the file; with dry_run, only count."""
    unknown = set(take_jira) - set(POPM_OWNED_FIELDS)
    if unknown:
        raise ValueError(f"take_jira names fields popm does not protect: {', '.join(sorted(unknown))}")
    plan = import_plan_build(jira, mapping)
    result = ImportResult(
        refused=len(plan.refused_rows), skipped=len(plan.skipped_rows), refused_rows=set(plan.refused_rows)
    )
    result.problems.extend(plan.problems)
    planned_rows = sorted([epic.row for epic in plan.epics] + [feature.row for feature in plan.features])
    result.preview_rows = set(planned_rows[:PREVIEW_ROWS])
    with transaction.atomic():
        if not dry_run:
            # One import at a time per ART: a second one waits, then finds the first one's
            # features by key instead of clashing with them on (ART, issue key).
            Art.objects.select_for_update().filter(pk=art.pk).first()
        epics = _epics_import(art=art, plan=plan, acting_user=acting_user, result=result)
        _features_import(
            art=art,
            plan=plan,
            epics=epics,
            acting_user=acting_user,
            source=source,
            take_jira=take_jira,
            result=result,
            progress=progress,
        )
        if dry_run:
            transaction.set_rollback(True)
    result.problems.sort(key=lambda problem: problem.row)
    result.rows.sort(key=lambda row: row["row"])
    del result.rows[PREVIEW_ROWS:]
    return result


def _epics_import(*, art: Art, plan: ImportPlan, acting_user: Any, result: ImportResult) -> dict[str, Epic]:
    """Issue key -> epic, for the file's epics and the ART's epics any feature names. New epics
    go in together (services.epics_import_create); a changed or adopted one through epic_update."""
    named = {feature.epic_key for feature in plan.features if feature.epic_key}
    keys = named | {epic.external_key for epic in plan.epics}
    by_key = {epic.external_key: epic for epic in Epic.objects.filter(art=art, external_key__in=keys)}
    # An epic made in popm before its first import is adopted by its title.
    unkeyed = {epic.title: epic for epic in Epic.objects.filter(art=art, external_key__isnull=True)}
    creates, create_rows = [], []

    def record(planned: PlannedEpic, epic: Epic, action: str) -> None:
        by_key[planned.external_key] = epic
        _count(result, action)
        _preview(result, planned.row, "epic", action, planned.external_key, title=epic.title)

    for planned in plan.epics:
        current = by_key.get(planned.external_key)
        try:
            if current is None and planned.title in unkeyed:
                adopted = unkeyed.pop(planned.title)
                epic = services.epic_update(epic=adopted, acting_user=None, external_key=planned.external_key)
                record(planned, epic, "updated")
            elif current is None:
                fields = {"title": planned.title, "description": planned.description}
                creates.append((planned.external_key, planned.created_at, fields))
                create_rows.append(planned)
            else:
                record(planned, *_epic_changed(current, planned))
        except ValidationError as error:
            _refuse(result, planned.row, "Summary", error)
    created = services.epics_import_create(art=art, acting_user=acting_user, creates=creates)
    for planned, outcome in zip(create_rows, created):
        if isinstance(outcome, ValidationError):
            _refuse(result, planned.row, "Summary", outcome)
        else:
            record(planned, outcome, "created")
    return by_key


def _epic_changed(current: Epic, planned: PlannedEpic) -> tuple[Epic, str]:
    changes = {
        name: value
        for name, value in (("title", planned.title), ("description", planned.description))
        if value and getattr(current, name) != value
    }
    if not changes:
        return current, "unchanged"
    return services.epic_update(epic=current, acting_user=None, **changes), "updated"


def _features_import(
    *,
    art: Art,
    plan: ImportPlan,
    epics: dict[str, Epic],
    acting_user: Any,
    source: str,
    take_jira: frozenset[str],
    result: ImportResult,
    progress: Callable[[int], None] | None,
) -> None:
    """Every planned feature created or updated in one bulk write (services.features_import_write:
    the page edit's validation, versions and history, one scoring run after commit)."""
    keys = [planned.external_key for planned in plan.features]
    existing = {
        feature.external_key: feature for feature in Feature.objects.filter(art=art, external_key__in=keys)
    }
    teams = {team.name.strip().lower(): team for team in Team.objects.filter(art=art)}
    creates, create_rows, updates, update_rows = [], [], [], []
    for planned in plan.features:
        fields = dict(planned.fields)
        if planned.epic_key:
            if planned.epic_key in epics:
                fields["epic"] = epics[planned.epic_key]
            else:
                result.problems.append(
                    RowProblem(
                        planned.row,
                        "Parent key",
                        f"no epic {planned.epic_key} in the file or the ART; left out",
                    )
                )
        if planned.team_name:
            team = teams.get(planned.team_name.strip().lower())
            if team is not None:
                fields["team"] = team
            else:
                result.problems.append(
                    RowProblem(
                        planned.row,
                        "Team",
                        f"{art.name} has no team named {planned.team_name!r}; left out",
                    )
                )
        current = existing.get(planned.external_key)
        if current is None:
            if planned.kind_from_labels:
                fields["kind"] = planned.kind_from_labels
            creates.append((planned.external_key, planned.created_at, fields))
            create_rows.append(planned)
        else:
            updates.append((current, _changes(current, fields, take_jira)))
            update_rows.append((planned, current))
    handled = result.refused + result.skipped + len(plan.epics)

    def report(done: int) -> None:
        if progress:
            progress(handled + done)

    created, updated = services.features_import_write(
        art=art, acting_user=acting_user, source=source, creates=creates, updates=updates, progress=report
    )
    outcomes = [(planned, outcome, "created") for planned, outcome in zip(create_rows, created)]
    for (planned, before), outcome in zip(update_rows, updated):
        changed = isinstance(outcome, Feature) and outcome.version != before.version
        outcomes.append((planned, outcome, "updated" if changed else "unchanged"))
    for planned, outcome, action in outcomes:
        if isinstance(outcome, ValidationError):
            _refuse(result, planned.row, "", outcome)
            continue
        _count(result, action)
        if planned.row not in result.preview_rows:
            continue  # not shown: read nothing more (its team would be a query)
        _preview(
            result,
            planned.row,
            "feature",
            action,
            planned.external_key,
            title=outcome.title,
            status=outcome.status,
            kind=outcome.kind,
            team=outcome.team.name if outcome.team_id and outcome.team else None,
            labels=list(planned.labels),
            estimate_points=outcome.estimate_points,
            epic=planned.epic_key if outcome.epic_id else None,
            **{name: getattr(outcome, name) for name in Feature.SCORE_INPUTS},
        )


def _changes(current: Feature, fields: dict[str, Any], take_jira: frozenset[str]) -> dict[str, Any]:
    """The file's values that differ from the stored ones and that the import may replace."""
    changes = {}
    for name, value in fields.items():
        stored = getattr(current, f"{name}_id") if name in ("epic", "team") else getattr(current, name)
        if name in POPM_OWNED_FIELDS and stored is not None and name not in take_jira:
            continue
        if name in ("epic", "team"):
            if getattr(current, f"{name}_id") != value.pk:
                changes[name] = value
        elif getattr(current, name) != value:
            changes[name] = value
    return changes


def _count(result: ImportResult, action: str) -> None:
    setattr(result, action, getattr(result, action) + 1)


def _refuse(result: ImportResult, row: int, column: str, error: ValidationError) -> None:
    result.refused += 1
    result.refused_rows.add(row)
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            result.problems.append(RowProblem(row, column or name, "; ".join(messages)))
    else:
        result.problems.append(RowProblem(row, column, "; ".join(error.messages)))


def _preview(result: ImportResult, row: int, what: str, action: str, key: str, **values: Any) -> None:
    """what: "epic" or "feature"; values: the fields as popm stores them."""
    if row in result.preview_rows:
        result.rows.append({"row": row, "what": what, "action": action, "external_key": key, **values})
