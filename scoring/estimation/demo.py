"""The estimation room's demo data: one closed session with its votes, one open on UBV.

Two more stakeholders of the demo ART get accounts that cannot sign in (no password), so the
sessions have four people scoring: paula (POPM), sam (Head of Sales), Priya and Tomasz.
"""

from django.contrib.auth import get_user_model

from backlog.models import Art, Feature, Stakeholder
from scoring.estimation import services
from scoring.estimation.consensus import suggestion
from scoring.estimation.models import SAFE_COLUMN_ORDER
from scoring.wsjf import SCALE

# How far each voter leans from a feature's current score, in scale steps, per column.
LEANS = {"paula": 0, "sam": 1, "priya": 0, "tomasz": -1}


def _voters(art: Art) -> list:
    User = get_user_model()
    voters = [User.objects.get(username="paula"), User.objects.get(username="sam")]
    for username, name in (("priya", "Priya Nair"), ("tomasz", "Tomasz Kowalski")):
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_unusable_password()
            user.save()
        Stakeholder.objects.filter(art=art, name=name).update(user=user)
        voters.append(user)
    return voters


def _leaning(value: int | None, steps: int, index: int) -> int:
    base = SCALE.index(value) if value in SCALE else 2
    return SCALE[max(0, min(len(SCALE) - 1, base + steps + (index % 3 == 0 and steps == 0)))]


def demo_load(*, art: Art) -> None:
    voters = _voters(art)
    paula = voters[0]
    features = list(
        Feature.objects.filter(art=art).exclude(status=Feature.Status.DONE).order_by("rank", "id")
    )
    closed = services.session_create(
        art=art,
        acting_user=paula,
        name="PI 2026.4 re-score",
        feature_ids=[feature.pk for feature in features[:6]],
        columns=["user_business_value", "time_criticality"],
        participant_ids=[voter.pk for voter in voters],
    )
    services.session_open(session=closed, acting_user=paula)
    for column in closed.columns:
        for index, feature in enumerate(features[:6]):
            for voter in voters:
                value = _leaning(getattr(feature, column), LEANS[voter.username], index)
                services.vote_cast(
                    session=closed, voter=voter, feature_id=feature.pk, column=column, value=value
                )
        services.round_reveal(session=closed, acting_user=paula)
        board_values = {
            feature.pk: [_leaning(getattr(feature, column), LEANS[v.username], i) for v in voters]
            for i, feature in enumerate(features[:6])
        }
        for feature_id, values in board_values.items():
            services.acceptance_set(
                session=closed,
                acting_user=paula,
                feature_id=feature_id,
                column=column,
                value=suggestion(values),
                note="Agreed in the room.",
            )
        if column != closed.columns[-1]:
            services.column_next(session=closed, acting_user=paula)
    services.session_close(session=closed, acting_user=paula)

    upcoming = services.session_create(
        art=art,
        acting_user=paula,
        name="PI 2027.1 prep",
        feature_ids=[feature.pk for feature in features[6:14]],
        columns=list(SAFE_COLUMN_ORDER),
        participant_ids=[voter.pk for voter in voters],
    )
    services.session_open(session=upcoming, acting_user=paula)
    for index, feature in enumerate(features[6:14]):
        for voter in voters[1:3]:
            value = _leaning(feature.user_business_value, LEANS[voter.username], index)
            services.vote_cast(
                session=upcoming,
                voter=voter,
                feature_id=feature.pk,
                column="user_business_value",
                value=value,
            )
