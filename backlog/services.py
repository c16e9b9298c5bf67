"""Writes to the backlog. Every door (pages, API, admin) goes through these functions."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from backlog.models import Art, Feature
from backlog.signals import ranking_inputs_changed
from scoring.wsjf import cost_of_delay, wsjf

RANKING_FIELDS = (*Feature.SCORE_INPUTS, "status")
RELATION_FIELDS = {"pi", "epic", "team"}


class VersionConflict(Exception):
    """The caller edited an older version of the feature than the one stored."""

    def __init__(self, current: Feature):
        super().__init__(
            f"This feature was changed meanwhile (now version {current.version}); "
            "nothing was saved. Reload it and apply your change again."
        )
        self.current = current


def _ranking_changed_after_commit(*, art_id: int, acting_user: Any) -> None:
    transaction.on_commit(
        lambda: ranking_inputs_changed.send(sender=Feature, art_id=art_id, acting_user=acting_user)
    )


def feature_scores_fill(feature: Feature) -> None:
    """CoD and WSJF of the row itself, so the POPM sees them at once; rank waits for a run."""
    ubv, tc, rr, size = (getattr(feature, field) for field in Feature.SCORE_INPUTS)
    feature.cost_of_delay = None if None in (ubv, tc, rr) else cost_of_delay(ubv, tc, rr)
    feature.wsjf = (
        None if feature.cost_of_delay is None or size is None else wsjf(feature.cost_of_delay, size)
    )


def _differs(feature: Feature, name: str, value: Any) -> bool:
    if name in RELATION_FIELDS:  # compare ids: no query to load the related object
        return getattr(feature, f"{name}_id") != (value.pk if value is not None else None)
    return getattr(feature, name) != value


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(Feature.EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")


@transaction.atomic
def feature_create(*, art: Art, acting_user: Any, **fields: Any) -> Feature:
    _check_fields(fields)
    feature = Feature(art=art, **fields)
    if any(fields.get(field) is not None for field in Feature.SCORE_INPUTS):
        feature.scored_at = timezone.now()
        feature.scored_by = acting_user if getattr(acting_user, "pk", None) else None
    feature_scores_fill(feature)
    feature.full_clean()
    feature.save()
    _ranking_changed_after_commit(art_id=art.pk, acting_user=acting_user)
    return feature


@transaction.atomic
def feature_update(
    *, feature: Feature, acting_user: Any, expected_version: int | None = None, **fields: Any
) -> Feature:
    """Apply fields to the stored feature. A stale expected_version raises VersionConflict."""
    _check_fields(fields)
    current = Feature.objects.select_for_update().get(pk=feature.pk)
    if expected_version is not None and expected_version != current.version:
        raise VersionConflict(current)
    changed = [name for name, value in fields.items() if _differs(current, name, value)]
    if not changed:
        return current
    for name in changed:
        setattr(current, name, fields[name])
    system_fields = ["cost_of_delay", "wsjf", "version", "updated_at"]
    if any(name in Feature.SCORE_INPUTS for name in changed):
        current.scored_at = timezone.now()
        current.scored_by = acting_user if getattr(acting_user, "pk", None) else None
        system_fields += ["scored_at", "scored_by"]
    feature_scores_fill(current)
    current.version += 1
    # Validate what changed only: unchanged values were valid when stored, and every check
    # constraint of the table is also a field validator, so no query per constraint is needed.
    current.clean_fields(exclude=[f.name for f in Feature._meta.fields if f.name not in changed])
    if RELATION_FIELDS.intersection(changed):
        current.clean()
    current.save(update_fields=[*changed, *system_fields])
    if any(name in RANKING_FIELDS for name in changed):
        _ranking_changed_after_commit(art_id=current.art_id, acting_user=acting_user)
    return current


@transaction.atomic
def feature_delete(*, feature: Feature, acting_user: Any) -> None:
    art_id = feature.art_id
    feature.delete()
    _ranking_changed_after_commit(art_id=art_id, acting_user=acting_user)
