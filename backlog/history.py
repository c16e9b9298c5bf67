"""A feature's history in words: what changed, who changed it, when and through which door.

Reads FeatureChange rows (written by backlog.services) and names what their ids stand for,
in a fixed number of queries whatever the length of the history.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from backlog.models import Epic, Feature, FeatureChange, ProgramIncrement, Team

FIELD_LABELS = {
    "user_business_value": "User-Business Value",
    "time_criticality": "Time Criticality",
    "risk_reduction": "RR|OE",
    "job_size": "Job Size",
    "estimate_points": "Estimate",
    "kind": "Kind",
    "status": "Status",
    "pi": "PI",
    "fixed_date": "Fixed date",
    "cost_of_delay_per_week": "Cost of Delay per week",
    "duration_weeks": "Duration (weeks)",
    "urgency_profile": "Urgency",
    "outcome_verdict": "Outcome verdict",
    "team": "Team",
    "epic": "Epic",
    "title": "Title",
    "cost_of_delay": "CoD",
    "wsjf": "WSJF",
}
RELATED = {"pi": ProgramIncrement, "team": Team, "epic": Epic}
CHOICES = {
    "kind": dict(Feature.Kind.choices),
    "status": dict(Feature.Status.choices),
    "urgency_profile": dict(Feature.UrgencyProfile.choices),
    "outcome_verdict": dict(Feature.OutcomeVerdict.choices),
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str  # as a person reads it: "–" for nothing, names for PI/team/epic
    new: str

    def __str__(self) -> str:
        return f"{self.label} {self.old} → {self.new}"


@dataclass(frozen=True)
class HistoryEntry:
    change: FeatureChange
    inputs: list[FieldChange]  # what a person set
    effects: list[FieldChange]  # what that did to CoD and WSJF

    @property
    def when(self) -> datetime:
        return self.change.changed_at

    @property
    def who(self) -> str:
        return self.change.changed_by.get_username() if self.change.changed_by else "popm"

    @property
    def summary(self) -> str:
        """'Time Criticality 3 → 8 (CoD 14 → 19, WSJF 2.80 → 3.80)'."""
        if self.change.action == FeatureChange.Action.DELETED:
            return "deleted"
        if self.change.action == FeatureChange.Action.CREATED:
            # A new feature has no old values: say what it started with.
            values = [
                f"{item.label} {item.new}" for item in [*self.inputs, *self.effects] if item.field != "title"
            ]
            return f"created: {', '.join(values)}" if values else "created"
        text = ", ".join(str(item) for item in self.inputs)
        if self.effects:
            text += f" ({', '.join(str(item) for item in self.effects)})"
        return text


def feature_history(*, feature_id: int) -> QuerySet[FeatureChange]:
    """The feature's changes, newest first, with who made them."""
    return FeatureChange.objects.filter(feature_id=feature_id).select_related("changed_by")


def history_entries(changes: list[FeatureChange]) -> list[HistoryEntry]:
    """Changes in words; names of PIs, teams and epics read in one query per kind."""
    names = _related_names(changes)
    return [
        HistoryEntry(
            change=change,
            # In the order of the field lists: jsonb keeps keys in an order of its own.
            inputs=_field_changes(change, FeatureChange.RECORDED_FIELDS, names),
            effects=_field_changes(change, FeatureChange.DERIVED_FIELDS, names),
        )
        for change in changes
    ]


def _related_names(changes: list[FeatureChange]) -> dict[str, dict[int, str]]:
    ids: dict[str, set[int]] = {field: set() for field in RELATED}
    for change in changes:
        for field in RELATED:
            ids[field].update(value for value in change.changes.get(field, ()) if value is not None)
    names = {}
    for field, model in RELATED.items():
        label = "title" if model is Epic else "name"
        names[field] = (
            dict(model.objects.filter(pk__in=ids[field]).values_list("pk", label)) if ids[field] else {}
        )
    return names


def _field_changes(change: FeatureChange, fields: tuple[str, ...], names: dict) -> list[FieldChange]:
    return [_field_change(field, change.changes[field], names) for field in fields if field in change.changes]


def _field_change(field: str, values: list[Any], names: dict[str, dict[int, str]]) -> FieldChange:
    old, new = values
    return FieldChange(
        field, FIELD_LABELS.get(field, field), _shown(field, old, names), _shown(field, new, names)
    )


def _shown(field: str, value: Any, names: dict[str, dict[int, str]]) -> str:
    if value is None or value == "":
        return "–"
    if field in RELATED:
        return names[field].get(value, f"#{value} (deleted)")
    if field in CHOICES:
        return CHOICES[field].get(value, value)
    return str(value)
