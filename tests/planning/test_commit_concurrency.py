"""Two POPMs commit the same PI's plan at the same moment: one waits for the other."""

import threading

import pytest
from django.db import connection

from backlog.models import Feature
from scoring.planning.models import PlanCommit
from scoring.planning.services import plan_commit


@pytest.mark.django_db(transaction=True)
def test_simultaneous_commits_are_serialised_and_each_feature_enters_once(plan_setup, alice, admin_user):
    pi = plan_setup["pi"]
    start = threading.Barrier(2)
    errors = []

    def commit(user):
        try:
            start.wait()
            plan_commit(pi=pi, mode="strict", acting_user=user)
        except Exception as error:  # reported below, so a failure in a thread fails the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=commit, args=(user,)) for user in (alice, admin_user)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    first, second = PlanCommit.objects.order_by("committed_at", "id")
    expected = [plan_setup[name].pk for name in ("ticketing", "seat_map", "upgrade")]
    assert first.committed == second.committed == expected
    assert first.assigned == sorted(expected)
    assert second.assigned == [] and second.entered == []  # it saw the first commit
    versions = dict(Feature.objects.filter(pk__in=expected).values_list("pk", "version"))
    assert set(versions.values()) == {2}  # one update each
