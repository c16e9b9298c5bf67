"""Epics ranked by their own WSJF, with their features; the backlog filtered and searched by epic."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from backlog.models import Epic
from backlog.selectors import epics_ranked
from scoring.selectors import backlog_page_features
from tests.factories import EpicFactory, FeatureFactory, ProgramIncrementFactory

pytestmark = pytest.mark.django_db


def epic(art, title, ubv=None, tc=None, rr=None, size=None, age_days=0) -> Epic:
    made = EpicFactory(
        art=art, title=title, user_business_value=ubv, time_criticality=tc, risk_reduction=rr, job_size=size
    )
    Epic.objects.filter(pk=made.pk).update(created_at=timezone.now() - timedelta(days=age_days))
    return made


def test_epics_rank_by_wsjf_then_cost_of_delay_then_job_size_then_age(rail):
    # Worked by hand: CoD = UBV + TC + RR|OE, WSJF = CoD / Job Size.
    epic(rail, "Small urgent", 3, 2, 1, 2)  # CoD 6, WSJF 3.00 -> 1
    epic(rail, "Mid", 5, 2, 1, 3)  # CoD 8, WSJF 2.67 -> 2
    epic(rail, "Big", 13, 8, 5, 13)  # CoD 26, WSJF 2.00: ties on WSJF, higher CoD first -> 3
    epic(rail, "Older twin", 8, 5, 3, 8, age_days=10)  # CoD 16, WSJF 2.00: same CoD and size, older -> 4
    epic(rail, "Newer twin", 8, 5, 3, 8, age_days=1)  # -> 5
    epic(rail, "Unscored", 8, 5, None, 8)  # no rank: listed last
    rows = epics_ranked(art_id=rail.pk)
    assert [(row.epic.title, row.rank, row.cost_of_delay, row.wsjf) for row in rows] == [
        ("Small urgent", 1, 6, Decimal("3.00")),
        ("Mid", 2, 8, Decimal("2.67")),
        ("Big", 3, 26, Decimal("2.00")),
        ("Older twin", 4, 16, Decimal("2.00")),
        ("Newer twin", 5, 16, Decimal("2.00")),
        ("Unscored", None, None, None),
    ]


def test_an_epic_adds_up_its_open_features_estimates_and_counts_the_planned(rail):
    payments = epic(rail, "Payments", 8, 5, 3, 8)
    pi = ProgramIncrementFactory(art=rail)
    FeatureFactory(art=rail, epic=payments, estimate_points=Decimal("8"), pi=pi)
    FeatureFactory(art=rail, epic=payments, estimate_points=Decimal("5.5"))
    FeatureFactory(art=rail, epic=payments, estimate_points=None)
    FeatureFactory(art=rail, epic=payments, estimate_points=Decimal("13"), status="done", pi=pi)
    FeatureFactory(art=rail, estimate_points=Decimal("40"))  # no epic
    (row,) = epics_ranked(art_id=rail.pk)
    assert (row.open_count, row.planned_count, row.done_count) == (3, 1, 1)
    assert (row.estimate_total, row.unestimated_count) == (Decimal("13.5"), 1)
    assert len(row.features) == 4


def test_the_epics_page_shows_the_ranking_to_readers_of_the_art_only(client, carol, dave, rail, sea):
    epic(rail, "Payments", 8, 5, 3, 8)
    epic(sea, "Hidden", 8, 5, 3, 8)
    client.force_login(carol)
    page = client.get(reverse("backlog:art-epics", args=[rail.pk])).content.decode()
    assert "Payments" in page and "#1" in page and "2.00" in page and "Hidden" not in page
    client.force_login(dave)
    assert client.get(reverse("backlog:art-epics", args=[rail.pk])).status_code == 404


def test_the_epics_page_costs_a_fixed_number_of_queries(client, alice, rail, django_assert_max_num_queries):
    pi = ProgramIncrementFactory(art=rail)
    for index in range(8):
        made = epic(rail, f"Epic {index}", 8, 5, 3, 8)
        FeatureFactory.create_batch(3, art=rail, epic=made, pi=pi)
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("backlog:art-epics", args=[rail.pk])).status_code == 200


def test_the_backlog_filters_by_epic_and_search_matches_the_epic_title(rail):
    checkout = epic(rail, "One-click checkout")
    other = epic(rail, "Platform health")
    FeatureFactory(art=rail, title="Saved cards", epic=checkout)
    FeatureFactory(art=rail, title="Upgrade Django", epic=other)
    by_epic = backlog_page_features(art_id=rail.pk, epic_id=checkout.pk)
    assert [row["title"] for row in by_epic] == ["Saved cards"]
    searched = backlog_page_features(art_id=rail.pk, search="one-click")
    assert [row["title"] for row in searched] == ["Saved cards"]


def test_the_backlog_page_has_an_epic_filter(client, alice, rail):
    checkout = epic(rail, "One-click checkout")
    FeatureFactory(art=rail, title="Saved cards", epic=checkout)
    FeatureFactory(art=rail, title="Upgrade Django")
    client.force_login(alice)
    page = client.get(reverse("scoring:art-backlog", args=[rail.pk]), {"epic": checkout.pk}).content.decode()
    assert 'name="epic"' in page and "Saved cards" in page and "Upgrade Django" not in page
    page = client.get(reverse("scoring:art-backlog", args=[rail.pk]), {"epic": "99999"}).content.decode()
    assert "epic" in page  # an unknown epic is a form error, not a 500


def test_a_big_epic_lists_its_first_features_by_rank_but_counts_them_all(rail):
    from backlog.selectors import EPIC_FEATURES_SHOWN

    big = epic(rail, "Big", 8, 5, 3, 8)
    FeatureFactory.create_batch(EPIC_FEATURES_SHOWN + 5, art=rail, epic=big, estimate_points=Decimal("2"))
    (row,) = epics_ranked(art_id=rail.pk)
    assert len(row.features) == EPIC_FEATURES_SHOWN
    assert (row.open_count, row.estimate_total) == (
        EPIC_FEATURES_SHOWN + 5,
        Decimal(2 * (EPIC_FEATURES_SHOWN + 5)),
    )
