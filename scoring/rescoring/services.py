"""Writes of rescoring: the daily check of each ART, and a POPM's answer to a proposal.

The check is idempotent: run twice on the same day, the second run writes nothing new. It
costs a fixed number of queries per ART, whatever the backlog size.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from backlog.models import Art, Feature, FeatureChange
from backlog.selectors import current_pi, score_is_stale, score_stale_before
from backlog.services import VersionConflict, feature_update
from scoring.rescoring.errors import ProposalClosed
from scoring.rescoring.fixed_dates import BacklogItem, FixedDateCheck
from scoring.rescoring.models import RescoringCheck, StaleScore, TcProposal
from scoring.rescoring.selectors import fixed_date_checks

ONE_PLACE = Decimal("0.1")
# What the check reads of each open feature, in one query: index 0 to 7 below.
CHECK_FIELDS = (
    "id",
    "rank",
    "scored_at",
    "scored_by_id",
    "estimate_points",
    "time_criticality",
    "fixed_date",
    "version",
)
# What a proposal records of where its feature stood (refreshed by every check).
STANDING_FIELDS = (
    "feature_version",
    "fixed_date",
    "rank",
    "iterations_left",
    "finishes_in",
    "late",
    "reason",
)

# PostgreSQL array types of the columns _proposals_refresh writes.
REFRESH_COLUMN_TYPES = {
    "id": "bigint",
    "refreshed_at": "timestamptz",
    "feature_version": "integer",
    "fixed_date": "date",
    "rank": "integer",
    "iterations_left": "numeric",
    "finishes_in": "numeric",
    "late": "boolean",
    "reason": "text",
}


@dataclass(frozen=True)
class CheckResult:
    """What one check changed in one ART (all zero on a second run the same day)."""

    flagged: int = 0
    unflagged: int = 0
    proposed: int = 0
    withdrawn: int = 0

    def __add__(self, other: "CheckResult") -> "CheckResult":
        return CheckResult(
            self.flagged + other.flagged,
            self.unflagged + other.unflagged,
            self.proposed + other.proposed,
            self.withdrawn + other.withdrawn,
        )


def rescoring_check_all(*, today: date) -> CheckResult:
    """The daily job: check every ART, each in its own transaction."""
    total = CheckResult()
    for art_id in Art.objects.order_by("pk").values_list("pk", flat=True):
        total += art_rescoring_check(art_id=art_id, today=today)
    return total


@transaction.atomic
def art_rescoring_check(*, art_id: int, today: date) -> CheckResult:
    """Flag the ART's stale scores and propose Time Criticality for its fixed dates, as of today.

    Holds the ART's row (FOR NO KEY UPDATE, as a scoring run does), so two checks of one ART
    go one at a time and the ranks it reads are not halfway through a run.
    """
    Art.objects.select_for_update(no_key=True).filter(pk=art_id).exists()
    # Lock the open proposals before reading the features: a POPM's accept (which locks its
    # proposal first) then either lands before the read or waits for this check.
    open_ = {
        p.feature_id: p
        for p in TcProposal.objects.select_for_update().filter(art_id=art_id, status=TcProposal.Status.OPEN)
    }
    now = timezone.now()
    pi = current_pi(art_id=art_id, today=today)
    rows = list(
        Feature.objects.filter(art_id=art_id)
        .exclude(status=Feature.Status.DONE)
        .order_by("pk")
        .values_list(*CHECK_FIELDS)
    )
    flagged, unflagged = _stale_scores_sync(art_id=art_id, pi=pi, rows=rows, now=now)
    items = [BacklogItem(row[0], row[1], row[4], row[5], row[6]) for row in rows]
    checks = fixed_date_checks(art_id=art_id, pi=pi, items=items, today=today)
    versions = {row[0]: row[7] for row in rows}
    proposed, withdrawn = _tc_proposals_sync(
        art_id=art_id, checks=checks, open_=open_, versions=versions, now=now
    )
    RescoringCheck.objects.update_or_create(art_id=art_id, defaults={"checked_at": now, "checked_for": today})
    return CheckResult(flagged, unflagged, proposed, withdrawn)


def _stale_scores_sync(*, art_id: int, pi: Any, rows: list[tuple], now) -> tuple[int, int]:
    """Make the ART's flags the features whose score is stale now (backlog.selectors'
    score_is_stale); returns how many were flagged and unflagged."""
    stale_before = score_stale_before(pi)
    stale = {row[0]: row for row in rows if score_is_stale(scored_at=row[2], stale_before=stale_before)}
    # feature id -> (the score it was flagged for, the PI it is stale for)
    flags = {
        feature_id: (scored_at, pi_id)
        for feature_id, scored_at, pi_id in StaleScore.objects.filter(art_id=art_id).values_list(
            "feature_id", "scored_at", "pi_id"
        )
    }
    gone = {fid for fid, (scored_at, _) in flags.items() if fid not in stale or scored_at != stale[fid][2]}
    if gone:
        StaleScore.objects.filter(art_id=art_id, feature_id__in=gone).delete()
    # A flag kept into a new PI now says it is stale for that PI.
    moved = [fid for fid in stale if fid in flags and fid not in gone and flags[fid][1] != pi.pk]
    if moved:
        StaleScore.objects.filter(art_id=art_id, feature_id__in=moved).update(pi=pi)
    new = [
        StaleScore(
            art_id=art_id, feature_id=fid, pi=pi, scored_at=row[2], scored_by_id=row[3], flagged_at=now
        )
        for fid, row in stale.items()
        if fid not in flags or fid in gone
    ]
    StaleScore.objects.bulk_create(new)
    return len(new), len(gone)


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def _standing(check: FixedDateCheck, version: int) -> dict[str, Any]:
    """STANDING_FIELDS of a proposal, from today's check of its feature."""
    values = (
        version,
        check.fixed_date,
        check.rank,
        _rounded(check.iterations_left),
        _rounded(check.finishes_in),
        check.red,
        check.reason,
    )
    return dict(zip(STANDING_FIELDS, values, strict=True))


