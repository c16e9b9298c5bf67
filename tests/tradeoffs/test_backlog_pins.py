"""A pin shows on the ranked backlog page, and disappears when it is removed."""

import pytest
from django.test import Client

from scoring.tradeoffs.services import override_create, override_remove
from tests.factories import FeatureFactory, art_rank_now

pytestmark = pytest.mark.django_db


def test_the_ranked_backlog_shows_a_pin_with_its_reason(alice, carol, rail):
    FeatureFactory(art=rail, title="Top", user_business_value=20, job_size=1)
    low = FeatureFactory(art=rail, title="Low", user_business_value=1, job_size=13)
    art_rank_now(rail)
    pin = override_create(
        art=rail, feature_id=low.pk, position=1, reason="CEO promised it", acting_user=alice
    )
    client = Client()
    client.force_login(carol)
    html = client.get(f"/arts/{rail.pk}/backlog/").content.decode()
    assert "pinned to #1" in html and "CEO promised it" in html
    override_remove(override=pin, acting_user=alice)
    assert "pinned to #1" not in client.get(f"/arts/{rail.pk}/backlog/").content.decode()
