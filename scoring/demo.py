"""scoring's part of the demo: a ranking with a history, so "why did it move?" and a
stakeholder's "what moved since your last visit" have something to tell on the first visit.

The first ranking ran before the current PI started; a POPM re-scored a few features early
in the PI (ranked again then), and a few more yesterday, after the stakeholder's last look
at My requests (ranked again now). Every change goes through backlog.services with the POPM
as its author; only the clock of the runs and changes is set back.
"""

from datetime import UTC, datetime, time, timedelta

from backlog.models import Art, Feature, FeatureChange
from backlog.selectors import current_pi
from backlog.services import feature_update
from scoring.models import ScoringRun
from scoring.services import scoring_run_execute

# (title, field, new value): early in the PI, then yesterday.
EARLY_RESCORES = [
    ("Checkout retry on payment timeout", "time_criticality", 13),
    ("Partner onboarding wizard", "user_business_value", 13),
    ("Offline product browsing", "job_size", 20),
]
RECENT_RESCORES = [
    ("Multi-currency pricing", "time_criticality", 20),
    ("Refunds from the merchant portal", "job_size", 3),
    ("Mobile gift cards", "user_business_value", 1),
]
DEMO_STAKEHOLDER = "Sam Rivera"


def _rank_at(art: Art, at: datetime) -> None:
    """A ranking run that started and finished at `at`."""
    run = ScoringRun.objects.create(art=art, trigger=ScoringRun.Trigger.MANUAL)
    scoring_run_execute(run_id=run.pk)
    ScoringRun.objects.filter(pk=run.pk).update(
        requested_at=at, started_at=at, finished_at=at + timedelta(seconds=2)
    )


def _rescore(art: Art, popm, changes: list[tuple[str, str, int]], at: datetime) -> None:
    for title, field, value in changes:
        feature = Feature.objects.filter(art=art, title=title).first()
        if feature is None or getattr(feature, field) == value:
            continue
        feature_update(feature=feature, acting_user=popm, door=FeatureChange.Door.PAGE, **{field: value})
        FeatureChange.objects.filter(feature=feature, changed_at__gt=at).update(changed_at=at)
        Feature.objects.filter(pk=feature.pk).update(scored_at=at)


def demo_load(*, art: Art) -> None:
    popm = art.popms.order_by("pk").first()
    now = datetime.now(UTC)
    pi = current_pi(art_id=art.pk, today=now.date())
    pi_start = datetime.combine(pi.start_date, time(0), tzinfo=UTC) if pi else now - timedelta(days=30)
    early = min(pi_start + timedelta(days=9, hours=10), now - timedelta(days=5))
    _rank_at(art, min(pi_start - timedelta(days=2), early - timedelta(days=1)))
    _rescore(art, popm, EARLY_RESCORES, early)
    _rank_at(art, early + timedelta(hours=1))
    # The stakeholder last looked at My requests three days ago; what changed since is news.
    art.stakeholders.filter(name=DEMO_STAKEHOLDER).update(requests_seen_at=now - timedelta(days=3))
    _rescore(art, popm, RECENT_RESCORES, now - timedelta(days=1))
    _rank_at(art, now - timedelta(minutes=5))
