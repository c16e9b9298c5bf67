from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from backlog.models import Feature, FeatureRequest
from tests.factories import EpicFactory, FeatureFactory, ProgramIncrementFactory, TeamFactory, art_rank_now


@pytest.fixture
def roadmap(rail, alice, carol):
    """Rail with one team of velocity 10 (4 development iterations: 40 points, so budgets
    28 / 8 / 4), PI "Now" running today and PI "Next" after it; business features ranked by
    WSJF: Ticketing (20 points), Seat map (10), Refunds (8), Lounge (no estimate), Wi-Fi (5,
    committed to Next), Draft (unscored); Carol asked for Refunds."""
    today = timezone.localdate()
    team = TeamFactory(art=rail, name="Alpha", velocity=10)
    now = ProgramIncrementFactory(
        art=rail, name="PI Now", start_date=today - timedelta(days=14), end_date=today + timedelta(days=55)
    )
    following = ProgramIncrementFactory(
        art=rail, name="PI Next", start_date=today + timedelta(days=56), end_date=today + timedelta(days=125)
    )
    epic = EpicFactory(art=rail, title="Ticketing epic")

    def feature(title, size, estimate, **extra):
        return FeatureFactory(
            art=rail,
            title=title,
            user_business_value=20,
            time_criticality=1,
            risk_reduction=1,
            job_size=size,
            estimate_points=None if estimate is None else Decimal(estimate),
            **extra,
        )

    features = {
        "ticketing": feature("Ticketing", 1, "20", epic=epic, team=team),
        "seat_map": feature("Seat map", 2, "10", team=team),
        "refunds": feature("Refunds", 3, "8"),
        "lounge": feature("Lounge", 5, None),
        "wifi": feature("Wi-Fi", 8, "5", pi=following),
        "draft": feature("Draft", None, "1"),
    }
    art_rank_now(rail)
    FeatureRequest.objects.create(
        stakeholder=carol.stakeholder_roles.get(), feature=features["refunds"], note="For the sales demo."
    )
    Feature.objects.filter(pk=features["draft"].pk).update(rank=None)
    return {"today": today, "team": team, "now": now, "next": following, "epic": epic, **features}
