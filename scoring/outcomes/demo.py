"""Outcome demo data for the demo ART: two past PIs with the features done in them (their
status history walked through backlog.services, at the times it happened), PI objectives
with planned and actual business value, and leading indicators with measurements and verdicts.
Called by `manage.py load_demo` once, when the demo ART is created."""

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from backlog import services as backlog_services
from backlog.models import Art, Feature, FeatureChange, ProgramIncrement
from scoring.outcomes import services

PAST_PIS = [
    ("PI 2026.2", date(2026, 5, 18), date(2026, 7, 26)),
    ("PI 2026.3", date(2026, 7, 27), date(2026, 10, 4)),
]
# (title, kind, UBV, estimate, verdict) of the features done in each past PI: business-heavy,
# so the flow page shows enablers under their 20 % allocation.
DONE_IN = {
    "PI 2026.2": [
        ("One-page checkout for guests", "business", 13, 20, "achieved"),
        ("Card scan on mobile", "business", 8, 13, "partly"),
        ("Saved addresses", "business", 5, 8, "achieved"),
        ("Delivery slot picker", "business", 13, 20, "not_achieved"),
        ("Order tracking page", "business", 8, 13, "exceeded"),
        ("Invoice PDF download", "business", 3, 5, "achieved"),
        ("Gift messages at checkout", "business", 2, 5, "too_early"),
        ("Payment provider failover", "enabler", 8, 13, ""),
        ("Upgrade to PostgreSQL 15", "enabler", 3, 8, ""),
        ("Spike: buy now, pay later providers", "exploration", 2, 5, ""),
    ],
    "PI 2026.3": [
        ("Checkout conversion A/B framework", "business", 20, 20, "achieved"),
        ("Faster product search", "business", 13, 13, "exceeded"),
        ("Wishlist sharing", "business", 5, 8, "not_achieved"),
        ("Returns self-service", "business", 13, 20, "partly"),
        ("Loyalty points at checkout", "business", 8, 13, "achieved"),
        ("Partner onboarding form", "business", 8, 8, "too_early"),
        ("Multi-currency prices", "business", 20, 40, "partly"),
        ("Reorder in one tap", "business", 5, 5, "achieved"),
        ("Structured logging everywhere", "enabler", 3, 8, ""),
        ("Spike: on-device fraud signals", "exploration", 3, 5, ""),
    ],
}
WALK = ["analyzing", "backlog", "implementing", "validating", "done"]
# Objectives per team of each past PI: (title, committed, planned, actual) cycled over the teams.
OBJECTIVES = [
    ("Returning customers pay in one step", True, 10, 8),
    ("Payment failures below 1 %", True, 8, 7),
    ("Partner pilot with two merchants", True, 5, 2),
    ("Stretch: wallet payments on web", False, 4, 4),
]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _walked(*, art: Art, pi: ProgramIncrement, team, row, rng: random.Random) -> Feature:
    """A feature created in the funnel before the PI and walked to done inside it, each step
    through feature_update and then dated when it happened."""
    title, kind, ubv, estimate, _ = row
    created = _at(pi.start_date - timedelta(days=rng.randint(20, 60)))
    feature = backlog_services.feature_create(
        art=art,
        acting_user=None,
        door=FeatureChange.Door.SCRIPT,
        source="demo data",
        created_at=created,
        title=title,
        kind=kind,
        status="funnel",
        team=team,
        pi=pi,
        user_business_value=ubv,
        time_criticality=rng.choice([1, 2, 3, 5, 8]),
        risk_reduction=rng.choice([1, 2, 3, 5]),
        job_size=rng.choice([2, 3, 5, 8]),
        estimate_points=Decimal(estimate),
        benefit_hypothesis=f"If we deliver “{title.lower()}”, checkout conversion rises.",
    )
    FeatureChange.objects.filter(feature=feature).update(changed_at=created)
    started = pi.start_date + timedelta(days=rng.randint(0, 25))
    done = min(started + timedelta(days=rng.randint(8, 40)), pi.end_date - timedelta(days=1))
    moments = [
        created + timedelta(days=5),
        created + timedelta(days=12),
        _at(started),
        _at(done - timedelta(days=rng.randint(1, 5))),
        _at(done, 16),
    ]
    for status, moment in zip(WALK, moments, strict=True):
        feature = backlog_services.feature_update(
            feature=feature,
            acting_user=None,
            door=FeatureChange.Door.SCRIPT,
            source="demo data",
            status=status,
        )
        latest = FeatureChange.objects.filter(feature=feature).order_by("-id").first()
        FeatureChange.objects.filter(pk=latest.pk).update(changed_at=moment)
    return feature


