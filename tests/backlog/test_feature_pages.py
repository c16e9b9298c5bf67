"""Backlog's pages as users see them: signing in and where each persona lands, the feature
page, edit and create forms, and a stakeholder's "my requests"."""

import pytest
from django.test import Client

from backlog.models import Feature, FeatureRequest, Stakeholder
from tests.factories import FeatureFactory, ProgramIncrementFactory, art_rank_now

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def edit_data(feature: Feature, **changes) -> dict:
    data = {
        "title": feature.title,
        "kind": feature.kind,
        "status": feature.status,
        "user_business_value": feature.user_business_value,
        "time_criticality": feature.time_criticality,
        "risk_reduction": feature.risk_reduction,
        "job_size": feature.job_size,
        "version": feature.version,
    }
    return {**data, **changes}


def test_popm_lands_on_their_arts_backlog(alice, rail):
    response = signed_in(alice).get("/", follow=True)
    assert response.redirect_chain[-1][0] == f"/arts/{rail.pk}/backlog/"


def test_stakeholder_lands_on_my_requests(carol):
    response = signed_in(carol).get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/my-requests/"


def test_wrong_password_says_so(alice):
    response = Client().post("/login/", {"username": "alice", "password": "nope"})
    assert "do not match" in response.content.decode()


def test_feature_page_explains_the_score_and_who_asked(carol, rail):
    feature = FeatureFactory(
        art=rail, title="SSO", user_business_value=13, time_criticality=2, risk_reduction=1, job_size=8
    )
    FeatureRequest.objects.create(
        stakeholder=Stakeholder.objects.get(user=carol), feature=feature, note="Two partners need it"
    )
    html = signed_in(carol).get(f"/features/{feature.pk}/").content.decode()
    assert "= Cost of Delay" in html and "Two partners need it" in html and "Carol Jones" in html
    assert "high value, low time criticality, little risk reduction, medium job" in html
    assert "Save changes" not in html


def test_popm_edits_a_feature(alice, rail):
    feature = FeatureFactory(art=rail)
    response = signed_in(alice).post(
        f"/features/{feature.pk}/", edit_data(feature, title="Renamed", job_size=1), follow=True
    )
    assert "Saved." in response.content.decode()
    feature.refresh_from_db()
    assert (feature.title, feature.job_size, feature.version, feature.cost_of_delay) == ("Renamed", 1, 2, 6)


def test_an_invalid_edit_names_the_field_and_saves_nothing(alice, rail):
    feature = FeatureFactory(art=rail)
    html = (
        signed_in(alice)
        .post(f"/features/{feature.pk}/", edit_data(feature, job_size=4, title=""))
        .content.decode()
    )
    assert "4 is not on the scale 1, 2, 3, 5, 8, 13, 20" in html
    assert "Give the feature a title" in html
    feature.refresh_from_db()
    assert (feature.job_size, feature.version) == (3, 1)


def test_a_pi_of_another_art_is_refused(alice, rail, sea):
    feature = FeatureFactory(art=rail)
    other_pi = ProgramIncrementFactory(art=sea)
    html = (
        signed_in(alice).post(f"/features/{feature.pk}/", edit_data(feature, pi=other_pi.pk)).content.decode()
    )
    assert "Pick a PI of this ART, or none." in html
    feature.refresh_from_db()
    assert feature.pi is None


def test_a_stale_edit_shows_the_other_change_and_overwrites_nothing(alice, rail):
    feature = FeatureFactory(art=rail, title="Mine")
    Feature.objects.filter(pk=feature.pk).update(title="Theirs", version=2)
    html = (
        signed_in(alice)
        .post(f"/features/{feature.pk}/", edit_data(feature, title="Mine again"))
        .content.decode()
    )
    assert "Someone else saved this feature meanwhile" in html
    assert "Mine again" in html and "Theirs" in html
    feature.refresh_from_db()
    assert (feature.title, feature.version) == ("Theirs", 2)


def test_popm_creates_a_feature(alice, rail):
    data = {
        "title": "New one",
        "kind": "enabler",
        "status": "funnel",
        "user_business_value": 5,
        "time_criticality": 1,
        "risk_reduction": 2,
        "job_size": 2,
        "estimate_points": "8",
    }
    response = signed_in(alice).post(f"/arts/{rail.pk}/features/new/", data, follow=True)
    assert "Created “New one”" in response.content.decode()
    feature = Feature.objects.get(title="New one")
    assert (feature.art, feature.wsjf, feature.scored_by) == (rail, 4, alice)


