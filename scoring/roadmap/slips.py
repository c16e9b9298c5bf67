"""My requests: has a feature's forecast slipped to a later PI since the stakeholder's last
visit, and why. What was seen is kept in the session, per feature: the PI, the estimate and
the features of its kind ranked just above it."""

from dataclasses import dataclass

from backlog.models import Feature
from scoring.roadmap.page import ShipForecast
from scoring.roadmap.selectors import ArtForecast

SESSION_KEY = "roadmap_seen"
# The features ranked just above a feature that a visit remembers (the ones that matter
# for its PI); a feature that passes it from further down is still named.
AHEAD_REMEMBERED = 500
NAMED_AHEAD = 3


@dataclass(frozen=True)
class ForecastSlip:
    before: str
    after: str
    because: str


def _ahead_of(state: ArtForecast, feature: Feature) -> list[int]:
    ahead = []
    for open_feature in state.features:
        if open_feature.id == feature.pk:
            break
        if open_feature.kind == feature.kind and open_feature.rank is not None:
            ahead.append(open_feature.id)
    return ahead[-AHEAD_REMEMBERED:]


def _because(seen: dict, ahead: list[int], feature: Feature) -> str:
    passed = [fid for fid in ahead if fid not in set(seen.get("ahead", []))]
    if passed:
        titles = dict(Feature.objects.filter(pk__in=passed[:NAMED_AHEAD]).values_list("id", "title"))
        named = ", ".join(f"“{titles[fid]}”" for fid in passed[:NAMED_AHEAD] if fid in titles)
        more = f" and {len(passed) - NAMED_AHEAD} more" if len(passed) > NAMED_AHEAD else ""
        return f"{named}{more} went ahead of it in the ranking"
    estimate = "" if feature.estimate_points is None else str(feature.estimate_points)
    if seen.get("estimate") != estimate:
        return f"its estimate changed from {seen.get('estimate') or 'none'} to {estimate or 'none'} points"
    return "the PIs' capacity, allocation or committed work changed"


def forecast_slip(
    *, session, state: ArtForecast, feature: Feature, answer: ShipForecast
) -> ForecastSlip | None:
    """The slip since the last visit (None: no earlier visit, or no later PI), and remember now."""
    seen_all = session.get(SESSION_KEY, {})
    seen = seen_all.get(str(feature.pk))
    ahead = _ahead_of(state, feature)
    slip = None
    if seen and seen.get("start") and (answer.pi_start is None or answer.pi_start > seen["start"]):
        slip = ForecastSlip(
            before=seen["pi"],
            after=answer.pi_name or "no PI of the forecast",
            because=_because(seen, ahead, feature),
        )
    seen_all[str(feature.pk)] = {
        "pi": answer.pi_name,
        "start": answer.pi_start,
        "estimate": "" if feature.estimate_points is None else str(feature.estimate_points),
        "ahead": ahead,
    }
    session[SESSION_KEY] = seen_all
    return slip
