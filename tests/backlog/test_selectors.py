"""The one rule for "the current PI", and the one rule for a stale score."""

from datetime import UTC, date, datetime

import pytest

from backlog.selectors import current_pi, pi_to_plan, score_is_stale, score_stale_before
from tests.factories import ArtFactory, ProgramIncrementFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


def pi(art, name: str, start: date, end: date):
    return ProgramIncrementFactory(art=art, name=name, start_date=start, end_date=end)


def test_the_pi_running_today_is_current():
    art = ArtFactory()
    pi(art, "26.1", date(2026, 3, 1), date(2026, 5, 31))
    running = pi(art, "26.2", date(2026, 6, 1), date(2026, 8, 31))
    pi(art, "26.3", date(2026, 9, 1), date(2026, 11, 30))
    assert current_pi(art_id=art.pk, today=TODAY) == running


def test_of_two_overlapping_pis_the_one_that_started_first_is_current():
    art = ArtFactory()
    pi(art, "late", date(2026, 6, 10), date(2026, 9, 10))
    early = pi(art, "early", date(2026, 5, 1), date(2026, 7, 1))
    assert current_pi(art_id=art.pk, today=TODAY) == early


def test_between_pis_the_next_to_start_is_current():
    art = ArtFactory()
    pi(art, "past", date(2026, 1, 1), date(2026, 3, 31))
    pi(art, "later", date(2026, 10, 1), date(2026, 12, 31))
    following = pi(art, "next", date(2026, 7, 1), date(2026, 9, 30))
    assert current_pi(art_id=art.pk, today=TODAY) == following


def test_after_the_last_pi_ended_the_latest_one_is_current():
    art = ArtFactory()
    pi(art, "older", date(2025, 7, 1), date(2025, 9, 30))
    latest = pi(art, "latest", date(2026, 1, 1), date(2026, 3, 31))
    assert current_pi(art_id=art.pk, today=TODAY) == latest


def test_an_art_without_pis_has_no_current_pi():
    assert current_pi(art_id=ArtFactory().pk, today=TODAY) is None


def test_a_pi_of_another_art_is_never_current():
    art = ArtFactory()
    pi(ArtFactory(), "theirs", date(2026, 6, 1), date(2026, 8, 31))
    assert current_pi(art_id=art.pk, today=TODAY) is None


def test_a_score_set_before_the_current_pi_started_is_stale():
    art = ArtFactory()
    running = pi(art, "26.2", date(2026, 6, 1), date(2026, 8, 31))
    before = score_stale_before(running)
    assert before == date(2026, 6, 1)
    assert score_is_stale(scored_at=datetime(2026, 5, 31, 23, 59, tzinfo=UTC), stale_before=before)
    assert not score_is_stale(scored_at=datetime(2026, 6, 1, 0, 0, tzinfo=UTC), stale_before=before)


def test_nothing_is_stale_without_a_pi_or_without_a_score():
    assert not score_is_stale(
        scored_at=datetime(2020, 1, 1, tzinfo=UTC), stale_before=score_stale_before(None)
    )
    assert not score_is_stale(scored_at=None, stale_before=date(2026, 6, 1))


def test_the_pi_to_plan_is_the_next_to_start_not_the_running_one():
    art = ArtFactory()
    pi(art, "running", date(2026, 6, 1), date(2026, 8, 31))
    pi(art, "after next", date(2026, 12, 1), date(2027, 2, 28))
    following = pi(art, "next", date(2026, 9, 1), date(2026, 11, 30))
    assert pi_to_plan(art_id=art.pk, today=TODAY) == following


def test_of_two_pis_to_plan_starting_the_same_day_the_one_made_first():
    art = ArtFactory()
    first = pi(art, "first", date(2026, 9, 1), date(2026, 11, 30))
    pi(art, "second", date(2026, 9, 1), date(2026, 10, 30))
    assert pi_to_plan(art_id=art.pk, today=TODAY) == first


def test_a_pi_starting_today_is_running_so_the_next_one_is_to_plan():
    art = ArtFactory()
    pi(art, "today", TODAY, date(2026, 8, 31))
    following = pi(art, "next", date(2026, 9, 1), date(2026, 11, 30))
    assert pi_to_plan(art_id=art.pk, today=TODAY) == following


def test_without_a_later_pi_the_current_one_is_to_plan():
    art = ArtFactory()
    pi(art, "past", date(2026, 1, 1), date(2026, 3, 31))
    running = pi(art, "running", date(2026, 6, 1), date(2026, 8, 31))
    assert pi_to_plan(art_id=art.pk, today=TODAY) == running
    ended = ArtFactory()
    latest = pi(ended, "latest", date(2026, 1, 1), date(2026, 3, 31))
    assert pi_to_plan(art_id=ended.pk, today=TODAY) == latest


def test_an_art_without_pis_has_no_pi_to_plan():
    assert pi_to_plan(art_id=ArtFactory().pk, today=TODAY) is None
    other = ArtFactory()
    pi(ArtFactory(), "theirs", date(2026, 9, 1), date(2026, 11, 30))
    assert pi_to_plan(art_id=other.pk, today=TODAY) is None
