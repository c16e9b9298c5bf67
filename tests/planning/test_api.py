"""GET/PUT /api/pis/{id}/capacity/, /allocation/, GET /capacity-plan/, POST /capacity-plan/commit/."""

import pytest

from backlog.models import Feature
from scoring.models import ScoringRun
from scoring.planning.models import Allocation, PlanCommit, TeamCapacity
from tests.factories import FeatureFactory, ProgramIncrementFactory, TeamFactory, art_rank_now


def url(pi, tail: str) -> str:
    return f"/api/pis/{pi.pk}/{tail}"


@pytest.mark.django_db
def test_capacity_defaults_to_velocity_times_development_iterations(api, alice, plan_setup):
    response = api(alice).get(url(plan_setup["pi"], "capacity/"))
    assert response.status_code == 200
    assert response.json()["teams"] == [
        {
            "team": plan_setup["alpha"].pk,
            "name": "Alpha",
            "default_points": "40",
            "capacity_points": "40",
            "overridden": False,
            "note": "",
        },
        {
            "team": plan_setup["beta"].pk,
            "name": "Beta",
            "default_points": "60",
            "capacity_points": "60",
            "overridden": False,
            "note": "",
        },
    ]
    assert response.json()["total"] == "100"


@pytest.mark.django_db
def test_popm_overrides_a_teams_capacity_with_a_note_and_can_reset_it(api, alice, plan_setup):
    pi, alpha = plan_setup["pi"], plan_setup["alpha"]
    body = {"teams": [{"team": alpha.pk, "capacity_points": "32.5", "note": "Two weeks of holidays"}]}
    response = api(alice).put(url(pi, "capacity/"), body, format="json")
    assert response.status_code == 200
    assert response.json()["teams"][0] | {} == {
        "team": alpha.pk,
        "name": "Alpha",
        "default_points": "40",
        "capacity_points": "32.5",
        "overridden": True,
        "note": "Two weeks of holidays",
    }
    assert response.json()["total"] == "92.5"
    reset = {"teams": [{"team": alpha.pk, "capacity_points": None}]}
    assert api(alice).put(url(pi, "capacity/"), reset, format="json").json()["total"] == "100"
    assert not TeamCapacity.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"capacity_points": "-5"}, "capacity_points", "must be 0 or more"),
        ({"capacity_points": "abc"}, "capacity_points", "must be a number of story points"),
        ({}, "capacity_points", "Give capacity_points"),
        ({"capacity_points": "12.25"}, "capacity_points", "decimal place"),
    ],
)
def test_bad_capacity_is_refused_naming_the_field(api, alice, plan_setup, row, field, message):
    body = {"teams": [{"team": plan_setup["alpha"].pk, **row}]}
    response = api(alice).put(url(plan_setup["pi"], "capacity/"), body, format="json")
    assert response.status_code == 400
    assert message in str(response.json()["teams"]["0"][field])
    assert not TeamCapacity.objects.exists()


@pytest.mark.django_db
def test_unknown_team_is_refused_and_nothing_changes(api, alice, plan_setup, sea):
    foreign = TeamFactory(art=sea, name="Ferry")
    body = {
        "teams": [
            {"team": plan_setup["alpha"].pk, "capacity_points": "10"},
            {"team": foreign.pk, "capacity_points": "10"},
        ]
    }
    response = api(alice).put(url(plan_setup["pi"], "capacity/"), body, format="json")
    assert response.status_code == 400
    assert response.json()["teams"][0].startswith(
        f"teams[1].team: {foreign.pk} is not a team of this PI's ART"
    )
    assert not TeamCapacity.objects.exists()


@pytest.mark.django_db
def test_a_team_listed_twice_is_refused(api, alice, plan_setup):
    alpha = plan_setup["alpha"].pk
    body = {"teams": [{"team": alpha, "capacity_points": "10"}, {"team": alpha, "capacity_points": "20"}]}
    response = api(alice).put(url(plan_setup["pi"], "capacity/"), body, format="json")
    assert response.status_code == 400
    assert response.json() == {"teams": [f"teams[1].team: team {alpha} is listed twice."]}
    assert not TeamCapacity.objects.exists()


