from decimal import Decimal

import pytest

from backlog.models import Feature
from tests.factories import FeatureFactory, ProgramIncrementFactory, TeamFactory, art_rank_now


@pytest.fixture
def plan_setup(rail):
    """Rail with two teams (10 and 15 points per iteration, 4 development iterations: 100
    points), PI 26.4, and business features ranked by WSJF: Ticketing (30 points), Seat map
    (25), Refunds (20), Wi-Fi (10, in the PI already), Lounge (no estimate); one enabler."""
    alpha = TeamFactory(art=rail, name="Alpha", velocity=10)
    beta = TeamFactory(art=rail, name="Beta", velocity=15)
    pi = ProgramIncrementFactory(art=rail, name="PI 26.4", iterations=5)

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
        "ticketing": feature("Ticketing", 1, "30"),
        "seat_map": feature("Seat map", 2, "25"),
        "refunds": feature("Refunds", 3, "20"),
        "wifi": feature("Wi-Fi", 5, "10", pi=pi),
        "lounge": feature("Lounge", 8, None),
        "upgrade": feature("Upgrade Postgres", 1, "15", kind=Feature.Kind.ENABLER),
    }
    art_rank_now(rail)
    return {"pi": pi, "alpha": alpha, "beta": beta, **features}
