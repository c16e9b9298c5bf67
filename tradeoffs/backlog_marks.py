"""Pins shown on the ranked backlog page (registered with scoring in TradeoffsConfig.ready)."""

from backlog.models import Art, ProgramIncrement
from scoring.backlog_marks import RowMark
from tradeoffs.selectors import active_pins


def pin_marks(*, art: Art, pi: ProgramIncrement | None) -> dict[int, list[RowMark]]:
    return {
        feature_id: [
            RowMark(
                "pin",
                f"pinned to #{pin.position}",
                f"Executive priority set by {pin.created_by or 'someone'} on {pin.created_at:%Y-%m-%d}: "
                f"{pin.reason} (WSJF rank {pin.wsjf_rank}; extra delay cost {pin.extra_delay_cost} {pin.unit}).",
            )
        ]
        for feature_id, pin in active_pins(art_id=art.pk).items()
    }