@pytest.mark.django_db
def test_allocation_defaults_to_70_20_10_and_a_popm_changes_it(api, alice, plan_setup):
    pi = plan_setup["pi"]
    assert api(alice).get(url(pi, "allocation/")).json() == {"business": 70, "enabler": 20, "exploration": 10}
    response = api(alice).put(url(pi, "allocation/"), {"business": 60, "enabler": 30, "exploration": 10})
    assert response.status_code == 200
    assert api(alice).get(url(pi, "allocation/")).json() == {"business": 60, "enabler": 30, "exploration": 10}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"business": 70, "enabler": 20, "exploration": 5},
            "shares",
            "must add up to 100; they add up to 95",
        ),
        ({"business": 70.5, "enabler": 19.5, "exploration": 10}, "business", "whole percent"),
        ({"business": 110, "enabler": -10, "exploration": 0}, "business", "whole percent from 0 to 100"),
        ({"business": 70, "enabler": 30}, "exploration", "whole percent"),
    ],
)
def test_bad_allocation_is_refused_naming_the_field(api, alice, plan_setup, body, field, message):
    response = api(alice).put(url(plan_setup["pi"], "allocation/"), body, format="json")
    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert not Allocation.objects.exists()


@pytest.mark.django_db
def test_plan_walks_each_kind_in_rank_order_with_a_strict_cut_line(api, carol, plan_setup):
    f = plan_setup
    response = api(carol).get(url(f["pi"], "capacity-plan/"))
    assert response.status_code == 200
    plan = response.json()
    assert (plan["pi"], plan["mode"], plan["capacity"]) == (f["pi"].pk, "strict", "100.00")
    business = plan["kinds"][0]
    # Budget 70: 30 + 25 = 55; Refunds (20) does not fit the 15 left and ends the walk.
    assert business | {"needs_score": [], "too_big": []} == {
        "kind": "business",
        "share": 70,
        "budget": "70.00",
        "committed_points": "55.00",
        "utilisation": "78.57",
        "committed": [f["ticketing"].pk, f["seat_map"].pk],
        "below_line": [f["refunds"].pk, f["wifi"].pk],
        "needs_estimate": [f["lounge"].pk],
        "needs_score": [],
        "too_big": [],
    }
    enabler = plan["kinds"][1]
    assert (enabler["budget"], enabler["committed"]) == ("20.00", [f["upgrade"].pk])
    assert plan["kinds"][2]["kind"] == "exploration"
    assert plan["at_risk"] == [f["wifi"].pk]


@pytest.mark.django_db
def test_fill_mode_commits_lower_ranked_features_that_still_fit(api, alice, plan_setup):
    f = plan_setup
    business = api(alice).get(url(f["pi"], "capacity-plan/?mode=fill")).json()["kinds"][0]
    assert business["committed"] == [f["ticketing"].pk, f["seat_map"].pk, f["wifi"].pk]
    assert business["below_line"] == [f["refunds"].pk]
    assert business["committed_points"] == "65.00"


@pytest.mark.django_db
def test_plan_warns_about_a_feature_bigger_than_its_kinds_budget_by_title(api, alice, plan_setup, rail):
    FeatureFactory(art=rail, title="Data lake", kind=Feature.Kind.ENABLER, estimate_points=25)
    art_rank_now(rail)
    warnings = api(alice).get(url(plan_setup["pi"], "capacity-plan/")).json()["warnings"]
    assert {
        "code": "too_big",
        "kind": "enabler",
        "message": "Enabler: Data lake is larger than the whole enabler budget (20 points); "
        "split or re-estimate, or change the allocation.",
        "features": [Feature.objects.get(title="Data lake").pk],
    } in warnings
    assert warnings[-1]["message"] == "70 of 100 points committed (70.00% of the ART's capacity)."


@pytest.mark.django_db
def test_unknown_mode_is_refused_naming_the_allowed_ones(api, alice, plan_setup):
    response = api(alice).get(url(plan_setup["pi"], "capacity-plan/?mode=greedy"))
    assert response.status_code == 400
    assert response.json() == {"mode": ['"greedy" is not allowed; use one of: strict, fill.']}


@pytest.mark.django_db
def test_features_of_another_pi_and_done_features_are_not_candidates(api, alice, plan_setup, rail):
    other_pi = ProgramIncrementFactory(art=rail, name="PI 27.1")
    elsewhere = FeatureFactory(art=rail, pi=other_pi, estimate_points=1)
    done = FeatureFactory(art=rail, status=Feature.Status.DONE, estimate_points=1)
    unscored = FeatureFactory(art=rail, user_business_value=None, estimate_points=1)
    plan = api(alice).get(url(plan_setup["pi"], "capacity-plan/")).json()
    listed = {
        fid
        for kind in plan["kinds"]
        for key in ("committed", "below_line", "needs_estimate")
        for fid in kind[key]
    }
    assert not listed & {elsewhere.pk, done.pk, unscored.pk}
    assert plan["kinds"][0]["needs_score"] == [unscored.pk]


