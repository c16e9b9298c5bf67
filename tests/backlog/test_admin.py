"""Django admin: an admin can run a train with it, and a change made there is ranked too."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backlog.models import Art, Epic, Feature, ProgramIncrement, Stakeholder, Team
from scoring.models import ScoringRun
from tests.factories import ArtFactory, FeatureFactory, train_build

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def train_with_run(rail_train, sea_train):
    ScoringRun.objects.create(art=rail_train.art, trigger=ScoringRun.Trigger.MANUAL)
    return rail_train


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_admin_page_renders_for_an_admin(staff_client, train_with_run, model):
    assert staff_client.get(admin_url(model, "changelist")).status_code == 200
    assert staff_client.get(admin_url(model, "changelist"), {"q": "Rail"}).status_code == 200
    item = model.objects.first()
    if item is not None:
        assert staff_client.get(admin_url(model, "change", item.pk)).status_code == 200
    if admin.site._registry[model].has_add_permission(staff_client.get("/").wsgi_request):
        assert staff_client.get(admin_url(model, "add")).status_code == 200


def test_admin_index_lists_the_train_models(staff_client):
    html = staff_client.get(reverse("admin:index")).content.decode()
    for name in ["ARTs", "Teams", "PIs", "Epics", "Features", "Stakeholders", "Scoring runs"]:
        assert name in html


def feature_form(feature: Feature, **changes) -> dict:
    data = {
        "pi": feature.pi_id or "",
        "epic": feature.epic_id or "",
        "team": feature.team_id or "",
        "title": feature.title,
        "description": feature.description,
        "benefit_hypothesis": feature.benefit_hypothesis,
        "acceptance_criteria": feature.acceptance_criteria,
        "kind": feature.kind,
        "status": feature.status,
        "user_business_value": feature.user_business_value,
        "time_criticality": feature.time_criticality,
        "risk_reduction": feature.risk_reduction,
        "job_size": feature.job_size,
        "estimate_points": feature.estimate_points or "",
        "fixed_date": "",
        "requests-TOTAL_FORMS": "0",
        "requests-INITIAL_FORMS": "0",
        "requests-MIN_NUM_FORMS": "0",
        "requests-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_saving_a_wsjf_input_in_admin_queues_a_scoring_run(
    staff_client, rail_train, django_capture_on_commit_callbacks
):
    feature = rail_train.feature
    feature.requests.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            admin_url(Feature, "change", feature.pk), feature_form(feature, job_size=1)
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    feature.refresh_from_db()
    assert (feature.job_size, feature.cost_of_delay, str(feature.wsjf), feature.version) == (1, 6, "6.00", 2)
    assert ScoringRun.objects.filter(art=rail_train.art, status=ScoringRun.Status.PENDING).exists()


def test_an_off_scale_value_in_admin_is_refused_naming_the_scale(staff_client, rail_train):
    feature = rail_train.feature
    feature.requests.all().delete()
    response = staff_client.post(admin_url(Feature, "change", feature.pk), feature_form(feature, job_size=4))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["job_size"] == [
        "4 is not on the scale 1, 2, 3, 5, 8, 13, 20"
    ]
    feature.refresh_from_db()
    assert (feature.job_size, feature.version) == (3, 1)


def test_adding_a_feature_in_admin_queues_a_scoring_run(
    staff_client, rail_train, django_capture_on_commit_callbacks
):
    data = feature_form(rail_train.feature, title="From admin", art=rail_train.art.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(admin_url(Feature, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Feature.objects.get(title="From admin")
    assert (created.art, created.cost_of_delay, created.version) == (rail_train.art, 6, 1)
    assert ScoringRun.objects.filter(art=rail_train.art, status=ScoringRun.Status.PENDING).exists()


def test_deleting_a_feature_in_admin_queues_a_scoring_run(
    staff_client, rail_train, django_capture_on_commit_callbacks
):
    feature = rail_train.feature
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(admin_url(Feature, "delete", feature.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Feature.objects.filter(pk=feature.pk).exists()
    assert ScoringRun.objects.filter(art=rail_train.art, status=ScoringRun.Status.PENDING).exists()


@pytest.mark.parametrize("persona", ["alice", "carol", "dave"])
def test_non_staff_are_sent_to_the_admin_sign_in(client, request, rail_train, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in [reverse("admin:index"), admin_url(Feature, "changelist")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def queries_to_get(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "model", [Art, Team, ProgramIncrement, Epic, Feature, Stakeholder], ids=lambda m: m.__name__
)
def test_a_changelist_costs_the_same_queries_for_3_rows_and_for_15(staff_client, model):
    def add(count: int) -> None:
        for _ in range(count):
            train_build(ArtFactory(), f"T{Art.objects.count()}")

    add(3)
    few = queries_to_get(staff_client, admin_url(model, "changelist"))
    add(12)
    assert queries_to_get(staff_client, admin_url(model, "changelist")) == few


def test_a_stale_admin_save_is_refused_and_overwrites_nothing(staff_client, rail):
    feature = FeatureFactory(art=rail, title="Theirs")
    opened = staff_client.get(admin_url(Feature, "change", feature.pk)).content.decode()
    assert 'name="edited_version" value="1"' in opened
    Feature.objects.filter(pk=feature.pk).update(title="Theirs, newer", version=2)
    data = {**feature_form(feature, title="Mine"), "edited_version": 1}
    response = staff_client.post(admin_url(Feature, "change", feature.pk), data)
    assert response.status_code == 200
    assert "Someone else saved this feature meanwhile (now version 2)" in response.content.decode()
    feature.refresh_from_db()
    assert (feature.title, feature.version) == ("Theirs, newer", 2)
