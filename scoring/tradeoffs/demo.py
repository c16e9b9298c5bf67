"""The trade-offs room's demo: an executive pin with its reason, and a saved what-if answer,
both made through the room's services as a POPM would on its pages."""

from backlog.models import Art, Feature
from scoring.tradeoffs.services import override_create, tradeoff_save

PIN_POSITION = 3
PIN_REASON = (
    "CEO commitment to Acme Retail at the November steering meeting: store pickup before the "
    "spring campaign, whatever its WSJF."
)
PINNED_TITLE = "Store pickup option"


def _ranked(art: Art) -> list[Feature]:
    return list(Feature.objects.filter(art=art, rank__isnull=False).order_by("rank"))


def demo_load(*, art: Art) -> None:
    popm = art.popms.order_by("pk").first()
    ranked = _ranked(art)
    if len(ranked) < 12:
        return
    pinned = next((f for f in ranked if f.title == PINNED_TITLE and f.rank > PIN_POSITION), ranked[11])
    override_create(art=art, feature_id=pinned.pk, position=PIN_POSITION, reason=PIN_REASON, acting_user=popm)
    # "What if the 8th goes before the 2nd?": the question a stakeholder brings to a POPM.
    tradeoff_save(art=art, acting_user=popm, move=ranked[7].pk, before=ranked[1].pk)