@pytest.mark.django_db
def test_commit_assigns_committed_features_to_the_pi_and_records_it(api, alice, plan_setup):
    f = plan_setup
    response = api(alice).post(url(f["pi"], "capacity-plan/commit/"), {"mode": "strict"}, format="json")
    assert response.status_code == 201
    commit = response.json()
    assert commit["committed_by"] == "alice"
    assert commit["mode"] == "strict"
    assert commit["committed"] == [f["ticketing"].pk, f["seat_map"].pk, f["upgrade"].pk]
    assert commit["entered"] == commit["committed"]
    assert commit["assigned"] == sorted(commit["committed"])
    ticketing = Feature.objects.get(pk=f["ticketing"].pk)
    assert ticketing.pi_id == f["pi"].pk
    assert ticketing.version == 2  # through backlog.services.feature_update
    # Wi-Fi was in the PI and fell below the line: still in the PI, shown as at risk.
    assert Feature.objects.get(pk=f["wifi"].pk).pi_id == f["pi"].pk
    plan = api(alice).get(url(f["pi"], "capacity-plan/")).json()
    assert plan["at_risk"] == [f["wifi"].pk]
    assert plan["enters"] == []
    assert plan["last_commit"]["id"] == commit["id"]


@pytest.mark.django_db
def test_recommitting_after_changes_shows_what_enters_and_leaves(api, alice, plan_setup):
    f = plan_setup
    client = api(alice)
    client.post(url(f["pi"], "capacity-plan/commit/"), {"mode": "strict"}, format="json")
    # Seat map grows to 45: 30 + 45 > 70, so it leaves; in fill mode Refunds (20) and Wi-Fi
    # (10, already in the PI) fit the 40 points left after Ticketing.
    client.patch(
        f"/api/features/{f['seat_map'].pk}/",
        {"estimate_points": "45"},
        format="json",
        HTTP_IF_MATCH="*",  # the commit moved it into the PI (a new version) since it was read
    )
    preview = client.get(url(f["pi"], "capacity-plan/?mode=fill")).json()
    assert preview["leaves"] == [f["seat_map"].pk]
    assert preview["enters"] == [f["refunds"].pk]  # Wi-Fi is in the PI already
    commit = client.post(url(f["pi"], "capacity-plan/commit/"), {"mode": "fill"}, format="json").json()
    assert commit["left"] == [f["seat_map"].pk]
    assert commit["entered"] == [f["refunds"].pk, f["wifi"].pk]
    assert PlanCommit.objects.count() == 2
    assert Feature.objects.get(pk=f["refunds"].pk).pi_id == f["pi"].pk


# --- who may do what ----------------------------------------------------------------------

WRITES = [
    ("put", "capacity/", {"teams": []}),
    ("put", "allocation/", {"business": 60, "enabler": 30, "exploration": 10}),
    ("post", "capacity-plan/commit/", {"mode": "strict"}),
]
READS = ["capacity/", "allocation/", "capacity-plan/"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["alice", "carol", "bob", "admin_user"])
@pytest.mark.parametrize("tail", READS)
def test_anyone_who_can_see_the_art_reads_the_plan(api, plan_setup, request, persona, tail):
    assert api(request.getfixturevalue(persona)).get(url(plan_setup["pi"], tail)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("tail", READS)
def test_a_user_without_a_role_gets_404_and_anonymous_401(api, plan_setup, dave, tail):
    assert api(dave).get(url(plan_setup["pi"], tail)).status_code == 404
    assert api(None).get(url(plan_setup["pi"], tail)).status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "tail", "body"), WRITES)
