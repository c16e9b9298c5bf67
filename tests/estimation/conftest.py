"""Rail with three candidate features and three people who score: alice (POPM), carol and
erin (stakeholders with accounts). A session helper opens one through the services."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, User

from backlog.access import STAKEHOLDER_GROUP
from backlog.models import Art, Feature, Stakeholder
from scoring.estimation import services
from scoring.estimation.models import EstimationSession
from tests.factories import scored


@pytest.fixture
def erin(rail) -> User:
    user = User.objects.create_user("erin", password="pw-erin")
    user.groups.add(Group.objects.get_or_create(name=STAKEHOLDER_GROUP)[0])
    Stakeholder.objects.create(art=rail, name="Erin Wu", title="Architect", user=user)
    return user


@dataclass
class Candidates:
    art: Art
    checkout: Feature
    ledger: Feature
    badge: Feature

    @property
    def ids(self) -> list[int]:
        return [self.checkout.pk, self.ledger.pk, self.badge.pk]


@pytest.fixture
def candidates(rail, alice, carol, erin) -> Candidates:
    return Candidates(
        art=rail,
        checkout=scored(
            rail, "Checkout", 8, 3, 2, 5, description="Pay in one click.", benefit_hypothesis="More sales."
        ),
        ledger=scored(rail, "Ledger", 5, 2, 1, 3),
        badge=scored(rail, "Badge", 1, 1, 1, 1),
    )


def session_open(
    candidates: Candidates, by: User, people: list[User], columns=None, name="PI 27.2 prep"
) -> EstimationSession:
    session = services.session_create(
        art=candidates.art,
        acting_user=by,
        name=name,
        feature_ids=candidates.ids,
        columns=columns or ["user_business_value", "time_criticality", "risk_reduction", "job_size"],
        participant_ids=[person.pk for person in people],
    )
    return services.session_open(session=session, acting_user=by)


@pytest.fixture
def open_session(candidates, alice, carol, erin) -> EstimationSession:
    """Open on UBV, round 1, alice, carol and erin invited, nobody has voted."""
    return session_open(candidates, alice, [alice, carol, erin])
