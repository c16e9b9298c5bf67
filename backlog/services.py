"""Writes to the backlog. Every door (pages, API, admin) goes through these functions.

Features have their own functions (versions, scores, ranking). The other things an ART holds
(teams, PIs, epics, stakeholders, and the requests that link stakeholders to features) share
one way of writing: the model's own validation (field validators and clean()), never moved to
another ART, saved. acting_user is who made the change, for the record.
"""

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from backlog.errors import Conflict, InputError
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
    if _plus_one_exists(stakeholder, feature):
        raise ValidationError({"feature": f"{stakeholder.name} already asked for “{feature.title}”."})
    request = FeatureRequest(
        stakeholder=stakeholder, feature=feature, note=note, status=FeatureRequest.Status.ACCEPTED
    )
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
        if _plus_one_exists(stakeholder, feature):
            raise ValidationError({"feature": f"{stakeholder.name} already asked for “{feature.title}”."})
        feature_request.feature = feature
    feature_request.note = note
    feature_request.full_clean(validate_unique=False, validate_constraints=False)
    feature_request.save(update_fields=["note", "feature"])
    return feature_request


@transaction.atomic
def feature_request_delete(*, feature_request: FeatureRequest, acting_user: Any) -> None:
    feature_request.delete()


def _plus_one_exists(stakeholder: Stakeholder, feature: Feature) -> bool:
    return FeatureRequest.objects.filter(
        stakeholder=stakeholder, feature=feature, status=FeatureRequest.Status.ACCEPTED
    ).exists()


# A stakeholder's request: a new idea, or "+1" on a feature. Limits as the page's form has them.
REQUEST_TITLE_MAX = 200
REQUEST_TEXT_MAX = 5000


