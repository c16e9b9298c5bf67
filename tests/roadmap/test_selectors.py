"""The forecast's PIs start at the current PI (backlog.selectors.current_pi), read in one query."""

from datetime import date, timedelta

import pytest

from backlog.selectors import current_pi
from scoring.roadmap.selectors import forecast_pis
from tests.factories import ProgramIncrementFactory

pytestmark = pytest.mark.django_db
TODAY = date(2027, 3, 10)


def pi(art, name, start_days, end_days):
    return ProgramIncrementFactory(
        art=art, name=name, start_date=TODAY + timedelta(start_days), end_date=TODAY + timedelta(end_days)
    )


@pytest.mark.parametrize(
    "layout",
    [
        [("Past", -100, -30), ("Running", -20, 40), ("Next", 41, 110)],
        [("Past", -100, -30), ("Early", -25, 10), ("Overlap", -5, 60), ("Next", 61, 120)],
        [("Past", -100, -30), ("Soon", 5, 70), ("Later", 71, 140)],
        [("Older", -200, -120), ("Past", -100, -30)],
    ],
)
def test_the_walk_starts_at_the_current_pi_and_skips_ended_ones(rail, layout, django_assert_max_num_queries):
    made = [pi(rail, *row) for row in layout]
    with django_assert_max_num_queries(2):
        pis = forecast_pis(art_id=rail.pk, today=TODAY)
    assert pis[0] == current_pi(art_id=rail.pk, today=TODAY)
    assert pis == [p for p in made if p.end_date >= TODAY] or pis == [made[-1]]
