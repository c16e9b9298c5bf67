"""Writes to the backlog. Every door (pages, API, admin) goes through these functions.

Features have their own functions (versions, scores, ranking). The other things an ART holds
(teams, PIs, epics, stakeholders, and the requests that link stakeholders to features) share
one way of writing: the model's own validation (field validators and clean()), never moved to
another ART, saved. acting_user is who made the change, for the record.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from backlog.models import (
    Art,
    Epic,
    Feature,
    FeatureChange,
    FeatureRequest,
    InArt,
    ProgramIncrement,
    Stakeholder,
    Team,
)
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


def _stays_in_its_art(thing: InArt | Feature, art: Art | None) -> None:
    """A thing never moves to another ART: its rank, plan and edit rights belong to its own."""
    if art is not None and thing.pk and art.pk != thing.art_id:
        raise ValidationError({"art": f"This {thing._meta.verbose_name} cannot move to another ART."})


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(Feature.EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")


def _recorded_value(feature: Feature, name: str) -> Any:
    """A field's value as history stores it (JSON): ids for relations, text for dates and Decimals."""
    if name in RELATION_FIELDS:
        return getattr(feature, f"{name}_id")
    value = getattr(feature, name)
    if isinstance(value, Decimal | date):
        return str(value)
    return value


def _recorded_values(feature: Feature) -> dict[str, Any]:
    names = (*FeatureChange.RECORDED_FIELDS, *FeatureChange.DERIVED_FIELDS)
    return {name: _recorded_value(feature, name) for name in names}


def _history_write(
    *, feature: Feature, action: str, before: dict, after: dict, acting_user: Any, door: str, source: str
) -> FeatureChange | None:
    """One history row for what changed between two recorded states; None if nothing did."""
    changes = {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}
    if action == FeatureChange.Action.UPDATED and not changes:
        return None
    if door not in FeatureChange.Door.values:
        raise ValueError(f"unknown door {door!r}")
    return FeatureChange.objects.create(
        art_id=feature.art_id,
        feature=feature,
        feature_title=feature.title,
        action=action,
        door=door,
        source=source,
        changed_by=_user_or_none(acting_user),
        changes=changes,
    )


def _user_or_none(acting_user: Any) -> Any:
    return acting_user if getattr(acting_user, "pk", None) else None


def features_created_record(
    *, features: list[Feature], acting_user: Any, door: str, source: str = ""
) -> None:
    """History rows for features a bulk path created (the demo data), in one query: each is
    recorded as created with the values it started with, as feature_create records one."""
    FeatureChange.objects.bulk_create(
        [
            FeatureChange(
                art_id=feature.art_id,
                feature=feature,
                feature_title=feature.title,
                action=FeatureChange.Action.CREATED,
                door=door,
                source=source,
                changed_by=_user_or_none(acting_user),
                changes={name: [None, value] for name, value in _created_values(feature).items()},
            )
            for feature in features
        ]
    )


def _created_values(feature: Feature) -> dict[str, Any]:
    return {name: value for name, value in _recorded_values(feature).items() if value not in (None, "")}


@transaction.atomic
def feature_create(
    *,
    art: Art,
    acting_user: Any,
    door: str,
    source: str = "",
    external_key: str | None = None,
    created_at: datetime | None = None,
    **fields: Any,
) -> Feature:
    """A new feature in the ART, recorded in its history as created through `door`.

    external_key and created_at are no person's to set: the import passes the tracker's issue
    key and creation time, so "older first" means older in the tracker."""
    _check_fields(fields)
    feature = Feature(art=art, external_key=external_key, **fields)
    if any(fields.get(field) is not None for field in Feature.SCORE_INPUTS):
        feature.scored_at = timezone.now()
        feature.scored_by = _user_or_none(acting_user)
    feature_scores_fill(feature)
    feature.full_clean()
    feature.save()
    if created_at is not None:  # auto_now_add sets it on save; the tracker's time replaces it
        Feature.objects.filter(pk=feature.pk).update(created_at=created_at)
        feature.created_at = created_at
    _history_write(
        feature=feature,
        action=FeatureChange.Action.CREATED,
        before={},
        after=_created_values(feature),
        acting_user=acting_user,
        door=door,
        source=source,
    )
    _ranking_changed_after_commit(art_id=art.pk, acting_user=acting_user)
    return feature


@transaction.atomic
def feature_update(
    *,
    feature: Feature,
    acting_user: Any,
    door: str,
    source: str = "",
    expected_version: int | None = None,
    **fields: Any,
) -> Feature:
    """Apply fields to the stored feature and record what changed in its history, as made
    through `door` (FeatureChange.Door). A stale expected_version raises VersionConflict."""
    _stays_in_its_art(feature, fields.pop("art", None))
    _check_fields(fields)
    current = Feature.objects.select_for_update().get(pk=feature.pk)
    if expected_version is not None and expected_version != current.version:
        raise VersionConflict(current)
    changed = [name for name, value in fields.items() if _differs(current, name, value)]
    if not changed:
        return current
    before = _recorded_values(current)
    for name in changed:
        setattr(current, name, fields[name])
    system_fields = ["cost_of_delay", "wsjf", "version", "updated_at"]
    if any(name in Feature.SCORE_INPUTS for name in changed):
        current.scored_at = timezone.now()
        current.scored_by = _user_or_none(acting_user)
        system_fields += ["scored_at", "scored_by"]
    feature_scores_fill(current)
    current.version += 1
    # Validate what changed only: unchanged values were valid when stored, and every check
    # constraint of the table is also a field validator, so no query per constraint is needed.
    current.clean_fields(exclude=[f.name for f in Feature._meta.fields if f.name not in changed])
    if RELATION_FIELDS.intersection(changed):
        current.clean()
    current.save(update_fields=[*changed, *system_fields])
    _history_write(
        feature=current,
        action=FeatureChange.Action.UPDATED,
        before=before,
        after=_recorded_values(current),
        acting_user=acting_user,
        door=door,
        source=source,
    )
    if any(name in RANKING_FIELDS for name in changed):
        _ranking_changed_after_commit(art_id=current.art_id, acting_user=acting_user)
    return current


