"""POST /api/arts/{id}/tradeoff/: what-if answers, bad input, roles."""

from datetime import date
from decimal import Decimal

import pytest

from backlog.models import Feature
from scoring.tradeoffs.models import SavedTradeoff
from tests.factories import FeatureFactory, ProgramIncrementFactory, TeamFactory, scored


@pytest.fixture
def two(rail):
    # "Checkout retry": CoD 20, size 1 (WSJF 20); "SSO for partners": CoD 15, size 5 (WSJF 3).
    retry = scored(rail, "Checkout retry", 13, 5, 2, 1)
    sso = scored(rail, "SSO for partners", 8, 5, 2, 5)
    return retry, sso


def tradeoff(client, art, body):
    return client.post(f"/api/arts/{art.pk}/tradeoff/", body, format="json")


@pytest.mark.django_db
def test_sequence_answer_has_the_documented_shape_in_decimal_strings(api, carol, rail, two):
    retry, sso = two
    response = tradeoff(api(carol), rail, {"sequence": [sso.pk, retry.pk]})
    assert response.status_code == 200, response.data
    body = response.json()
    assert body["unit"] == "cod-jobsize"
    assert body["wsjf_order"] == [retry.pk, sso.pk]
    assert body["proposed_order"] == [sso.pk, retry.pk]
    # WSJF: 20*1 + 15*6 = 110; proposed: 15*5 + 20*6 = 195.
    assert (body["wsjf_delay_cost"], body["proposed_delay_cost"], body["extra_delay_cost"]) == (
        "110",
        "195",
        "85",
    )
    by_id = {f["id"]: f for f in body["features"]}
    assert (by_id[retry.pk]["wsjf_finish"], by_id[retry.pk]["proposed_finish"], by_id[retry.pk]["delay"]) == (
        "1",
        "6",
        "5",
    )
    assert by_id[sso.pk]["delay"] == "-1"
    assert "costs 85 more" in body["summary"]
    assert SavedTradeoff.objects.count() == 0


@pytest.mark.django_db
def test_move_before_is_applied_to_the_ranked_backlog(api, alice, rail):
    a = scored(rail, "A", 20, 20, 20, 1)  # WSJF 60
    b = scored(rail, "B", 13, 13, 13, 3)  # 13
    c = scored(rail, "C", 5, 5, 5, 5)  # 3
    scored(rail, "Old", 20, 20, 20, 1, status=Feature.Status.DONE)
    response = tradeoff(api(alice), rail, {"move": c.pk, "before": a.pk})
    assert response.status_code == 200, response.data
    body = response.json()
    assert body["wsjf_order"] == [a.pk, b.pk, c.pk]
    assert body["proposed_order"] == [c.pk, a.pk, b.pk]
    # WSJF: 60*1 + 39*4 + 15*9 = 351; proposed: 15*5 + 60*6 + 39*9 = 786.
    assert body["extra_delay_cost"] == "435"
    assert body["summary"].startswith("Moving 'C' ahead of 'A' delays 2 features by 5 job-size units")


@pytest.mark.django_db
def test_money_unit_when_every_compared_feature_has_money_and_weeks(api, alice, rail):
    a = scored(rail, "A", 1, 1, 1, 1, cost_of_delay_per_week=Decimal("1000"), duration_weeks=Decimal("2"))
    b = scored(rail, "B", 20, 20, 20, 1, cost_of_delay_per_week=Decimal("300"), duration_weeks=Decimal("3"))
    body = tradeoff(api(alice), rail, {"sequence": [b.pk, a.pk]}).json()
    assert body["unit"] == "money"
    assert body["wsjf_order"] == [a.pk, b.pk]  # CD3 500 vs 100, whatever WSJF says
    # CD3 order: 1000*2 + 300*5 = 3500; proposed: 300*3 + 1000*5 = 5900.
    assert (body["wsjf_delay_cost"], body["extra_delay_cost"]) == ("3500", "2400")
    assert body["time_unit"] == "weeks"


