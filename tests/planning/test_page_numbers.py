"""The capacity page's numbers, computed by hand on plan_setup (tests/planning/conftest.py):
Alpha 10 x 4 = 40 and Beta 15 x 4 = 60 points, 100 in all; 70/20/10 gives business 70,
enabler 20, exploration 10. Strict business walk: Ticketing 30 (40 left), Seat map 25 (15
left), Refunds 20 does not fit: the line. Enabler: Upgrade Postgres 15 of 20."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from backlog.models import Feature
from scoring.planning import services
from tests.factories import ProgramIncrementFactory
from tests.planning.test_page import page_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def teamed(plan_setup):
    alpha, beta = plan_setup["alpha"], plan_setup["beta"]
    Feature.objects.filter(pk__in=[plan_setup["ticketing"].pk, plan_setup["upgrade"].pk]).update(team=alpha)
    Feature.objects.filter(pk=plan_setup["seat_map"].pk).update(team=beta)
    return plan_setup


def test_load_per_team_is_planned_points_against_capacity(client, alice, teamed):
    client.force_login(alice)
    response = client.get(page_url(teamed["pi"]))
    loads = {load.name: load for load in response.context["page"].teams}
    # Alpha: Ticketing 30 + Upgrade 15 = 45 of 40 = 112.5 %, shown 113 %, 5 over.
    alpha = loads["Alpha"]
    assert (alpha.planned, alpha.capacity, alpha.load, alpha.over) == (
        Decimal(45),
        Decimal(40),
        113,
        Decimal(5),
    )
    assert alpha.bar_width == Decimal(1000)
    # Beta: Seat map 25 of 60 = 41.67 %, shown 42 %; bar 416.7 of 1000.
    beta = loads["Beta"]
    assert (beta.planned, beta.load, beta.over, beta.bar_width) == (
        Decimal(25),
        42,
        Decimal(0),
        Decimal("416.7"),
    )
    assert "" not in loads  # every planned feature has a team
    html = response.content.decode()
    assert "Load per team" in html and "113%" in html and "over by 5" in html and "42%" in html


def test_planned_features_of_no_team_are_counted_apart(client, alice, plan_setup):
    client.force_login(alice)
    loads = client.get(page_url(plan_setup["pi"])).context["page"].teams
    assert [(load.name, load.planned, load.load) for load in loads] == [
        ("Alpha", Decimal(0), 0),
        ("Beta", Decimal(0), 0),
        ("", Decimal(70), None),  # 30 + 25 + 15, none of them with a team
    ]


def test_the_plan_is_planned_until_a_commit_exists_then_committed(client, alice, plan_setup):
    client.force_login(alice)
    html = client.get(page_url(plan_setup["pi"])).content.decode()
    assert '<span class="cap-stat-label">Planned</span>' in html
    assert '<span class="cap-stat-label">Committed</span>' not in html
    assert "Budget vs planned" in html and "Nothing planned." in html  # exploration
    services.plan_commit(pi=plan_setup["pi"], mode="strict", acting_user=alice)
    html = client.get(page_url(plan_setup["pi"])).content.decode()
    assert '<span class="cap-stat-label">Committed</span>' in html
    assert "Budget vs committed" in html and "Nothing committed." in html


def test_each_kinds_bar_is_as_long_as_its_own_budget(client, alice, plan_setup):
    client.force_login(alice)
    bars = {bar.kind: bar for bar in client.get(page_url(plan_setup["pi"])).context["page"].chart.bars}
    assert bars["business"].committed_width == Decimal("785.7")  # 55 of 70
    assert bars["enabler"].committed_width == Decimal("750.0")  # 15 of 20
    assert bars["exploration"].committed_width == Decimal(0)
    assert {bar.budget_width for bar in bars.values()} == {Decimal(1000)}


def test_a_feature_that_left_the_plan_but_stays_in_the_pi_is_listed_once_at_risk(client, alice, plan_setup):
    pi, alpha, beta = plan_setup["pi"], plan_setup["alpha"], plan_setup["beta"]
    services.plan_commit(pi=pi, mode="strict", acting_user=alice)  # Ticketing, Seat map move into the PI
    client.force_login(alice)
    # Alpha away: 60 points, business 42: Ticketing 30 fits (12 left), Seat map 25 does not.
    body = {f"capacity_{alpha.pk}": "0", f"note_{alpha.pk}": "Away", f"capacity_{beta.pk}": "60"}
    assert client.post(page_url(pi, "teams/"), body).status_code == 302
    response = client.get(page_url(pi))
    page = response.context["page"]
    seat_map = plan_setup["seat_map"].pk
    assert seat_map in page.state.leaves and seat_map in page.state.at_risk  # what the plan read says
    assert seat_map not in [row.id for row in page.leaves.rows]
    at_risk = {row.id: row for row in page.at_risk.rows}
    assert at_risk[seat_map].was_committed
    html = response.content.decode()
    leaves_box = html[html.index("Leaves the plan") : html.index("<h3>At risk")]
    assert "Seat map" not in leaves_box and '<span class="cap-count">0</span>' in leaves_box
    risk_box = html[html.index("<h3>At risk") :]
    assert "Seat map" in risk_box[: risk_box.index("</ul>")] and "left the plan" in risk_box


def test_a_running_pi_points_to_the_pi_to_plan(client, alice, plan_setup, rail):
    today = timezone.localdate()
    running = plan_setup["pi"]
    running.start_date, running.end_date = today - timedelta(days=10), today + timedelta(days=60)
    running.save()
    next_pi = ProgramIncrementFactory(
        art=rail, name="PI 27.1", start_date=today + timedelta(days=61), end_date=today + timedelta(days=130)
    )
    client.force_login(alice)
    html = client.get(page_url(running)).content.decode()
    assert "PI 26.4 is running already. The PI to plan is" in html
    assert "PI 27.1 <small>· to plan</small>" in html
    assert "is running already" not in client.get(page_url(next_pi)).content.decode()
