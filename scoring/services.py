"""Scoring runs: request one (coalescing bursts), execute one (idempotent, fixed query count)."""

import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from backlog.models import Art, Feature
from scoring import wsjf
from scoring.models import FeatureScore, ScoringRun

log = logging.getLogger(__name__)

# cost of delay, WSJF, rank (pins applied), WSJF rank
Score = tuple[int | None, Decimal | None, int | None, int | None]
# Before any feature was scored: a first run records every score that was set.
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def scoring_run_request(*, art_id: int, trigger: str, acting_user: Any = None) -> ScoringRun | None:
    """Queue a run for the ART unless one is already queued (which will see this change too).

    Returns the new run, or None when an existing pending run absorbs the request.
    """

    try:
        with transaction.atomic():
            run = ScoringRun.objects.create(
                art_id=art_id,
                trigger=trigger,
                requested_by=acting_user if getattr(acting_user, "pk", None) else None,
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: scoring_run_send(run.pk))
    return run


# On a pending run whose message could not be sent: the page says the queue is down, and the
# next sweep (scoring_runs_requeue_stale, every 15 s from beat) sends it again at once.
QUEUE_DOWN = ScoringRun.QUEUE_DOWN


def scoring_run_send(run_id: int) -> bool:
    """Send the run to the workers. With the broker unreachable the edit that asked for it is
    committed all the same: the run stays pending, marked, and is sent again by the sweep.
    Never raises (it runs after the commit, in the request that made the edit)."""
    from scoring.tasks import scoring_run_task

    try:
        scoring_run_task.delay(run_id)
    except Exception as error:  # kombu's OperationalError, a refused or timed-out connection
        log.warning("scoring run %s stays pending, not sent: %s", run_id, error)
        ScoringRun.objects.filter(pk=run_id, status=ScoringRun.Status.PENDING).update(
            error=f"{QUEUE_DOWN}: {type(error).__name__}: {error}"[:500]
        )
        return False
    ScoringRun.objects.filter(pk=run_id, error__startswith=QUEUE_DOWN).update(error="")
    return True


def _claim(run_id: int) -> bool:
    """Mark the run running, committed before any feature is read.

    A feature edited after this point finds no pending run and queues a new one, so no
    change is ever lost to a run that had already read the old values.
    """
    return bool(
        ScoringRun.objects.filter(pk=run_id)
        .exclude(status=ScoringRun.Status.DONE)
        .update(status=ScoringRun.Status.RUNNING, started_at=timezone.now())
    )


def scores_compute(rows: list[tuple]) -> dict[int, Score]:
    """Scores of every feature of an ART from (id, ubv, tc, rr, size, status, created_at,
    pinned_position, pinned_at) rows.

    Done and unscored features get no rank; CoD needs three inputs, WSJF all four. The rank
    is the position with the pins applied (scoring.wsjf.pinned_order), the WSJF rank the pure
    WSJF position.
    """
    scores: dict[int, Score] = {}
    rankable: list[wsjf.RankInput] = []
    pins: list[wsjf.Pin] = []
    # At most 58 CoD values x 7 job sizes: each Decimal WSJF is worked out once, not per feature.
    ratios: dict[tuple[int, int], Decimal] = {}
    for feature_id, ubv, tc, rr, size, status, created_at, pinned_position, pinned_at in rows:
        cod = None if None in (ubv, tc, rr) else wsjf.cost_of_delay(ubv, tc, rr)
        if cod is None or size is None:
            ratio = None
        elif (ratio := ratios.get((cod, size))) is None:
            ratio = ratios[cod, size] = wsjf.wsjf(cod, size)
        scores[feature_id] = (cod, ratio, None, None)
        if ratio is not None and status != Feature.Status.DONE:
            rankable.append(wsjf.RankInput(feature_id, cod, size, created_at))
            if pinned_position is not None:
                pins.append(wsjf.Pin(feature_id, pinned_position, pinned_at or EPOCH))
    wsjf_order = [item.id for item in wsjf.rank_order(rankable)]
    wsjf_ranks = {feature_id: position for position, feature_id in enumerate(wsjf_order, start=1)}
    for rank, feature_id in enumerate(wsjf.pinned_order(wsjf_order, pins), start=1):
        cod, ratio, _, _ = scores[feature_id]
        scores[feature_id] = (cod, ratio, rank, wsjf_ranks[feature_id])
    return scores