@pytest.mark.django_db
def test_relative_unit_when_one_feature_lacks_money(api, alice, rail):
    a = scored(rail, "A", 1, 1, 1, 1, cost_of_delay_per_week=Decimal("1000"), duration_weeks=Decimal("2"))
    b = scored(rail, "B", 20, 20, 20, 1)
    assert tradeoff(api(alice), rail, {"sequence": [a.pk, b.pk]}).json()["unit"] == "cod-jobsize"


@pytest.mark.django_db
def test_delays_in_weeks_when_the_arts_throughput_is_known(api, alice, rail):
    TeamFactory(art=rail, velocity=15)
    TeamFactory(art=rail, velocity=5)  # 20 points per iteration
    small = scored(rail, "Small", 20, 20, 20, 1, estimate_points=Decimal("10"))
    big = scored(rail, "Big", 1, 1, 1, 13, estimate_points=Decimal("40"))
    body = tradeoff(api(alice), rail, {"sequence": [big.pk, small.pk]}).json()
    assert body["calendar"] == {"points_per_iteration": "20", "weeks_per_iteration": "2"}
    by_id = {f["id"]: f for f in body["features"]}
    # Small waits for Big's 40 points: 2 iterations, 4 weeks.
    assert (by_id[small.pk]["delay_iterations"], by_id[small.pk]["delay_weeks"]) == ("2", "4")
    # WSJF: Small 60 x 1 + Big 3 x 14 = 102; proposed: Big 3 x 13 + Small 60 x 14 = 879.
    assert body["summary"] == (
        "The proposed order delays 1 feature by about 4 weeks at the ART's throughput "
        "(13 job-size units) and costs 777 more CoD × job-size units than the WSJF order."
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"sequence": []}, "sequence", "Give at least one feature id"),
        ({"sequence": [999999]}, "sequence", "Unknown feature ids: 999999"),
        ({"sequence": "abc"}, "sequence", "Expected a list of feature ids"),
        ({"sequence": [1, "x"]}, "sequence", "Item 2 ('x') is not a feature id"),
        ({"sequence": [1, True]}, "sequence", "Item 2 (True) is not a feature id"),
        ({}, "non_field_errors", 'either "sequence" or "move"'),
        ({"move": 1}, "before", '"before" is required'),
        ({"sequence": [1], "unit": "euros"}, "unit", "use one of: cod-jobsize, money"),
    ],
)
def test_bad_questions_get_400_naming_the_problem(api, alice, rail, two, body, field, message):
    response = tradeoff(api(alice), rail, body)
    assert response.status_code == 400
    assert message in str(response.json()[field])


@pytest.mark.django_db
def test_duplicate_ids_are_refused(api, alice, rail, two):
    retry, sso = two
    response = tradeoff(api(alice), rail, {"sequence": [retry.pk, sso.pk, retry.pk]})
    assert response.status_code == 400
    assert f"repeated: {retry.pk}" in response.json()["sequence"][0]


@pytest.mark.django_db
def test_a_feature_of_another_art_is_refused(api, alice, rail, sea, two):
    retry, _sso = two
    foreign = scored(sea, "Harbour", 1, 1, 1, 1)
    response = tradeoff(api(alice), rail, {"sequence": [retry.pk, foreign.pk]})
    assert response.status_code == 400
    assert f"another ART cannot be compared in Rail: {foreign.pk}" in response.json()["sequence"][0]


@pytest.mark.django_db
def test_a_done_feature_is_refused(api, alice, rail, two):
    retry, _sso = two
    done = scored(rail, "Shipped", 1, 1, 1, 1, status=Feature.Status.DONE)
    response = tradeoff(api(alice), rail, {"sequence": [retry.pk, done.pk]})
    assert response.status_code == 400
    assert "Done features have left the backlog" in response.json()["sequence"][0]


@pytest.mark.django_db
def test_an_unscored_feature_is_refused_in_relative_units(api, alice, rail, two):
    retry, _sso = two
    raw = FeatureFactory(art=rail, title="Raw idea", job_size=None)
    response = tradeoff(api(alice), rail, {"sequence": [retry.pk, raw.pk]})
    assert response.status_code == 400
    assert "not scored" in response.json()["sequence"][0] and "Raw idea" in response.json()["sequence"][0]


