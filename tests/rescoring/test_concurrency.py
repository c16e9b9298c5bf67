"""A POPM accepts a proposal while the daily check runs: the check waits and sees the new value."""

import threading
import time

import pytest
from django.db import connection, transaction

from scoring.rescoring.models import TcProposal
from scoring.rescoring.services import art_rescoring_check, tc_proposal_accept
from tests.rescoring.conftest import TODAY


@pytest.mark.django_db(transaction=True)
def test_a_check_during_an_accept_waits_and_proposes_from_the_accepted_value(rail_dates, alice):
    art_rescoring_check(art_id=rail_dates.art.pk, today=TODAY)
    proposal = TcProposal.objects.get()
    accepted, errors = threading.Event(), []

    def accept_slowly():
        try:
            with transaction.atomic():
                tc_proposal_accept(proposal=proposal, acting_user=alice)
                accepted.set()
                time.sleep(0.5)  # the check starts while this transaction still holds the proposal
        except Exception as error:  # reported below, so a failure in a thread fails the test
            errors.append(error)
        finally:
            connection.close()

    def check():
        try:
            accepted.wait(10)
            art_rescoring_check(art_id=rail_dates.art.pk, today=TODAY)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept_slowly), threading.Thread(target=check)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    rows = TcProposal.objects.order_by("pk").values_list("from_value", "to_value", "status")
    assert list(rows) == [(5, 8, "accepted"), (8, 13, "open")]
