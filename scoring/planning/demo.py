"""The planning room's demo: the next PI's plan, committed by a POPM through plan_commit, so
the capacity page, the epics page and the backlog's cut lines show a real commitment."""

from django.utils import timezone

from backlog.models import Art
from scoring.planning.capacity import STRICT
from scoring.planning.services import plan_commit


def demo_load(*, art: Art) -> None:
    popm = art.popms.order_by("pk").first()
    upcoming = art.pis.filter(start_date__gt=timezone.localdate()).order_by("start_date").first()
    pi = upcoming or art.pis.order_by("-start_date").first()
    if pi is not None:
        plan_commit(pi=pi, mode=STRICT, acting_user=popm)