@pytest.mark.parametrize("persona", ["carol", "bob", "dave"])
def test_others_cannot_edit_or_create(request, persona, rail):
    user = request.getfixturevalue(persona)
    feature = FeatureFactory(art=rail)
    client = signed_in(user)
    expected = 404 if persona == "dave" else 403
    assert client.post(f"/features/{feature.pk}/", edit_data(feature, title="x")).status_code == expected
    assert (
        client.post(
            f"/arts/{rail.pk}/features/new/", {"title": "x", "kind": "business", "status": "funnel"}
        ).status_code
        == expected
    )
    feature.refresh_from_db()
    assert feature.title != "x" and not Feature.objects.filter(title="x").exists()


def test_my_requests_says_where_each_request_ranks_in_plain_words(carol, rail):
    asked = FeatureFactory(
        art=rail, title="Asked for", user_business_value=20, time_criticality=1, risk_reduction=1, job_size=13
    )
    FeatureFactory(art=rail, title="Above", user_business_value=20, job_size=1)
    FeatureRequest.objects.create(
        stakeholder=Stakeholder.objects.get(user=carol), feature=asked, note="We need it"
    )
    art_rank_now(rail)
    html = signed_in(carol).get("/my-requests/").content.decode()
    assert "Ranked 2 of 2" in html
    assert "high value, low time criticality, little risk reduction, large job" in html
    assert "We need it" in html and "Not planned into a PI yet" in html


def test_a_popm_listed_on_the_art_but_not_in_the_group_can_still_edit(rail, django_user_model):
    forgotten = django_user_model.objects.create_user("erin")
    rail.popms.add(forgotten)
    feature = FeatureFactory(art=rail)
    response = signed_in(forgotten).post(f"/features/{feature.pk}/", edit_data(feature, title="Edited"))
    assert response.status_code == 302
    feature.refresh_from_db()
    assert feature.title == "Edited"


def test_every_error_of_the_feature_form_shows_at_once_in_popms_words(alice, rail):
    """A blank title used to hide the estimate's error, and the estimate's own message never
    showed (the minimum was checked after the form, in Django's words)."""
    data = {"title": "", "kind": "business", "status": "funnel", "estimate_points": "0.2"}
    data |= {"job_size": "4", "duration_weeks": "0", "cost_of_delay_per_week": "-5", "fixed_date": "soon"}
    response = signed_in(alice).post(f"/arts/{rail.pk}/features/new/", data)
    html = response.content.decode()
    assert response.status_code == 200
    for words in (
        "Give the feature a title",
        "Estimate must be at least 0.5 story points.",
        "4 is not on the scale 1, 2, 3, 5, 8, 13, 20",
        "Duration must be at least 0.1 weeks.",
        "Cost of Delay per week cannot be negative.",
        "Fixed date must be a date, e.g. 2026-03-31.",
    ):
        assert html.count(words) == 2, words  # in the summary and under its field
    assert "Nothing was saved: 6 fields to fix." in html
    assert "Ensure this value" not in html and "This field is required" not in html
    assert 'aria-invalid="true" aria-describedby="id_estimate_points-error"' in html
    assert not Feature.objects.filter(art=rail).exists()


def test_an_edit_with_a_blank_title_and_a_too_small_estimate_names_both(alice, rail):
    feature = FeatureFactory(art=rail, title="Keep me")
    html = (
        signed_in(alice)
        .post(f"/features/{feature.pk}/", edit_data(feature, title="", estimate_points="0.4"))
        .content.decode()
    )
    assert "Give the feature a title" in html and "Estimate must be at least 0.5 story points." in html
    feature.refresh_from_db()
    assert (feature.title, feature.version) == ("Keep me", 1)


def test_too_many_decimals_in_the_estimate_say_so_in_popms_words(alice, rail):
    data = {"title": "Precise", "kind": "business", "status": "funnel", "estimate_points": "2.25"}
    html = signed_in(alice).post(f"/arts/{rail.pk}/features/new/", data).content.decode()
    assert "Estimate takes at most 1 decimal place(s), e.g. 5 or 2.5." in html
