"""Reads of estimation sessions: the board a person sees, the progress line, the bias per person.

Hidden means hidden: before a round is revealed, the board reads of that round only who voted
(feature and voter ids) and the viewer's own votes; other people's values are not even loaded,
so no page or answer can carry them and no answer's size or timing depends on them.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from backlog.models import Art, Stakeholder
from scoring.estimation.consensus import Consensus, bias_steps, column_without_one, consensus_of
from scoring.estimation.models import (
    COLUMN_SHORT,
    Acceptance,
    EstimationRound,
    EstimationSession,
    Participant,
    SessionFeature,
    Vote,
)


@dataclass(frozen=True)
class Person:
    id: int
    name: str


@dataclass
class VoteShown:
    voter: Person
    value: int | None


@dataclass
class RoundShown:
    """One revealed round of one feature in one column."""

    number: int
    votes: list[VoteShown]
    consensus: Consensus


@dataclass
class FeatureRow:
    """One feature of the board, for the current column."""

    session_feature: SessionFeature
    round: EstimationRound | None
    in_current_round: bool
    voted_by: list[Person] = field(default_factory=list)
    my_vote_cast: bool = False
    my_vote: int | None = None
    votes: list[VoteShown] = field(default_factory=list)
    consensus: Consensus | None = None
    acceptance: Acceptance | None = None
    acceptances: dict[str, Acceptance] = field(default_factory=dict)
    # column -> revealed rounds, oldest first (the after-view).
    history: dict[str, list[RoundShown]] = field(default_factory=dict)

    @property
    def feature(self) -> Any:
        return self.session_feature.feature

    @property
    def revealed(self) -> bool:
        return self.round is not None and self.round.is_revealed

    @property
    def prefill(self) -> int | None:
        """What the accept form offers: the accepted value, else the suggestion."""
        if self.acceptance is not None:
            return self.acceptance.value
        return self.consensus.suggestion if self.consensus else None


@dataclass
class Progress:
    column: str
    round: int
    revealed: bool
    done: int
    total: int
    round_features: int

    @property
    def column_label(self) -> str:
        return COLUMN_SHORT.get(self.column, self.column)

    @property
    def stamp(self) -> str:
        """Changes when the round, column or reveal changes: a page with an older one reloads."""
        return f"{self.column}-{self.round}-{int(self.revealed)}"


@dataclass
class Board:
    session: EstimationSession
    participants: list[Person]
    rounds: list[EstimationRound]
    rows: list[FeatureRow]
    current_round: EstimationRound | None
    progress: Progress | None
    column_without_one: bool = False

    @property
    def flagged_ids(self) -> list[int]:
        return [row.feature.pk for row in self.rows if row.consensus and row.consensus.discuss]


def _people(session: EstimationSession) -> list[Person]:
    """The invited, named as the ART knows them ("Carol Jones (Head of Sales)")."""
    invited = [
        p.user for p in Participant.objects.filter(session=session).select_related("user").order_by("id")
    ]
    titles = {
        row.user_id: str(row)
        for row in Stakeholder.objects.filter(art_id=session.art_id, user__in=[user.pk for user in invited])
    }
    return [
        Person(user.pk, titles.get(user.pk) or user.get_full_name() or user.get_username())
        for user in invited
    ]


def session_features(session: EstimationSession):
    return (
        SessionFeature.objects.filter(session=session)
        .select_related("feature")
        .only(
            "id",
            "position",
            "version_at_start",
            "outcome",
            "feature__id",
            "feature__art_id",
            "feature__title",
            "feature__description",
            "feature__benefit_hypothesis",
            "feature__kind",
            "feature__version",
            "feature__user_business_value",
            "feature__time_criticality",
            "feature__risk_reduction",
            "feature__job_size",
        )
        .order_by("position", "id")
    )


def _latest_rounds(rounds: list[EstimationRound], column: str) -> dict[int, EstimationRound]:
    latest: dict[int, EstimationRound] = {}
    for each in sorted((r for r in rounds if r.column == column), key=lambda r: r.number):
        for feature_id in each.feature_ids:
            latest[feature_id] = each
    return latest


def session_board(*, session: EstimationSession, viewer: Any, all_columns: bool = True) -> Board:
    """Everything a session page or answer shows, in a fixed number of queries. Without
    all_columns only the current column's revealed rounds are read (the open board's page)."""
    people = _people(session)
    by_id = {person.id: person for person in people}
    rows = [
        FeatureRow(session_feature=sf, round=None, in_current_round=False) for sf in session_features(session)
    ]
    rounds = list(EstimationRound.objects.filter(session=session).order_by("column", "number"))
    current = next(
        (r for r in rounds if r.column == session.current_column and r.number == session.current_round), None
    )
    latest = _latest_rounds(rounds, session.current_column)
    for row in rows:
        row.round = latest.get(row.feature.pk)
        row.in_current_round = current is not None and row.round is current

    revealed = [r for r in rounds if r.is_revealed and (all_columns or r.column == session.current_column)]
    shown: dict[tuple[str, int, int], list[VoteShown]] = defaultdict(list)
    if revealed:
        pairs = Q()
        for each in revealed:
            pairs |= Q(column=each.column, round=each.number)
        for feature_id, column, number, voter_id, value in (
            Vote.objects.filter(pairs, session=session)
            .order_by("voter_id")
            .values_list("feature_id", "column", "round", "voter_id", "value")
        ):
            voter = by_id.get(voter_id) or Person(voter_id, f"user {voter_id}")
            shown[(column, number, feature_id)].append(VoteShown(voter, value))
    row_of = {row.feature.pk: row for row in rows}
    for each in revealed:
        for feature_id in each.feature_ids:
            if feature_id in row_of:
                votes = shown.get((each.column, each.number, feature_id), [])
                row_of[feature_id].history.setdefault(each.column, []).append(
                    RoundShown(each.number, votes, consensus_of(vote.value for vote in votes))
                )

    hidden_votes: list[tuple[int, int]] = []
    if current is not None and not current.is_revealed:
        # Who voted, never what: the values of this round are not read here.
        hidden_votes = list(
            Vote.objects.filter(session=session, column=current.column, round=current.number).values_list(
                "feature_id", "voter_id"
            )
        )
        mine = dict(
            Vote.objects.filter(
                session=session, column=current.column, round=current.number, voter_id=viewer.pk
            ).values_list("feature_id", "value")
        )
        for feature_id, voter_id in hidden_votes:
            row_of[feature_id].voted_by.append(by_id.get(voter_id) or Person(voter_id, f"user {voter_id}"))
        for feature_id, value in mine.items():
            row_of[feature_id].my_vote_cast, row_of[feature_id].my_vote = True, value

    for acceptance in Acceptance.objects.filter(session=session).select_related("accepted_by"):
        if acceptance.feature_id in row_of:
            row_of[acceptance.feature_id].acceptances[acceptance.column] = acceptance

    for row in rows:
        row.acceptance = row.acceptances.get(session.current_column)
        if row.revealed:
            rounds_shown = row.history.get(session.current_column, [])
            last = rounds_shown[-1] if rounds_shown else None
            row.votes = last.votes if last else []
            row.consensus = last.consensus if last else consensus_of([])
            row.voted_by = [vote.voter for vote in row.votes]

    progress = None
    if current is not None:
        counts: dict[int, int] = defaultdict(int)
        if current.is_revealed:
            for row in rows:
                if row.in_current_round:
                    for vote in row.votes:
                        counts[vote.voter.id] += 1
        else:
            for _, voter_id in hidden_votes:
                counts[voter_id] += 1
        progress = Progress(
            column=current.column,
            round=current.number,
            revealed=current.is_revealed,
            done=sum(1 for person in people if counts.get(person.id, 0) >= len(current.feature_ids)),
            total=len(people),
            round_features=len(current.feature_ids),
        )
    board = Board(
        session=session,
        participants=people,
        rounds=rounds,
        rows=rows,
        current_round=current,
        progress=progress,
    )
    if rows and all(row.revealed for row in rows):
        board.column_without_one = column_without_one(row.prefill for row in rows)
    return board


def session_progress(*, session: EstimationSession) -> Progress | None:
    """The progress line alone ("6 of 8 have voted on UBV"), for the page's polling: three small
    queries that count votes per voter and never read a value."""
    if not session.current_column:
        return None
    current = EstimationRound.objects.filter(
        session=session, column=session.current_column, number=session.current_round
    ).first()
    if current is None:
        return None
    needed = len(current.feature_ids)
    per_voter = (
        Vote.objects.filter(session=session, column=current.column, round=current.number)
        .values("voter")
        .annotate(votes=Count("id"))
        .filter(votes__gte=needed)
    )
    return Progress(
        column=current.column,
        round=current.number,
        revealed=current.is_revealed,
        done=per_voter.count(),
        total=Participant.objects.filter(session=session).count(),
        round_features=needed,
    )


@dataclass(frozen=True)
class BiasRow:
    person: Person
    column: str
    steps: Decimal
    votes: int
    sessions: int

    @property
    def column_label(self) -> str:
        return COLUMN_SHORT.get(self.column, self.column)


def art_bias(*, art: Art) -> list[BiasRow]:
    """Per person and column, how far their votes sat from the accepted values in the ART's
    closed sessions, in scale steps. A person's vote on a feature is their vote in the last
    round they voted in (the round the POPM accepted from, unless they skipped it); abstentions
    do not count."""
    accepted = {
        (session_id, feature_id, column): value
        for session_id, feature_id, column, value in Acceptance.objects.filter(
            session__art=art, session__state=EstimationSession.State.CLOSED
        ).values_list("session_id", "feature_id", "column", "value")
    }
    last_vote: dict[tuple[int, int, int, str], tuple[int, int]] = {}
    for session_id, feature_id, column, number, voter_id, value in (
        Vote.objects.filter(
            session__art=art, session__state=EstimationSession.State.CLOSED, value__isnull=False
        )
        .values_list("session_id", "feature_id", "column", "round", "voter_id", "value")
        .order_by("round")
    ):
        if (session_id, feature_id, column) in accepted:
            last_vote[(voter_id, session_id, feature_id, column)] = (number, value)
    pairs: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
    sessions: dict[tuple[int, str], set[int]] = defaultdict(set)
    for (voter_id, session_id, feature_id, column), (_, value) in last_vote.items():
        pairs[(voter_id, column)].append((value, accepted[(session_id, feature_id, column)]))
        sessions[(voter_id, column)].add(session_id)
    names = _names(art, {voter_id for voter_id, _ in pairs})
    order = {column: index for index, column in enumerate(COLUMN_SHORT)}
    rows = [
        BiasRow(
            person=Person(voter_id, names.get(voter_id, f"user {voter_id}")),
            column=column,
            steps=bias_steps(found),
            votes=len(found),
            sessions=len(sessions[(voter_id, column)]),
        )
        for (voter_id, column), found in pairs.items()
    ]
    return sorted(rows, key=lambda row: (row.person.name.lower(), order.get(row.column, 9)))


def _names(art: Art, user_ids: set[int]) -> dict[int, str]:
    names = {
        user.pk: user.get_full_name() or user.get_username()
        for user in get_user_model().objects.filter(pk__in=user_ids)
    }
    for stakeholder in Stakeholder.objects.filter(art=art, user_id__in=user_ids):
        names[stakeholder.user_id] = str(stakeholder)
    return names
