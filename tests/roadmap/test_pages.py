"""The roadmap page, its share links, and "when will it ship?" fragments."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from backlog.models import Feature
from scoring.roadmap.models import RoadmapShareLink
from scoring.roadmap.services import roadmap_share_link_create
from scoring.share_tokens import share_token_new
from tests.factories import FeatureFactory, art_rank_now

pytestmark = pytest.mark.django_db


def roadmap_url(art, query=""):
    return f"/arts/{art.pk}/roadmap/{query}"


def column_titles(html: str) -> dict[str, list[str]]:
    """PI name -> titles of its cards, in order."""
    columns = {}
    for section in re.findall(r'<section class="rm-pi.*?</section>', html, re.S):
        name = re.search(r'<h2 id="pi-\d+">([^<]+)', section).group(1).strip()
        columns[name] = re.findall(r'class="rm-card-title">(?:<a [^>]+>)?([^<]+)', section)
    return columns


def test_the_roadmap_shows_each_pi_with_its_cards_in_rank_order(client, alice, rail, roadmap):
    client.force_login(alice)
    response = client.get(roadmap_url(rail))
    assert response.status_code == 200
    html = response.content.decode()
    assert column_titles(html) == {"PI Now": ["Ticketing"], "PI Next": ["Seat map", "Refunds", "Wi-Fi"]}
    assert "28 / 28" not in html and "20 / 28" in html  # business used / budget of PI Now
    assert "rm-mark-committed" in html and "Needs an estimate" in html and "Not scored yet" in html


def test_fill_mode_on_the_page(client, alice, rail, roadmap):
    client.force_login(alice)
    html = client.get(roadmap_url(rail, "?mode=fill")).content.decode()
    assert column_titles(html)["PI Now"] == ["Ticketing", "Refunds"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?kind=enabler", {"PI Now": [], "PI Next": []}),
        ("?team={team}", {"PI Now": ["Ticketing"], "PI Next": ["Seat map"]}),
        ("?epic={epic}", {"PI Now": ["Ticketing"], "PI Next": []}),
        ("?stakeholder={stakeholder}", {"PI Now": [], "PI Next": ["Refunds"]}),
    ],
)
def test_filters_narrow_the_cards_not_the_forecast(client, alice, carol, rail, roadmap, query, expected):
    client.force_login(alice)
    query = query.format(
        team=roadmap["team"].pk, epic=roadmap["epic"].pk, stakeholder=carol.stakeholder_roles.get().pk
    )
    assert column_titles(client.get(roadmap_url(rail, query)).content.decode()) == expected


def test_cards_can_be_grouped_by_epic(client, alice, rail, roadmap):
    client.force_login(alice)
    html = client.get(roadmap_url(rail, "?group=epic")).content.decode()
    assert '<h3 class="rm-epic">Ticketing epic</h3>' in html and '<h3 class="rm-epic">No epic</h3>' in html


def test_a_bad_filter_is_ignored_not_an_error(client, alice, rail, roadmap):
    client.force_login(alice)
    assert client.get(roadmap_url(rail, "?kind=nope&epic=abc&mode=greedy")).status_code == 200


@pytest.mark.parametrize(("persona", "status"), [("alice", 200), ("carol", 200), ("bob", 200), ("dave", 404)])
def test_who_may_see_the_roadmap(client, request, rail, roadmap, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(roadmap_url(rail)).status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(client, rail, roadmap):
    assert client.get(roadmap_url(rail)).status_code == 302


def test_the_page_costs_a_fixed_number_of_queries(
    client, alice, rail, roadmap, django_assert_max_num_queries
):
    client.force_login(alice)
    client.get(roadmap_url(rail))
    for index in range(30):
        FeatureFactory(art=rail, title=f"More {index}", estimate_points=1)
    art_rank_now(rail)
    with django_assert_max_num_queries(24):
        assert client.get(roadmap_url(rail, "?group=epic")).status_code == 200


def _link_from_message(response) -> str:
    return re.search(r"(/shared/roadmap/[^/\s]+/)", response.content.decode()).group(1)


def test_a_popm_shares_a_read_only_link_that_opens_without_an_account(client, alice, rail, roadmap):
    client.force_login(alice)
    response = client.post(f"/arts/{rail.pk}/roadmap/share/", {"days": 7, "mode": "fill"}, follow=True)
    path = _link_from_message(response)
    client.logout()
    shared = client.get(path)
    assert shared.status_code == 200
    html = shared.content.decode()
    assert column_titles(html)["PI Now"] == ["Ticketing", "Refunds"]  # the link's fill mode
    assert "/features/" not in html and "Asked for by" not in html and "Carol" not in html
    assert shared["X-Robots-Tag"] == "noindex, nofollow" and shared["Cache-Control"] == "private, no-store"


def test_only_popms_of_the_art_make_links(client, carol, bob, rail, roadmap):
    for user in (carol, bob):
        client.force_login(user)
        assert (
            client.post(f"/arts/{rail.pk}/roadmap/share/", {"days": 7, "mode": "strict"}).status_code == 403
        )
    assert not RoadmapShareLink.objects.exists()


def test_a_link_longer_than_90_days_is_refused_with_the_reason(client, alice, rail, roadmap):
    client.force_login(alice)
    response = client.post(f"/arts/{rail.pk}/roadmap/share/", {"days": 91, "mode": "strict"}, follow=True)
    assert "Days must be 1 to 90." in response.content.decode()
    assert not RoadmapShareLink.objects.exists()


def test_expired_and_revoked_links_are_gone(client, alice, rail, roadmap):
    link, token = roadmap_share_link_create(art=rail, acting_user=alice, mode="strict")
    RoadmapShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(f"/shared/roadmap/{token}/").status_code == 410
    link, token = roadmap_share_link_create(art=rail, acting_user=alice, mode="strict")
    client.force_login(alice)
    client.post(f"/arts/{rail.pk}/roadmap/links/{link.pk}/revoke/")
    client.logout()
    response = client.get(f"/shared/roadmap/{token}/")
    assert response.status_code == 410 and "was revoked" in response.content.decode()


def test_made_up_tokens_and_other_rooms_tokens_do_not_open_the_roadmap(client, rail, roadmap):
    assert client.get("/shared/roadmap/not-a-token/").status_code == 404
    trade_off_token, _ = share_token_new(salt="tradeoffs.share-link")
    assert client.get(f"/shared/roadmap/{trade_off_token}/").status_code == 404


def test_the_feature_forecast_says_which_pi_and_when(client, carol, roadmap):
    client.force_login(carol)
    html = client.get(f"/features/{roadmap['refunds'].pk}/forecast/").content.decode()
    assert "Forecast: PI Next, 2 to 4 months from now." in html
    html = client.get(f"/features/{roadmap['wifi'].pk}/forecast/").content.decode()
    assert "Committed: PI Next" in html
    html = client.get(f"/features/{roadmap['lounge'].pk}/forecast/").content.decode()
    assert "needs an estimate" in html


def test_the_feature_forecast_is_hidden_like_the_feature(client, dave, roadmap):
    client.force_login(dave)
    assert client.get(f"/features/{roadmap['refunds'].pk}/forecast/").status_code == 404


def test_my_requests_says_when_a_forecast_slipped_since_the_last_visit_and_why(client, carol, rail, roadmap):
    client.force_login(carol)
    refunds = roadmap["refunds"]
    first = client.get(f"/features/{refunds.pk}/forecast/?partial=request").content.decode()
    assert "since your last visit" not in first
    # A new, better-ranked feature takes Refunds' room in PI Next.
    FeatureFactory(art=rail, title="Gift cards", user_business_value=20, job_size=1, estimate_points=13)
    art_rank_now(rail)
    second = client.get(f"/features/{refunds.pk}/forecast/?partial=request").content.decode()
    assert "Moved from PI Next to PI Next + 1 since your last visit" in second
    assert "“Gift cards” went ahead of it in the ranking" in second
    third = client.get(f"/features/{refunds.pk}/forecast/?partial=request").content.decode()
    assert "since your last visit" not in third


def test_the_feature_page_and_my_requests_load_the_forecast(client, carol, roadmap):
    client.force_login(carol)
    fragment = f'hx-get="/features/{roadmap["refunds"].pk}/forecast/'
    assert fragment in client.get(f"/features/{roadmap['refunds'].pk}/").content.decode()
    assert fragment in client.get("/my-requests/").content.decode()


def test_the_backlog_has_a_forecast_pi_column(client, alice, rail, roadmap):
    client.force_login(alice)
    html = client.get(f"/arts/{rail.pk}/backlog/").content.decode()
    assert "Forecast PI" in html
    row = re.search(rf'<tr id="feature-{roadmap["refunds"].pk}".*?</tr>', html, re.S).group(0)
    assert "PI Next" in row


def test_done_features_have_no_forecast(client, alice, roadmap):
    Feature.objects.filter(pk=roadmap["refunds"].pk).update(status=Feature.Status.DONE)
    client.force_login(alice)
    assert "Done: no forecast" in client.get(f"/features/{roadmap['refunds'].pk}/forecast/").content.decode()


def whatif_url(art, query=""):
    return f"/arts/{art.pk}/roadmap/whatif/{query}"


def test_what_if_a_feature_moves_ahead_shows_who_changes_pi(client, carol, rail, roadmap):
    client.force_login(carol)  # a stakeholder may ask: nothing is saved
    query = f"?question=move&move={roadmap['refunds'].pk}&before={roadmap['ticketing'].pk}&mode=strict"
    html = client.get(whatif_url(rail, query)).content.decode()
    # Refunds (8) then Ticketing (20) fill 28 of PI Now; nothing else changes PI.
    assert "1 feature changes PI" in html
    row = re.search(r"<tbody>.*?</tbody>", html, re.S).group(0)
    assert "Refunds" in row and "PI Next" in row and "PI Now" in row and "▲ earlier" in row
    assert f"mode=move&amp;move={roadmap['refunds'].pk}&amp;before={roadmap['ticketing'].pk}" in html


def test_what_if_a_bigger_estimate_delays_a_feature(client, alice, rail, roadmap):
    client.force_login(alice)
    query = f"?question=estimate&move={roadmap['ticketing'].pk}&estimate=28&mode=strict"
    html = client.get(whatif_url(rail, query), HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<section id="whatif-answer"')  # htmx gets the answer alone
    assert "Seat map" not in html or "▼ later" in html
    assert "Ticketing" not in html  # it still fits PI Now alone


def test_what_if_a_pin_out_of_range_names_the_position(client, alice, rail, roadmap):
    client.force_login(alice)
    html = client.get(
        whatif_url(rail, f"?question=pin&move={roadmap['refunds'].pk}&position=99")
    ).content.decode()
    assert "position must be 1 to" in html


def test_what_if_a_move_without_a_target_says_what_is_missing(client, alice, rail, roadmap):
    client.force_login(alice)
    html = client.get(whatif_url(rail, f"?question=move&move={roadmap['refunds'].pk}")).content.decode()
    assert "Pick the feature it goes ahead of." in html


def test_what_if_is_hidden_like_the_roadmap(client, dave, rail, roadmap):
    client.force_login(dave)
    assert client.get(whatif_url(rail)).status_code == 404
