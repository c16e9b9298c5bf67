from typing import Any

from scoring.models import ScoringRun
from scoring.services import scoring_run_request


def ranking_inputs_changed_queue_run(*, art_id: int, acting_user: Any, **_: Any) -> None:
    scoring_run_request(art_id=art_id, trigger=ScoringRun.Trigger.FEATURE_CHANGE, acting_user=acting_user)
