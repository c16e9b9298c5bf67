"""The override ledger: pins with reasons, what they displace and cost, removal, roles."""

import pytest

from backlog.models import Feature
from scoring.tradeoffs.models import Override
from scoring.tradeoffs.selectors import active_pins
from tests.factories import scored


@pytest.fixture
def backlog(rail):
    # WSJF order: A (60), B (13), C (3).
    return scored(rail, "A", 20, 20, 20, 1), scored(rail, "B", 13, 13, 13, 3), scored(rail, "C", 5, 5, 5, 5)


def pin(client, art, **body):
    return client.post(f"/api/arts/{art.pk}/overrides/", body, format="json")


@pytest.mark.django_db
def test_popm_pins_a_feature_and_the_ledger_says_who_why_whom_and_cost(api, alice, rail, backlog):
    a, b, c = backlog
    response = pin(api(alice), rail, feature=c.pk, position=1, reason="CEO promised it to Acme")
    assert response.status_code == 201, response.data
    body = response.json()
    assert (body["wsjf_rank"], body["position"], body["active"]) == (3, 1, True)
    assert [d["title"] for d in body["displaced"]] == ["A", "B"]
    # WSJF: 60*1 + 39*4 + 15*9 = 351; pinned: 15*5 + 60*6 + 39*9 = 786.
    assert body["extra_delay_cost"] == "435.00"
    assert body["created_by"] == "alice"
    ledger = api(alice).get(f"/api/arts/{rail.pk}/overrides/").json()
    assert [entry["reason"] for entry in ledger["results"]] == ["CEO promised it to Acme"]


@pytest.mark.django_db
def test_pin_never_changes_the_four_inputs(api, alice, rail, backlog):
    _a, _b, c = backlog
    before = Feature.objects.filter(pk=c.pk).values(*Feature.SCORE_INPUTS, "version").get()
    pin(api(alice), rail, feature=c.pk, position=2, reason="Regulator deadline")
    assert Feature.objects.filter(pk=c.pk).values(*Feature.SCORE_INPUTS, "version").get() == before


@pytest.mark.django_db
def test_active_pins_feed_the_ranked_backlog_and_removal_restores_wsjf(api, alice, rail, backlog):
    _a, b, c = backlog
    created = pin(api(alice), rail, feature=c.pk, position=2, reason="Regulator deadline").json()
    pins = active_pins(art_id=rail.pk)
    assert list(pins) == [c.pk] and pins[c.pk].position == 2
    assert [d["title"] for d in created["displaced"]] == ["B"]
    assert api(alice).delete(f"/api/overrides/{created['id']}/").status_code == 204
    assert active_pins(art_id=rail.pk) == {}
    entry = api(alice).get(f"/api/arts/{rail.pk}/overrides/").json()["results"][0]
    assert (entry["active"], entry["removed_by"]) == (False, "alice")


@pytest.mark.django_db
def test_a_pin_needs_a_reason(api, alice, rail, backlog):
    _a, _b, c = backlog
    for body in ({"feature": c.pk}, {"feature": c.pk, "reason": "   "}):
        response = pin(api(alice), rail, **body)
        assert response.status_code == 400
        assert "A pin needs a reason" in str(response.json()["reason"])
    assert Override.objects.count() == 0


@pytest.mark.django_db
def test_a_pin_must_be_above_the_wsjf_rank(api, alice, rail, backlog):
    _a, b, _c = backlog
    response = pin(api(alice), rail, feature=b.pk, position=2, reason="why not")
    assert response.status_code == 400
    assert "'B' ranks 2 by WSJF; a pin must put it higher (position 1 to 1)" in response.json()["position"][0]


@pytest.mark.django_db
def test_the_top_feature_cannot_be_pinned(api, alice, rail, backlog):
    a, _b, _c = backlog
    response = pin(api(alice), rail, feature=a.pk, position=1, reason="why not")
    assert "nothing: it is already first" in response.json()["position"][0]


@pytest.mark.django_db
def test_one_active_pin_per_feature(api, alice, rail, backlog):
    _a, _b, c = backlog
    pin(api(alice), rail, feature=c.pk, position=1, reason="first")
    response = pin(api(alice), rail, feature=c.pk, position=2, reason="second")
    assert response.status_code == 400
    assert "already pinned" in response.json()["feature"][0]
    assert Override.objects.count() == 1


