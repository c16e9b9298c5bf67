"""Why did it move? Hand-built cases: its own change, a new feature above it, a neighbour
re-scored, a tie-break, and the API and page that show them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backlog import services
from backlog.models import Feature, Stakeholder
from scoring.rank_changes import moment_parse, rank_change_explain
from tests.factories import art_rank_now

pytestmark = pytest.mark.django_db


def feature(art, title, ubv, tc, rr, size, **extra) -> Feature:
    inputs = {"user_business_value": ubv, "time_criticality": tc, "risk_reduction": rr, "job_size": size}
    return services.feature_create(
        art=art, acting_user=None, door="script", title=title, status="backlog", **inputs, **extra
    )


def change(feature: Feature, user, **fields) -> Feature:
    return services.feature_update(feature=feature, acting_user=user, door="page", **fields)


def explain(feature: Feature, since: int | str):
    feature.refresh_from_db()
    return rank_change_explain(feature=feature, moment=moment_parse(art_id=feature.art_id, since=str(since)))


@pytest.fixture
def three(rail):
    """CoD 18, 9, 6 over Job Size 3, 3, 5: WSJF 6.00, 3.00, 1.20, ranks 1, 2, 3 after the first run."""
    top = feature(rail, "Top", 8, 5, 5, 3)
    middle = feature(rail, "Middle", 5, 3, 1, 3)
    low = feature(rail, "Low", 3, 2, 1, 5)
    run = art_rank_now(rail)
    return top, middle, low, run


def test_its_own_input_change_explains_the_move_with_the_new_cod_and_wsjf(rail, alice, three):
    top, middle, low, run = three
    change(low, alice, time_criticality=20)  # CoD 6 -> 24, WSJF 1.20 -> 4.80: between Top and Middle
    art_rank_now(rail)
    result = explain(low, run.pk)
    assert (result.from_rank, result.to_rank, result.moved) == (3, 2, 1)
    assert [entry.summary for entry in result.own_changes] == [
        "Time Criticality 2 → 20 (CoD 6 → 24, WSJF 1.20 → 4.80)"
    ]
    assert [(m.title, m.from_rank, m.to_rank, m.reason) for m in result.fell_behind] == [
        ("Middle", 2, 3, "unchanged; this feature's own change moved it past")
    ]
    assert result.passed_by == []
    assert result.words.startswith(f"Moved up from #3 to #2 (since scoring run #{run.pk}")
    assert "Time Criticality 2 → 20 (CoD 6 → 24, WSJF 1.20 → 4.80) by alice on" in result.words


def test_a_new_feature_scored_above_it_passes_it(rail, alice, three):
    top, middle, low, run = three
    feature(rail, "Gift cards", 13, 8, 5, 2)  # WSJF 13.00
    art_rank_now(rail)
    result = explain(middle, run.pk)
    assert (result.from_rank, result.to_rank) == (2, 3)
    assert [(m.title, m.from_rank, m.to_rank, m.reason) for m in result.passed_by] == [
        ("Gift cards", None, 1, "new, scored above it")
    ]
    assert result.own_changes == []
    assert "1 feature passed it: “Gift cards” (new, scored above it)." in result.words


def test_a_neighbour_rescored_passes_it_and_the_reason_names_the_input(rail, alice, three):
    top, middle, low, run = three
    change(low, alice, user_business_value=20)  # CoD 23, WSJF 4.60: above Middle, below Top
    art_rank_now(rail)
    result = explain(middle, run.pk)
    assert (result.from_rank, result.to_rank) == (2, 3)
    assert [(m.title, m.reason) for m in result.passed_by] == [("Low", "User-Business Value 3 → 20")]
    assert result.fell_behind == []


def test_a_change_that_does_not_cross_it_did_not_matter(rail, alice, three):
    top, middle, low, run = three
    change(top, alice, risk_reduction=8)  # stays first
    art_rank_now(rail)
    result = explain(middle, run.pk)
    assert (result.from_rank, result.to_rank, result.passed_by, result.fell_behind) == (2, 2, [], [])
    assert result.unchanged_movers == ["Top"]
    assert result.words.startswith("Still ranked #2")
    assert "Changes to “Top” did not move it" in result.words


def test_a_tie_break_change_moves_it_without_a_wsjf_change(rail, alice, three):
    top, middle, low, run = three
    # Middle: CoD 9 / size 3 = 3.00. Low becomes CoD 15 / size 5 = 3.00: the same WSJF, higher CoD.
    change(low, alice, user_business_value=8, time_criticality=5, risk_reduction=2)
    art_rank_now(rail)
    result = explain(middle, run.pk)
    assert (result.from_rank, result.to_rank) == (2, 3)
    (passer,) = result.passed_by
    assert passer.title == "Low"
    assert passer.reason == (
        "User-Business Value 3 → 8, Time Criticality 2 → 5, RR|OE 1 → 2; "
        "same WSJF 3.00: the tie-break puts the one with higher Cost of Delay first"
    )


def test_a_done_feature_above_it_leaves_the_ranking(rail, alice, three):
    top, middle, low, run = three
    change(top, alice, status="done")
    art_rank_now(rail)
    result = explain(middle, run.pk)
    assert (result.from_rank, result.to_rank) == (2, 1)
    assert [(m.title, m.to_rank, m.reason) for m in result.fell_behind] == [
        ("Top", None, "left the ranking (done)")
    ]


def test_since_a_date_uses_the_ranks_of_the_last_run_finished_by_then(rail, alice, three):
    top, middle, low, run = three
    result = explain(low, "2000-01-01")
    assert (result.from_rank, result.to_rank) == (None, 3)
    assert result.words.startswith("Not ranked then; ranked #3 now (since 1 Jan 2000)")


def test_a_bad_since_is_refused_naming_since(api, carol, rail, three):
    top, *_ = three
    response = api(carol).get(f"/api/features/{top.pk}/rank-change/", {"since": "last tuesday"})
    assert response.status_code == 400
    assert response.data["since"][0].startswith('"last tuesday" is not a moment; give a scoring run id')
    response = api(carol).get(f"/api/features/{top.pk}/rank-change/", {"since": "999999"})
    assert response.status_code == 400
    assert response.data["since"][0].startswith("No finished scoring run 999999 in this ART")


def test_the_api_answers_from_and_to_rank_and_the_movers(api, carol, dave, rail, alice, three):
    top, middle, low, run = three
    change(low, alice, user_business_value=20)
    art_rank_now(rail)
    response = api(carol).get(f"/api/features/{middle.pk}/rank-change/", {"since": run.pk})
    assert response.status_code == 200
    body = response.data
    assert (body["from_rank"], body["to_rank"], body["moved"]) == (2, 3, -1)
    assert body["passed_by"] == [
        {"id": low.pk, "title": "Low", "from_rank": 3, "to_rank": 2, "reason": "User-Business Value 3 → 20"}
    ]
    assert body["fell_behind"] == [] and body["own_changes"] == []
    assert api(dave).get(f"/api/features/{middle.pk}/rank-change/").status_code == 404


def test_the_explanation_costs_the_same_queries_for_3_and_40_features(rail, alice, three):
    top, middle, low, run = three
    change(top, alice, risk_reduction=8)  # a change that does not cross Middle, as in every busy ART
    art_rank_now(rail)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            explain(middle, run.pk)
        return len(captured)

    few = queries()
    for n in range(37):
        feature(rail, f"More {n}", 1, 1, 1, 20)
    art_rank_now(rail)
    assert queries() == few


def test_the_page_explains_it_in_words(client, carol, rail, alice, three):
    top, middle, low, run = three
    change(low, alice, user_business_value=20)
    art_rank_now(rail)
    client.force_login(carol)
    url = reverse("scoring:feature-rank-change", args=[middle.pk])
    html = client.get(url, {"since": run.pk}).content.decode()
    assert "Moved down from #2 to #3" in html
    assert "User-Business Value 3 → 20" in html
    summary = client.get(url, {"since": run.pk, "partial": "summary"}).content.decode()
    assert summary.strip().startswith('<p class="rank-words">Moved down from #2 to #3')
    bad = client.get(url, {"since": "soon"})
    assert bad.status_code == 400
    assert "is not a moment" in bad.content.decode()


def test_backlog_rows_show_the_rank_change_since_the_chosen_moment(client, alice, rail, three):
    top, middle, low, run = three
    change(low, alice, user_business_value=20)
    art_rank_now(rail)
    client.force_login(alice)
    url = reverse("scoring:art-backlog", args=[rail.pk])
    client.get(url)  # a first visit, remembered
    html = client.get(url, {"since": "visit"}).content.decode()
    assert "rank-change" not in html  # nothing moved since that visit
    # No PI, so the moment is "since it was first ranked": nothing was ranked then.
    html = client.get(url).content.decode()
    assert 'class="rank-change' not in html
    assert "rank change since it was first ranked: nothing was ranked then" in html
    html = client.get(url, {"since": "visit"}).content.decode()  # the visit before: the same ranks
    assert 'class="rank-change' not in html
    assert 'class="rank-change' not in client.get(url, {"since": "off"}).content.decode()


def test_a_stakeholder_sees_why_their_request_moved(client, carol, rail_train):
    stakeholder = Stakeholder.objects.get(user=carol, art=rail_train.art)
    services.feature_request_create(stakeholder=stakeholder, feature=rail_train.feature, acting_user=None)
    client.force_login(carol)
    html = client.get(reverse("backlog:my-requests")).content.decode()
    url = reverse("scoring:feature-rank-change", args=[rail_train.feature.pk])
    assert f'hx-get="{url}?partial=summary"' in html
    assert client.get(url, {"partial": "summary"}).status_code == 200