@pytest.mark.parametrize(("persona", "status"), [("carol", 403), ("bob", 403), ("dave", 404)])
def test_only_a_popm_of_the_art_or_an_admin_writes(
    api, plan_setup, request, method, tail, body, persona, status
):
    client = api(request.getfixturevalue(persona))
    response = getattr(client, method)(url(plan_setup["pi"], tail), body, format="json")
    assert response.status_code == status
    assert getattr(api(None), method)(url(plan_setup["pi"], tail), body, format="json").status_code == 401
    assert not (Allocation.objects.exists() or PlanCommit.objects.exists() or TeamCapacity.objects.exists())


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "tail", "body"), WRITES)
def test_admin_writes_any_art(api, plan_setup, admin_user, method, tail, body):
    response = getattr(api(admin_user), method)(url(plan_setup["pi"], tail), body, format="json")
    assert response.status_code in (200, 201)


@pytest.mark.django_db
def test_read_only_user_gets_403_before_validation(api, plan_setup, carol):
    bad = {"business": 1, "enabler": 1, "exploration": 1}
    assert api(carol).put(url(plan_setup["pi"], "allocation/"), bad, format="json").status_code == 403


@pytest.mark.django_db
def test_a_kind_with_share_zero_commits_nothing(api, alice, plan_setup):
    client = api(alice)
    client.put(
        url(plan_setup["pi"], "allocation/"), {"business": 80, "enabler": 0, "exploration": 20}, format="json"
    )
    enabler = client.get(url(plan_setup["pi"], "capacity-plan/")).json()["kinds"][1]
    assert (enabler["budget"], enabler["committed"], enabler["below_line"]) == (
        "0.00",
        [],
        [plan_setup["upgrade"].pk],
    )
    assert enabler["utilisation"] == "0.00"


@pytest.mark.django_db
def test_pi_of_an_art_without_teams_has_zero_capacity(api, alice, rail):
    pi = ProgramIncrementFactory(art=rail)
    FeatureFactory(art=rail, estimate_points=1)
    art_rank_now(rail)
    plan = api(alice).get(url(pi, "capacity-plan/")).json()
    assert (plan["capacity"], plan["utilisation"]) == ("0.00", "0.00")
    assert all(kind["committed"] == [] for kind in plan["kinds"])
    assert api(alice).get(url(pi, "capacity/")).json() == {"pi": pi.pk, "teams": [], "total": "0"}


@pytest.mark.django_db
def test_plan_says_when_ranks_are_still_being_recomputed(api, alice, plan_setup):
    client = api(alice)
    assert client.get(url(plan_setup["pi"], "capacity-plan/")).json()["scores_current"] is True
    ScoringRun.objects.create(art=plan_setup["pi"].art, trigger="feature_change")  # queued, not run yet
    assert client.get(url(plan_setup["pi"], "capacity-plan/")).json()["scores_current"] is False


@pytest.mark.django_db
def test_database_refuses_shares_that_do_not_sum_to_100(plan_setup):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(pi=plan_setup["pi"], business=70, enabler=20, exploration=5)


@pytest.mark.django_db
def test_commit_with_a_stale_expected_plan_answers_409_and_commits_nothing(api, alice, rail):
    from scoring.planning.models import PlanCommit
    from tests.factories import FeatureFactory, ProgramIncrementFactory, TeamFactory, art_rank_now

    TeamFactory(art=rail, velocity=10)
    pi = ProgramIncrementFactory(art=rail)
    reviewed = FeatureFactory(art=rail, user_business_value=8, job_size=2, estimate_points=5)
    newcomer = FeatureFactory(art=rail, user_business_value=20, job_size=1, estimate_points=5)
    art_rank_now(rail)
    response = api(alice).post(
        f"/api/pis/{pi.pk}/capacity-plan/commit/",
        {"mode": "strict", "expected_committed": [reviewed.pk]},
        format="json",
    )
    assert response.status_code == 409
    assert response.data["entered"] == [newcomer.pk]
    assert not PlanCommit.objects.exists()
    ok = api(alice).post(
        f"/api/pis/{pi.pk}/capacity-plan/commit/",
        {"mode": "strict", "expected_committed": [newcomer.pk, reviewed.pk]},
        format="json",
    )
    assert ok.status_code == 201


def test_a_plan_commit_writes_each_entering_feature_history_through_the_plan_door(api, alice, plan_setup):
    from backlog.models import FeatureChange

    f = plan_setup
    api(alice).post(url(f["pi"], "capacity-plan/commit/"), {"mode": "strict"}, format="json")
    (change,) = FeatureChange.objects.filter(feature=f["ticketing"])
    assert (change.door, change.changed_by.username, change.source) == ("plan", "alice", "PI 26.4 plan")
    assert change.changes == {"pi": [None, f["pi"].pk]}
