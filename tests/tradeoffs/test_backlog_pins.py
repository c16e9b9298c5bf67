"""A pin shows on the ranked backlog page, and disappears when it is removed."""

import pytest
from django.test import Client

from scoring.models import ScoringRun
from scoring.services import scoring_run_execute
from scoring.tradeoffs.services import override_create, override_remove
from tests.factories import FeatureFactory

pytestmark = pytest.mark.django_db


def test_the_ranked_backlog_shows_a_pin_with_its_reason(alice, carol, rail):
    FeatureFactory(art=rail, title="Top", user_business_value=20, job_size=1)
    low = FeatureFactory(art=rail, title="Low", user_business_value=1, job_size=13)
    scoring_run_execute(run_id=ScoringRun.objects.create(art=rail, trigger="manual").pk)
    pin = override_create(
        art=rail, feature_id=low.pk, position=1, reason="CEO promised it", acting_user=alice
    )
    client = Client()
    client.force_login(carol)
    html = client.get(f"/arts/{rail.pk}/backlog/").content.decode()
    assert "pinned to #1" in html and "CEO promised it" in html
    override_remove(override=pin, acting_user=alice)
    assert "pinned to #1" not in client.get(f"/arts/{rail.pk}/backlog/").content.decode()
