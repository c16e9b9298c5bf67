"""/api/features/ stores the money view's fields of a feature (trade-offs read them) and checks them."""

import pytest

from tests.factories import FeatureFactory


@pytest.mark.django_db
def test_popm_sets_money_view_fields_through_the_feature_api(api, alice, rail):
    feature = FeatureFactory(art=rail)
    response = api(alice).patch(
        f"/api/features/{feature.pk}/",
        {
            "cost_of_delay_per_week": "12000.50",
            "duration_weeks": "3.5",
            "urgency_profile": "fixed_date",
            "version": feature.version,
        },
        format="json",
    )
    assert response.status_code == 200, response.data
    assert response.data["cost_of_delay_per_week"] == "12000.50"
    assert response.data["duration_weeks"] == "3.5"
    assert response.data["urgency_profile"] == "fixed_date"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cost_of_delay_per_week", "-1", "cost_of_delay_per_week must be 0 or more"),
        ("duration_weeks", "0", "duration_weeks must be more than 0 weeks"),
        ("urgency_profile", "asap", "use one of: expedite, fixed_date, standard, intangible"),
    ],
)
def test_bad_money_view_values_are_refused_with_a_message(api, alice, rail, field, value, message):
    feature = FeatureFactory(art=rail)
    response = api(alice).patch(f"/api/features/{feature.pk}/", {field: value}, format="json")
    assert response.status_code == 400
    assert message in str(response.data[field])
    feature.refresh_from_db()
    assert getattr(feature, field) is None
