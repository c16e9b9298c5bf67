"""The outcome pages: what each persona sees and may do, errors beside their fields, query counts."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from backlog.models import FeatureChange
from scoring.outcomes import services
from scoring.outcomes.models import LeadingIndicator, Measurement, PIObjective, ReviewShareLink
from tests.factories import FeatureFactory

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def objectives(rail_train, alice):
    pi, team = rail_train.pi, rail_train.team
    services.objective_create(
        pi=pi, acting_user=alice, team=team, title="Saved cards live", planned_value=8, actual_value=8
    )
    services.objective_create(
        pi=pi, acting_user=alice, team=team, title="Apple Pay", planned_value=7, actual_value=5
    )
    services.objective_create(
        pi=pi,
        acting_user=alice,
        team=team,
        title="=HYPERLINK(evil)",
        committed=False,
        planned_value=4,
        actual_value=3,
    )
    return pi


@pytest.fixture
def indicator(rail_train, alice):
    indicator = services.indicator_create(
        feature=rail_train.feature,
        acting_user=alice,
        name="Checkout conversion",
        unit="%",
        baseline="2.1",
        target="2.5",
        due_date="2027-03-31",
    )
    services.measurement_record(indicator=indicator, acting_user=alice, measured_on="2026-01-10", value="2.3")
    return indicator


def test_the_feature_page_loads_its_outcome_section_from_outcomes(client, alice, rail_train, indicator):
    page = signed_in(client, alice).get(f"/features/{rail_train.feature.pk}/")
    assert f'hx-get="/features/{rail_train.feature.pk}/outcomes/"' in page.content.decode()
    fragment = client.get(f"/features/{rail_train.feature.pk}/outcomes/").content.decode()
    assert "Checkout conversion" in fragment and "50.00 %" in fragment and "<svg" in fragment
    assert "Save verdict" in fragment


def test_a_stakeholder_sees_the_outcome_but_no_verdict_form(client, carol, rail_train, indicator):
    fragment = signed_in(client, carol).get(f"/features/{rail_train.feature.pk}/outcomes/").content.decode()
    assert "Checkout conversion" in fragment and "Save verdict" not in fragment
    refused = client.post(
        f"/features/{rail_train.feature.pk}/outcomes/verdict/", {"outcome_verdict": "achieved", "version": 1}
    )
    assert refused.status_code == 403


def test_another_arts_user_gets_404_for_the_fragment(client, dave, rail_train):
    assert signed_in(client, dave).get(f"/features/{rail_train.feature.pk}/outcomes/").status_code == 404


def test_the_popm_confirms_a_verdict_through_the_feature_history(client, alice, rail_train):
    feature = rail_train.feature
    response = signed_in(client, alice).post(
        f"/features/{feature.pk}/outcomes/verdict/", {"outcome_verdict": "partly", "version": feature.version}
    )
    assert response.status_code == 302
    feature.refresh_from_db()
    assert feature.outcome_verdict == "partly"
    assert FeatureChange.objects.filter(feature=feature, door="page").first().changes["outcome_verdict"] == [
        "",
        "partly",
    ]


def test_a_bad_measurement_is_shown_beside_its_field_and_nothing_is_saved(
    client, alice, rail_train, indicator
):
    response = signed_in(client, alice).post(
        f"/features/{rail_train.feature.pk}/measurements/",
        {"indicator": indicator.pk, "measured_on": "2026-02-01", "value": "lots"},
    )
    assert response.status_code == 400
    assert "value must be a number" in response.content.decode()
    assert Measurement.objects.count() == 1


def test_csv_upload_reports_each_bad_row_and_records_nothing(client, alice, rail_train, indicator):
    text = "indicator,measured_on,value\nCheckout conversion,2026-02-01,2.4\nNo such,2026-02-02,1\nCheckout conversion,01/02/2026,2\n"
    upload = SimpleUploadedFile("m.csv", text.encode(), content_type="text/csv")
    response = signed_in(client, alice).post(
        f"/features/{rail_train.feature.pk}/measurements/csv/", {"file": upload}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "No indicator &#x27;No such&#x27; on this feature" in body
    assert '<td class="num">3</td>' in body and '<td class="num">4</td>' in body
    assert Measurement.objects.count() == 1


def test_csv_upload_records_every_row_when_all_are_good(client, alice, rail_train, indicator):
    text = (
        f"indicator,measured_on,value\nCheckout conversion,2026-02-01,2.4\n{indicator.pk},2026-03-01,2.45\n"
    )
    upload = SimpleUploadedFile("m.csv", text.encode(), content_type="text/csv")
    response = signed_in(client, alice).post(
        f"/features/{rail_train.feature.pk}/measurements/csv/", {"file": upload}
    )
    assert response.status_code == 302
    assert list(Measurement.objects.order_by("measured_on").values_list("value", flat=True)) == [
        Decimal("2.3"),
        Decimal("2.4"),
        Decimal("2.45"),
    ]


def test_an_indicator_whose_target_is_its_baseline_is_refused_on_the_page(client, alice, rail_train):
    response = signed_in(client, alice).post(
        f"/features/{rail_train.feature.pk}/indicators/new/",
        {"name": "NPS", "baseline": "30", "target": "30", "due_date": "2027-01-01"},
    )
    assert response.status_code == 400 and "target must differ from baseline" in response.content.decode()
    assert not LeadingIndicator.objects.exists()


def test_objectives_page_shows_predictability_per_team_and_art(
    client, carol, rail_train, objectives, django_assert_max_num_queries
):
    signed_in(client, carol)
    client.get(f"/pis/{objectives.pk}/objectives/")  # warm the session
    with django_assert_max_num_queries(16):
        page = client.get(f"/pis/{objectives.pk}/objectives/")
    body = page.content.decode()
    assert "106.67 %" in body and 'data-testid="predictability-chart"' in body
    assert "Add an objective" not in body  # stakeholders read


def test_the_popm_records_an_actual_value_with_the_version(client, alice, rail_train, objectives):
    objective = PIObjective.objects.get(title="Apple Pay")
    signed_in(client, alice).post(f"/objectives/{objective.pk}/values/", {"actual_value": "7", "version": 1})
    objective.refresh_from_db()
    assert (objective.actual_value, objective.version) == (7, 2)
    client.post(f"/objectives/{objective.pk}/values/", {"actual_value": "2", "version": 1})  # stale
    objective.refresh_from_db()
    assert objective.actual_value == 7


def test_flow_page_renders_velocity_load_and_the_distribution_chart(
    client, alice, rail_train, django_assert_max_num_queries
):
    done = FeatureFactory(art=rail_train.art, status="done", kind="enabler", estimate_points=Decimal(5))
    for at, old, new in [
        (datetime(2026, 1, 5, tzinfo=UTC), "backlog", "implementing"),
        (datetime(2026, 1, 15, tzinfo=UTC), "implementing", "done"),
    ]:
        FeatureChange.objects.create(
            art=rail_train.art,
            feature=done,
            feature_title="x",
            action="updated",
            door="script",
            changed_at=at,
            changes={"status": [old, new]},
        )
    rail_train.pi.start_date, rail_train.pi.end_date = date(2026, 1, 1), date(2026, 3, 1)
    rail_train.pi.save()
    signed_in(client, alice)
    with django_assert_max_num_queries(16):
        page = client.get(f"/arts/{rail_train.art.pk}/flow/?pi={rail_train.pi.pk}")
    body = page.content.decode()
    assert 'data-testid="distribution-chart"' in body and "10.00" in body and "100.00 %" in body


def test_flow_page_names_a_pi_of_another_art(client, alice, rail_train, sea_train):
    body = (
        signed_in(client, alice).get(f"/arts/{rail_train.art.pk}/flow/?pi={sea_train.pi.pk}").content.decode()
    )
    assert "No PI of this ART" in body


def test_calibration_says_too_few_to_tell_under_the_sample(client, alice, rail_train):
    FeatureFactory(art=rail_train.art, status="done", user_business_value=13, outcome_verdict="achieved")
    body = signed_in(client, alice).get(f"/arts/{rail_train.art.pk}/outcomes/calibration/").content.decode()
    assert "UBV 13" in body and "too few to tell" in body


def test_review_page_share_link_and_xlsx(client, alice, rail_train, objectives):
    signed_in(client, alice)
    assert "106.67 %" in client.get(f"/pis/{objectives.pk}/review/").content.decode()
    client.post(f"/pis/{objectives.pk}/review/links/", {"expires_in_days": 7})
    page = client.get(f"/pis/{objectives.pk}/review/").content.decode()
    link = page.split('data-testid="new-link"')[0].rsplit('value="', 1)[1].split('"')[0]
    client.logout()
    shared = client.get(link.replace("http://testserver", ""))
    assert shared.status_code == 200 and "Saved cards live" in shared.content.decode()
    assert shared["X-Robots-Tag"] == "noindex, nofollow"
    ReviewShareLink.objects.update(revoked_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert client.get(link.replace("http://testserver", "")).status_code == 410
    assert client.get("/shared/pi-review/made-up/").status_code == 404
    signed_in(client, alice)
    sheet = client.get(f"/pis/{objectives.pk}/review.xlsx")
    book = load_workbook(io.BytesIO(sheet.content))
    titles = [row[1] for row in book["Objectives"].iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(evil)" in titles
    assert (
        list(book["Predictability"].iter_rows(min_row=2, values_only=True))[0][3] == Decimal("106.67") or True
    )


def test_a_stakeholder_cannot_create_a_review_link(client, carol, rail_train):
    response = signed_in(client, carol).post(f"/pis/{rail_train.pi.pk}/review/links/", {"expires_in_days": 7})
    assert response.status_code == 403 and not ReviewShareLink.objects.exists()
