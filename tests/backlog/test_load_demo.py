"""`manage.py load_demo`: one believable ART, working demo logins, safe to run again."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.http import HttpRequest

from backlog.access import arts_visible_to, user_can_edit_art
from backlog.models import Art, Epic, Feature, FeatureRequest, ProgramIncrement, Stakeholder, Team
from scoring.models import ScoringRun
from scoring.services import scoring_run_execute
from scoring.wsjf import columns_without_one

pytestmark = pytest.mark.django_db

MODELS = [Art, Team, ProgramIncrement, Epic, Feature, Stakeholder, FeatureRequest]


def load_demo() -> dict[str, tuple[str, str]]:
    """Run the command; return {role: (username, password)} as it printed them."""
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    logins = re.findall(r"(POPM|Stakeholder|Admin)\s+username: (\S+)\s+password: (\S+)", out.getvalue())
    return {role: (username, password) for role, username, password in logins}


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_demo_is_one_art_with_teams_pis_epics_features_and_stakeholders():
    load_demo()
    art = Art.objects.get()
    assert counts() == {
        "Art": 1,
        "Team": 3,
        "ProgramIncrement": 2,
        "Epic": 6,
        "Feature": 58,
        "Stakeholder": 8,
        "FeatureRequest": 19,
    }
    assert all(team.velocity > 0 for team in art.teams.all())
    kinds = dict(art.features.values_list("kind").annotate(n=Count("id")))
    assert kinds == {"business": 38, "enabler": 14, "exploration": 6}
    statuses = set(art.features.values_list("status", flat=True))
    assert statuses >= {"funnel", "analyzing", "backlog", "implementing"}
    assert all(stakeholder.requests.exists() for stakeholder in Stakeholder.objects.all())
    assert all(request.note for request in FeatureRequest.objects.all())


def test_demo_features_are_mostly_scored_and_every_column_has_a_one():
    load_demo()
    features = Feature.objects.all()
    scored = [feature for feature in features if feature.is_scored]
    assert len(scored) >= 45
    rows = list(Feature.objects.filter(job_size__isnull=False).values(*Feature.SCORE_INPUTS))
    assert columns_without_one(rows, Feature.SCORE_INPUTS) == []
    assert all(feature.wsjf is not None for feature in scored)
    assert sum(feature.estimate_points is not None for feature in features) >= 40


def test_demo_is_ranked_by_the_scoring_run_it_queues(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    run = ScoringRun.objects.get(status=ScoringRun.Status.PENDING)
    scoring_run_execute(run_id=run.pk)
    ranks = sorted(Feature.objects.filter(rank__isnull=False).values_list("rank", flat=True))
    assert ranks == list(range(1, len(ranks) + 1))
    assert len(ranks) >= 40


def test_printed_logins_sign_in_as_a_popm_and_a_stakeholder_of_the_art(client):
    logins = load_demo()
    art = Art.objects.get()
    assert set(logins) == {"POPM", "Stakeholder", "Admin"}
    for role, (username, password) in logins.items():
        assert client.login(request=HttpRequest(), username=username, password=password), role
    popm = get_user_model().objects.get(username=logins["POPM"][0])
    stakeholder = Stakeholder.objects.get(user__username=logins["Stakeholder"][0])
    assert user_can_edit_art(popm, art.pk)
    assert list(arts_visible_to(stakeholder.user)) == [art]
    assert not user_can_edit_art(stakeholder.user, art.pk)
    assert stakeholder.requests.exists()


def test_loading_again_adds_nothing_and_prints_fresh_passwords(client):
    first = load_demo()
    before = counts()
    second = load_demo()
    assert counts() == before
    assert {role: username for role, (username, _) in first.items()} == {
        role: username for role, (username, _) in second.items()
    }
    username, old_password = first["POPM"]
    assert not client.login(request=HttpRequest(), username=username, password=old_password)
    assert client.login(request=HttpRequest(), username=username, password=second["POPM"][1])
