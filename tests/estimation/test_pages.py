"""The session pages: create, vote with htmx, progress polling, reveal and accept, close with
a conflict, the after-view; each page in a fixed number of queries."""

import pytest

from backlog.models import Feature, FeatureChange
from backlog.services import feature_update
from scoring.estimation import services
from scoring.estimation.models import EstimationSession, Vote
from tests.factories import scored

UBV = "user_business_value"


def test_a_popm_creates_a_session_from_the_page(client, candidates, alice, carol, erin):
    client.force_login(alice)
    page = client.get(f"/arts/{candidates.art.pk}/estimations/new/")
    assert page.status_code == 200 and "Checkout" in page.content.decode()
    answer = client.post(
        f"/arts/{candidates.art.pk}/estimations/new/",
        {
            "name": "PI 27.2 prep",
            "features": [candidates.checkout.pk, candidates.ledger.pk],
            "columns": [UBV, "job_size"],
            "participants": [carol.pk, erin.pk],
        },
    )
    session = EstimationSession.objects.get()
    assert answer.status_code == 302 and answer.url == f"/estimations/{session.pk}/"
    assert session.columns == [UBV, "job_size"] and session.state == "draft"


def test_a_bad_create_shows_the_error_beside_its_field(client, candidates, alice):
    client.force_login(alice)
    page = client.post(f"/arts/{candidates.art.pk}/estimations/new/", {"name": "S", "columns": [UBV]})
    assert page.status_code == 200
    assert "Pick 1 to 200 features" in page.content.decode()
    assert not EstimationSession.objects.exists()


def test_a_vote_over_htmx_answers_with_the_saved_form(client, open_session, candidates, carol):
    client.force_login(carol)
    answer = client.post(
        f"/estimations/{open_session.pk}/vote/",
        {"feature": candidates.checkout.pk, "column": UBV, "value": "8"},
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 200
    body = answer.content.decode()
    assert "Saved" in body and 'value="8" checked' in body
    assert Vote.objects.get().value == 8


def test_the_progress_line_counts_who_voted_on_every_feature(client, open_session, candidates, carol):
    for feature in (candidates.checkout, candidates.ledger, candidates.badge):
        services.vote_cast(session=open_session, voter=carol, feature_id=feature.pk, column=UBV, value=3)
    client.force_login(carol)
    answer = client.get(f"/estimations/{open_session.pk}/progress/?stamp={UBV}-1-0")
    assert "<strong>1 of 3</strong> have voted on UBV" in answer.content.decode()


def test_the_progress_line_reloads_a_page_whose_round_changed(client, open_session, alice, carol):
    services.round_reveal(session=open_session, acting_user=alice)
    client.force_login(carol)
    answer = client.get(f"/estimations/{open_session.pk}/progress/?stamp={UBV}-1-0")
    assert answer.status_code == 204 and answer["HX-Refresh"] == "true"


def test_the_popm_reveals_sees_the_flag_and_accepts_the_suggestion(
    client, open_session, candidates, alice, carol, erin
):
    services.vote_cast(
        session=open_session, voter=carol, feature_id=candidates.checkout.pk, column=UBV, value=2
    )
    services.vote_cast(
        session=open_session, voter=erin, feature_id=candidates.checkout.pk, column=UBV, value=13
    )
    client.force_login(alice)
    client.post(f"/estimations/{open_session.pk}/reveal/")
    page = client.get(f"/estimations/{open_session.pk}/").content.decode()
    assert 'data-testid="discuss"' in page and "discuss: 2 vs 13" in page
    assert 'data-testid="column-without-one"' in page  # 8 is the only value: no 1 in the column
    assert '<option value="8" selected>' in page  # median 7.5 -> 8
    client.post(
        f"/estimations/{open_session.pk}/accept/",
        {"feature": candidates.checkout.pk, "column": UBV, "value": "8", "note": "Sales wins"},
    )
    assert open_session.acceptances.get().note == "Sales wins"


def test_the_column_without_a_1_is_flagged(client, candidates, alice, carol):
    from tests.estimation.conftest import session_open

    session = session_open(candidates, alice, [carol], columns=[UBV])
    for feature in (candidates.checkout, candidates.ledger, candidates.badge):
        services.vote_cast(session=session, voter=carol, feature_id=feature.pk, column=UBV, value=3)
    services.round_reveal(session=session, acting_user=alice)
    client.force_login(alice)
    page = client.get(f"/estimations/{session.pk}/").content.decode()
    assert "No feature has a 1 in UBV" in page


def test_closing_with_a_conflict_asks_the_popm_and_keeps_the_edit(client, candidates, alice, carol):
    from tests.estimation.conftest import session_open

    session = session_open(candidates, alice, [carol], columns=[UBV])
    services.vote_cast(session=session, voter=carol, feature_id=candidates.checkout.pk, column=UBV, value=2)
    services.round_reveal(session=session, acting_user=alice)
    services.acceptance_set(
        session=session, acting_user=alice, feature_id=candidates.checkout.pk, column=UBV, value=2
    )
    feature_update(
        feature=candidates.checkout, acting_user=alice, door=FeatureChange.Door.PAGE, user_business_value=20
    )
    client.force_login(alice)
    page = client.post(f"/estimations/{session.pk}/close/")
    assert page.status_code == 409 and 'data-testid="conflicts"' in page.content.decode()
    answer = client.post(f"/estimations/{session.pk}/close/", {f"decision-{candidates.checkout.pk}": "keep"})
    assert answer.status_code == 302
    assert Feature.objects.get(pk=candidates.checkout.pk).user_business_value == 20
    page = client.get(f"/estimations/{session.pk}/").content.decode()
    assert "kept as edited elsewhere" in page and "Round 1:" in page


@pytest.mark.parametrize("features", [3, 40])
def test_the_board_costs_the_same_queries_for_3_or_40_features(
    client, candidates, alice, carol, erin, features, django_assert_max_num_queries
):
    extra = [scored(candidates.art, f"Extra {i}", 3, 2, 1, 3).pk for i in range(features - 3)]
    session = services.session_create(
        art=candidates.art,
        acting_user=alice,
        name="Big",
        feature_ids=candidates.ids + extra,
        columns=[UBV],
        participant_ids=[alice.pk, carol.pk, erin.pk],
    )
    services.session_open(session=session, acting_user=alice)
    for pk in candidates.ids + extra:
        services.vote_cast(session=session, voter=carol, feature_id=pk, column=UBV, value=5)
    client.force_login(alice)
    with django_assert_max_num_queries(16):
        assert client.get(f"/estimations/{session.pk}/").status_code == 200
    services.round_reveal(session=session, acting_user=alice)
    with django_assert_max_num_queries(16):
        assert client.get(f"/estimations/{session.pk}/").status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get(f"/estimations/{session.pk}/progress/?stamp={UBV}-1-1").status_code == 200


def test_the_session_list_and_bias_pages_render(client, candidates, open_session, alice):
    client.force_login(alice)
    assert "PI 27.2 prep" in client.get(f"/arts/{candidates.art.pk}/estimations/").content.decode()
    assert client.get(f"/arts/{candidates.art.pk}/estimations/bias/").status_code == 200
