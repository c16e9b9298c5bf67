"""The estimation API: create, vote (hidden), reveal, re-vote, accept, next column, close."""

import pytest

from backlog.models import Feature, FeatureChange
from scoring.estimation import services
from scoring.estimation.models import EstimationSession, Vote

UBV = "user_business_value"


def vote(api, user, session, feature, value, column=UBV):
    return api(user).post(
        f"/api/estimations/{session.pk}/votes/",
        {"feature": feature.pk, "column": column, "value": value},
        format="json",
    )


def test_a_popm_creates_a_draft_session_with_columns_in_safe_order(api, candidates, alice, carol, erin):
    answer = api(alice).post(
        f"/api/arts/{candidates.art.pk}/estimations/",
        {
            "name": "PI 27.2 prep",
            "features": candidates.ids,
            "columns": ["job_size", UBV],
            "participants": [carol.pk, erin.pk],
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["state"] == "draft"
    assert body["columns"] == [UBV, "job_size"]
    assert [row["feature"] for row in body["features"]] == candidates.ids
    assert {person["name"] for person in body["participants"]} == {
        "Carol Jones (Head of Sales)",
        "Erin Wu (Architect)",
    }


@pytest.mark.parametrize(
    "change, field",
    [
        ({"columns": ["velocity"]}, "columns"),
        ({"features": [999999]}, "features"),
        ({"features": []}, "features"),
        ({"name": ""}, "name"),
        ({"participants": []}, "participants"),
    ],
)
def test_bad_input_to_create_names_the_field_and_makes_nothing(api, candidates, alice, carol, change, field):
    body = {"name": "S", "features": candidates.ids, "participants": [carol.pk], **change}
    answer = api(alice).post(f"/api/arts/{candidates.art.pk}/estimations/", body, format="json")
    assert answer.status_code == 400
    assert field in answer.json()
    assert not EstimationSession.objects.exists()


def test_a_popm_of_another_art_cannot_be_invited(api, candidates, alice, bob):
    answer = api(alice).post(
        f"/api/arts/{candidates.art.pk}/estimations/",
        {"name": "S", "features": candidates.ids, "participants": [bob.pk]},
        format="json",
    )
    assert answer.status_code == 400
    assert "cannot be invited" in answer.json()["participants"][0]


def test_a_feature_of_another_art_is_refused(api, candidates, alice, carol, sea_train):
    answer = api(alice).post(
        f"/api/arts/{candidates.art.pk}/estimations/",
        {"name": "S", "features": [sea_train.feature.pk], "participants": [carol.pk]},
        format="json",
    )
    assert answer.status_code == 400
    assert "features" in answer.json()


def test_before_the_reveal_a_participant_sees_who_voted_but_not_what(
    api, open_session, candidates, carol, erin
):
    assert vote(api, erin, open_session, candidates.checkout, 13).status_code == 200
    assert vote(api, carol, open_session, candidates.checkout, 2).status_code == 200
    answer = api(carol).get(f"/api/estimations/{open_session.pk}/")
    assert answer.status_code == 200
    row = answer.json()["features"][0]
    assert row["votes"] is None and row["median"] is None and row["suggestion"] is None
    assert sorted(row["voted_by"]) == sorted([carol.pk, erin.pk])
    assert row["my_vote"] == 2
    assert "13" not in answer.content.decode().replace(str(erin.pk), "")


def test_a_vote_can_change_until_the_reveal_and_is_stored_once(api, open_session, candidates, carol):
    vote(api, carol, open_session, candidates.checkout, 2)
    vote(api, carol, open_session, candidates.checkout, 5)
    assert list(Vote.objects.values_list("value", flat=True)) == [5]


def test_an_abstention_is_a_question_mark(api, open_session, candidates, carol):
    answer = vote(api, carol, open_session, candidates.checkout, "?")
    assert answer.status_code == 200 and answer.json()["value"] == "?"
    assert Vote.objects.get().value is None


@pytest.mark.parametrize("value", [4, 0, 21, -1, 2.5, "high", True, [5]])
def test_a_vote_off_the_scale_is_refused_naming_the_field(api, open_session, candidates, carol, value):
    answer = vote(api, carol, open_session, candidates.checkout, value)
    assert answer.status_code == 400
    assert "value" in answer.json()
    assert not Vote.objects.exists()


def test_a_vote_on_another_column_is_refused(api, open_session, candidates, carol):
    answer = vote(api, carol, open_session, candidates.checkout, 5, column="job_size")
    assert answer.status_code == 400
    assert "user_business_value" in answer.json()["column"][0]


def test_a_vote_after_the_reveal_is_refused_with_409(api, open_session, candidates, alice, carol):
    vote(api, carol, open_session, candidates.checkout, 5)
    assert api(alice).post(f"/api/estimations/{open_session.pk}/reveal/").status_code == 200
    answer = vote(api, carol, open_session, candidates.checkout, 8)
    assert answer.status_code == 409
    assert answer.json()["reason"] == "revealed"
    assert Vote.objects.get().value == 5


def test_after_the_reveal_everyone_sees_votes_median_spread_and_the_discuss_flag(
    api, open_session, candidates, alice, carol, erin
):
    vote(api, alice, open_session, candidates.checkout, 5)
    vote(api, carol, open_session, candidates.checkout, 2)
    vote(api, erin, open_session, candidates.checkout, 13)
    api(alice).post(f"/api/estimations/{open_session.pk}/reveal/")
    row = api(erin).get(f"/api/estimations/{open_session.pk}/").json()["features"][0]
    assert sorted(v["value"] for v in row["votes"]) == [2, 5, 13]
    assert row["median"] == "5.0" and row["spread"] == 4 and row["discuss"] is True and row["suggestion"] == 5


def test_a_revote_is_a_new_round_and_keeps_the_first_apart(api, open_session, candidates, alice, carol, erin):
    vote(api, carol, open_session, candidates.checkout, 2)
    vote(api, erin, open_session, candidates.checkout, 13)
    api(alice).post(f"/api/estimations/{open_session.pk}/reveal/")
    answer = api(alice).post(
        f"/api/estimations/{open_session.pk}/revote/", {"features": [candidates.checkout.pk]}, format="json"
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["current_round"] == 2 and body["revealed"] is False
    assert body["features"][0]["votes"] is None and body["features"][0]["in_current_round"] is True
    assert body["features"][1]["in_current_round"] is False
    assert vote(api, erin, open_session, candidates.ledger, 5).status_code == 400  # not in round 2
    vote(api, erin, open_session, candidates.checkout, 8)
    vote(api, carol, open_session, candidates.checkout, 5)
    api(alice).post(f"/api/estimations/{open_session.pk}/reveal/")
    row = api(carol).get(f"/api/estimations/{open_session.pk}/").json()["features"][0]
    assert [r["round"] for r in row["history"][UBV]] == [1, 2]
    assert sorted(v["value"] for v in row["history"][UBV][0]["votes"]) == [2, 13]
    assert sorted(v["value"] for v in row["votes"]) == [5, 8]
    assert row["suggestion"] == 8  # median 6.5: halfway between 5 and 8, the higher


def test_the_whole_flow_writes_accepted_values_once_with_the_session_as_source(
    api, open_session, candidates, alice, carol, erin
):
    session = open_session
    for column in ["user_business_value", "time_criticality", "risk_reduction", "job_size"]:
        for person, values in ((alice, (13, 3, 1)), (carol, (20, 5, 1)), (erin, (13, 5, 2))):
            for feature, value in zip([candidates.checkout, candidates.ledger, candidates.badge], values):
                assert vote(api, person, session, feature, value, column=column).status_code == 200
        assert api(alice).post(f"/api/estimations/{session.pk}/reveal/").status_code == 200
        for feature, value in ((candidates.checkout, 13), (candidates.ledger, 5), (candidates.badge, 1)):
            answer = api(alice).post(
                f"/api/estimations/{session.pk}/accept/",
                {"feature": feature.pk, "column": column, "value": value, "note": "agreed"},
                format="json",
            )
            assert answer.status_code == 200, answer.json()
        if column != "job_size":
            assert api(alice).post(f"/api/estimations/{session.pk}/next-column/").status_code == 200
    assert api(alice).post(f"/api/estimations/{session.pk}/next-column/").status_code == 409
    answer = api(alice).post(f"/api/estimations/{session.pk}/close/", {}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["state"] == "closed"
    checkout = Feature.objects.get(pk=candidates.checkout.pk)
    assert (
        checkout.user_business_value,
        checkout.time_criticality,
        checkout.risk_reduction,
        checkout.job_size,
    ) == (13, 13, 13, 13)
    change = FeatureChange.objects.filter(feature=checkout, door=FeatureChange.Door.SESSION).get()
    assert change.source.startswith("session 'PI 27.2 prep' by 3 people on ")
    assert api(alice).post(f"/api/estimations/{session.pk}/close/", {}, format="json").status_code == 409
    assert FeatureChange.objects.filter(door=FeatureChange.Door.SESSION).count() == 2  # badge already 1,1,1,1


def test_a_feature_edited_elsewhere_is_a_conflict_the_popm_decides(
    api, open_session, candidates, alice, carol
):
    vote(api, carol, open_session, candidates.checkout, 3)
    vote(api, carol, open_session, candidates.ledger, 3)
    api(alice).post(f"/api/estimations/{open_session.pk}/reveal/")
    for feature in (candidates.checkout, candidates.ledger):
        api(alice).post(
            f"/api/estimations/{open_session.pk}/accept/",
            {"feature": feature.pk, "column": UBV, "value": 3},
            format="json",
        )
    from backlog.services import feature_update

    feature_update(
        feature=candidates.checkout, acting_user=alice, door=FeatureChange.Door.PAGE, user_business_value=20
    )
    feature_update(
        feature=candidates.ledger, acting_user=alice, door=FeatureChange.Door.PAGE, title="Ledger v2"
    )
    answer = api(alice).post(f"/api/estimations/{open_session.pk}/close/", {}, format="json")
    assert answer.status_code == 409
    body = answer.json()
    assert body["reason"] == "close_conflicts"
    assert {c["feature"] for c in body["conflicts"]} == {candidates.checkout.pk, candidates.ledger.pk}
    assert Feature.objects.get(pk=candidates.checkout.pk).user_business_value == 20
    assert EstimationSession.objects.get().state == "open"
    decisions = {str(candidates.checkout.pk): "keep", str(candidates.ledger.pk): "overwrite"}
    answer = api(alice).post(
        f"/api/estimations/{open_session.pk}/close/", {"decisions": decisions}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    assert Feature.objects.get(pk=candidates.checkout.pk).user_business_value == 20
    assert Feature.objects.get(pk=candidates.ledger.pk).user_business_value == 3
    outcomes = {row["feature"]: row["outcome"] for row in answer.json()["features"]}
    assert outcomes == {
        candidates.checkout.pk: "kept",
        candidates.ledger.pk: "written",
        candidates.badge.pk: "nothing",
    }


def test_accepting_before_the_reveal_is_refused(api, open_session, candidates, alice):
    answer = api(alice).post(
        f"/api/estimations/{open_session.pk}/accept/",
        {"feature": candidates.checkout.pk, "column": UBV, "value": 5},
        format="json",
    )
    assert answer.status_code == 409


def test_revealing_twice_is_a_conflict(api, open_session, alice):
    assert api(alice).post(f"/api/estimations/{open_session.pk}/reveal/").status_code == 200
    assert api(alice).post(f"/api/estimations/{open_session.pk}/reveal/").status_code == 409


def test_closing_a_draft_or_opening_twice_is_refused(api, candidates, alice, carol):
    session = services.session_create(
        art=candidates.art,
        acting_user=alice,
        name="S",
        feature_ids=candidates.ids,
        columns=[UBV],
        participant_ids=[carol.pk],
    )
    assert api(alice).post(f"/api/estimations/{session.pk}/close/", {}, format="json").status_code == 409
    assert api(alice).post(f"/api/estimations/{session.pk}/open/").status_code == 200
    assert api(alice).post(f"/api/estimations/{session.pk}/open/").status_code == 409
