"""Marks on rows of the ranked backlog page: the selected PI's cut line per kind (planning's
plan), and pins with their reason (tradeoffs' ledger)."""

import pytest
from django.test import Client

from scoring.tradeoffs.services import override_create, override_remove
from tests.factories import FeatureFactory, ProgramIncrementFactory, TeamFactory, art_rank_now, scored

pytestmark = pytest.mark.django_db


def test_backlog_page_marks_the_last_feature_that_fits_each_kind(alice, rail):
    TeamFactory(art=rail, velocity=10)  # 4 development iterations: 40 points, business 28
    ProgramIncrementFactory(art=rail, name="PI 7")  # runs today
    FeatureFactory(art=rail, title="Fits", user_business_value=20, job_size=1, estimate_points=20)
    FeatureFactory(art=rail, title="Does not fit", user_business_value=8, job_size=2, estimate_points=20)
    art_rank_now(rail)
    client = Client()
    client.force_login(alice)
    html = client.get(f"/arts/{rail.pk}/backlog/").content.decode()  # current PI: PI 7
    row_of_fits = html[html.index(">Fits<") : html.index(">Does not fit<")]
    assert "Business cut line · PI 7" in row_of_fits
    assert html.count("cut line ·") == 1


def test_backlog_page_flags_features_one_step_from_the_cut_line_with_the_step_on_hover(alice, rail):
    TeamFactory(art=rail, velocity=10)  # business budget 28
    ProgramIncrementFactory(art=rail, name="PI <7>")  # the only PI: the current one
    scored(rail, "Safe", 20, 20, 20, 1, estimate_points=3)
    scored(rail, "Last in", 5, 3, 1, 5, estimate_points=20)  # 23 of 28
    scored(rail, "First out", 5, 2, 1, 5, estimate_points=8)  # 31
    art_rank_now(rail)
    client = Client()
    client.force_login(alice)
    html = client.get(f"/arts/{rail.pk}/backlog/").content.decode()
    assert html.count('class="mark mark-fragile"') == 2
    row_of_first_out = html[html.index(">First out<") :]
    assert (
        'title="One step from the cut line: User-Business Value 5 → 8 would commit it to PI &lt;7&gt;."'
        in row_of_first_out
    )
    assert (
        "One step from the cut line: User-Business Value 5 → 3 would put it below PI &lt;7&gt;&#x27;s" in html
    )
    assert "PI <7>'s" not in html


def test_the_ranked_backlog_shows_a_pin_with_its_reason(alice, carol, rail):
    FeatureFactory(art=rail, title="Top", user_business_value=20, job_size=1)
    low = FeatureFactory(art=rail, title="Low", user_business_value=1, job_size=13)
    art_rank_now(rail)
    pin = override_create(
        art=rail, feature_id=low.pk, position=1, reason="CEO promised it", acting_user=alice
    )
    client = Client()
    client.force_login(carol)
    html = client.get(f"/arts/{rail.pk}/backlog/").content.decode()
    assert "pinned to #1" in html and "CEO promised it" in html
    override_remove(override=pin, acting_user=alice)
    assert "pinned to #1" not in client.get(f"/arts/{rail.pk}/backlog/").content.decode()
