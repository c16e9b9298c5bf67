"""`manage.py load_demo`: the demo ART with every room's demo data, and fresh demo logins.

It lives in scoring because it composes the rooms: backlog's part first (backlog knows no room),
then each room's own `demo_load`, once, when the ART is created.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from backlog.demo import demo_art_load, demo_logins_reset
from backlog.models import Feature
from backlog.signals import ranking_inputs_changed
from scoring import demo as scoring_demo
from scoring.estimation import demo as estimation_demo
from scoring.outcomes import demo as outcomes_demo
from scoring.planning import demo as planning_demo
from scoring.tradeoffs import demo as tradeoffs_demo

# Each room's demo data, in this order, for a newly created demo ART: a function of (*, art).
# scoring's ranking history first: pins and plans walk the ranks it leaves; outcomes last, since
# its past PIs and done features should not enter the ranking history or the plan.
ROOM_DEMOS: tuple = (
    scoring_demo.demo_load,
    tradeoffs_demo.demo_load,
    planning_demo.demo_load,
    outcomes_demo.demo_load,
    estimation_demo.demo_load,
)


class Command(BaseCommand):
    help = "Load one demo ART (idempotent) and print fresh demo logins."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        art, created = demo_art_load()
        logins = demo_logins_reset(art)
        if created:
            for room_demo_load in ROOM_DEMOS:
                room_demo_load(art=art)
        transaction.on_commit(
            lambda: ranking_inputs_changed.send(sender=Feature, art_id=art.pk, acting_user=None)
        )
        self.stdout.write(self.style.SUCCESS(f"Demo ART: {art.name} ({art.features.count()} features)"))
        for role, username, password in logins:
            self.stdout.write(f"  {role:<12} username: {username:<8} password: {password}")
