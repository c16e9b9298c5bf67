"""`manage.py load_demo`: one believable ART that shows every feature of the product (scores
with who and when, some stale; pins; a saved trade-off; a committed plan; stakeholder requests,
new ideas among them), working demo logins, safe to run again."""

import io
import re
from datetime import UTC, datetime, time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.http import HttpRequest

from backlog.access import arts_visible_to, user_can_edit_art
from backlog.models import Art, Epic, Feature, FeatureRequest, ProgramIncrement, Stakeholder, Team
from scoring.models import ScoringRun
from scoring.planning.models import PlanCommit
from scoring.services import scoring_run_execute
from scoring.tradeoffs.models import Override, SavedTradeoff
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
        # outcomes' demo adds two past PIs with ten features done in each.
        "ProgramIncrement": 4,
        "Epic": 6,
        "Feature": 79,  # 58, one accepted from a stakeholder's idea, 20 done in past PIs
        "Stakeholder": 8,
        "FeatureRequest": 25,  # 19 "+1"s and 6 ideas
    }
    assert all(team.velocity > 0 for team in art.teams.all())
    kinds = dict(art.features.values_list("kind").annotate(n=Count("id")))
    assert kinds == {"business": 54, "enabler": 17, "exploration": 8}
    statuses = set(art.features.values_list("status", flat=True))
    assert statuses >= {"funnel", "analyzing", "backlog", "implementing"}
    assert all(stakeholder.requests.exists() for stakeholder in Stakeholder.objects.all())
    assert all(request.note or request.description for request in FeatureRequest.objects.all())


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
    assert ScoringRun.objects.filter(status=ScoringRun.Status.DONE).count() == 3  # a ranking with a history
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


def _login(client, logins, role):
    username, password = logins[role]
    assert client.login(request=HttpRequest(), username=username, password=password)


def test_scores_say_who_set_them_and_when_and_some_are_stale(client):
    logins = load_demo()
    art = Art.objects.get()
    pi_start = datetime.combine(art.pis.get(name="PI 2026.4").start_date, time(0), tzinfo=UTC)
    # The open backlog: the past PIs' done features were scored before popm kept who and when.
    scored = Feature.objects.filter(art=art, job_size__isnull=False).exclude(status="done")
    assert not scored.filter(scored_at__isnull=True).exists()
    assert not scored.filter(scored_by__isnull=True).exists()
    stale = scored.filter(scored_at__lt=pi_start).count()
    assert 5 <= stale <= scored.count() // 2
    _login(client, logins, "POPM")
    page = client.get(f"/arts/{art.pk}/backlog/").content.decode()
    assert "score stale" in page


def test_stakeholders_ideas_wait_for_triage_and_some_were_triaged(client):
    logins = load_demo()
    art = Art.objects.get()
    ideas = FeatureRequest.objects.filter(stakeholder__art=art).exclude(title="")
    assert dict(ideas.values_list("status").annotate(n=Count("id"))) == {
        "new": 3,
        "declined": 1,
        "merged": 1,
        "accepted": 1,
    }
    accepted = ideas.get(status="accepted")
    assert accepted.feature.status == "funnel" and accepted.triaged_by.username == "paula"
    _login(client, logins, "POPM")
    page = client.get(f"/arts/{art.pk}/requests/").content.decode()
    assert "Quotes with negotiated prices" in page and "Referral discount codes" in page


def test_the_stakeholder_sees_ranks_and_what_moved_since_the_last_visit(client):
    logins = load_demo()
    scoring_run = ScoringRun.objects.filter(status=ScoringRun.Status.PENDING).first()
    if scoring_run:
        from scoring.services import scoring_run_execute

        scoring_run_execute(run_id=scoring_run.pk)
    _login(client, logins, "Stakeholder")
    page = client.get("/my-requests/").content.decode()
    assert "Ranked " in page and "What moved it since your last visit?" in page
    assert "Awaiting triage" in page  # Sam's own new idea
    since = re.search(r"since=([^&\"]+)", page).group(1)
    multi = Feature.objects.get(title="Multi-currency pricing")
    words = client.get(
        f"/features/{multi.pk}/rank-change/", {"partial": "summary", "since": since.replace("%3A", ":")}
    )
    assert words.status_code == 200
    assert "Time Criticality" in words.content.decode()  # re-scored yesterday, after the last visit


def test_a_pin_a_saved_trade_off_and_a_committed_plan_are_there_to_see(client):
    logins = load_demo()
    art = Art.objects.get()
    pin = Override.objects.get(art=art, removed_at__isnull=True)
    assert pin.reason and pin.position == 3 and pin.created_by.username == "paula"
    saved = SavedTradeoff.objects.get(art=art)
    commit = PlanCommit.objects.get(pi__art=art)
    assert commit.committed and commit.committed_by.username == "paula"
    assert Feature.objects.filter(pk__in=commit.committed, pi=commit.pi).count() == len(commit.committed)
    _login(client, logins, "POPM")
    assert pin.reason[:40] in client.get(f"/arts/{art.pk}/overrides/").content.decode()
    assert saved.title in client.get(saved.get_absolute_url()).content.decode()
    capacity = client.get(f"/arts/{art.pk}/pis/{commit.pi_id}/capacity/")
    assert capacity.status_code == 200
    epics = client.get(f"/arts/{art.pk}/epics/").content.decode()
    assert "One-click checkout" in epics and " of " in epics
