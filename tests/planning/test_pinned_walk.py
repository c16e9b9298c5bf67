"""The PI plan walks the ranked backlog with pins applied, so the override ledger's "displaced
N features and costs X" is what the plan does (docs/rules.md, "Pins")."""

import pytest

from tests.factories import art_rank_now

pytestmark = pytest.mark.django_db


def plan_of(client, pi, query=""):
    response = client.get(f"/api/pis/{pi.pk}/capacity-plan/{query}")
    assert response.status_code == 200
    return response.json()


def test_a_pinned_feature_is_walked_at_its_pinned_rank_and_displaces_what_the_ledger_says(
    api, alice, plan_setup, rail
):
    f = plan_setup
    # WSJF: Ticketing (22/1), Upgrade Postgres (22/1, enabler, younger), Seat map (22/2),
    # Refunds (22/3), Wi-Fi (22/5), Lounge (22/8). Business budget 70 of 100.
    before = plan_of(api(alice), f["pi"])["kinds"][0]
    assert before["committed"] == [f["ticketing"].pk, f["seat_map"].pk]
    response = api(alice).post(
        f"/api/arts/{rail.pk}/overrides/",
        {"feature": f["refunds"].pk, "position": 1, "reason": "Regulator deadline"},
        format="json",
    )
    assert response.status_code == 201
    ledger = response.json()
    assert ledger["wsjf_rank"] == 4
    assert [d["title"] for d in ledger["displaced"]] == ["Ticketing", "Upgrade Postgres", "Seat map"]
    # Every CoD is 22. WSJF finish times 1, 2, 4, 7, 12, 20: 22 x 46 = 1012; pinned (Refunds
    # first) 3, 4, 5, 7, 12, 20: 22 x 51 = 1122; the pin costs 110.
    assert ledger["extra_delay_cost"] == "110.00"
    art_rank_now(rail)
    business = plan_of(api(alice), f["pi"])["kinds"][0]
    # Refunds (20) first, then Ticketing (30): 50 of 70; Seat map (25) no longer fits.
    assert business["committed"] == [f["refunds"].pk, f["ticketing"].pk]
    assert business["below_line"] == [f["seat_map"].pk, f["wifi"].pk]
    assert business["committed_points"] == "50.00"
    assert business["needs_estimate"] == [f["lounge"].pk]
    # The enabler keeps its place in its own kind's walk.
    assert plan_of(api(alice), f["pi"])["kinds"][1]["committed"] == [f["upgrade"].pk]


def test_removing_the_pin_gives_the_wsjf_plan_back(api, alice, plan_setup, rail):
    f = plan_setup
    created = (
        api(alice)
        .post(
            f"/api/arts/{rail.pk}/overrides/",
            {"feature": f["refunds"].pk, "position": 1, "reason": "Regulator deadline"},
            format="json",
        )
        .json()
    )
    art_rank_now(rail)
    assert api(alice).delete(f"/api/overrides/{created['id']}/").status_code == 204
    art_rank_now(rail)
    business = plan_of(api(alice), f["pi"])["kinds"][0]
    assert business["committed"] == [f["ticketing"].pk, f["seat_map"].pk]
    assert business["below_line"] == [f["refunds"].pk, f["wifi"].pk]


def test_the_backlog_cut_line_follows_the_pinned_walk_and_a_pinned_kind_has_no_fragile_marks(
    api, alice, plan_setup, rail
):
    from scoring.planning.selectors import plan_lines

    f = plan_setup
    api(alice).post(
        f"/api/arts/{rail.pk}/overrides/",
        {"feature": f["refunds"].pk, "position": 1, "reason": "Regulator deadline"},
        format="json",
    )
    art_rank_now(rail)
    lines = plan_lines(pi=f["pi"])
    assert lines.last_committed["business"] == f["ticketing"].pk
    # The fragile rule orders a kind by WSJF, which the pin overrides: no marks in business.
    assert not any(change.kind == "business" for change in lines.fragile.values())
