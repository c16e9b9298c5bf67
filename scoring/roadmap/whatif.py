"""What-if on the roadmap: the same walk with one question applied, and which features change
PI. No database: the questions rewrite the walk's input (order or estimate), nothing else."""

from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from scoring.roadmap.forecast import Forecast, OpenFeature


class WhatIfError(ValueError):
    """A question that cannot be asked of this backlog; field names the input."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class PiChange(NamedTuple):
    id: int
    before: str | None  # PI name, None: not in a PI of the forecast
    after: str | None
    later: bool  # the change delays it (or takes it off the forecast)


def _index(features: Sequence[OpenFeature], feature_id: int, field: str) -> int:
    for index, feature in enumerate(features):
        if feature.id == feature_id:
            return index
    raise WhatIfError(field, "Pick an open feature of this ART.")


def features_moved_before(features: Sequence[OpenFeature], *, move: int, before: int) -> list[OpenFeature]:
    """X goes right ahead of Y; everything else keeps its order."""
    if move == before:
        raise WhatIfError("before", "Pick a different feature to go ahead of.")
    moving = features[_index(features, move, "move")]
    if moving.rank is None:
        raise WhatIfError("move", "An unscored feature has no place in the walk: score it first.")
    rest = [feature for feature in features if feature.id != move]
    target = _index(rest, before, "before")
    if rest[target].rank is None:
        raise WhatIfError("before", "An unscored feature has no place in the walk: pick a ranked one.")
    return [*rest[:target], moving, *rest[target:]]


def features_pinned(features: Sequence[OpenFeature], *, feature_id: int, position: int) -> list[OpenFeature]:
    """The feature at `position` of the ranked features (1 = top), as a pin would put it."""
    pinned = features[_index(features, feature_id, "move")]
    if pinned.rank is None:
        raise WhatIfError("move", "An unscored feature has no place in the walk: score it first.")
    rest = [feature for feature in features if feature.id != feature_id]
    ranked = sum(1 for feature in rest if feature.rank is not None)
    if not 1 <= position <= ranked + 1:
        raise WhatIfError("position", f"position must be 1 to {ranked + 1}.")
    return [*rest[: position - 1], pinned, *rest[position - 1 :]]


def features_reestimated(
    features: Sequence[OpenFeature], *, feature_id: int, estimate: Decimal | None
) -> list[OpenFeature]:
    index = _index(features, feature_id, "move")
    if estimate is not None and estimate < 0:
        raise WhatIfError("estimate", "estimate must be 0 or more story points, or empty for none.")
    changed = list(features)
    changed[index] = features[index]._replace(estimate=estimate)
    return changed


def pi_changes(before: Forecast, after: Forecast) -> list[PiChange]:
    """Features whose PI differs between the two forecasts, in the order of `before`."""
    start = {pi.slot.name: pi.slot.start_date for pi in (*before.pis, *after.pis)}

    def pi_name(forecast: Forecast, index: int | None) -> str | None:
        return None if index is None else forecast.pis[index].slot.name

    after_by_id = after.by_id()
    changes = []
    for feature in before.features:
        then = pi_name(before, feature.pi_index)
        now = pi_name(after, after_by_id[feature.id].pi_index)
        if then != now:
            later = now is None or (then is not None and start[now] > start[then])
            changes.append(PiChange(feature.id, then, now, later))
    return changes
