"""The capacity page's forms: every error at once, next to its field, in popm's words, at an
address that still works on reload."""

import pytest

from scoring.planning.models import Allocation, PlanCommit, TeamCapacity
from tests.planning.test_page import page_url

pytestmark = pytest.mark.django_db


def test_every_share_error_shows_at_once_next_to_its_field(client, alice, plan_setup):
    client.force_login(alice)
    response = client.post(
        page_url(plan_setup["pi"], "allocation/"), {"business": "", "enabler": "x", "exploration": "120"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Business needs a share: a whole percent from 0 to 100." in html
    assert html.count("Give a whole percent from 0 to 100.") == 2  # enabler and exploration
    assert "This field is required" not in html and "Enter a whole number" not in html
    assert not Allocation.objects.exists()


def test_every_team_capacity_error_shows_at_once(client, alice, plan_setup):
    alpha, beta = plan_setup["alpha"], plan_setup["beta"]
    client.force_login(alice)
    body = {f"capacity_{alpha.pk}": "", f"capacity_{beta.pk}": "12.25", f"note_{beta.pk}": "n" * 301}
    html = client.post(page_url(plan_setup["pi"], "teams/"), body).content.decode()
    assert "Give Alpha a capacity in story points (0 or more)." in html
    assert "Capacity takes at most one decimal, e.g. 37.5." in html
    assert "A note is at most 300 characters." in html
    assert not TeamCapacity.objects.exists()


@pytest.mark.parametrize("tail", ["allocation/", "teams/", "commit/"])
def test_a_form_address_opened_as_a_page_shows_the_capacity_page(client, alice, carol, plan_setup, tail):
    """A reload after a refused form used to answer a blank 405."""
    pi = plan_setup["pi"]
    for user in (alice, carol):
        client.force_login(user)
        response = client.get(page_url(pi, tail) + "?mode=fill")
        assert response.status_code == 302 and response["Location"] == page_url(pi) + "?mode=fill"
        assert client.get(response["Location"]).status_code == 200


def test_a_form_address_of_a_hidden_art_stays_hidden(client, dave, plan_setup):
    client.force_login(dave)
    assert client.get(page_url(plan_setup["pi"], "allocation/")).status_code == 404


def test_a_commit_without_a_mode_says_so_on_the_page(client, alice, plan_setup):
    client.force_login(alice)
    response = client.post(page_url(plan_setup["pi"], "commit/"), {"mode": "greedy"}, follow=True)
    assert response.redirect_chain[-1][0] == page_url(plan_setup["pi"])
    assert "Nothing was committed: the form sent no plan mode (strict or fill)." in response.content.decode()
    assert not PlanCommit.objects.exists()


def test_the_share_link_form_speaks_popms_words():
    from scoring.tradeoffs.forms import ShareLinkForm

    form = ShareLinkForm({"days": "soon"})
    assert not form.is_valid() and form.errors["days"][0].startswith("Days must be a whole number from 1 to")
    assert ShareLinkForm({}).errors["days"][0].startswith("Say for how many days the link works: 1 to")
