"""Why did it move? A feature's rank then and now, explained by its own changes and by the
features that passed it or fell behind it.

"Then" is a moment: a date (its start, UTC), a scoring run, or by default the start of the
current PI. Ranks then are the ranks after the last run that finished by that moment, read
from the score history (a run records every score it changes, so the latest record of each
feature at or before that run is its rank then). Everything here is a read.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from django.db import connection
from django.utils import timezone

from backlog.errors import InputError
from backlog.history import HistoryEntry, history_entries
from backlog.models import Feature, FeatureChange, ProgramIncrement
from backlog.selectors import current_pi
from scoring.models import FeatureScore, ScoringRun
from scoring.wsjf import RankInput, rank_key

SINCE_HELP = "a scoring run id (e.g. 42) or an ISO date or time (e.g. 2026-11-12 or 2026-11-12T09:30:00Z)"
NAMED_MOVERS = 10  # movers named in words; the lists carry them all
UNCHANGED_NAMED = 20  # of the features that changed without crossing it, how many are named


@dataclass(frozen=True)
class Moment:
    """Ranks as they were after run_id (0: before any run of the ART). The changes that explain
    a move are those after `at`, when that run started to read the features (None: all)."""

    run_id: int
    at: datetime | None
    label: str  # "since the start of PI 26.4 (5 Oct 2026)"


@dataclass(frozen=True)
class Mover:
    feature_id: int
    title: str
    from_rank: int | None
    to_rank: int | None
    reason: str


@dataclass
class RankChange:
    feature_id: int
    title: str
    moment: Moment
    from_rank: int | None
    to_rank: int | None
    own_changes: list[HistoryEntry] = field(default_factory=list)
    passed_by: list[Mover] = field(default_factory=list)
    fell_behind: list[Mover] = field(default_factory=list)
    gone_above: int = 0  # ranked above it then, deleted since
    unchanged_movers: list[str] = field(default_factory=list)  # changed but did not cross it (first names)
    unchanged_count: int = 0
    words: str = ""

    @property
    def moved(self) -> int | None:
        """Places moved up (positive) or down (negative); None if unranked then or now."""
        if self.from_rank is None or self.to_rank is None:
            return None
        return self.from_rank - self.to_rank


def moment_parse(*, art_id: int, since: str | None, today: date | None = None) -> Moment:
    """The moment `since` names for this ART; raises InputError naming `since` if it names none."""
    since = (since or "").strip()
    if not since:
        return moment_pi_start(
            art_id=art_id, pi=current_pi(art_id=art_id, today=today or timezone.localdate())
        )
    if since.isdigit():
        run = ScoringRun.objects.filter(art_id=art_id, pk=int(since), status=ScoringRun.Status.DONE).first()
        if run is None:
            raise InputError("since", f"No finished scoring run {since} in this ART; give {SINCE_HELP}.")
        return Moment(
            run.pk, run.started_at, f"since scoring run #{run.pk}, {run.finished_at:%-d %b %Y %H:%M} UTC"
        )
    at = _moment_time(since)
    label = f"since {at:%-d %b %Y}" if at.time() == time(0) else f"since {at:%-d %b %Y %H:%M} UTC"
    return _moment_at(art_id=art_id, at=at, label=label)


def _moment_time(since: str) -> datetime:
    try:
        if len(since) == 10:
            return datetime.combine(date.fromisoformat(since), time(0), tzinfo=UTC)
        at = datetime.fromisoformat(since.replace("Z", "+00:00"))
    except ValueError:
        raise InputError("since", f'"{since}" is not a moment; give {SINCE_HELP}.')
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def moment_pi_start(*, art_id: int, pi: ProgramIncrement | None) -> Moment:
    """The default moment: the start of the ART's current PI (pi), or before any ranking."""
    if pi is None:
        return Moment(0, None, "since it was first ranked")
    at = datetime.combine(pi.start_date, time(0), tzinfo=UTC)
    return _moment_at(art_id=art_id, at=at, label=f"since the start of {pi.name}, {at:%-d %b %Y}")


def _moment_at(*, art_id: int, at: datetime, label: str) -> Moment:
    """Ranks at `at` are those of the last run finished by then; a change made after that run
    started reading is not in them, so it counts as a change since."""
    runs = ScoringRun.objects.filter(art_id=art_id, status=ScoringRun.Status.DONE, finished_at__lte=at)
    last = runs.order_by("-pk").values_list("pk", "started_at").first()
    return Moment(last[0], last[1], label) if last else Moment(0, None, label)


def ranks_after_run(
    *, art_id: int, run_id: int, feature_ids: list[int] | None = None
) -> dict[int, int | None]:
    """feature id -> its rank after the run (features with no score by then are left out)."""
    if run_id == 0:
        return {}
    scores = FeatureScore.objects.filter(run__art_id=art_id, run_id__lte=run_id)
    if feature_ids is not None:
        scores = scores.filter(feature_id__in=feature_ids)
    if connection.vendor == "postgresql":
        latest = scores.order_by("feature_id", "-run_id").distinct("feature_id")
        return dict(latest.values_list("feature_id", "rank"))
    ranks: dict[int, int | None] = {}
    for feature_id, rank in scores.order_by("feature_id", "run_id").values_list("feature_id", "rank"):
        ranks[feature_id] = rank  # the latest run wins
    return ranks


