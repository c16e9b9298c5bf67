"""Rail with one team of 40 points an iteration, PI 26.4 (2026-10-05 to 2026-12-13, 5
iterations: 2 weeks each), checked as of Monday 2026-11-02, and four ranked features:

rank  feature   estimate  fixed date               scored
1     Checkout  100       -                        2026-09-20 by alice (before the PI: stale)
2     Ledger    80        2026-12-14 (3 it. left)  2026-10-10 by erin
3     Fraud     20        2027-02-08 (7 it. left)  2026-08-01 by erin (stale)
4     Badge     -         2026-11-30               never recorded

Ledger finishes after 180 points = 4.5 iterations: late, Time Criticality 5 -> 8 proposed.
Fraud finishes after 200 points = 5 iterations, 2 to spare: on track. Badge has no estimate.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from backlog.models import Art, Feature, ProgramIncrement
from tests.factories import ProgramIncrementFactory, TeamFactory, art_rank_now, scored

TODAY = date(2026, 11, 2)


def utc(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC)


@dataclass
class Rail:
    art: Art
    pi: ProgramIncrement
    checkout: Feature
    ledger: Feature
    fraud: Feature
    badge: Feature

    def reload(self) -> "Rail":
        for name in ("checkout", "ledger", "fraud", "badge"):
            getattr(self, name).refresh_from_db()
        return self


@pytest.fixture
def erin(db) -> User:
    return User.objects.create_user("erin", password="pw-erin")


@pytest.fixture
def rail_dates(rail, alice, erin) -> Rail:
    TeamFactory(art=rail, name="Payments", velocity=40)
    pi = ProgramIncrementFactory(art=rail, name="PI 26.4")

    def feature(title, ubv, tc, rr, size, estimate, fixed_days, scored_on, scorer):
        made = scored(
            rail,
            title,
            ubv,
            tc,
            rr,
            size,
            estimate_points=None if estimate is None else Decimal(estimate),
            fixed_date=None if fixed_days is None else TODAY + timedelta(days=fixed_days),
        )
        Feature.objects.filter(pk=made.pk).update(
            scored_at=utc(scored_on) if scored_on else None, scored_by=scorer
        )
        return made

    train = Rail(
        art=rail,
        pi=pi,
        checkout=feature("Checkout", 20, 8, 5, 1, 100, None, "2026-09-20", alice),
        ledger=feature("Ledger", 13, 5, 3, 2, 80, 42, "2026-10-10", erin),
        fraud=feature("Fraud", 8, 3, 2, 3, 20, 98, "2026-08-01", erin),
        badge=feature("Badge", 3, 2, 1, 5, None, 28, None, None),
    )
    art_rank_now(rail)
    return train.reload()