def _tc_proposals_sync(
    *,
    art_id: int,
    checks: list[FixedDateCheck],
    open_: dict[int, TcProposal],
    versions: dict[int, int],
    now,
) -> tuple[int, int]:
    """Open, refresh or withdraw the ART's proposals (open_: the open ones, by feature) to
    match today's checks; returns how many were proposed and withdrawn. A dismissed
    (feature, value) is never proposed again."""
    wanted = {check.feature_id: check for check in checks if check.proposed_tc is not None}
    dismissed = set(
        TcProposal.objects.filter(
            art_id=art_id, status=TcProposal.Status.DISMISSED, feature_id__in=list(wanted)
        ).values_list("feature_id", "to_value")
    )
    withdraw: set[int] = set()
    refresh = []
    for feature_id, proposal in open_.items():
        check = wanted.get(feature_id)
        if check is None or (check.time_criticality, check.proposed_tc) != proposal.step:
            withdraw.add(proposal.pk)
            continue
        standing = _standing(check, versions[feature_id])
        if any(getattr(proposal, name) != value for name, value in standing.items()):
            for name, value in standing.items():
                setattr(proposal, name, value)
            proposal.refreshed_at = now
            refresh.append(proposal)
    TcProposal.objects.filter(pk__in=withdraw).update(status=TcProposal.Status.WITHDRAWN, decided_at=now)
    _proposals_refresh(refresh)
    new = [
        TcProposal(
            art_id=art_id,
            feature_id=feature_id,
            from_value=check.time_criticality,
            to_value=check.proposed_tc,
            proposed_at=now,
            refreshed_at=now,
            **_standing(check, versions[feature_id]),
        )
        for feature_id, check in wanted.items()
        if (feature_id not in open_ or open_[feature_id].pk in withdraw)
        and (feature_id, check.proposed_tc) not in dismissed
    ]
    TcProposal.objects.bulk_create(new)
    return len(new), len(withdraw)


def _proposals_refresh(proposals: list[TcProposal]) -> None:
    """Store the refreshed STANDING_FIELDS and refreshed_at of these proposals.

    Every open proposal changes every day (a day fewer left), and bulk_update spends ~2 ms of
    Python per row building its CASE expressions: on PostgreSQL one UPDATE ... FROM unnest().
    """
    if not proposals:
        return
    if connection.vendor != "postgresql":
        TcProposal.objects.bulk_update(proposals, ["refreshed_at", *STANDING_FIELDS])
        return
    columns = ("id", "refreshed_at", *STANDING_FIELDS)
    types = [REFRESH_COLUMN_TYPES[name] for name in columns]
    values = [
        [getattr(proposal, "pk" if name == "id" else name) for proposal in proposals] for name in columns
    ]
    arrays = ", ".join(f"%s::{kind}[]" for kind in types)
    assignments = ", ".join(f"{name} = v.{name}" for name in columns[1:])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TcProposal._meta.db_table} AS p SET {assignments}"
            f" FROM unnest({arrays}) AS v({', '.join(columns)}) WHERE p.id = v.id",
            values,
        )


def _open_proposal_locked(proposal: TcProposal) -> TcProposal:
    locked = (
        TcProposal.objects.select_for_update(of=("self",)).select_related("decided_by").get(pk=proposal.pk)
    )
    if not locked.is_open:
        raise ProposalClosed(locked)
    return locked


@transaction.atomic
def tc_proposal_accept(
    *, proposal: TcProposal, acting_user: Any, expected_version: int | None = None
) -> TcProposal:
    """Write the proposed Time Criticality through backlog.services (door "job"), so the
    feature's history shows it. Refused with VersionConflict when the feature changed since
    the version the caller saw (by default the one the proposal was made against), and with
    ProposalClosed when the proposal is no longer open."""
    proposal = _open_proposal_locked(proposal)
    feature = Feature.objects.select_for_update().get(pk=proposal.feature_id)
    seen = proposal.feature_version if expected_version is None else expected_version
    if seen != feature.version or feature.time_criticality != proposal.from_value:
        raise VersionConflict(feature)
    feature_update(
        feature=feature,
        acting_user=acting_user,
        door=FeatureChange.Door.JOB,
        source=f"TC proposal {proposal.pk}",
        expected_version=seen,
        time_criticality=proposal.to_value,
    )
    return _decide(proposal, TcProposal.Status.ACCEPTED, acting_user)


@transaction.atomic
def tc_proposal_dismiss(*, proposal: TcProposal, acting_user: Any) -> TcProposal:
    """The POPM keeps the Time Criticality; the same value is not proposed again."""
    return _decide(_open_proposal_locked(proposal), TcProposal.Status.DISMISSED, acting_user)


def _decide(proposal: TcProposal, status: str, acting_user: Any) -> TcProposal:
    proposal.status = status
    proposal.decided_at = timezone.now()
    proposal.decided_by = acting_user if getattr(acting_user, "pk", None) else None
    proposal.save(update_fields=["status", "decided_at", "decided_by"])
    return proposal