def _ranks_then_and_now(*, art_id: int, run_id: int) -> tuple[dict[int, int | None], dict[int, int | None]]:
    """Every feature's rank after the run and now. On PostgreSQL in one query: the explanation
    reads all of an ART's features, and two round trips of 10,000 rows cost twice."""
    if connection.vendor != "postgresql" or run_id == 0:
        then = ranks_after_run(art_id=art_id, run_id=run_id)
        return then, dict(Feature.objects.filter(art_id=art_id).values_list("id", "rank"))
    sql = f"""
        SELECT f.id, f.rank, p.rank, p.feature_id IS NOT NULL
          FROM {Feature._meta.db_table} AS f
          LEFT JOIN (SELECT DISTINCT ON (s.feature_id) s.feature_id, s.rank
                       FROM {FeatureScore._meta.db_table} AS s
                       JOIN {ScoringRun._meta.db_table} AS r ON r.id = s.run_id
                      WHERE r.art_id = %s AND s.run_id <= %s
                      ORDER BY s.feature_id, s.run_id DESC) AS p ON p.feature_id = f.id
         WHERE f.art_id = %s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [art_id, run_id, art_id])
        rows = cursor.fetchall()
    return {fid: then for fid, _, then, scored in rows if scored}, {fid: rank for fid, rank, _, _ in rows}


def rank_change_explain(*, feature: Feature, moment: Moment) -> RankChange:
    """The feature's move since the moment, in numbers and words. A fixed number of queries:
    ranks then and now, the details of this feature and of those that crossed it, which
    features changed since, and the changes of this feature and its crossers."""
    then, now = _ranks_then_and_now(art_id=feature.art_id, run_id=moment.run_id)
    change = RankChange(feature.pk, feature.title, moment, then.get(feature.pk), now[feature.pk])
    ranked_both = None not in (change.from_rank, change.to_rank)
    crossers = _crossers(change, then, now) if ranked_both else {}
    rows = _feature_rows([feature.pk, *crossers])
    me = rows[feature.pk]
    changes = _changes_since(feature.art_id, moment, [feature.pk, *crossers])
    entries = {e.change.pk: e for e in history_entries([c for cs in changes.values() for c in cs])}
    change.own_changes = [entries[c.pk] for c in changes.get(feature.pk, [])]
    for other_id, passed in crossers.items():
        mover = _mover(rows[other_id], then.get(other_id), me, change, changes, entries, passed)
        (change.passed_by if passed else change.fell_behind).append(mover)
    change.passed_by.sort(key=lambda m: m.to_rank)
    change.fell_behind.sort(key=lambda m: m.from_rank)
    if ranked_both:
        r0 = change.from_rank
        change.gone_above = (r0 - 1) - sum(
            1 for fid, rank in then.items() if rank is not None and rank < r0 and fid in now
        )
        unchanged = [
            fid
            for fid in _changed_feature_ids(feature.art_id, moment)
            if fid not in crossers and fid != feature.pk and fid in now
        ]
        change.unchanged_count = len(unchanged)
        titles = dict(Feature.objects.filter(pk__in=unchanged[:UNCHANGED_NAMED]).values_list("id", "title"))
        change.unchanged_movers = [titles[fid] for fid in unchanged[:UNCHANGED_NAMED]]
    change.words = _words(change, me)
    return change


def _feature_rows(ids: list[int]) -> dict[int, dict[str, Any]]:
    fields = (
        "id",
        "title",
        "rank",
        "wsjf_rank",
        "pinned_position",
        "status",
        "cost_of_delay",
        "job_size",
        "wsjf",
        "created_at",
    )
    return {row["id"]: row for row in Feature.objects.filter(pk__in=ids).values(*fields)}


def _crossers(change: RankChange, then: dict, now: dict[int, int | None]) -> dict[int, bool]:
    """feature id -> True if it passed this feature since, False if it fell behind it."""
    r0, r1 = change.from_rank, change.to_rank
    crossers = {}
    for other_id, after in now.items():
        before = then.get(other_id)
        if other_id == change.feature_id:
            continue
        if after is not None and after < r1 and (before is None or before > r0):
            crossers[other_id] = True
        elif before is not None and before < r0 and (after is None or after > r1):
            crossers[other_id] = False
    return crossers


def _since(changes, moment: Moment):
    return changes if moment.at is None else changes.filter(changed_at__gt=moment.at)


def _changes_since(art_id: int, moment: Moment, feature_ids: list[int]) -> dict[int, list[FeatureChange]]:
    changes = _since(FeatureChange.objects.filter(art_id=art_id, feature_id__in=feature_ids), moment)
    by_feature: dict[int, list[FeatureChange]] = {}
    for change in changes.select_related("changed_by").order_by("changed_at", "pk"):
        by_feature.setdefault(change.feature_id, []).append(change)
    return by_feature


def _changed_feature_ids(art_id: int, moment: Moment) -> list[int]:
    changes = _since(FeatureChange.objects.filter(art_id=art_id, feature__isnull=False), moment)
    return sorted(changes.order_by().values_list("feature_id", flat=True).distinct())


def _mover(
    row: dict, before: int | None, me: dict, change: RankChange, changes: dict, entries: dict, passed: bool
) -> Mover:
    return Mover(
        row["id"],
        row["title"],
        before,
        row["rank"],
        _reason(row, before, me, change, changes, entries, passed),
    )


def _reason(
    row: dict, before: int | None, me: dict, change: RankChange, changes: dict, entries: dict, passed: bool
) -> str:
    own = [entries[c.pk] for c in changes.get(row["id"], [])]
    created = any(e.change.action == FeatureChange.Action.CREATED for e in own)
    if passed and (created or before is None):
        reason = "new, scored above it" if created else "newly scored above it"
    elif not passed and row["rank"] is None:
        reason = (
            "left the ranking (done)"
            if row["status"] == Feature.Status.DONE
            else "left the ranking (no longer scored)"
        )
    elif passed and row["pinned_position"] is not None and row["rank"] != row["wsjf_rank"]:
        reason = f"pinned to #{row['pinned_position']} (executive priority)"
    elif not passed and me["pinned_position"] is not None and me["rank"] != me["wsjf_rank"]:
        reason = "unchanged; this feature's pin lifted it past"
    elif own:
        reason = "; ".join(", ".join(str(item) for item in e.inputs) for e in own if e.inputs)
    elif change.own_changes:
        reason = "unchanged; this feature's own change moved it past"
    else:
        reason = "unchanged"
    tie = _tie_break(row, me) if row["rank"] is not None else ""
    return f"{reason}; {tie}" if tie else reason


def _tie_break(row: dict, me: dict) -> str:
    """Why two features with the same WSJF are in this order (the rank tie-breaks)."""
    if None in (row["cost_of_delay"], row["job_size"], me["cost_of_delay"], me["job_size"]):
        return ""
    if row["cost_of_delay"] * me["job_size"] != me["cost_of_delay"] * row["job_size"]:
        return ""
    first, second = sorted(
        (row, me),
        key=lambda r: rank_key(RankInput(r["id"], r["cost_of_delay"], r["job_size"], r["created_at"])),
    )
    if first["cost_of_delay"] != second["cost_of_delay"]:
        why = "higher Cost of Delay"
    elif first["job_size"] != second["job_size"]:
        why = "smaller Job Size"
    else:
        why = "older"
    return f"same WSJF {row['wsjf']}: the tie-break puts the one with {why} first"


def _words(change: RankChange, me: dict) -> str:
    """The explanation in plain words, the way a POPM would tell a stakeholder."""
    r0, r1 = change.from_rank, change.to_rank
    parts = [_headline(change, me)]
    if me["pinned_position"] is not None and r1 is not None and me["wsjf_rank"] not in (None, r1):
        parts.append(
            f"It is pinned to #{me['pinned_position']} (executive priority); by WSJF alone it ranks #{me['wsjf_rank']}."
        )
    for entry in change.own_changes:
        if entry.inputs:
            parts.append(f"{entry.summary} by {entry.who} on {entry.when:%-d %b}.")
    if change.passed_by:
        parts.append(_movers_words(change.passed_by, "passed it", "passed it"))
    if change.fell_behind:
        parts.append(_movers_words(change.fell_behind, "fell behind it", "fell behind it"))
    if change.gone_above:
        parts.append(
            f"{_count(change.gone_above, 'feature')} ranked above it then {'was' if change.gone_above == 1 else 'were'} deleted."
        )
    if change.unchanged_movers and r0 is not None and r1 is not None:
        names = ", ".join(f"“{t}”" for t in change.unchanged_movers[:3])
        more = f" and {change.unchanged_count - 3} more" if change.unchanged_count > 3 else ""
        parts.append(f"Changes to {names}{more} did not move it: they stayed on the same side of it.")
    return " ".join(parts)


def _headline(change: RankChange, me: dict) -> str:
    r0, r1, since = change.from_rank, change.to_rank, change.moment.label
    if r0 is None and r1 is None:
        return f"Not ranked then or now ({since}): it needs all four WSJF inputs and must not be done."
    if r0 is None:
        return f"Not ranked then; ranked #{r1} now ({since})."
    if r1 is None:
        why = "it is done" if me["status"] == Feature.Status.DONE else "an input is missing"
        return f"Ranked #{r0} then; not ranked now, because {why} ({since})."
    if r0 == r1:
        return f"Still ranked #{r1} ({since})."
    direction = "up" if r1 < r0 else "down"
    return f"Moved {direction} from #{r0} to #{r1} ({since})."


def _movers_words(movers: list[Mover], one: str, many: str) -> str:
    named = "; ".join(f"“{m.title}” ({m.reason})" for m in movers[:NAMED_MOVERS])
    more = f"; and {len(movers) - NAMED_MOVERS} more" if len(movers) > NAMED_MOVERS else ""
    return f"{_count(len(movers), 'feature')} {one if len(movers) == 1 else many}: {named}{more}."


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
