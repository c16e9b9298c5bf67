"""Stakeholders ask for things in popm; POPMs triage new ideas into the funnel."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from backlog import services
from backlog.models import Feature, FeatureChange, FeatureRequest, Stakeholder
from tests.factories import FeatureFactory, art_rank_now, scored

pytestmark = pytest.mark.django_db


@pytest.fixture
def carol_stakeholder(carol, rail) -> Stakeholder:
    return Stakeholder.objects.get(user=carol, art=rail)


def idea(
    stakeholder, title="Invoices in the customer's language", description="Our Swiss clients ask."
) -> FeatureRequest:
    return services.feature_idea_submit(
        stakeholder=stakeholder, acting_user=stakeholder.user, title=title, description=description
    )


# Services


def test_an_idea_waits_for_triage_without_a_feature(carol_stakeholder):
    request = idea(carol_stakeholder)
    assert (request.status, request.feature, request.title) == (
        "new",
        None,
        "Invoices in the customer's language",
    )


def test_an_idea_needs_a_title_and_says_so(carol_stakeholder):
    with pytest.raises(services.InputError) as error:
        idea(carol_stakeholder, title="   ")
    assert (error.value.field, error.value.message) == ("title", "Title is required.")
    assert not FeatureRequest.objects.exists()


def test_accepting_an_idea_makes_a_funnel_feature_recorded_as_made_on_the_page(carol_stakeholder, alice):
    request = idea(carol_stakeholder)
    accepted = services.feature_request_accept(
        feature_request=request, acting_user=alice, door=FeatureChange.Door.PAGE, kind="enabler"
    )
    feature = accepted.feature
    assert (feature.title, feature.status, feature.kind, feature.description) == (
        "Invoices in the customer's language",
        "funnel",
        "enabler",
        "Our Swiss clients ask.",
    )
    assert (accepted.status, accepted.triaged_by, accepted.triaged_at is not None) == (
        "accepted",
        alice,
        True,
    )
    change = FeatureChange.objects.get(feature=feature)
    assert (change.action, change.door, change.changed_by) == ("created", "page", alice)
    assert "Carol Jones" in change.source


def test_merging_an_idea_links_it_to_the_existing_feature(carol_stakeholder, alice, rail):
    feature = FeatureFactory(art=rail, title="Localised invoices")
    merged = services.feature_request_merge(
        feature_request=idea(carol_stakeholder), feature=feature, acting_user=alice, reason="Already planned."
    )
    assert (merged.status, merged.feature, merged.reason) == ("merged", feature, "Already planned.")
    assert Feature.objects.filter(art=rail).count() == 1


def test_an_idea_can_be_merged_into_a_feature_the_stakeholder_already_plus_oned(
    carol_stakeholder, alice, rail
):
    feature = FeatureFactory(art=rail)
    services.feature_plus_one(stakeholder=carol_stakeholder, feature=feature, acting_user=None, note="yes")
    merged = services.feature_request_merge(
        feature_request=idea(carol_stakeholder), feature=feature, acting_user=alice
    )
    assert merged.status == "merged"
    assert carol_stakeholder.requests.filter(feature=feature).count() == 2


def test_merging_into_another_arts_feature_is_refused(carol_stakeholder, alice, sea):
    with pytest.raises(services.InputError) as error:
        services.feature_request_merge(
            feature_request=idea(carol_stakeholder), feature=FeatureFactory(art=sea), acting_user=alice
        )
    assert error.value.field == "feature"


def test_declining_needs_a_reason(carol_stakeholder, alice):
    request = idea(carol_stakeholder)
    with pytest.raises(services.InputError) as error:
        services.feature_request_decline(feature_request=request, acting_user=alice, reason=" ")
    assert (error.value.field, error.value.message) == ("reason", "A reason is required.")
    declined = services.feature_request_decline(
        feature_request=request, acting_user=alice, reason="Out of scope."
    )
    assert (declined.status, declined.reason, declined.feature) == ("declined", "Out of scope.", None)


def test_a_request_is_triaged_once(carol_stakeholder, alice, rail):
    request = idea(carol_stakeholder)
    services.feature_request_decline(feature_request=request, acting_user=alice, reason="No.")
    with pytest.raises(services.AlreadyTriaged) as conflict:
        services.feature_request_accept(
            feature_request=request, acting_user=alice, door=FeatureChange.Door.PAGE
        )
    assert "already declined by alice" in str(conflict.value)
    assert not Feature.objects.filter(art=rail).exists()


def test_plus_one_once_per_feature_and_never_on_a_done_one(carol_stakeholder, rail):
    feature = FeatureFactory(art=rail, title="Wallets")
    services.feature_plus_one(stakeholder=carol_stakeholder, feature=feature, acting_user=None, note="Please")
    with pytest.raises(services.InputError, match="You already asked for “Wallets”"):
        services.feature_plus_one(stakeholder=carol_stakeholder, feature=feature, acting_user=None)
    done = FeatureFactory(art=rail, title="Old", status="done")
    with pytest.raises(services.InputError, match="already done"):
        services.feature_plus_one(stakeholder=carol_stakeholder, feature=done, acting_user=None)


def test_the_previous_visit_is_kept_through_reloads(carol_stakeholder):
    first = timezone.now() - timedelta(days=2)
    services.requests_visit_record(stakeholders=[carol_stakeholder], now=first)
    later = timezone.now()
    services.requests_visit_record(stakeholders=[carol_stakeholder], now=later)
    services.requests_visit_record(
        stakeholders=[carol_stakeholder], now=later + timedelta(minutes=5)
    )  # reload
    carol_stakeholder.refresh_from_db()
    assert (carol_stakeholder.requests_previous_seen_at, carol_stakeholder.requests_seen_at) == (first, later)


# Pages and who may use them


def test_a_stakeholder_sends_an_idea_and_sees_it_awaiting_triage(client, carol, rail):
    client.force_login(carol)
    url = reverse("backlog:request-new", args=[rail.pk])
    response = client.post(url, {"which": "idea", "idea-title": "Dark mode", "idea-description": "Eyes."})
    assert response.status_code == 302
    page = client.get(reverse("backlog:my-requests")).content.decode()
    assert "Dark mode" in page and "Awaiting triage" in page


def test_a_refused_idea_shows_its_error_beside_the_field_and_keeps_the_text(client, carol, rail):
    client.force_login(carol)
    url = reverse("backlog:request-new", args=[rail.pk])
    response = client.post(url, {"which": "idea", "idea-title": "", "idea-description": "Keep me"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required." in page and "Keep me" in page
    assert client.get(url).status_code == 200  # the same URL works on reload
    assert not FeatureRequest.objects.filter(status="new").exists()


def test_a_stakeholder_plus_ones_a_feature_from_the_page(client, carol, rail_train):
    client.force_login(carol)
    other = FeatureFactory(art=rail_train.art, title="Wallet payments")
    url = reverse("backlog:request-new", args=[rail_train.art.pk])
    assert (
        client.post(
            url, {"which": "plus", "plus-feature": other.pk, "plus-note": "Competitors have it"}
        ).status_code
        == 302
    )
    made = FeatureRequest.objects.get(feature=other)
    assert (made.status, made.note, made.stakeholder.user) == ("accepted", "Competitors have it", carol)


@pytest.mark.parametrize("persona", ["alice", "bob", "dave", "admin_user"])
def test_only_a_stakeholder_of_the_art_may_submit(client, request, rail, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("backlog:request-new", args=[rail.pk]), {"which": "idea", "idea-title": "X"}
    )
    assert response.status_code == 404
    assert not FeatureRequest.objects.exists()


def test_submitting_needs_a_sign_in(client, rail):
    response = client.get(reverse("backlog:request-new", args=[rail.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize(
    "persona,code", [("alice", 200), ("admin_user", 200), ("bob", 404), ("carol", 404), ("dave", 404)]
)
def test_only_popms_of_the_art_and_admins_see_the_triage_page(client, request, rail, persona, code):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("backlog:requests-triage", args=[rail.pk])).status_code == code


def test_a_popm_accepts_an_idea_from_the_triage_page(client, alice, carol_stakeholder, rail):
    request = idea(carol_stakeholder)
    client.force_login(alice)
    url = reverse("backlog:requests-triage", args=[rail.pk])
    response = client.post(
        url, {"request_id": request.pk, "action": "accept", "title": "Localised invoices", "kind": "business"}
    )
    assert response.status_code == 302 and response["Location"] == url
    request.refresh_from_db()
    assert (request.status, request.feature.title, request.feature.status) == (
        "accepted",
        "Localised invoices",
        "funnel",
    )
    page = client.get(url).content.decode()
    assert "Accepted as" in page and "No new idea is waiting" in page


def test_a_decline_without_reason_is_refused_beside_the_reason_at_the_same_url(
    client, alice, carol_stakeholder, rail
):
    request = idea(carol_stakeholder)
    client.force_login(alice)
    url = reverse("backlog:requests-triage", args=[rail.pk])
    response = client.post(url, {"request_id": request.pk, "action": "decline", "reason": ""})
    assert response.status_code == 400
    assert "A reason is required." in response.content.decode()
    request.refresh_from_db()
    assert request.status == "new"


def test_a_merge_without_feature_names_the_field(client, alice, carol_stakeholder, rail):
    request = idea(carol_stakeholder)
    client.force_login(alice)
    response = client.post(
        reverse("backlog:requests-triage", args=[rail.pk]), {"request_id": request.pk, "action": "merge"}
    )
    assert response.status_code == 400
    assert "Pick the feature this idea is the same as." in response.content.decode()


def test_a_popm_cannot_triage_another_arts_request(client, bob, sea, carol_stakeholder):
    request = idea(carol_stakeholder)
    client.force_login(bob)
    sea.popms.add(bob)
    response = client.post(
        reverse("backlog:requests-triage", args=[sea.pk]),
        {"request_id": request.pk, "action": "decline", "reason": "x"},
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == "new"


def test_my_requests_shows_rank_decline_reason_and_what_moved_since_the_last_visit(
    client, carol, carol_stakeholder, alice, rail
):
    top = scored(rail, "Top", 20, 20, 20, 1)
    asked = scored(rail, "Asked for", 8, 5, 3, 5)
    services.feature_plus_one(stakeholder=carol_stakeholder, feature=asked, acting_user=carol, note="Needed")
    services.feature_request_decline(
        feature_request=idea(carol_stakeholder, title="Fax ordering"),
        acting_user=alice,
        reason="Nobody faxes.",
    )
    art_rank_now(rail)
    client.force_login(carol)
    page = client.get(reverse("backlog:my-requests")).content.decode()
    assert "Ranked 2 of 2" in page
    assert "Nobody faxes." in page and "Declined" in page
    assert "Why did it move since the PI started?" in page  # first visit: no earlier one to count from
    Stakeholder.objects.filter(pk=carol_stakeholder.pk).update(
        requests_seen_at=timezone.now() - timedelta(days=1)
    )
    page = client.get(reverse("backlog:my-requests")).content.decode()
    assert "What moved it since your last visit?" in page and "since=" in page
    assert top.pk  # ranked above it


def test_my_requests_costs_a_fixed_number_of_queries(
    client, carol, carol_stakeholder, rail, django_assert_max_num_queries
):
    for index in range(12):
        services.feature_plus_one(
            stakeholder=carol_stakeholder, feature=FeatureFactory(art=rail), acting_user=carol
        )
        idea(carol_stakeholder, title=f"Idea {index}")
    client.force_login(carol)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("backlog:my-requests")).status_code == 200


def test_the_triage_page_costs_a_fixed_number_of_queries(
    client, alice, carol_stakeholder, rail, django_assert_max_num_queries
):
    FeatureFactory.create_batch(20, art=rail)
    for index in range(15):
        idea(carol_stakeholder, title=f"Idea {index}")
    client.force_login(alice)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("backlog:requests-triage", args=[rail.pk])).status_code == 200


def test_the_feature_page_offers_a_plus_one_to_its_arts_stakeholders_only(client, carol, alice, rail_train):
    url = reverse("backlog:feature", args=[rail_train.feature.pk])
    client.force_login(carol)
    assert "+1: I need this too" in client.get(url).content.decode()
    client.force_login(alice)
    assert "+1: I need this too" not in client.get(url).content.decode()


# API


def test_api_stakeholder_submits_an_idea_and_a_plus_one_and_lists_their_own(api, carol, rail_train):
    client = api(carol)
    url = f"/api/arts/{rail_train.art.pk}/requests/"
    made = client.post(url, {"title": "Dark mode", "description": "Eyes"}, format="json")
    assert made.status_code == 201, made.data
    assert (made.data["status"], made.data["feature"]) == ("new", None)
    other = FeatureFactory(art=rail_train.art)
    plus = client.post(url, {"feature": other.pk, "note": "Yes"}, format="json")
    assert plus.status_code == 201 and plus.data["status"] == "accepted"
    listed = client.get(url)
    assert listed.status_code == 200
    assert {row["title"] or row["feature_title"] for row in listed.data["results"]} == {
        "Dark mode",
        other.title,
    }
    assert client.get(url, {"status": "new"}).data["count"] == 1


def test_api_refusals_name_the_field(api, carol, rail_train, sea_train):
    client = api(carol)
    url = f"/api/arts/{rail_train.art.pk}/requests/"
    both = client.post(url, {"title": "X", "feature": rail_train.feature.pk}, format="json")
    assert both.status_code == 400 and "title" in both.data
    foreign = client.post(url, {"feature": sea_train.feature.pk}, format="json")
    assert foreign.status_code == 400 and "not an open feature of this ART" in foreign.data["feature"][0]
    long = client.post(url, {"title": "x" * 201}, format="json")
    assert long.status_code == 400 and "title" in long.data
    bad_status = client.get(url, {"status": "maybe"})
    assert bad_status.status_code == 400
    assert FeatureRequest.objects.filter(status="new").count() == 0


@pytest.mark.parametrize(
    "persona,get_code,post_code",
    [("alice", 200, 404), ("bob", 404, 404), ("dave", 404, 404), ("anonymous", 401, 401)],
)
def test_api_roles(client_of, rail_train, persona, get_code, post_code):
    client = client_of(persona)
    url = f"/api/arts/{rail_train.art.pk}/requests/"
    assert client.get(url).status_code == get_code
    assert client.post(url, {"title": "X"}, format="json").status_code == post_code
    assert not FeatureRequest.objects.filter(status="new").exists()


def test_api_requests_are_in_the_schema(api, admin_user):
    schema = api(admin_user).get("/api/schema/", {"format": "json"}).json()
    operations = schema["paths"]["/api/arts/{art_id}/requests/"]
    assert {"get", "post"} <= set(operations)
    assert "StakeholderAsk" in schema["components"]["schemas"]


def test_a_popm_merges_by_picking_a_suggestion_or_typing_an_id(client, alice, carol_stakeholder, rail, sea):
    target = FeatureFactory(art=rail, title="Localised invoices")
    first, second = idea(carol_stakeholder), idea(carol_stakeholder, title="Invoices in CHF")
    client.force_login(alice)
    url = reverse("backlog:requests-triage", args=[rail.pk])
    page = client.get(url).content.decode()
    assert f'<option value="{target.pk} · Localised invoices">' in page  # one list of suggestions
    assert page.count("<datalist") == 1
    client.post(
        url, {"request_id": first.pk, "action": "merge", "feature": f"{target.pk} · Localised invoices"}
    )
    client.post(url, {"request_id": second.pk, "action": "merge", "feature": str(target.pk)})
    assert set(FeatureRequest.objects.filter(status="merged").values_list("feature", flat=True)) == {
        target.pk
    }
    third = idea(carol_stakeholder, title="Other")
    foreign = FeatureFactory(art=sea)
    response = client.post(url, {"request_id": third.pk, "action": "merge", "feature": str(foreign.pk)})
    assert response.status_code == 400
    assert "is not an open feature of this ART" in response.content.decode()
