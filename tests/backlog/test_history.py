"""Every door that changes a feature writes its history: who, when, which door, old -> new."""

import pytest
from django.urls import reverse

from backlog import services
from backlog.models import Feature, FeatureChange
from scoring.models import FeatureScore
from tests.factories import art_rank_now

pytestmark = pytest.mark.django_db


def history(feature: Feature) -> list[tuple[str, str, str | None, dict]]:
    rows = FeatureChange.objects.filter(feature=feature).order_by("changed_at", "pk")
    return [(c.action, c.door, c.changed_by.username if c.changed_by else None, c.changes) for c in rows]


def last_change(feature: Feature) -> tuple[str, str | None, dict]:
    action, door, who, changes = history(feature)[-1]
    return door, who, changes


@pytest.fixture
def checkout(rail):
    inputs = {"user_business_value": 5, "time_criticality": 3, "risk_reduction": 2, "job_size": 2}
    return services.feature_create(
        art=rail, acting_user=None, door="script", title="Checkout", status="backlog", **inputs
    )


def test_the_feature_page_records_who_changed_what(client, alice, checkout):
    client.force_login(alice)
    form = {
        "title": "Checkout",
        "kind": "business",
        "status": "backlog",
        "user_business_value": 5,
        "time_criticality": 8,
        "risk_reduction": 2,
        "job_size": 2,
        "version": checkout.version,
    }
    response = client.post(reverse("backlog:feature", args=[checkout.pk]), form)
    assert response.status_code == 302
    assert last_change(checkout) == (
        "page",
        "alice",
        {"time_criticality": [3, 8], "cost_of_delay": [10, 15], "wsjf": ["5.00", "7.50"]},
    )


def test_inline_scoring_records_the_inline_door(client, alice, checkout):
    client.force_login(alice)
    form = {field: getattr(checkout, field) for field in Feature.SCORE_INPUTS}
    form |= {f"seen_{field}": value for field, value in form.items()}
    form |= {"job_size": 5, "version": checkout.version}
    client.post(reverse("scoring:feature-score", args=[checkout.pk]), form, HTTP_HX_REQUEST="true")
    door, who, changes = last_change(checkout)
    assert (door, who) == ("inline", "alice")
    assert changes["job_size"] == [2, 5]
    assert changes["wsjf"] == ["5.00", "2.00"]


def test_the_api_records_estimate_status_and_pi_changes(api, alice, rail_train):
    feature = rail_train.feature
    body = {"estimate_points": "8.5", "status": "implementing", "pi": None, "version": feature.version}
    response = api(alice).patch(f"/api/features/{feature.pk}/", body, format="json")
    assert response.status_code == 200
    door, who, changes = last_change(feature)
    assert (door, who) == ("api", "alice")
    assert changes["status"] == ["backlog", "implementing"]
    assert changes["pi"] == [rail_train.pi.pk, None]
    assert changes["estimate_points"][1] == "8.5"


def test_admin_records_its_door(client, admin_user, checkout):
    client.force_login(admin_user)
    url = reverse("admin:backlog_feature_change", args=[checkout.pk])
    page = client.get(url)
    form = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    form |= {
        "art": checkout.art_id,
        "title": "Checkout",
        "kind": "business",
        "status": "analyzing",
        "edited_version": checkout.version,
        "requests-TOTAL_FORMS": "0",
        "requests-INITIAL_FORMS": "0",
    }
    form = {k: v for k, v in form.items() if k not in ("pi", "epic", "team", "fixed_date", "urgency_profile")}
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    door, who, changes = last_change(checkout)
    assert (door, who, changes["status"]) == ("admin", "root-admin", ["backlog", "analyzing"])


def test_creating_and_deleting_are_recorded_and_the_history_outlives_the_feature(rail, alice):
    feature = services.feature_create(art=rail, acting_user=alice, door="api", title="Gift cards", job_size=3)
    services.feature_delete(feature=feature, acting_user=alice, door="page")
    rows = FeatureChange.objects.filter(feature_title="Gift cards").order_by("pk")
    assert [(c.action, c.door, c.feature_id) for c in rows] == [
        ("created", "api", None),
        ("deleted", "page", None),
    ]
    assert rows[0].changes["job_size"] == [None, 3]


def test_an_unchanged_save_records_nothing(rail, alice, checkout):
    services.feature_update(feature=checkout, acting_user=alice, door="api", time_criticality=3)
    assert [(action, door) for action, door, _, _ in history(checkout)] == [("created", "script")]


def test_a_run_records_a_new_wsjf_even_when_the_rank_stays(rail, alice, checkout):
    art_rank_now(rail)
    services.feature_update(feature=checkout, acting_user=alice, door="api", time_criticality=8)
    run = art_rank_now(rail)
    (score,) = FeatureScore.objects.filter(run=run)
    assert (score.feature_id, score.rank, score.previous_rank, str(score.wsjf)) == (checkout.pk, 1, 1, "7.50")


def test_the_history_api_pages_through_changes_newest_first(api, alice, carol, checkout):
    for tc in (5, 8):
        services.feature_update(feature=checkout, acting_user=alice, door="page", time_criticality=tc)
    response = api(carol).get(f"/api/features/{checkout.pk}/history/")
    assert response.status_code == 200
    assert response.data["count"] == 3  # created, then the two changes
    newest = response.data["results"][0]
    assert newest["changed_by"] == "alice"
    assert newest["door"] == "page"
    assert newest["changes"]["time_criticality"] == {"from": 5, "to": 8}
    assert newest["summary"] == "Time Criticality 5 → 8 (CoD 12 → 15, WSJF 6.00 → 7.50)"


def test_the_history_of_a_feature_in_an_unseen_art_is_404(api, bob, dave, checkout):
    assert api(dave).get(f"/api/features/{checkout.pk}/history/").status_code == 404


def test_the_feature_page_shows_the_timeline(client, carol, alice, checkout):
    services.feature_update(feature=checkout, acting_user=alice, door="inline", time_criticality=8)
    client.force_login(carol)
    html = client.get(reverse("backlog:feature", args=[checkout.pk])).content.decode()
    assert "Time Criticality 3 → 8 (CoD 10 → 15, WSJF 5.00 → 7.50)" in html
    assert "via inline scoring" in html
