"""A small train in each of the two ARTs of the personas, for the API and admin tests."""

from dataclasses import dataclass

import pytest

from backlog.models import Art, Epic, Feature, FeatureRequest, ProgramIncrement, Stakeholder, Team
from tests.factories import EpicFactory, FeatureFactory, ProgramIncrementFactory, TeamFactory


@dataclass
class Train:
    art: Art
    team: Team
    pi: ProgramIncrement
    epic: Epic
    feature: Feature
    stakeholder: Stakeholder


def train_build(art: Art, prefix: str) -> Train:
    team = TeamFactory(art=art, name=f"{prefix} team")
    pi = ProgramIncrementFactory(art=art, name=f"{prefix} PI")
    epic = EpicFactory(art=art, title=f"{prefix} epic")
    feature = FeatureFactory(art=art, title=f"{prefix} feature", team=team, pi=pi, epic=epic)
    stakeholder = Stakeholder.objects.create(art=art, name=f"{prefix} stakeholder", title="Architect")
    FeatureRequest.objects.create(stakeholder=stakeholder, feature=feature, note="Please, soon.")
    return Train(art=art, team=team, pi=pi, epic=epic, feature=feature, stakeholder=stakeholder)


@pytest.fixture
def rail_train(rail, alice, carol) -> Train:
    return train_build(rail, "Rail")


@pytest.fixture
def sea_train(sea, bob) -> Train:
    return train_build(sea, "Sea")