def _text_checked(field: str, value: str, *, required: bool, limit: int, label: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InputError(field, f"{label} is required.")
    if len(value) > limit:
        raise InputError(field, f"{label} must be at most {limit} characters (it has {len(value)}).")
    return value


@transaction.atomic
def feature_idea_submit(
    *, stakeholder: Stakeholder, acting_user: Any, title: str, description: str = ""
) -> FeatureRequest:
    """A new idea in the stakeholder's own words; it waits for a POPM to triage it."""
    title = _text_checked("title", title, required=True, limit=REQUEST_TITLE_MAX, label="Title")
    description = _text_checked(
        "description", description, required=False, limit=REQUEST_TEXT_MAX, label="Description"
    )
    return FeatureRequest.objects.create(
        stakeholder=stakeholder, title=title, description=description, status=FeatureRequest.Status.NEW
    )


@transaction.atomic
def feature_plus_one(
    *, stakeholder: Stakeholder, feature: Feature, acting_user: Any, note: str = ""
) -> FeatureRequest:
    """ "+1" on an existing feature of the stakeholder's ART, with a note of why."""
    note = _text_checked("note", note, required=False, limit=REQUEST_TEXT_MAX, label="Note")
    if feature.art_id != stakeholder.art_id:
        raise InputError("feature", "Pick a feature of your own ART.")
    if feature.status == Feature.Status.DONE:
        raise InputError("feature", f"“{feature.title}” is already done; ask for something new instead.")
    if _plus_one_exists(stakeholder, feature):
        raise InputError("feature", f"You already asked for “{feature.title}”.")
    return FeatureRequest.objects.create(
        stakeholder=stakeholder, feature=feature, note=note, status=FeatureRequest.Status.ACCEPTED
    )


class AlreadyTriaged(Conflict):
    """Someone triaged the request meanwhile; nothing was done."""

    code = "already_triaged"

    def __init__(self, current: FeatureRequest):
        self.current = current
        who = current.triaged_by.get_username() if current.triaged_by_id else "someone"
        super().__init__(
            f"This request was already {current.status} by {who}; nothing was changed. Reload to see it."
        )

    def data(self) -> dict[str, Any]:
        return {"status": self.current.status, "feature": self.current.feature_id}


def _new_request_locked(feature_request: FeatureRequest) -> FeatureRequest:
    """The request, locked, while it still waits for triage (two POPMs triage it once)."""
    current = (
        FeatureRequest.objects.select_for_update(of=("self",))
        .select_related("stakeholder", "stakeholder__art", "triaged_by")
        .get(pk=feature_request.pk)
    )
    if current.status != FeatureRequest.Status.NEW:
        raise AlreadyTriaged(current)
    return current


def _triaged(current: FeatureRequest, *, status: str, acting_user: Any, **fields: Any) -> FeatureRequest:
    current.status = status
    current.triaged_by = _user_or_none(acting_user)
    current.triaged_at = timezone.now()
    for name, value in fields.items():
        setattr(current, name, value)
    current.save()
    return current


@transaction.atomic
def feature_request_accept(
    *,
    feature_request: FeatureRequest,
    acting_user: Any,
    door: str,
    kind: str = Feature.Kind.BUSINESS,
    title: str | None = None,
) -> FeatureRequest:
    """Accept a new idea into the funnel: a new feature with the stakeholder's title (or the
    POPM's better one) and description, status funnel, linked back to the request."""
    current = _new_request_locked(feature_request)
    if kind not in Feature.Kind.values:
        raise InputError("kind", f'"{kind}" is not allowed; use one of: {", ".join(Feature.Kind.values)}.')
    title = _text_checked(
        "title", current.title if title is None else title, required=True, limit=200, label="Title"
    )
    feature = feature_create(
        art=current.stakeholder.art,
        acting_user=acting_user,
        door=door,
        source=f"request of {current.stakeholder.name}",
        title=title,
        description=current.description,
        kind=kind,
        status=Feature.Status.FUNNEL,
    )
    return _triaged(current, status=FeatureRequest.Status.ACCEPTED, acting_user=acting_user, feature=feature)


@transaction.atomic
def feature_request_merge(
    *, feature_request: FeatureRequest, feature: Feature, acting_user: Any, reason: str = ""
) -> FeatureRequest:
    """The idea is one the ART already has: the request now follows that feature."""
    current = _new_request_locked(feature_request)
    if feature.art_id != current.stakeholder.art_id:
        raise InputError("feature", "Pick a feature of this request's ART.")
    reason = _text_checked("reason", reason, required=False, limit=REQUEST_TEXT_MAX, label="Note")
    return _triaged(
        current, status=FeatureRequest.Status.MERGED, acting_user=acting_user, feature=feature, reason=reason
    )


@transaction.atomic
def feature_request_decline(
    *, feature_request: FeatureRequest, acting_user: Any, reason: str
) -> FeatureRequest:
    """Not now, or not at all: the stakeholder reads the reason on My requests."""
    current = _new_request_locked(feature_request)
    reason = _text_checked("reason", reason, required=True, limit=REQUEST_TEXT_MAX, label="A reason")
    return _triaged(current, status=FeatureRequest.Status.DECLINED, acting_user=acting_user, reason=reason)


# A look at My requests within this time of the last one is the same visit: reloading the
# page must not wipe "what moved since your last visit".
REQUESTS_VISIT_GAP = timedelta(minutes=30)


def requests_visit_record(*, stakeholders: list[Stakeholder], now: datetime | None = None) -> None:
    """Remember this look at My requests; the previous visit becomes the one "since" counts from."""
    now = now or timezone.now()
    for stakeholder in stakeholders:
        seen = stakeholder.requests_seen_at
        if seen is not None and now - seen < REQUESTS_VISIT_GAP:
            continue
        Stakeholder.objects.filter(pk=stakeholder.pk).update(
            requests_previous_seen_at=seen, requests_seen_at=now
        )
        stakeholder.requests_previous_seen_at, stakeholder.requests_seen_at = seen, now


# --- The import's bulk path ------------------------------------------------------------------
# A Jira import writes thousands of features at once. Row by row through feature_create and
# feature_update that is a savepoint, validation queries, an INSERT and a history INSERT per
# feature (about 120 s for 10,000). features_import_write keeps their rules (the same field
# validation and ART check, version bump, scored_at/by, CoD and WSJF of the row, one history
# row per feature with door "import") but writes a batch in a handful of statements, and asks
# for ONE scoring run after commit for the whole import.

IMPORT_BATCH = 1000


@lru_cache(maxsize=256)
def _import_excluded(names: frozenset[str]) -> list[str]:
    """The fields clean_fields leaves to clean() or to the defaults (built once per set of names:
    an import's rows mostly fill the same columns)."""
    relations = {"art", "scored_by", *RELATION_FIELDS}
    return [f.name for f in Feature._meta.fields if f.name in relations or (names and f.name not in names)]


def _import_validated(feature: Feature, names: list[str] | None = None) -> ValidationError | None:
    """The field validators (of `names` only, when given) and the model's ART check, without a
    query: relations are checked by clean() against the objects the import passes in, not by
    ForeignKey.validate's existence query; every check constraint of the table is also a
    field validator."""
    exclude = _import_excluded(frozenset(names or ()))
    try:
        feature.clean_fields(exclude=exclude)
        if names is None or RELATION_FIELDS.intersection(names):
            feature.clean()
    except ValidationError as error:
        return error
    return None


def _insert_raw(model: type[Feature] | type[Epic], things: list[Any]) -> None:
    """INSERT new rows with the creation time each one carries (the tracker's, or now), which
    bulk_create would replace through auto_now_add; "raw", as loaddata saves, so no field's
    pre_save runs: the caller sets created_at (and updated_at) itself."""
    opts = model._meta
    fields = [field for field in opts.concrete_fields if not field.primary_key]
    for start in range(0, len(things), 500):  # 500 x 31 parameters: within SQLite's limit too
        batch = things[start : start + 500]
        rows = model.objects._insert(
            batch, fields=fields, returning_fields=opts.db_returning_fields, raw=True
        )
        for thing, row in zip(batch, rows):
            thing.pk = row[0]
            thing._state.adding, thing._state.db = False, model.objects.db


@transaction.atomic
def epics_import_create(
    *, art: Art, acting_user: Any, creates: list[tuple[str, datetime | None, dict[str, Any]]]
) -> list[Epic | ValidationError]:
    """New epics of an import, (external_key, tracker's creation time, fields) each, with
    epic_create's rules (field validators; a title unique in the ART, named as clean() names
    it) and one query for the titles the ART has: the created epic or its ValidationError,
    in order."""
    taken = set(Epic.objects.filter(art=art).values_list("title", flat=True))
    now = timezone.now()
    results: list[Epic | ValidationError] = []
    batch: list[Epic] = []
    for external_key, created_at, fields in creates:
        epic = Epic(art=art, external_key=external_key, **fields)
        try:
            epic.clean_fields(exclude=["art"])
        except ValidationError as error:
            results.append(error)
            continue
        if epic.title in taken:
            results.append(
                ValidationError({"title": f'{art} already has an epic with title "{epic.title}".'})
            )
            continue
        taken.add(epic.title)
        epic.created_at = created_at or now
        batch.append(epic)
        results.append(epic)
    _insert_raw(Epic, batch)
    return results


def _import_history_insert(
    rows: list[tuple[Feature, str, dict[str, Any]]], *, door: str, source: str, user: Any, at: datetime
) -> None:
    """The import's history rows (feature, action, changes), as FeatureChange stores them, in one
    statement per batch: on PostgreSQL an INSERT ... SELECT FROM unnest(), without building a
    model instance per row; elsewhere bulk_create."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        FeatureChange.objects.bulk_create(
            [
                FeatureChange(
                    art_id=feature.art_id,
                    feature=feature,
                    feature_title=feature.title,
                    action=action,
                    door=door,
                    source=source,
                    changed_by=user,
                    changes=changes,
                    changed_at=at,
                )
                for feature, action, changes in rows
            ]
        )
        return
    columns = "art_id, feature_id, feature_title, action, door, source, changed_at, changed_by_id, changes"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FeatureChange._meta.db_table} ({columns}) SELECT a, f, t, ac, %s, %s, %s, %s, c::jsonb "
            "FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::text[]) AS r(a, f, t, ac, c)",
            [
                door,
                source,
                at,
                getattr(user, "pk", None),
                [feature.art_id for feature, _, _ in rows],
                [feature.pk for feature, _, _ in rows],
                [feature.title for feature, _, _ in rows],
                [str(action) for _, action, _ in rows],
                [json.dumps(changes, cls=DjangoJSONEncoder) for _, _, changes in rows],
            ],
        )


@transaction.atomic
def features_import_write(
    *,
    art: Art,
    acting_user: Any,
    source: str,
    creates: list[tuple[str, datetime | None, dict[str, Any]]],
    updates: list[tuple[Feature, dict[str, Any]]],
    progress: Any = None,
) -> tuple[list[Feature | ValidationError], list[Feature | ValidationError]]:
    """Create and update many features of one ART as the import does, door "import".

    creates: (external_key, tracker's creation time or None, fields); updates: (the feature as
    the caller read it, fields to set); an update with no fields is returned as read, without
    a query (a re-import of the same file is all of those). Fields are Feature.EDITABLE_FIELDS, relations as objects of the ART.
    Returns, for each create and each update in order, the feature as stored or the
    ValidationError that refused it (a refused row writes nothing; the others go on).
    An update whose fields equal the stored values writes nothing (no version, no history).
    progress(n) is called after each batch with the number of rows handled so far.
    """
    door = FeatureChange.Door.IMPORT
    user = _user_or_none(acting_user)
    now = timezone.now()
    ranking_changed = False
    done = 0
    created: list[Feature | ValidationError] = []
    for start in range(0, len(creates), IMPORT_BATCH):
        batch: list[Feature] = []
        for external_key, created_at, fields in creates[start : start + IMPORT_BATCH]:
            _check_fields(fields)
            feature = Feature(art=art, external_key=external_key, **fields)
            if any(fields.get(name) is not None for name in Feature.SCORE_INPUTS):
                feature.scored_at, feature.scored_by = now, user
            feature_scores_fill(feature)
            # The fields the row sets; the others hold the model's defaults, valid by definition.
            error = _import_validated(feature, [*fields, "cost_of_delay", "wsjf"])
            if error is not None:
                created.append(error)
                continue
            feature.created_at, feature.updated_at = created_at or now, now
            batch.append(feature)
            created.append(feature)
        _insert_raw(Feature, batch)
        created_history = [
            (
                feature,
                FeatureChange.Action.CREATED,
                {name: [None, value] for name, value in _created_values(feature).items()},
            )
            for feature in batch
        ]
        _import_history_insert(created_history, door=door, source=source, user=user, at=now)
        ranking_changed = ranking_changed or bool(batch)
        done += len(creates[start : start + IMPORT_BATCH])
        if progress:
            progress(done)

    updated: list[Feature | ValidationError] = []
    for start in range(0, len(updates), IMPORT_BATCH):
        chunk = updates[start : start + IMPORT_BATCH]
        current = Feature.objects.select_for_update(of=("self",)).select_related("pi", "epic", "team")
        # Read again under a lock, as feature_update does: the stored values, not the caller's.
        by_id = (
            current.in_bulk([read.pk for read, fields in chunk if fields]) if any(f for _, f in chunk) else {}
        )
        written: list[Feature] = []
        history: list[tuple[Feature, str, dict[str, Any]]] = []
        names_written: set[str] = set()
        for read, fields in chunk:
            if not fields:
                updated.append(read)
                continue
            _check_fields(fields)
            feature = by_id[read.pk]
            _stays_in_its_art(feature, art)
            changed = [name for name, value in fields.items() if _differs(feature, name, value)]
            if not changed:
                updated.append(feature)
                continue
            before = _recorded_values(feature)
            for name in changed:
                setattr(feature, name, fields[name])
            system_fields = ["cost_of_delay", "wsjf", "version", "updated_at"]
            if any(name in Feature.SCORE_INPUTS for name in changed):
                feature.scored_at, feature.scored_by = now, user
                system_fields += ["scored_at", "scored_by"]
            feature_scores_fill(feature)
            error = _import_validated(feature, changed)
            if error is not None:
                updated.append(error)
                continue
            feature.version += 1
            feature.updated_at = now
            after = _recorded_values(feature)
            changes = {
                name: [before.get(name), value] for name, value in after.items() if before.get(name) != value
            }
            if changes:
                history.append((feature, FeatureChange.Action.UPDATED, changes))
            ranking_changed = ranking_changed or any(name in RANKING_FIELDS for name in changed)
            names_written.update(changed, system_fields)
            written.append(feature)
            updated.append(feature)
        if written:
            Feature.objects.bulk_update(written, sorted(names_written), batch_size=IMPORT_BATCH)
            _import_history_insert(history, door=door, source=source, user=user, at=now)
        done += len(chunk)
        if progress:
            progress(done)
    if ranking_changed:
        _ranking_changed_after_commit(art_id=art.pk, acting_user=acting_user)
    return created, updated
