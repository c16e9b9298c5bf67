"""The ranked backlog page, its inline scoring and the value-vs-effort chart, as users see them."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backlog.models import Feature
from scoring.models import ScoringRun
from tests.factories import FeatureFactory, ProgramIncrementFactory, TeamFactory, art_rank_now

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def row_titles(html: str) -> list[str]:
    return re.findall(r'<a href="/features/\d+/">([^<]+)</a>', html)


def test_backlog_lists_features_in_rank_order_with_scores(alice, rail):
    FeatureFactory(art=rail, title="Small job", user_business_value=8, job_size=1)
    FeatureFactory(art=rail, title="Big job", user_business_value=8, job_size=13)
    FeatureFactory(art=rail, title="Unscored", job_size=None)
    art_rank_now(rail)
    html = signed_in(alice).get(f"/arts/{rail.pk}/backlog/").content.decode()
    assert row_titles(html) == ["Small job", "Big job", "Unscored"]
    assert "11.00" in html and "not scored" in html


def test_filters_live_in_the_url(alice, rail):
    team = TeamFactory(art=rail, name="Blue")
    FeatureFactory(art=rail, title="Blue enabler", kind="enabler", team=team)
    FeatureFactory(art=rail, title="Other business")
    client = signed_in(alice)
    assert row_titles(client.get(f"/arts/{rail.pk}/backlog/?kind=enabler").content.decode()) == [
        "Blue enabler"
    ]
    assert row_titles(client.get(f"/arts/{rail.pk}/backlog/?team={team.pk}").content.decode()) == [
        "Blue enabler"
    ]
    assert row_titles(client.get(f"/arts/{rail.pk}/backlog/?q=other").content.decode()) == ["Other business"]


def test_a_bad_filter_is_explained_and_ignored(alice, rail):
    FeatureFactory(art=rail, title="Kept")
    html = signed_in(alice).get(f"/arts/{rail.pk}/backlog/?kind=urgent").content.decode()
    assert "urgent is not one of the available choices" in html
    assert row_titles(html) == ["Kept"]


def test_a_column_without_a_one_is_flagged(alice, rail):
    FeatureFactory(art=rail, user_business_value=1, time_criticality=2, risk_reduction=1, job_size=1)
    html = signed_in(alice).get(f"/arts/{rail.pk}/backlog/").content.decode()
    assert "No feature in this view has Time Criticality 1" in html
    assert "User-Business Value 1" not in html


def test_stale_scores_and_missing_estimates_are_marked(alice, rail):
    from datetime import UTC, date, datetime

    ProgramIncrementFactory(art=rail, start_date=date(2026, 10, 5), end_date=date(2099, 1, 1))
    FeatureFactory(art=rail, title="Old", scored_at=datetime(2026, 1, 1, tzinfo=UTC), estimate_points=5)
    FeatureFactory(art=rail, title="No estimate", estimate_points=None)
    html = signed_in(alice).get(f"/arts/{rail.pk}/backlog/").content.decode()
    assert html.count("score stale") == 1
    assert html.count(">needs estimate<") == 1


def test_scoring_status_says_rescoring_while_a_run_is_pending(alice, rail):
    ScoringRun.objects.create(art=rail, trigger="feature_change")
    html = signed_in(alice).get(f"/arts/{rail.pk}/backlog/").content.decode()
    assert "Rescoring…" in html and 'hx-trigger="every 1s"' in html


def test_status_tells_the_page_to_reload_when_scores_are_current(alice, rail):
    response = signed_in(alice).get(f"/arts/{rail.pk}/backlog/status/")
    assert response["HX-Trigger"] == "scoring-done"


def test_inline_scoring_saves_and_shows_new_cod_and_wsjf(alice, rail):
    feature = FeatureFactory(art=rail)
    data = {
        "version": 1,
        "user_business_value": 13,
        "time_criticality": 2,
        "risk_reduction": 1,
        "job_size": 2,
    }
    response = signed_in(alice).post(f"/features/{feature.pk}/score/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert ">16<" in html and ">8.00<" in html
    feature.refresh_from_db()
    assert (feature.user_business_value, feature.version, feature.scored_by) == (13, 2, alice)


def test_inline_scoring_refuses_a_value_off_the_scale(alice, rail):
    feature = FeatureFactory(art=rail)
    data = {"version": 1, "user_business_value": 4, "time_criticality": 2, "risk_reduction": 1, "job_size": 3}
    html = signed_in(alice).post(f"/features/{feature.pk}/score/", data).content.decode()
    assert "4 is not on the scale 1, 2, 3, 5, 8, 13, 20" in html
    feature.refresh_from_db()
    assert (feature.user_business_value, feature.version) == (3, 1)


def test_a_stale_inline_edit_shows_the_other_change_and_overwrites_nothing(alice, rail):
    feature = FeatureFactory(art=rail, job_size=3)
    Feature.objects.filter(pk=feature.pk).update(job_size=8, version=2)
    seen = {
        "seen_user_business_value": 3,
        "seen_time_criticality": 2,
        "seen_risk_reduction": 1,
        "seen_job_size": 3,
    }
    data = {
        "version": 1,
        "user_business_value": 20,
        "time_criticality": 2,
        "risk_reduction": 1,
        "job_size": 3,
        **seen,
    }
    html = signed_in(alice).post(f"/features/{feature.pk}/score/", data).content.decode()
    assert "Not saved: someone else changed this feature while you were editing" in html
    # The saved value and the value tried, each named for what it is.
    assert "Job Size is now 8, saved meanwhile (it was 3)" in html
    assert "User-Business Value: you tried 20; it stays 3" in html
    assert "Dismiss" in html
    # The selects show the saved values again.
    assert f'<select id="s-{feature.pk}-job_size" name="job_size"' in html
    assert '<option value="8" selected>' in html
    feature.refresh_from_db()
    assert (feature.user_business_value, feature.job_size, feature.version) == (3, 8, 2)


def test_a_stale_inline_edit_of_the_same_input_names_the_saved_and_the_tried_value(alice, rail):
    feature = FeatureFactory(art=rail, job_size=3)
    Feature.objects.filter(pk=feature.pk).update(job_size=20, version=2)
    data = {"version": 1, "user_business_value": 3, "time_criticality": 2, "risk_reduction": 1, "job_size": 8}
    seen = {
        "seen_user_business_value": 3,
        "seen_time_criticality": 2,
        "seen_risk_reduction": 1,
        "seen_job_size": 3,
    }
    html = signed_in(alice).post(f"/features/{feature.pk}/score/", data | seen).content.decode()
    assert "Job Size: you tried 8; 20 was saved meanwhile (it was 3)" in html
    assert "was 8" not in html


def test_a_saved_inline_edit_leaves_the_selects_and_messages_alone(alice, rail):
    """A queued save may already carry a newer value: the answer swaps the numbers, the version
    and the seen values, never the selects, and never clears an earlier message."""
    feature = FeatureFactory(art=rail, job_size=3)
    data = {"version": 1, "user_business_value": 3, "time_criticality": 2, "risk_reduction": 1, "job_size": 1}
    html = signed_in(alice).post(f"/features/{feature.pk}/score/", data).content.decode()
    assert "<select" not in html and f'id="row-msgs-{feature.pk}"' not in html
    assert f'<span id="row-state-{feature.pk}" hidden hx-swap-oob="true">' in html
    assert '<input type="hidden" name="version" value="2"' in html
    assert '<input type="hidden" name="seen_job_size" value="1"' in html
    assert ">Saved<" in html


@pytest.mark.parametrize("persona", ["carol", "bob"])
def test_readers_see_no_selects_and_cannot_score(request, persona, rail):
    user = request.getfixturevalue(persona)
    feature = FeatureFactory(art=rail)
    client = signed_in(user)
    html = client.get(f"/arts/{rail.pk}/backlog/").content.decode()
    assert feature.title in html and 'name="job_size"' not in html
    response = client.post(f"/features/{feature.pk}/score/", {"version": 1, "job_size": 1})
    assert response.status_code == 403
    feature.refresh_from_db()
    assert feature.job_size == 3


def test_outsiders_get_404(dave, rail):
    feature = FeatureFactory(art=rail)
    client = signed_in(dave)
    assert client.get(f"/arts/{rail.pk}/backlog/").status_code == 404
    assert client.get(f"/arts/{rail.pk}/value-effort/").status_code == 404
    assert client.post(f"/features/{feature.pk}/score/", {"version": 1, "job_size": 1}).status_code == 404


def test_anonymous_is_sent_to_login(rail):
    response = Client().get(f"/arts/{rail.pk}/backlog/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_backlog_page_costs_the_same_queries_for_5_and_60_features(alice, rail):
    from scoring.tradeoffs.services import override_create

    TeamFactory(art=rail, velocity=10)
    ProgramIncrementFactory(art=rail)  # the current PI: its cut lines are drawn too

    def add(count: int) -> None:
        Feature.objects.bulk_create(
            [
                Feature(
                    art=rail,
                    title=f"F{i}",
                    user_business_value=2,
                    time_criticality=1,
                    risk_reduction=1,
                    job_size=3,
                    estimate_points=3,
                )
                for i in range(count)
            ]
        )
        art_rank_now(rail)

    add(5)
    override_create(
        art=rail, feature_id=Feature.objects.get(rank=5).pk, position=1, reason="Board", acting_user=alice
    )
    client = signed_in(alice)
    few = page_queries(client, f"/arts/{rail.pk}/backlog/")
    add(55)
    assert page_queries(client, f"/arts/{rail.pk}/backlog/") == few <= 25


def test_value_effort_chart_draws_a_dot_per_scored_feature(carol, rail):
    FeatureFactory(art=rail, title="Dot <one>")
    FeatureFactory(art=rail, title="Dot two", job_size=13)
    FeatureFactory(art=rail, title="No dot", job_size=None)
    art_rank_now(rail)
    html = signed_in(carol).get(f"/arts/{rail.pk}/value-effort/").content.decode()
    assert html.count("<circle") == 2
    assert "Dot &lt;one&gt;" in html and "<one>" not in html