def scoring_run_execute(*, run_id: int) -> ScoringRun | None:
    """Recompute and store the scores of the run's ART. Running it twice changes nothing."""
    try:
        run = ScoringRun.objects.get(pk=run_id)
    except ScoringRun.DoesNotExist:
        log.warning("scoring run %s no longer exists (its ART was deleted)", run_id)
        return None
    if run.status == ScoringRun.Status.DONE or not _claim(run_id):
        return run
    try:
        with transaction.atomic():
            # One run per ART at a time: the later run always reads the later data.
            # NO KEY: an edit's history row references the ART (FOR KEY SHARE); a full FOR
            # UPDATE would make it wait on the run while the run waits on the edited feature.
            Art.objects.select_for_update(no_key=True).filter(pk=run.art_id).first()
            # Under the lock, the run as it is now: a second delivery of a run that another
            # worker finished meanwhile (a re-sent run, a broker's re-delivery) changes nothing.
            status = ScoringRun.objects.filter(pk=run_id).values_list("status", flat=True).first()
            if status in (None, ScoringRun.Status.DONE):
                return run
            rows = list(
                Feature.objects.filter(art_id=run.art_id)
                .annotate(rescored=_rescored_since_last_run(run))
                .values_list(
                    "id",
                    *Feature.SCORE_INPUTS,
                    "status",
                    "created_at",
                    "pinned_position",
                    "pinned_at",
                    "cost_of_delay",
                    "wsjf",
                    "rank",
                    "wsjf_rank",
                    "rescored",
                )
            )
            current = {row[0]: row[9:13] for row in rows}
            scores = scores_compute([row[:9] for row in rows])
            changed = {fid: score for fid, score in scores.items() if score != current[fid]}
            # An edit stores its CoD and WSJF on the row at once, so a run sees no change where
            # the rank stays: the score history still gets the new WSJF.
            rescored = {row[0]: scores[row[0]] for row in rows if row[13] and scores[row[0]][1] is not None}
            _scores_store(run_id=run_id, changed=changed, recorded=rescored | changed, previous=current)
            ScoringRun.objects.filter(pk=run_id).update(
                status=ScoringRun.Status.DONE,
                finished_at=timezone.now(),
                feature_count=len(rows),
                changed_count=len(changed),
                attempts=run.attempts + 1,
                error="",
            )
    except Exception as error:
        ScoringRun.objects.filter(pk=run_id).update(
            status=ScoringRun.Status.FAILED,
            finished_at=timezone.now(),
            attempts=run.attempts + 1,
            error=f"{type(error).__name__}: {error}",
        )
        raise
    run.refresh_from_db()
    return run


def _rescored_since_last_run(run: ScoringRun) -> ExpressionWrapper:
    """True for a feature whose inputs were set since the ART's previous run started."""
    previous = ScoringRun.objects.filter(
        art_id=run.art_id, status=ScoringRun.Status.DONE, pk__lt=run.pk
    ).order_by("-pk")
    since = Subquery(previous.values("started_at")[:1])
    return ExpressionWrapper(Q(scored_at__gte=Coalesce(since, Value(EPOCH))), output_field=BooleanField())


def _scores_store(
    *, run_id: int, changed: dict[int, Score], recorded: dict[int, Score], previous: dict[int, Score]
) -> None:
    """Write changed scores to the features, and record every changed or re-set score on the
    run, in O(1) queries."""
    if not recorded:
        return
    if connection.vendor == "postgresql":
        _scores_store_postgresql(run_id, changed, recorded, previous)
        return
    features = [
        Feature(pk=i, cost_of_delay=c, wsjf=w, rank=r, wsjf_rank=wr) for i, (c, w, r, wr) in changed.items()
    ]
    Feature.objects.bulk_update(features, ["cost_of_delay", "wsjf", "rank", "wsjf_rank"], batch_size=500)
    FeatureScore.objects.bulk_create(
        [
            FeatureScore(
                run_id=run_id, feature_id=i, cost_of_delay=c, wsjf=w, rank=r, previous_rank=previous[i][2]
            )
            for i, (c, w, r, _) in recorded.items()
        ],
        batch_size=500,
    )