def _indicators(feature: Feature, *, pi: ProgramIncrement, verdict: str, rng: random.Random) -> None:
    """Conversion-style indicator measured monthly after release, ending where the verdict says."""
    baseline = Decimal("2.1")
    target = Decimal("2.5")
    indicator = services.indicator_create(
        feature=feature,
        acting_user=None,
        name="Checkout conversion",
        unit="%",
        baseline=baseline,
        target=target,
        due_date=pi.end_date + timedelta(days=120),
    )
    final = {"exceeded": "2.7", "achieved": "2.5", "partly": "2.3", "not_achieved": "2.1", "too_early": "2.2"}
    end = Decimal(final.get(verdict, "2.2"))
    day = pi.end_date
    for step in range(1, 4):
        value = (baseline + (end - baseline) * step / 3 + Decimal(rng.randint(-3, 3)) / 100).quantize(
            Decimal("0.01")
        )
        measured = day + timedelta(days=step * 20)
        if measured <= timezone.now().date():
            services.measurement_record(
                indicator=indicator, acting_user=None, measured_on=measured, value=value
            )
    if verdict:
        backlog_services.feature_update(
            feature=feature,
            acting_user=None,
            door=FeatureChange.Door.SCRIPT,
            source="demo data",
            outcome_verdict=verdict,
        )


def demo_load(*, art: Art) -> None:
    rng = random.Random(2610)
    teams = list(art.teams.order_by("name"))
    for name, start, end in PAST_PIS:
        pi = backlog_services.pi_create(art=art, acting_user=None, name=name, start_date=start, end_date=end)
        done = []
        for index, row in enumerate(DONE_IN[name]):
            feature = _walked(art=art, pi=pi, team=teams[index % len(teams)], row=row, rng=rng)
            done.append(feature)
            if index == 3:  # promised for the PI's third day, done later: a missed fixed date
                feature = backlog_services.feature_update(
                    feature=feature,
                    acting_user=None,
                    door=FeatureChange.Door.SCRIPT,
                    source="demo data",
                    fixed_date=start + timedelta(days=3),
                )
            if index < 4:
                _indicators(feature, pi=pi, verdict=row[4], rng=rng)
            elif row[4]:
                backlog_services.feature_update(
                    feature=feature,
                    acting_user=None,
                    door=FeatureChange.Door.SCRIPT,
                    source="demo data",
                    outcome_verdict=row[4],
                )
        for team_index, team in enumerate(teams):
            for title, committed, planned, actual in OBJECTIVES[: 3 + team_index % 2]:
                services.objective_create(
                    pi=pi,
                    acting_user=None,
                    team=team,
                    title=title,
                    committed=committed,
                    planned_value=planned,
                    actual_value=max(1, min(10, actual + rng.randint(-1, 2))),
                    features=[f for f in done if f.team_id == team.pk][:2] if committed else [],
                )
        services.objective_create(
            pi=pi,
            acting_user=None,
            team=None,
            title="Checkout conversion +0.2 points",
            planned_value=9,
            actual_value=8,
        )
    current = ProgramIncrement.objects.filter(art=art, name="PI 2026.4").first()
    if current is not None:
        for team in teams:
            services.objective_create(
                pi=current,
                acting_user=None,
                team=team,
                title="Ship what we committed at PI planning",
                planned_value=8,
            )