@transaction.atomic
def feature_delete(
    *, feature: Feature, acting_user: Any, door: str, source: str = "", expected_version: int | None = None
) -> None:
    """Delete the feature; its history stays, ending with a row that says it was deleted.

    A stale expected_version raises VersionConflict. The delete waits for a scoring run of the
    ART in progress (the run holds the ART's row lock): the run then either saw the feature and
    recorded its score before the delete, or runs after it and never sees it, so neither the
    delete nor the run meets the other's half-written rows.
    """
    art_id = feature.art_id
    Art.objects.select_for_update(no_key=True).filter(pk=art_id).first()
    current = Feature.objects.select_for_update().filter(pk=feature.pk).first()
    if current is None:
        return  # deleted meanwhile by someone else: what was asked for is true
    if expected_version is not None and expected_version != current.version:
        raise VersionConflict(current)
    feature = current
    _history_write(
        feature=feature,
        action=FeatureChange.Action.DELETED,
        before={},
        after={},
        acting_user=acting_user,
        door=door,
        source=source,
    )
    feature.delete()
    _ranking_changed_after_commit(art_id=art_id, acting_user=acting_user)


def _in_art_save(thing: InArt, fields: dict[str, Any]) -> None:
    art = fields.pop("art", None)
    _stays_in_its_art(thing, art)
    if art is not None:
        thing.art = art
    for name, value in fields.items():
        setattr(thing, name, value)
    # The model's validators and clean() carry every rule; the database's unique and check
    # constraints stay as the last guard, their clashes already named by clean().
    thing.full_clean(validate_unique=False, validate_constraints=False)
    thing.save()


def _in_art_create(model: type[InArt], *, art: Art, fields: dict[str, Any]) -> Any:
    thing = model(art=art)
    _in_art_save(thing, fields)
    return thing


@transaction.atomic
def team_create(*, art: Art, acting_user: Any, **fields: Any) -> Team:
    return _in_art_create(Team, art=art, fields=fields)


@transaction.atomic
def team_update(*, team: Team, acting_user: Any, **fields: Any) -> Team:
    _in_art_save(team, fields)
    return team


@transaction.atomic
def team_delete(*, team: Team, acting_user: Any) -> None:
    team.delete()


@transaction.atomic
def pi_create(*, art: Art, acting_user: Any, **fields: Any) -> ProgramIncrement:
    return _in_art_create(ProgramIncrement, art=art, fields=fields)


@transaction.atomic
def pi_update(*, pi: ProgramIncrement, acting_user: Any, **fields: Any) -> ProgramIncrement:
    _in_art_save(pi, fields)
    return pi


@transaction.atomic
def pi_delete(*, pi: ProgramIncrement, acting_user: Any) -> None:
    pi.delete()


@transaction.atomic
def epic_create(*, art: Art, acting_user: Any, **fields: Any) -> Epic:
    return _in_art_create(Epic, art=art, fields=fields)


@transaction.atomic
def epic_update(*, epic: Epic, acting_user: Any, **fields: Any) -> Epic:
    _in_art_save(epic, fields)
    return epic


@transaction.atomic
def epic_delete(*, epic: Epic, acting_user: Any) -> None:
    epic.delete()


@transaction.atomic
def stakeholder_create(*, art: Art, acting_user: Any, **fields: Any) -> Stakeholder:
    return _in_art_create(Stakeholder, art=art, fields=fields)


@transaction.atomic
def stakeholder_update(*, stakeholder: Stakeholder, acting_user: Any, **fields: Any) -> Stakeholder:
    _in_art_save(stakeholder, fields)
    return stakeholder


@transaction.atomic
def stakeholder_delete(*, stakeholder: Stakeholder, acting_user: Any) -> None:
    stakeholder.delete()


@transaction.atomic
def feature_request_create(
    *, stakeholder: Stakeholder, feature: Feature, acting_user: Any, note: str = ""
) -> FeatureRequest:
    """The stakeholder asked for the feature, in their own words (once per pair)."""
    if FeatureRequest.objects.filter(stakeholder=stakeholder, feature=feature).exists():
        raise ValidationError({"feature": f"{stakeholder.name} already asked for “{feature.title}”."})
    request = FeatureRequest(stakeholder=stakeholder, feature=feature, note=note)
    request.full_clean(validate_unique=False, validate_constraints=False)
    request.save()
    return request


@transaction.atomic
def feature_request_update(
    *, feature_request: FeatureRequest, acting_user: Any, note: str, feature: Feature | None = None
) -> FeatureRequest:
    """The request's note, or the feature it is for (once per stakeholder and feature)."""
    if feature is not None and feature.pk != feature_request.feature_id:
        stakeholder = feature_request.stakeholder
        if FeatureRequest.objects.filter(stakeholder=stakeholder, feature=feature).exists():
            raise ValidationError({"feature": f"{stakeholder.name} already asked for “{feature.title}”."})
        feature_request.feature = feature
    feature_request.note = note
    feature_request.full_clean(validate_unique=False, validate_constraints=False)
    feature_request.save(update_fields=["note", "feature"])
    return feature_request


@transaction.atomic
def feature_request_delete(*, feature_request: FeatureRequest, acting_user: Any) -> None:
    feature_request.delete()