def _scores_store_postgresql(
    run_id: int, changed: dict[int, Score], recorded: dict[int, Score], previous: dict[int, Score]
) -> None:
    # Arrays and unnest: one UPDATE and one INSERT however many features changed.
    with connection.cursor() as cursor:
        if changed:
            ids = list(changed)
            cursor.execute(
                f"""
                UPDATE {Feature._meta.db_table} AS f
                   SET cost_of_delay = v.cod, wsjf = v.wsjf, rank = v.rank, wsjf_rank = v.wsjf_rank
                  FROM unnest(%s::bigint[], %s::smallint[], %s::numeric[], %s::integer[], %s::integer[])
                       AS v(id, cod, wsjf, rank, wsjf_rank)
                 WHERE f.id = v.id
                """,
                [ids, *([changed[i][n] for i in ids] for n in range(4))],
            )
        ids = list(recorded)
        cods = [recorded[i][0] for i in ids]
        ratios = [recorded[i][1] for i in ids]
        ranks = [recorded[i][2] for i in ids]
        previous_ranks = [previous[i][2] for i in ids]
        cursor.execute(
            f"""
            INSERT INTO {FeatureScore._meta.db_table}
                   (run_id, feature_id, cost_of_delay, wsjf, rank, previous_rank)
            SELECT %s, v.* FROM unnest(
                   %s::bigint[], %s::smallint[], %s::numeric[], %s::integer[], %s::integer[])
                   AS v
            """,
            [run_id, ids, cods, ratios, ranks, previous_ranks],
        )


def scoring_runs_requeue_stale(
    *, waiting_seconds: int = 120, running_grace_seconds: int = 10, max_attempts: int = 5
) -> int:
    """Send again the runs whose message was lost or never sent, whose worker died or whose
    attempt failed. Returns how many were sent.

    A running run proves it is alive by the ART row lock its transaction holds from start to
    end: when its worker dies, PostgreSQL ends the transaction and the lock is free. A run
    marked running whose ART is not locked (past a grace for the moment between claiming it and
    taking the lock) is orphaned and sent again. Safe against a run that is in fact still
    going: runs of one ART are serialised, and a run finished meanwhile is not redone.
    """
    now = timezone.now()
    unsent = Q(status=ScoringRun.Status.PENDING, error__startswith=QUEUE_DOWN)
    waiting = Q(status__in=[ScoringRun.Status.PENDING, ScoringRun.Status.FAILED]) & Q(
        requested_at__lt=now - timedelta(seconds=waiting_seconds)
    )
    running = ScoringRun.objects.filter(
        status=ScoringRun.Status.RUNNING,
        started_at__lt=now - timedelta(seconds=running_grace_seconds),
        attempts__lt=max_attempts,
    ).values_list("pk", "art_id")
    run_ids = list(
        ScoringRun.objects.filter(unsent | waiting, attempts__lt=max_attempts).values_list("pk", flat=True)
    )
    run_ids += _runs_whose_worker_died(list(running))
    return sum(scoring_run_send(run_id) for run_id in run_ids)


def _runs_whose_worker_died(running: list[tuple[int, int]]) -> list[int]:
    """Of (run, ART) pairs marked running, the runs whose ART no transaction holds locked."""
    if not running:
        return []
    with transaction.atomic():
        unlocked = set(
            Art.objects.select_for_update(no_key=True, skip_locked=True)
            .filter(pk__in={art_id for _, art_id in running})
            .values_list("pk", flat=True)
        )
    orphaned = [run_id for run_id, art_id in running if art_id in unlocked]
    for run_id in orphaned:
        log.warning("scoring run %s was left running by a worker that died: sending it again", run_id)
    return orphaned


def scoring_runs_request_all(*, trigger: str = ScoringRun.Trigger.SCHEDULE) -> int:
    count = 0
    for art_id in Art.objects.values_list("pk", flat=True):
        count += scoring_run_request(art_id=art_id, trigger=trigger) is not None
    return count
