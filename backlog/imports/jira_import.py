"""A Jira export brought into an ART: epics and features created or matched by issue key, every
write through backlog.services (door "import", history, version bump, scoring after commit).

The preview runs the very same import inside a savepoint that is rolled back, so what it
counts is what the confirm does, and it writes nothing (the scoring queued on commit is dropped
with it). A refused row is rolled back alone (each service call is its own savepoint) and
never stops the others.

An update takes every field the file fills, but never empties one the file leaves empty, and
never replaces a WSJF input or the estimate that popm already holds unless the caller names
that field in take_jira ("take Jira's values"). Importing the same file twice changes nothing:
values are compared first and an equal one is not written.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from backlog import services
from backlog.imports.jira_csv import JiraFile
from backlog.imports.jira_mapping import ImportPlan, Mapping, PlannedEpic, import_plan_build
from backlog.imports.wsjf_columns import RowProblem
from backlog.models import Art, Epic, Feature, FeatureChange

# The fields popm's own scoring owns once set: kept on update unless the caller takes Jira's.
POPM_OWNED_FIELDS = (*Feature.SCORE_INPUTS, "estimate_points")
PREVIEW_ROWS = 20


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    skipped: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    # The first rows as popm stores them: row, kind, action, external_key and the values.
    rows: list[dict[str, Any]] = field(default_factory=list)

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
) -> ImportResult:
    """Create and update the ART's epics and features from the file; with dry_run, only count."""
    unknown = set(take_jira) - set(POPM_OWNED_FIELDS)
    if unknown:
        raise ValueError(f"take_jira names fields popm does not protect: {', '.join(sorted(unknown))}")
    plan = import_plan_build(jira, mapping)
    result = ImportResult(refused=len(plan.refused_rows), skipped=len(plan.skipped_rows))
    result.problems.extend(plan.problems)
    with transaction.atomic():
        epics = _epics_import(art=art, plan=plan, acting_user=acting_user, result=result)
        _features_import(
            art=art,
            plan=plan,
            epics=epics,
            acting_user=acting_user,
            source=source,
            take_jira=take_jira,
            result=result,
        )
        if dry_run:
            transaction.set_rollback(True)
    result.problems.sort(key=lambda problem: problem.row)
    result.rows.sort(key=lambda row: row["row"])
    del result.rows[PREVIEW_ROWS:]
    return result


def _epics_import(*, art: Art, plan: ImportPlan, acting_user: Any, result: ImportResult) -> dict[str, Epic]:
    """Issue key -> epic, for the file's epics and the ART's epics any feature names."""
    named = {feature.epic_key for feature in plan.features if feature.epic_key}
    keys = named | {epic.external_key for epic in plan.epics}
    by_key = {epic.external_key: epic for epic in Epic.objects.filter(art=art, external_key__in=keys)}
    for planned in plan.epics:
        try:
            epic, action = _epic_write(art=art, planned=planned, current=by_key.get(planned.external_key))
        except ValidationError as error:
            _refuse(result, planned.row, "Summary", error)
            continue
        by_key[planned.external_key] = epic
        _count(result, action)
        _preview(result, planned.row, "epic", action, planned.external_key, title=epic.title)
    return by_key


def _epic_write(*, art: Art, planned: PlannedEpic, current: Epic | None) -> tuple[Epic, str]:
    if current is None:
        # An epic made in popm before its first import is adopted by its title.
        current = Epic.objects.filter(art=art, title=planned.title, external_key__isnull=True).first()
        if current is not None:
            return services.epic_update(
                epic=current, acting_user=None, external_key=planned.external_key
            ), "updated"
        epic = services.epic_create(
            art=art,
            acting_user=None,
            title=planned.title,
            description=planned.description,
            external_key=planned.external_key,
        )
        if planned.created_at is not None:
            Epic.objects.filter(pk=epic.pk).update(created_at=planned.created_at)
        return epic, "created"
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
) -> None:
    keys = [planned.external_key for planned in plan.features]
    existing = {
        feature.external_key: feature for feature in Feature.objects.filter(art=art, external_key__in=keys)
    }
    door = FeatureChange.Door.IMPORT
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
        current = existing.get(planned.external_key)
        try:
            if current is None:
                feature = services.feature_create(
                    art=art,
                    acting_user=acting_user,
                    door=door,
                    source=source,
                    external_key=planned.external_key,
                    created_at=planned.created_at,
                    **fields,
                )
                action = "created"
            else:
                changes = _changes(current, fields, take_jira)
                feature = current
                action = "unchanged"
                if changes:
                    feature = services.feature_update(
                        feature=current, acting_user=acting_user, door=door, source=source, **changes
                    )
                    action = "updated"
        except ValidationError as error:
            _refuse(result, planned.row, "", error)
            continue
        _count(result, action)
        _preview(
            result,
            planned.row,
            "feature",
            action,
            planned.external_key,
            title=feature.title,
            status=feature.status,
            estimate_points=feature.estimate_points,
            epic=planned.epic_key if feature.epic_id else None,
            **{name: getattr(feature, name) for name in Feature.SCORE_INPUTS},
        )


def _changes(current: Feature, fields: dict[str, Any], take_jira: frozenset[str]) -> dict[str, Any]:
    """The file's values that differ from the stored ones and that the import may replace."""
    changes = {}
    for name, value in fields.items():
        if name in POPM_OWNED_FIELDS and getattr(current, name) is not None and name not in take_jira:
            continue
        if name == "epic":
            if current.epic_id != value.pk:
                changes[name] = value
        elif getattr(current, name) != value:
            changes[name] = value
    return changes


def _count(result: ImportResult, action: str) -> None:
    setattr(result, action, getattr(result, action) + 1)


def _refuse(result: ImportResult, row: int, column: str, error: ValidationError) -> None:
    result.refused += 1
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            result.problems.append(RowProblem(row, column or name, "; ".join(messages)))
    else:
        result.problems.append(RowProblem(row, column, "; ".join(error.messages)))


def _preview(result: ImportResult, row: int, kind: str, action: str, key: str, **values: Any) -> None:
    if len(result.rows) < PREVIEW_ROWS * 2:  # epics and features both; sorted and cut at the end
        result.rows.append({"row": row, "kind": kind, "action": action, "external_key": key, **values})
