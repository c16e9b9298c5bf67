"""Writes of estimation sessions: one atomic function per step of the session.

Steps that change the session's state (open, reveal, re-vote, next column, close) lock the
session row, so two POPMs pressing the same button at once make one change. A vote takes a
shared lock on its round: votes run side by side, and a reveal waits for the votes in flight
and refuses every later one.
"""

from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from backlog.errors import InputError
from backlog.models import Art, Feature, FeatureChange
from backlog.services import feature_update
from scoring.estimation.access import invitable_users
from scoring.estimation.errors import CloseConflicts, SessionStateConflict
from scoring.estimation.models import (
    COLUMN_SHORT,
    SAFE_COLUMN_ORDER,
    Acceptance,
    EstimationRound,
    EstimationSession,
    Participant,
    SessionFeature,
    Vote,
)
from scoring.wsjf import SCALE_TEXT, ScaleError, scale_value_parse

MAX_FEATURES = 200
ABSTAIN = "?"
DECISIONS = ("overwrite", "keep")
COLUMNS_TEXT = ", ".join(SAFE_COLUMN_ORDER)


def _ids(raw: Any, field: str) -> list[int]:
    if not isinstance(raw, list | tuple) or not all(
        isinstance(item, int) and not isinstance(item, bool) for item in raw
    ):
        raise InputError(field, f"{field} must be a list of ids, e.g. [12, 15].")
    return list(dict.fromkeys(raw))  # keeps the order given, drops repeats


def columns_parse(raw: Any) -> list[str]:
    """The columns to score, in SAFe's order whatever order they came in."""
    if not isinstance(raw, list | tuple) or not raw:
        raise InputError("columns", f"columns must be a non-empty list of: {COLUMNS_TEXT}.")
    unknown = [str(column) for column in raw if column not in SAFE_COLUMN_ORDER]
    if unknown:
        raise InputError("columns", f"{', '.join(unknown)} is not a column; use some of: {COLUMNS_TEXT}.")
    return [column for column in SAFE_COLUMN_ORDER if column in raw]


def vote_value_parse(raw: Any) -> int | None:
    """A vote: a scale value, or "?" (or null) to abstain."""
    if raw is None or raw == ABSTAIN:
        return None
    try:
        return scale_value_parse(raw)
    except ScaleError:
        raise InputError("value", f'{raw} is not a vote; use one of {SCALE_TEXT}, or "?" to abstain.')


@transaction.atomic
def session_create(
    *,
    art: Art,
    acting_user: Any,
    name: str,
    feature_ids: Any,
    columns: Any,
    participant_ids: Any,
) -> EstimationSession:
    """A draft session of the ART: nobody votes until a POPM opens it."""
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name or len(name) > 120:
        raise InputError("name", "name must be 1 to 120 characters, e.g. “PI 27.2 prep”.")
    chosen_columns = columns_parse(columns)
    feature_ids = _ids(feature_ids, "features")
    if not feature_ids or len(feature_ids) > MAX_FEATURES:
        raise InputError("features", f"Pick 1 to {MAX_FEATURES} features of {art.name}.")
    found = set(Feature.objects.filter(art=art, pk__in=feature_ids).values_list("pk", flat=True))
    missing = [str(pk) for pk in feature_ids if pk not in found]
    if missing:
        raise InputError("features", f"{', '.join(missing)}: not a feature of {art.name}.")
    participant_ids = _ids(participant_ids, "participants")
    if not participant_ids:
        raise InputError("participants", "Invite at least one person to score.")
    allowed = set(invitable_users(art).filter(pk__in=participant_ids).values_list("pk", flat=True))
    refused = [str(pk) for pk in participant_ids if pk not in allowed]
    if refused:
        raise InputError(
            "participants",
            f"{', '.join(refused)}: cannot be invited; only {art.name}'s POPMs, its stakeholders "
            "with an account, and admins score in its sessions.",
        )
    session = EstimationSession.objects.create(
        art=art, name=name, columns=chosen_columns, created_by=_user_or_none(acting_user)
    )
    SessionFeature.objects.bulk_create(
        SessionFeature(session=session, feature_id=pk, position=position)
        for position, pk in enumerate(feature_ids)
    )
    Participant.objects.bulk_create(Participant(session=session, user_id=pk) for pk in participant_ids)
    return session