@pytest.mark.django_db
def test_move_of_a_feature_of_another_art_is_refused(api, alice, rail, sea, two):
    retry, _sso = two
    foreign = scored(sea, "Harbour", 1, 1, 1, 1)
    response = tradeoff(api(alice), rail, {"move": foreign.pk, "before": retry.pk})
    assert response.status_code == 400
    assert "belongs to another ART" in response.json()["move"][0]


@pytest.mark.django_db
def test_move_before_itself_is_refused(api, alice, rail, two):
    retry, _sso = two
    response = tradeoff(api(alice), rail, {"move": retry.pk, "before": retry.pk})
    assert response.status_code == 400
    assert "two different features" in response.json()["before"][0]


@pytest.mark.django_db
def test_popm_of_another_art_may_ask_read_only(api, bob, rail, two):
    retry, sso = two
    assert tradeoff(api(bob), rail, {"sequence": [sso.pk, retry.pk]}).status_code == 200


@pytest.mark.django_db
def test_user_without_a_role_gets_404_and_anonymous_401(api, dave, rail, two):
    retry, sso = two
    assert tradeoff(api(dave), rail, {"sequence": [sso.pk, retry.pk]}).status_code == 404
    assert tradeoff(api(None), rail, {"sequence": [sso.pk, retry.pk]}).status_code == 401


@pytest.mark.django_db
def test_popm_saves_a_tradeoff_and_stakeholder_may_not(api, alice, carol, rail, two):
    retry, sso = two
    body = {"sequence": [sso.pk, retry.pk], "title": "Sales asks for SSO first"}
    assert api(carol).post(f"/api/arts/{rail.pk}/tradeoffs/", body, format="json").status_code == 403
    response = api(alice).post(f"/api/arts/{rail.pk}/tradeoffs/", body, format="json")
    assert response.status_code == 201, response.data
    saved_id = response.json()["id"]
    assert response.json()["result"]["extra_delay_cost"] == "85"
    read = api(carol).get(f"/api/tradeoffs/{saved_id}/")
    assert read.status_code == 200 and read.json()["title"] == "Sales asks for SSO first"
    listed = api(carol).get(f"/api/arts/{rail.pk}/tradeoffs/").json()
    assert [item["id"] for item in listed["results"]] == [saved_id]


@pytest.mark.django_db
def test_saving_a_bad_question_saves_nothing(api, alice, rail, two):
    response = api(alice).post(f"/api/arts/{rail.pk}/tradeoffs/", {"sequence": [424242]}, format="json")
    assert response.status_code == 400
    assert SavedTradeoff.objects.count() == 0


@pytest.mark.django_db
def test_weeks_follow_the_iteration_length_of_the_arts_pi(api, alice, rail):
    TeamFactory(art=rail, velocity=20)
    # 12 weeks in 4 iterations: 3-week iterations.
    ProgramIncrementFactory(art=rail, start_date=date(2026, 1, 5), end_date=date(2026, 3, 29), iterations=4)
    small = scored(rail, "Small", 20, 20, 20, 1, estimate_points=Decimal("10"))
    big = scored(rail, "Big", 1, 1, 1, 13, estimate_points=Decimal("40"))
    body = tradeoff(api(alice), rail, {"sequence": [big.pk, small.pk]}).json()
    assert body["calendar"] == {"points_per_iteration": "20", "weeks_per_iteration": "3"}
    by_id = {f["id"]: f for f in body["features"]}
    assert (by_id[small.pk]["delay_iterations"], by_id[small.pk]["delay_weeks"]) == ("2", "6")


@pytest.mark.django_db
def test_the_current_pi_sets_the_iteration_length_before_a_later_one(rail):
    from datetime import timedelta

    from django.utils import timezone

    from scoring.tradeoffs.selectors import art_weeks_per_iteration

    assert art_weeks_per_iteration(art_id=rail.pk) == 2
    today = timezone.localdate()
    current = today - timedelta(days=10)
    ProgramIncrementFactory(art=rail, start_date=current, end_date=current + timedelta(days=83), iterations=4)
    later = today + timedelta(days=100)
    ProgramIncrementFactory(art=rail, start_date=later, end_date=later + timedelta(days=69), iterations=5)
    assert art_weeks_per_iteration(art_id=rail.pk) == 3
