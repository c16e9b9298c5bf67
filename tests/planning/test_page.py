"""The capacity allocation page: what POPMs and stakeholders see and may change."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backlog.models import Feature
from scoring.planning.models import Allocation, PlanCommit, TeamCapacity
from scoring.planning.selectors import plan_cut_lines
from tests.factories import FeatureFactory, ProgramIncrementFactory, TeamFactory, art_rank_now, scored


def page_url(pi, tail: str = "") -> str:
    return f"/arts/{pi.art_id}/pis/{pi.pk}/capacity/{tail}"


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.mark.django_db
def test_popm_sees_the_plan_with_cut_lines_and_editors(signed_in, alice, plan_setup):
    response = signed_in(alice).get(page_url(plan_setup["pi"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Budget vs planned" in html  # nothing committed yet
    assert html.count('class="cap-cutline"') == 3
    assert "Ticketing" in html and "Seat map" in html
    assert "Cut line · 15 pts left" in html  # business: 70 - 30 - 25
    assert "Needs estimate" in html and "Lounge" in html
    assert "at risk" in html  # Wi-Fi is in the PI and below the line
    assert "Save allocation" in html and "Save team capacities" in html and "Commit strict plan" in html
    assert response.context["art"] == plan_setup["pi"].art and response.context["nav"] == "capacity"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["carol", "bob"])
def test_stakeholders_and_other_art_popms_see_it_read_only(signed_in, plan_setup, request, persona):
    html = signed_in(request.getfixturevalue(persona)).get(page_url(plan_setup["pi"])).content.decode()
    assert "Read-only: only POPMs of Rail change this plan." in html
    assert "Save allocation" not in html and "Commit strict" not in html
    assert "Ticketing" in html


@pytest.mark.django_db
def test_a_user_without_a_role_gets_404_and_anonymous_goes_to_login(client, signed_in, plan_setup, dave):
    assert client.get(page_url(plan_setup["pi"])).status_code == 302
    assert signed_in(dave).get(page_url(plan_setup["pi"])).status_code == 404


@pytest.mark.django_db
def test_fill_switch_shows_the_fill_plan(signed_in, alice, plan_setup):
    html = signed_in(alice).get(page_url(plan_setup["pi"]) + "?mode=fill").content.decode()
    assert "Cut line · 5 pts left" in html  # 30 + 25 + 10 (Wi-Fi) = 65 of 70
    assert "Commit fill plan" in html


@pytest.mark.django_db
def test_plan_rows_one_step_from_the_cut_line_are_tagged_fragile_with_the_step(signed_in, alice, rail):
    TeamFactory(art=rail, velocity=10)  # business budget 28
    pi = ProgramIncrementFactory(art=rail, name="PI 7")
    scored(rail, "Last in", 5, 3, 1, 5, estimate_points=20)
    scored(rail, "First out", 5, 2, 1, 5, estimate_points=9)  # 29
    scored(rail, "Far below", 1, 1, 1, 20, estimate_points=5)
    art_rank_now(rail)
    client = signed_in(alice)
    html = client.get(page_url(pi)).content.decode()
    assert html.count('class="cap-tag fragile"') == 2
    assert 'title="One step from the cut line: User-Business Value 5 → 8 would commit it to PI 7."' in html
    # The fill plan's rows are not the strict plan's: no tags there.
    assert "cap-tag fragile" not in client.get(page_url(pi) + "?mode=fill").content.decode()


@pytest.mark.django_db
def test_page_costs_the_same_queries_whatever_the_backlog_size(signed_in, alice, plan_setup, rail):
    client = signed_in(alice)
    client.get(page_url(plan_setup["pi"]))
    with CaptureQueriesContext(connection) as small:
        client.get(page_url(plan_setup["pi"]))
    FeatureFactory.create_batch(60, art=rail, estimate_points=3)
    FeatureFactory.create_batch(20, art=rail, estimate_points=None, kind=Feature.Kind.ENABLER)
    art_rank_now(rail)
    with CaptureQueriesContext(connection) as large:
        response = client.get(page_url(plan_setup["pi"]))
    assert response.status_code == 200
    assert len(large) == len(small)
    assert "more below the line" in response.content.decode()


@pytest.mark.django_db
def test_capacity_link_opens_the_next_pi_to_plan_not_the_running_one(signed_in, alice, rail):
    today = timezone.localdate()
    ProgramIncrementFactory(
        art=rail, name="Past", start_date=today - timedelta(days=200), end_date=today - timedelta(days=130)
    )
    upcoming = ProgramIncrementFactory(
        art=rail, name="Next", start_date=today + timedelta(days=10), end_date=today + timedelta(days=80)
    )
    client = signed_in(alice)
    assert client.get(f"/arts/{rail.pk}/capacity/").url == page_url(upcoming)
    running = ProgramIncrementFactory(
        art=rail, name="Now", start_date=today - timedelta(days=5), end_date=today + timedelta(days=5)
    )
    assert client.get(f"/arts/{rail.pk}/capacity/").url == page_url(upcoming)
    upcoming.delete()  # nothing later scheduled: the running PI, so the page still shows a plan
    assert client.get(f"/arts/{rail.pk}/capacity/").url == page_url(running)


@pytest.mark.django_db
def test_capacity_link_of_an_art_without_pis_says_so(signed_in, alice, rail):
    response = signed_in(alice).get(f"/arts/{rail.pk}/capacity/")
    assert response.status_code == 200
    assert "has no Program Increment yet" in response.content.decode()


@pytest.mark.django_db
def test_allocation_not_summing_to_100_is_refused_with_a_message(signed_in, alice, plan_setup):
    body = {"business": 70, "enabler": 20, "exploration": 5}
    response = signed_in(alice).post(page_url(plan_setup["pi"], "allocation/"), body)
    assert response.status_code == 400
    assert "must add up to 100; they add up to 95." in response.content.decode()
    assert not Allocation.objects.exists()


@pytest.mark.django_db
def test_popm_saves_an_allocation(signed_in, alice, plan_setup):
    body = {"business": 60, "enabler": 30, "exploration": 10}
    response = signed_in(alice).post(page_url(plan_setup["pi"], "allocation/"), body, follow=True)
    assert "Allocation of PI 26.4 set to 60/30/10." in response.content.decode()
    assert Allocation.objects.get().shares() == body


@pytest.mark.django_db
def test_popm_overrides_a_team_capacity_and_resets_it_to_the_default(signed_in, alice, plan_setup):
    alpha, beta = plan_setup["alpha"], plan_setup["beta"]
    client = signed_in(alice)
    body = {
        f"capacity_{alpha.pk}": "30",
        f"note_{alpha.pk}": "Holidays",
        f"capacity_{beta.pk}": "60",
        f"note_{beta.pk}": "",
    }
    client.post(page_url(plan_setup["pi"], "teams/"), body)
    assert list(TeamCapacity.objects.values_list("team__name", "capacity_points", "note")) == [
        ("Alpha", 30, "Holidays")
    ]
    client.post(
        page_url(plan_setup["pi"], "teams/"), body | {f"capacity_{alpha.pk}": "40", f"note_{alpha.pk}": ""}
    )
    assert not TeamCapacity.objects.exists()


@pytest.mark.django_db
def test_negative_team_capacity_is_refused(signed_in, alice, plan_setup):
    alpha, beta = plan_setup["alpha"], plan_setup["beta"]
    body = {f"capacity_{alpha.pk}": "-1", f"capacity_{beta.pk}": "60"}
    response = signed_in(alice).post(page_url(plan_setup["pi"], "teams/"), body)
    assert response.status_code == 400
    assert "Capacity must be 0 or more story points." in response.content.decode()
    assert not TeamCapacity.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("tail", ["allocation/", "teams/", "commit/"])
def test_read_only_users_cannot_post(signed_in, carol, plan_setup, tail):
    response = signed_in(carol).post(page_url(plan_setup["pi"], tail), {"mode": "strict"})
    assert response.status_code == 403
    assert not PlanCommit.objects.exists() and not Allocation.objects.exists()


@pytest.mark.django_db
def test_popm_commits_the_plan_from_the_page(signed_in, alice, plan_setup):
    response = signed_in(alice).post(page_url(plan_setup["pi"], "commit/"), {"mode": "strict"}, follow=True)
    assert "Plan committed (strict): 3 features committed, 3 moved into PI 26.4, 0 left the plan." in (
        response.content.decode()
    )
    assert Feature.objects.get(pk=plan_setup["ticketing"].pk).pi_id == plan_setup["pi"].pk


@pytest.mark.django_db
def test_cut_lines_for_the_backlog_page_name_the_last_committed_feature_per_kind(plan_setup):
    f = plan_setup
    assert plan_cut_lines(pi=f["pi"]) == {
        "business": f["seat_map"].pk,
        "enabler": f["upgrade"].pk,
        "exploration": None,
    }


@pytest.mark.django_db
def test_page_of_a_pi_without_teams_shows_zero_capacity(signed_in, alice, rail):
    pi = ProgramIncrementFactory(art=rail)
    response = signed_in(alice).get(page_url(pi))
    assert response.status_code == 200
    assert "Rail has no teams yet, so its capacity is 0." in response.content.decode()


@pytest.mark.django_db
def test_cut_lines_cost_four_queries_and_follow_the_mode(plan_setup, django_assert_num_queries):
    f = plan_setup
    with django_assert_num_queries(4):
        fill = plan_cut_lines(pi=f["pi"], mode="fill")
    assert fill["business"] == f["wifi"].pk


@pytest.mark.django_db
def test_a_pi_of_another_art_is_not_found_under_this_art(signed_in, alice, plan_setup, sea):
    other = ProgramIncrementFactory(art=sea)
    assert (
        signed_in(alice).get(f"/arts/{plan_setup['pi'].art_id}/pis/{other.pk}/capacity/").status_code == 404
    )


@pytest.mark.django_db
def test_admin_lists_capacities_allocations_and_commits_read_only(signed_in, admin_user, alice, plan_setup):
    from scoring.planning.services import plan_commit

    plan_commit(pi=plan_setup["pi"], mode="strict", acting_user=alice)
    client = signed_in(admin_user)
    for model in ("teamcapacity", "allocation", "plancommit"):
        assert client.get(f"/admin/planning/{model}/").status_code == 200
    commit = PlanCommit.objects.get()
    assert client.get(f"/admin/planning/plancommit/{commit.pk}/change/").status_code == 200
    assert client.get("/admin/planning/plancommit/add/").status_code == 403


@pytest.mark.django_db
def test_a_commit_of_a_plan_that_changed_since_the_page_loaded_commits_nothing(alice, rail):
    from django.test import Client

    from tests.factories import TeamFactory

    TeamFactory(art=rail, velocity=10)
    pi = ProgramIncrementFactory(art=rail)
    seen = FeatureFactory(art=rail, title="Seen", user_business_value=8, job_size=2, estimate_points=5)
    art_rank_now(rail)
    client = Client()
    client.force_login(alice)
    page = client.get(f"/arts/{rail.pk}/pis/{pi.pk}/capacity/").content.decode()
    assert f'name="expected_committed" value="{seen.pk}"' in page
    newcomer = FeatureFactory(
        art=rail, title="Newcomer", user_business_value=20, job_size=1, estimate_points=5
    )
    art_rank_now(rail)
    response = client.post(
        f"/arts/{rail.pk}/pis/{pi.pk}/capacity/commit/",
        {"mode": "strict", "expected_committed": str(seen.pk)},
        follow=True,
    )
    assert "The plan changed since you looked at it (1 feature(s) now committed" in response.content.decode()
    assert not PlanCommit.objects.exists()
    assert Feature.objects.filter(pk__in=[seen.pk, newcomer.pk], pi=pi).count() == 0
