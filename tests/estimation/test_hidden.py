"""Hidden means hidden: before the reveal no answer or page holds another person's value, and
what the server reads and sends does not depend on those values at all."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring.estimation import services
from scoring.estimation.models import Vote

UBV = "user_business_value"


def _cast(session, candidates, erin, value):
    for feature in (candidates.checkout, candidates.ledger, candidates.badge):
        services.vote_cast(session=session, voter=erin, feature_id=feature.pk, column=UBV, value=value)


def _unmasked(content: bytes) -> bytes:
    """The page without its CSRF tokens, which Django masks afresh on every answer."""
    return re.sub(rb'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', rb"\1", content)


def _answer_and_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url)
    # The sign-in session's lookup carries the clock; every other read must be the same.
    return answer, [
        query["sql"] for query in queries.captured_queries if "django_session" not in query["sql"]
    ]


@pytest.mark.parametrize(
    "path", ["/api/estimations/{pk}/", "/estimations/{pk}/", "/estimations/{pk}/progress/"]
)
def test_what_another_participant_gets_does_not_depend_on_the_hidden_values(
    api, client, open_session, candidates, carol, erin, path
):
    services.vote_cast(
        session=open_session, voter=carol, feature_id=candidates.ledger.pk, column=UBV, value=3
    )
    if path.startswith("/api"):
        reader = api(carol)
    else:
        client.force_login(carol)
        reader = client
    url = path.format(pk=open_session.pk)
    _cast(open_session, candidates, erin, 20)
    first, first_sql = _answer_and_queries(reader, url)
    Vote.objects.filter(voter=erin).update(value=1)
    second, second_sql = _answer_and_queries(reader, url)
    assert first.status_code == second.status_code == 200
    assert _unmasked(first.content) == _unmasked(second.content)  # same bytes whatever erin voted
    assert first_sql == second_sql  # and the same reads


def test_before_the_reveal_no_query_reads_another_persons_vote_value(
    api, open_session, candidates, carol, erin
):
    _cast(open_session, candidates, erin, 13)
    answer, sql = _answer_and_queries(api(carol), f"/api/estimations/{open_session.pk}/")
    assert answer.status_code == 200
    vote_reads = [query for query in sql if 'FROM "estimation_vote"' in query]
    value_reads = [query for query in vote_reads if '"estimation_vote"."value"' in query]
    # The only read of a value is the viewer's own.
    assert len(value_reads) == 1 and f'"estimation_vote"."voter_id" = {carol.pk}' in value_reads[0]


def test_the_page_before_the_reveal_shows_who_voted_not_what(client, open_session, candidates, carol, erin):
    _cast(open_session, candidates, erin, 13)
    client.force_login(carol)
    page = client.get(f"/estimations/{open_session.pk}/").content.decode()
    assert "Erin Wu (Architect)" in page
    assert "Erin Wu (Architect): <strong>" not in page
    assert 'data-testid="votes"' not in page


def test_after_the_reveal_the_page_shows_each_vote(client, open_session, candidates, alice, carol, erin):
    _cast(open_session, candidates, erin, 13)
    services.round_reveal(session=open_session, acting_user=alice)
    client.force_login(carol)
    page = client.get(f"/estimations/{open_session.pk}/").content.decode()
    assert "Erin Wu (Architect): <strong>13</strong>" in page
