"""Teams, PIs, epics, stakeholders and requests are written by backlog.services at every door,
with the model's own rules: the same refusal over the API, in admin and from a script."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from backlog import services
from backlog.models import Epic, FeatureRequest, ProgramIncrement, Team
from tests.factories import FeatureFactory

pytestmark = pytest.mark.django_db


def test_a_pi_that_ends_before_it_starts_is_refused_on_end_date(rail_train, alice):
    with pytest.raises(ValidationError) as refused:
        services.pi_create(
            art=rail_train.art,
            acting_user=alice,
            name="27.1",
            start_date=date(2027, 1, 4),
            end_date=date(2027, 1, 1),
        )
    assert refused.value.message_dict == {"end_date": ["end_date must be after start_date."]}
    assert not ProgramIncrement.objects.filter(name="27.1").exists()


def test_a_team_name_taken_in_the_art_is_refused_on_name(rail_train, admin_user):
    with pytest.raises(ValidationError) as refused:
        services.team_create(art=rail_train.art, acting_user=admin_user, name="Rail team", velocity=10)
    assert refused.value.message_dict == {"name": ['Rail already has a team with name "Rail team".']}
    assert Team.objects.filter(art=rail_train.art).count() == 1


def test_an_epic_never_moves_to_another_art(rail_train, sea_train, alice):
    with pytest.raises(ValidationError) as refused:
        services.epic_update(epic=rail_train.epic, acting_user=alice, art=sea_train.art)
    assert refused.value.message_dict == {"art": ["This epic cannot move to another ART."]}
    assert Epic.objects.get(pk=rail_train.epic.pk).art_id == rail_train.art.pk


def test_a_stakeholder_asks_for_a_feature_once_and_only_in_their_art(rail_train, sea_train, admin_user):
    with pytest.raises(ValidationError) as twice:
        services.feature_request_create(
            stakeholder=rail_train.stakeholder, feature=rail_train.feature, acting_user=admin_user
        )
    assert twice.value.message_dict == {"feature": ["Rail stakeholder already asked for “Rail feature”."]}
    with pytest.raises(ValidationError) as elsewhere:
        services.feature_request_create(
            stakeholder=rail_train.stakeholder, feature=sea_train.feature, acting_user=admin_user
        )
    assert elsewhere.value.message_dict == {
        "feature": ["A stakeholder can only ask for features of their own ART."]
    }
    assert FeatureRequest.objects.filter(stakeholder=rail_train.stakeholder).count() == 1


def test_an_admin_inline_pi_with_impossible_dates_shows_the_error_and_saves_nothing(
    client, admin_user, rail_train
):
    client.force_login(admin_user)
    url = reverse("admin:backlog_art_change", args=[rail_train.art.pk])
    form = {
        "name": "Rail",
        "description": "",
        "teams-TOTAL_FORMS": "0",
        "teams-INITIAL_FORMS": "0",
        "pis-TOTAL_FORMS": "1",
        "pis-INITIAL_FORMS": "0",
        "pis-0-name": "27.1",
        "pis-0-start_date": "2027-01-04",
        "pis-0-end_date": "2027-01-01",
        "pis-0-iterations": "5",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert "end_date must be after start_date." in response.content.decode()
    assert not ProgramIncrement.objects.filter(name="27.1").exists()


def test_an_admin_adds_a_request_on_the_feature_page_through_the_service(client, admin_user, rail_train):
    other = FeatureFactory(art=rail_train.art, title="Second feature")
    client.force_login(admin_user)
    stakeholder = rail_train.stakeholder
    url = reverse("admin:backlog_stakeholder_change", args=[stakeholder.pk])
    existing = FeatureRequest.objects.get(stakeholder=stakeholder)
    form = {
        "name": stakeholder.name,
        "title": stakeholder.title,
        "user": "",
        "requests-TOTAL_FORMS": "2",
        "requests-INITIAL_FORMS": "1",
        "requests-0-id": existing.pk,
        "requests-0-stakeholder": stakeholder.pk,
        "requests-0-feature": existing.feature_id,
        "requests-0-note": "Still wanted",
        "requests-1-stakeholder": stakeholder.pk,
        "requests-1-feature": other.pk,
        "requests-1-note": "Also this, please",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    notes = dict(FeatureRequest.objects.filter(stakeholder=stakeholder).values_list("feature__title", "note"))
    assert notes == {"Rail feature": "Still wanted", "Second feature": "Also this, please"}