@pytest.mark.django_db
def test_features_of_other_arts_and_done_features_cannot_be_pinned(api, alice, rail, sea, backlog):
    foreign = scored(sea, "Harbour", 1, 1, 1, 1)
    done = scored(rail, "Shipped", 1, 1, 1, 13, status=Feature.Status.DONE)
    assert "another ART" in pin(api(alice), rail, feature=foreign.pk, reason="x").json()["feature"][0]
    assert "is done" in pin(api(alice), rail, feature=done.pk, reason="x").json()["feature"][0]
    assert "Unknown feature" in pin(api(alice), rail, feature=987654, reason="x").json()["feature"][0]


@pytest.mark.django_db
def test_only_a_popm_of_the_art_may_pin_or_unpin(api, alice, bob, carol, dave, admin_user, rail, backlog):
    _a, _b, c = backlog
    body = {"feature": c.pk, "reason": "because"}
    assert pin(api(carol), rail, **body).status_code == 403
    assert pin(api(bob), rail, **body).status_code == 403
    assert pin(api(dave), rail, **body).status_code == 404
    assert pin(api(None), rail, **body).status_code == 401
    assert Override.objects.count() == 0
    created = pin(api(admin_user), rail, **body).json()
    assert api(carol).delete(f"/api/overrides/{created['id']}/").status_code == 403
    assert api(dave).delete(f"/api/overrides/{created['id']}/").status_code == 404
    assert active_pins(art_id=rail.pk)
    assert api(carol).get(f"/api/arts/{rail.pk}/overrides/").status_code == 200


@pytest.mark.django_db
def test_ledger_page_lists_pins_and_lets_the_popm_pin_and_remove(client, alice, rail, backlog):
    _a, _b, c = backlog
    client.force_login(alice)
    response = client.post(
        f"/arts/{rail.pk}/overrides/", {"feature": c.pk, "position": 1, "reason": "Board decision 12 Nov"}
    )
    assert response.status_code == 302
    page = client.get(f"/arts/{rail.pk}/overrides/").content.decode()
    assert "Board decision 12 Nov" in page and "3 → 1" in page and "435" in page and "A, B" in page
    assert "Today the 1 active pin together costs 435 more" in page
    override = Override.objects.get()
    client.post(f"/arts/{rail.pk}/overrides/{override.pk}/remove/")
    assert "removed by alice" in client.get(f"/arts/{rail.pk}/overrides/").content.decode()


@pytest.mark.django_db
def test_ledger_page_without_reason_shows_the_message_and_pins_nothing(client, alice, rail, backlog):
    _a, _b, c = backlog
    client.force_login(alice)
    response = client.post(f"/arts/{rail.pk}/overrides/", {"feature": c.pk, "position": 1, "reason": ""})
    assert response.status_code == 200
    assert "A pin needs a reason" in response.content.decode()
    assert Override.objects.count() == 0


@pytest.mark.django_db
def test_stakeholder_reads_the_ledger_page_without_the_pin_form(client, carol, rail, backlog):
    client.force_login(carol)
    page = client.get(f"/arts/{rail.pk}/overrides/").content.decode()
    assert "Every override" in page and "Pin a feature" not in page
    assert client.post(f"/arts/{rail.pk}/overrides/", {"reason": "x"}).status_code == 403


@pytest.mark.django_db
def test_pins_effect_now_applies_every_active_pin_and_sums_their_cost(api, alice, rail, backlog):
    from scoring.tradeoffs.selectors import pins_effect_now

    a, b, c = backlog
    assert pins_effect_now(art_id=rail.pk) == {"order": [a.pk, b.pk, c.pk], "pins": 0, "extra_delay_cost": 0}
    pin(api(alice), rail, feature=c.pk, position=1, reason="CEO")
    now = pins_effect_now(art_id=rail.pk)
    assert now["order"] == [c.pk, a.pk, b.pk]
    assert (now["pins"], now["extra_delay_cost"]) == (1, 435)
