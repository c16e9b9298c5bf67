"""The stale-scores and fixed-dates pages: roles, accept and dismiss by POST, check now, no dead
links, and a fixed number of queries."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backlog.models import Feature, FeatureChange
from backlog.services import feature_update
from scoring.rescoring.models import StaleScore, TcProposal
from scoring.rescoring.services import art_rescoring_check
from tests.rescoring.conftest import TODAY
from tests.rescoring.test_api import add_features

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked(rail_dates, bob, carol, dave):
    art_rescoring_check(art_id=rail_dates.art.pk, today=TODAY)
    # Today is to the fixed dates what 2026-11-02 was.
    shift = timezone.localdate() - TODAY
    for feature in (rail_dates.ledger, rail_dates.fraud, rail_dates.badge):
        Feature.objects.filter(pk=feature.pk).update(fixed_date=feature.fixed_date + shift)
    return rail_dates


def signed_in(client, user):
    client.force_login(user)
    return client


def page(client, user, path):
    return signed_in(client, user).get(path)


def stale_path(train) -> str:
    return f"/arts/{train.art.pk}/stale-scores/"


def fixed_path(train) -> str:
    return f"/arts/{train.art.pk}/fixed-dates/"


def test_the_stale_list_groups_features_by_who_scored_them(client, alice, checked):
    html = page(client, alice, stale_path(checked)).content.decode()
    assert "Re-score before PI planning" in html
    assert "last scored before PI 26.4 started on 5 Oct 2026" in html
    groups = re.findall(r"Scored by (\w+) <span class=\"muted\">\((\d+)\)", html)
    assert groups == [("alice", "1"), ("erin", "1")]
    assert html.index("Checkout") < html.index("Fraud")
    assert "Check now" in html


@pytest.mark.parametrize("persona", ["carol", "bob"])
def test_stakeholders_and_other_popms_read_the_lists_without_buttons(client, request, checked, persona):
    user = request.getfixturevalue(persona)
    stale = page(client, user, stale_path(checked))
    fixed = page(client, user, fixed_path(checked))
    assert stale.status_code == fixed.status_code == 200
    assert "Check now" not in stale.content.decode()
    html = fixed.content.decode()
    assert "Ledger" in html and "A POPM of Rail accepts or dismisses this." in html
    assert "Accept 8" not in html


def test_someone_without_a_role_gets_404_and_anonymous_the_login(client, dave, checked):
    assert page(client, dave, stale_path(checked)).status_code == 404
    assert page(client, dave, fixed_path(checked)).status_code == 404
    client.logout()
    assert client.get(fixed_path(checked))["Location"].startswith("/login/")


def test_the_fixed_dates_page_shows_the_proposal_with_its_reason_and_the_late_date_red(
    client, alice, checked
):
    html = page(client, alice, fixed_path(checked)).content.decode()
    proposal = TcProposal.objects.get()
    assert proposal.reason in html
    assert f'action="/arts/{checked.art.pk}/tc-proposals/{proposal.pk}/accept/"' in html
    assert "Accept 8" in html and "Dismiss" in html
    assert re.search(r'<tr class="state-late">\s*<td data-label="Feature"><a [^>]+>Ledger</a>', html)
    assert "No estimate: popm cannot tell when it finishes." in html


def test_accepting_on_the_page_changes_the_feature_through_its_history(client, alice, checked):
    proposal = TcProposal.objects.get()
    version = Feature.objects.get(pk=checked.ledger.pk).version
    url = f"/arts/{checked.art.pk}/tc-proposals/{proposal.pk}/accept/"
    response = signed_in(client, alice).post(url, {"version": version}, follow=True)
    assert "Time Criticality of “Ledger” is now 8" in response.content.decode()
    change = FeatureChange.objects.filter(feature=checked.ledger).latest("changed_at")
    assert (change.door, change.changed_by, change.changes["time_criticality"]) == ("job", alice, [5, 8])


def test_accepting_a_feature_changed_since_the_page_showed_it_saves_nothing(client, alice, checked):
    proposal = TcProposal.objects.get()
    seen = Feature.objects.get(pk=checked.ledger.pk).version
    feature_update(feature=checked.ledger, acting_user=alice, door=FeatureChange.Door.PAGE, title="Ledger v2")
    url = f"/arts/{checked.art.pk}/tc-proposals/{proposal.pk}/accept/"
    response = signed_in(client, alice).post(url, {"version": seen}, follow=True)
    assert "changed since this page showed it; nothing was saved" in response.content.decode()
    assert Feature.objects.get(pk=checked.ledger.pk).time_criticality == 5


def test_dismissing_on_the_page_and_again_says_it_is_closed(client, alice, checked):
    proposal = TcProposal.objects.get()
    url = f"/arts/{checked.art.pk}/tc-proposals/{proposal.pk}/dismiss/"
    first = signed_in(client, alice).post(url, follow=True).content.decode()
    assert "keeps Time Criticality 5, and 8 will not be proposed for it again" in first
    again = client.post(url, follow=True).content.decode()
    assert "This proposal was already dismissed by alice" in again


@pytest.mark.parametrize(("persona", "status"), [("carol", 403), ("bob", 403), ("dave", 404)])
@pytest.mark.parametrize("action", ["accept", "dismiss"])
def test_only_a_popm_of_the_art_answers_a_proposal_on_the_page(
    client, request, checked, persona, status, action
):
    proposal = TcProposal.objects.get()
    user = request.getfixturevalue(persona)
    url = f"/arts/{checked.art.pk}/tc-proposals/{proposal.pk}/{action}/"
    assert signed_in(client, user).post(url).status_code == status
    assert TcProposal.objects.get().is_open


def test_check_now_runs_the_check_for_a_popm_only(client, alice, carol, rail_dates):
    url = f"/arts/{rail_dates.art.pk}/rescoring-check/"
    assert signed_in(client, carol).post(url).status_code == 403
    assert StaleScore.objects.count() == 0
    response = signed_in(client, alice).post(url, {"back": "fixed"})
    assert response["Location"] == fixed_path(rail_dates)
    assert StaleScore.objects.count() == 2
    assert TcProposal.objects.filter(feature=rail_dates.ledger, status="open").exists()


def test_every_link_on_the_stale_list_opens_a_page(client, alice, checked):
    html = page(client, alice, stale_path(checked)).content.decode()
    links = set(re.findall(r'href="(/[^"]*)"', html)) - {"/"}
    assert f"/arts/{checked.art.pk}/fixed-dates/" in links
    for link in links:
        if not link.startswith("/static/"):
            assert client.get(link, follow=True).status_code == 200, link


def test_the_backlog_links_to_the_stale_list(client, alice, checked):
    html = page(client, alice, f"/arts/{checked.art.pk}/backlog/").content.decode()
    assert f'href="/arts/{checked.art.pk}/stale-scores/"' in html


@pytest.mark.parametrize("path", [stale_path, fixed_path])
def test_a_page_costs_the_same_queries_for_few_rows_and_for_many(client, alice, checked, path):
    signed_in(client, alice)
    counts = []
    for count, offset in ((3, 0), (27, 3)):
        add_features(checked, count, offset)
        Feature.objects.filter(title__startswith="More").update(
            fixed_date=timezone.localdate() + timedelta(days=7)
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path(checked)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_long_list_of_fixed_dates_shows_the_first_rows_and_counts_the_rest(
    client, alice, checked, monkeypatch
):
    from scoring.rescoring import views

    monkeypatch.setattr(views, "FIXED_DATES_SHOWN", 2)
    html = page(client, alice, fixed_path(checked)).content.decode()
    assert 'Every fixed date <span class="muted">(3)</span>' in html
    assert "and 1 more, further down this order; the API lists them all." in html
    assert html.count('<tr class="state-') == 2
