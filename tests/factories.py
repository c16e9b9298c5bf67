from dataclasses import dataclass
from datetime import date

import factory

from backlog.models import Art, Epic, Feature, FeatureRequest, ProgramIncrement, Stakeholder, Team
from scoring.models import ScoringRun
from scoring.services import scoring_run_execute


class ArtFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Art
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"ART {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    art = factory.SubFactory(ArtFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    velocity = 20


class ProgramIncrementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramIncrement

    art = factory.SubFactory(ArtFactory)
    name = factory.Sequence(lambda n: f"PI {n}")
    start_date = date(2026, 10, 5)
    end_date = date(2026, 12, 13)
    iterations = 5


class EpicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Epic

    art = factory.SubFactory(ArtFactory)
    title = factory.Sequence(lambda n: f"Epic {n}")


class FeatureFactory(factory.django.DjangoModelFactory):
    """A scored backlog feature; pass the four inputs to control its rank."""

    class Meta:
        model = Feature

    art = factory.SubFactory(ArtFactory)
    title = factory.Sequence(lambda n: f"Feature {n}")
    kind = Feature.Kind.BUSINESS
    status = Feature.Status.BACKLOG
    user_business_value = 3
    time_criticality = 2
    risk_reduction = 1
    job_size = 3


def scored(art, title: str, ubv: int, tc: int, rr: int, size: int, **extra) -> Feature:
    """A feature with its four WSJF inputs given in column order: UBV, TC, RR|OE, size."""
    return FeatureFactory(
        art=art,
        title=title,
        user_business_value=ubv,
        time_criticality=tc,
        risk_reduction=rr,
        job_size=size,
        **extra,
    )


@dataclass
class Train:
    art: Art
    team: Team
    pi: ProgramIncrement
    epic: Epic
    feature: Feature
    stakeholder: Stakeholder


def train_build(art: Art, prefix: str) -> Train:
    """A small train in the ART: one team, PI, epic, feature and stakeholder asking for it."""
    team = TeamFactory(art=art, name=f"{prefix} team")
    pi = ProgramIncrementFactory(art=art, name=f"{prefix} PI")
    epic = EpicFactory(art=art, title=f"{prefix} epic")
    feature = FeatureFactory(art=art, title=f"{prefix} feature", team=team, pi=pi, epic=epic)
    stakeholder = Stakeholder.objects.create(art=art, name=f"{prefix} stakeholder", title="Architect")
    FeatureRequest.objects.create(stakeholder=stakeholder, feature=feature, note="Please, soon.")
    return Train(art=art, team=team, pi=pi, epic=epic, feature=feature, stakeholder=stakeholder)


def features_bulk(art, count: int) -> None:
    """count scored backlog features, without a run per feature (and without ranks)."""
    sizes = [1, 2, 3, 5, 8, 13, 20]
    Feature.objects.bulk_create(
        Feature(
            art=art,
            title=f"Feature {index}",
            status=Feature.Status.BACKLOG,
            user_business_value=sizes[index % 7],
            time_criticality=sizes[index % 5],
            risk_reduction=sizes[index % 3],
            job_size=sizes[index % 4],
        )
        for index in range(count)
    )


def art_rank_now(art: Art) -> ScoringRun | None:
    """Rank the ART's features now, as a manual scoring run does: one new run, executed in this
    thread (no queue, no worker). Returns the run."""
    run = ScoringRun.objects.create(art=art, trigger=ScoringRun.Trigger.MANUAL)
    return scoring_run_execute(run_id=run.pk)


def demo_load() -> None:
    """`manage.py load_demo`, also after a transactional test flushed the roles' groups (a data
    migration makes them; a flush removes them)."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from backlog.access import POPM_GROUP, STAKEHOLDER_GROUP

    for name in (POPM_GROUP, STAKEHOLDER_GROUP):
        Group.objects.get_or_create(name=name)
    call_command("load_demo")