def _user_or_none(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


def _locked(session: EstimationSession) -> EstimationSession:
    """The session as stored now, locked until the transaction ends.

    FOR NO KEY UPDATE, not FOR UPDATE: a vote's insert checks its foreign key to the session
    with a key-share lock, which a plain FOR UPDATE would block while the reveal waits for that
    vote's round lock: a deadlock."""
    return EstimationSession.objects.select_for_update(no_key=True).get(pk=session.pk)


def _must_be_open(session: EstimationSession) -> None:
    if session.state != EstimationSession.State.OPEN:
        raise SessionStateConflict(
            f"The session is {session.state}; this needs an open session. Nothing changed.",
            state=session.state,
        )


def _current_round(session: EstimationSession, *, lock: bool = False) -> EstimationRound:
    rounds = EstimationRound.objects.filter(
        session=session, column=session.current_column, number=session.current_round
    )
    return (rounds.select_for_update() if lock else rounds).get()


def _feature_ids(session: EstimationSession) -> list[int]:
    return list(
        SessionFeature.objects.filter(session=session)
        .order_by("position", "id")
        .values_list("feature_id", flat=True)
    )


@transaction.atomic
def session_open(*, session: EstimationSession, acting_user: Any) -> EstimationSession:
    """Voting starts on the first column; each feature's version now is the one a close
    checks against (a later version means it was edited elsewhere meanwhile)."""
    session = _locked(session)
    if session.state != EstimationSession.State.DRAFT:
        raise SessionStateConflict(f"The session is {session.state} already.", state=session.state)
    now = timezone.now()
    session_features = list(SessionFeature.objects.filter(session=session).select_related("feature"))
    for session_feature in session_features:
        session_feature.version_at_start = session_feature.feature.version
    SessionFeature.objects.bulk_update(session_features, ["version_at_start"])
    session.state = EstimationSession.State.OPEN
    session.started_at = now
    session.current_column = session.columns[0]
    session.current_round = 1
    session.save(update_fields=["state", "started_at", "current_column", "current_round"])
    EstimationRound.objects.create(
        session=session,
        column=session.current_column,
        number=1,
        feature_ids=_feature_ids(session),
        started_at=now,
    )
    return session


def _round_share_lock(session_id: int) -> EstimationRound | None:
    """The open session's current round, locked for share, in one query: votes wait for
    nothing but a reveal or a close, which lock it for update. None if the session is not open."""
    round_table, session_table = EstimationRound._meta.db_table, EstimationSession._meta.db_table
    lock = (
        f" FOR SHARE OF {connection.ops.quote_name(round_table)}" if connection.vendor == "postgresql" else ""
    )
    sql = (
        f"SELECT {connection.ops.quote_name(round_table)}.* FROM {connection.ops.quote_name(round_table)} "
        f"JOIN {connection.ops.quote_name(session_table)} s ON s.id = session_id "
        f'AND s.current_column = {connection.ops.quote_name(round_table)}."column" '
        f"AND s.current_round = {connection.ops.quote_name(round_table)}.number "
        f"WHERE s.id = %s AND s.state = %s{lock}"
    )
    found = list(EstimationRound.objects.raw(sql, [session_id, EstimationSession.State.OPEN]))
    return found[0] if found else None


@transaction.atomic
def vote_cast(*, session: EstimationSession, voter: Any, feature_id: Any, column: Any, value: Any) -> Vote:
    """The voter's own vote on a feature in the current round; a second vote replaces the first
    until the reveal. Whoever may vote is the caller's check (access.session_vote_or_403)."""
    value = vote_value_parse(value)
    current = _round_share_lock(session.pk)
    if current is None:
        state = EstimationSession.objects.values_list("state", flat=True).get(pk=session.pk)
        raise SessionStateConflict(f"The session is {state}: no votes now.", code="not_open", state=state)
    if column != current.column:
        shown = COLUMN_SHORT.get(current.column, current.column)
        raise InputError("column", f"Voting is on {shown} now: column must be {current.column}.")
    if (
        not isinstance(feature_id, int)
        or isinstance(feature_id, bool)
        or feature_id not in current.feature_ids
    ):
        raise InputError("feature", f"{feature_id} is not a feature being voted on in this round.")
    if current.is_revealed:
        raise SessionStateConflict(
            f"{COLUMN_SHORT[current.column]} round {current.number} is revealed: votes no longer change.",
            code="revealed",
        )
    now = timezone.now()
    (vote,) = Vote.objects.bulk_create(
        [
            Vote(
                session_id=session.pk,
                feature_id=feature_id,
                column=current.column,
                round=current.number,
                voter=voter,
                value=value,
                voted_at=now,
            )
        ],
        update_conflicts=True,
        unique_fields=["session", "feature", "column", "round", "voter"],
        update_fields=["value", "voted_at"],
    )
    return vote


@transaction.atomic
def round_reveal(*, session: EstimationSession, acting_user: Any) -> EstimationRound:
    """Everyone's votes of the current round become visible; from now on they do not change."""
    session = _locked(session)
    _must_be_open(session)
    current = _current_round(session, lock=True)
    if current.is_revealed:
        raise SessionStateConflict("This round is revealed already.", code="revealed")
    current.revealed_at = timezone.now()
    current.save(update_fields=["revealed_at"])
    return current


def _revealed_or_409(current: EstimationRound, step: str) -> None:
    if not current.is_revealed:
        raise SessionStateConflict(f"Reveal the votes first, then {step}.", code="not_revealed")


@transaction.atomic
def round_revote(*, session: EstimationSession, acting_user: Any, feature_ids: Any) -> EstimationRound:
    """A new round on the current column for some features, votes hidden again; the earlier
    round's votes stay as they were. Their accepted values in this column are dropped."""
    session = _locked(session)
    _must_be_open(session)
    current = _current_round(session, lock=True)
    _revealed_or_409(current, "start a re-vote")
    feature_ids = _ids(feature_ids, "features")
    in_session = set(_feature_ids(session))
    outside = [str(pk) for pk in feature_ids if pk not in in_session]
    if not feature_ids or outside:
        raise InputError(
            "features",
            f"Pick features of this session to vote on again{': not ' + ', '.join(outside) if outside else ''}.",
        )
    session.current_round += 1
    session.save(update_fields=["current_round"])
    Acceptance.objects.filter(
        session=session, column=session.current_column, feature_id__in=feature_ids
    ).delete()
    return EstimationRound.objects.create(
        session=session,
        column=session.current_column,
        number=session.current_round,
        feature_ids=[pk for pk in _feature_ids(session) if pk in set(feature_ids)],
        started_at=timezone.now(),
    )


@transaction.atomic
def acceptance_set(
    *, session: EstimationSession, acting_user: Any, feature_id: Any, column: Any, value: Any, note: Any = ""
) -> Acceptance:
    """The value the POPM accepts for a feature in a revealed column, with a note of why.
    Accepting again replaces it; nothing reaches the feature before the close."""
    session = _locked(session)
    _must_be_open(session)
    if column not in session.columns[: session.columns.index(session.current_column) + 1]:
        scored = ", ".join(session.columns[: session.columns.index(session.current_column) + 1])
        raise InputError("column", f"column must be one this session has voted on: {scored}.")
    if not isinstance(feature_id, int) or feature_id not in set(_feature_ids(session)):
        raise InputError("feature", f"{feature_id} is not a feature of this session.")
    try:
        value = scale_value_parse(value)
    except ScaleError:
        raise InputError("value", f"{value} is not on the scale {SCALE_TEXT}.")
    note = note if isinstance(note, str) else ""
    if len(note) > 500:
        raise InputError("note", "note must be at most 500 characters.")
    # A session has a handful of rounds per column: read them, not a JSON query per database.
    rounds = EstimationRound.objects.filter(session=session, column=column).order_by("-number")
    latest = next((each for each in rounds if feature_id in each.feature_ids), None)
    if latest is None or not latest.is_revealed:
        raise SessionStateConflict(
            "Its votes are not revealed yet: reveal, then accept.", code="not_revealed"
        )
    acceptance, _ = Acceptance.objects.update_or_create(
        session=session,
        feature_id=feature_id,
        column=column,
        defaults={
            "value": value,
            "note": note.strip(),
            "accepted_by": acting_user,
            "accepted_at": timezone.now(),
        },
    )
    return acceptance


@transaction.atomic
def column_next(*, session: EstimationSession, acting_user: Any) -> EstimationSession:
    """Voting moves to the next column, round 1 with every feature of the session."""
    session = _locked(session)
    _must_be_open(session)
    _revealed_or_409(_current_round(session, lock=True), "move to the next column")
    if session.is_last_column:
        raise SessionStateConflict(
            "This is the session's last column: close the session.", code="last_column"
        )
    session.current_column = session.columns[session.columns.index(session.current_column) + 1]
    session.current_round = 1
    session.save(update_fields=["current_column", "current_round"])
    EstimationRound.objects.create(
        session=session,
        column=session.current_column,
        number=1,
        feature_ids=_feature_ids(session),
        started_at=timezone.now(),
    )
    return session


@dataclass(frozen=True)
class CloseResult:
    session: EstimationSession
    written: int
    kept: int
    unchanged: int
    nothing: int


def session_source(session: EstimationSession, people: int) -> str:
    """How the features' history names the session: "session 'PI 27.2 prep' by 7 people on 2026-12-01"."""
    day = f"{timezone.localdate():%Y-%m-%d}"
    tail = f"' by {people} {'person' if people == 1 else 'people'} on {day}"
    room = FeatureChange._meta.get_field("source").max_length - len("session '") - len(tail)
    name = session.name if len(session.name) <= room else session.name[: room - 1] + "…"
    return f"session '{name}{tail}"


def _decisions_parse(raw: Any) -> dict[int, str]:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        raise InputError("decisions", 'decisions must be an object: {"<feature id>": "overwrite" | "keep"}.')
    decisions = {}
    for key, decision in raw.items():
        if not str(key).isdigit() or decision not in DECISIONS:
            raise InputError(
                "decisions", f'{key}: "{decision}" is not a decision; use "overwrite" or "keep".'
            )
        decisions[int(key)] = decision
    return decisions


@transaction.atomic
def session_close(*, session: EstimationSession, acting_user: Any, decisions: Any = None) -> CloseResult:
    """Write the accepted values to the features (backlog.services.feature_update, door
    "session", version checked) and close. A feature edited elsewhere since the session opened
    is written only if the POPM said "overwrite" for it; "keep" leaves it as edited; with no
    decision nothing at all is written (CloseConflicts). A second close finds the session
    closed behind the lock and writes nothing."""
    decisions = _decisions_parse(decisions)
    session = _locked(session)
    if session.state == EstimationSession.State.CLOSED:
        who = session.closed_by.get_username() if session.closed_by else "someone"
        raise SessionStateConflict(
            f"The session was closed already by {who} on {session.closed_at:%Y-%m-%d %H:%M} UTC; "
            "its scores were written then, once.",
            code="closed",
            state=session.state,
        )
    _must_be_open(session)
    current = _current_round(session, lock=True)
    now = timezone.now()
    if not current.is_revealed:  # closing ends the round: its votes become readable
        current.revealed_at = now
        current.save(update_fields=["revealed_at"])
    accepted: dict[int, dict[str, int]] = {}
    for feature_id, column, value in Acceptance.objects.filter(session=session).values_list(
        "feature_id", "column", "value"
    ):
        accepted.setdefault(feature_id, {})[column] = value
    session_features = list(SessionFeature.objects.filter(session=session).order_by("feature_id"))
    features = {
        feature.pk: feature
        for feature in Feature.objects.select_for_update().filter(pk__in=accepted).order_by("pk")
    }
    conflicts = [
        _conflict(session_feature, features[session_feature.feature_id], accepted[session_feature.feature_id])
        for session_feature in session_features
        if session_feature.feature_id in features
        and features[session_feature.feature_id].version != session_feature.version_at_start
    ]
    undecided = [conflict for conflict in conflicts if conflict["feature"] not in decisions]
    if undecided:
        raise CloseConflicts(undecided)
    people = Vote.objects.filter(session=session).values("voter").distinct().count()
    source = session_source(session, people)
    counts = dict.fromkeys(SessionFeature.Outcome.values, 0)
    for session_feature in session_features:
        feature = features.get(session_feature.feature_id)
        if feature is None:
            outcome = SessionFeature.Outcome.NOTHING
        elif feature.version != session_feature.version_at_start and decisions[feature.pk] == "keep":
            outcome = SessionFeature.Outcome.KEPT
        else:
            updated = feature_update(
                feature=feature,
                acting_user=acting_user,
                door=FeatureChange.Door.SESSION,
                source=source,
                expected_version=feature.version,
                **accepted[feature.pk],
            )
            changed = updated.version != feature.version
            outcome = SessionFeature.Outcome.WRITTEN if changed else SessionFeature.Outcome.UNCHANGED
        session_feature.outcome = outcome
        counts[outcome] += 1
    SessionFeature.objects.bulk_update(session_features, ["outcome"])
    session.state = EstimationSession.State.CLOSED
    session.closed_at = now
    session.closed_by = _user_or_none(acting_user)
    session.save(update_fields=["state", "closed_at", "closed_by"])
    return CloseResult(
        session=session,
        written=counts[SessionFeature.Outcome.WRITTEN],
        kept=counts[SessionFeature.Outcome.KEPT],
        unchanged=counts[SessionFeature.Outcome.UNCHANGED],
        nothing=counts[SessionFeature.Outcome.NOTHING],
    )


def _conflict(session_feature: SessionFeature, feature: Feature, values: dict[str, int]) -> dict[str, Any]:
    """What the POPM needs to decide: the feature now and the session's values for it."""
    return {
        "feature": feature.pk,
        "title": feature.title,
        "version_at_start": session_feature.version_at_start,
        "version_now": feature.version,
        "columns": {
            column: {"session": value, "now": getattr(feature, column)} for column, value in values.items()
        },
    }
