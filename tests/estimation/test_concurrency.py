"""Two closes at the same moment write the scores once; a reveal waits for votes in flight."""

import threading

import pytest
from django.db import connection

from backlog.models import Feature, FeatureChange
from scoring.estimation import services
from scoring.estimation.errors import SessionStateConflict
from scoring.estimation.models import EstimationSession, Vote
from tests.estimation.conftest import session_open

UBV = "user_business_value"


def _together(*functions):
    """Run the functions in threads that start at the same moment; their results or errors."""
    barrier, results = threading.Barrier(len(functions)), [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait(10)
            results[index] = function()
        except Exception as error:  # reported to the test below
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_closing_twice_at_the_same_moment_writes_once(candidates, alice, carol):
    session = session_open(candidates, alice, [carol], columns=[UBV])
    services.vote_cast(session=session, voter=carol, feature_id=candidates.checkout.pk, column=UBV, value=20)
    services.round_reveal(session=session, acting_user=alice)
    services.acceptance_set(
        session=session, acting_user=alice, feature_id=candidates.checkout.pk, column=UBV, value=20
    )
    results = _together(*[lambda: services.session_close(session=session, acting_user=alice)] * 2)
    closed = [result for result in results if isinstance(result, services.CloseResult)]
    refused = [result for result in results if isinstance(result, SessionStateConflict)]
    assert len(closed) == 1 and len(refused) == 1, results
    assert refused[0].code == "closed"
    assert FeatureChange.objects.filter(door=FeatureChange.Door.SESSION).count() == 1
    checkout = Feature.objects.get(pk=candidates.checkout.pk)
    assert checkout.user_business_value == 20 and checkout.version == 2
    assert EstimationSession.objects.get().state == "closed"


@pytest.mark.django_db(transaction=True)
def test_votes_racing_a_reveal_are_either_in_before_it_or_refused(candidates, alice, carol, erin):
    session = session_open(candidates, alice, [carol, erin], columns=[UBV])

    def vote(person, feature):
        return lambda: services.vote_cast(
            session=session, voter=person, feature_id=feature.pk, column=UBV, value=5
        )

    results = _together(
        vote(carol, candidates.checkout),
        vote(erin, candidates.checkout),
        vote(carol, candidates.ledger),
        lambda: services.round_reveal(session=session, acting_user=alice),
        vote(erin, candidates.ledger),
    )
    stored = [r for r in results if isinstance(r, Vote)]
    refused = [r for r in results if isinstance(r, SessionStateConflict)]
    assert len(stored) + len(refused) == 4, results
    assert all(r.code == "revealed" for r in refused)
    revealed_at = session.rounds.get().revealed_at
    assert revealed_at is not None, results
    assert Vote.objects.count() == len(stored)
    assert all(vote.voted_at <= revealed_at for vote in Vote.objects.all())
