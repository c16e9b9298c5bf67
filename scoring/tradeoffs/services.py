"""Writes for trade-offs: save an answer, share it, pin a feature, remove a pin.

Callers check roles first (POPM of the ART or admin); these functions validate the input
and raise TradeoffInputError naming it, changing nothing.
"""

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from backlog.models import Art, Feature
from scoring.models import ScoringRun
from scoring.services import scoring_run_request
from scoring.share_tokens import share_token_new
from scoring.tradeoffs.models import Override, SavedTradeoff, ShareLink
from scoring.tradeoffs.questions import TradeoffInputError
from scoring.tradeoffs.selectors import pin_effect, tradeoff_evaluate

SHARE_DAYS_DEFAULT = 14
SHARE_DAYS_MAX = 90


def _user_or_none(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


def tradeoff_default_title(result: dict[str, Any]) -> str:
    titles = {feature["id"]: feature["title"] for feature in result["features"]}
    question = result["question"]
    if "move" in question:
        return f"{titles[question['move']]} ahead of {titles[question['before']]}"
    return f"Proposed order of {len(result['features'])} features"


@transaction.atomic
def tradeoff_save(
    *,
    art: Art,
    acting_user: Any,
    title: str = "",
    sequence: Sequence[int] | None = None,
    move: int | None = None,
    before: int | None = None,
    unit: str | None = None,
    money_only: bool = False,
) -> SavedTradeoff:
    """Keep the answer as computed now; a shared link shows exactly this."""
    result = tradeoff_evaluate(
        art=art, sequence=sequence, move=move, before=before, unit=unit, money_only=money_only
    )
    title = title.strip() or tradeoff_default_title(result)
    if len(title) > 200:
        raise TradeoffInputError("title", "title must be at most 200 characters.")
    return SavedTradeoff.objects.create(
        art=art,
        title=title,
        proposed_order=result["proposed_order"],
        result=result,
        created_by=_user_or_none(acting_user),
    )


@transaction.atomic
def share_link_create(
    *, tradeoff: SavedTradeoff, acting_user: Any, days: int = SHARE_DAYS_DEFAULT
) -> tuple[ShareLink, str]:
    """A new read-only link; returns it with its token, which is not stored and shown once."""
    if not 1 <= days <= SHARE_DAYS_MAX:
        raise TradeoffInputError("expires_in_days", f"expires_in_days must be 1 to {SHARE_DAYS_MAX}.")
    token, token_hash = share_token_new(salt=ShareLink.TOKEN_SALT)
    link = ShareLink.objects.create(
        tradeoff=tradeoff,
        token_hash=token_hash,
        created_by=_user_or_none(acting_user),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return link, token


@transaction.atomic
def share_link_revoke(*, link: ShareLink, acting_user: Any) -> ShareLink:
    """The link stops working at once. Revoking twice keeps the first time."""
    ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    link.refresh_from_db()
    return link


@transaction.atomic
def override_create(*, art: Art, feature_id: int, position: int, reason: str, acting_user: Any) -> Override:
    """Pin a feature above its WSJF rank. The four WSJF inputs stay as they are.

    The feature carries its active pin (Feature.pinned_position, pinned_at) for the scoring
    run, which is queued once this commits and moves the feature to its pinned rank.
    """
    reason = reason.strip()
    if not reason:
        raise TradeoffInputError("reason", "A pin needs a reason: say who asked for it and why.")
    # Lock the feature so two POPMs pinning it at once get one pin and one clear message.
    locked = Feature.objects.select_for_update().filter(pk=feature_id, art=art).first()
    if locked is not None and Override.objects.filter(feature=locked, removed_at__isnull=True).exists():
        raise TradeoffInputError(
            "feature", f"'{locked.title}' is already pinned; remove that pin before pinning it again."
        )
    effect = pin_effect(art=art, feature_id=feature_id, position=position)
    override = Override.objects.create(
        art=art,
        feature_id=feature_id,
        position=position,
        reason=reason,
        created_by=_user_or_none(acting_user),
        **effect,
    )
    Feature.objects.filter(pk=feature_id).update(pinned_position=position, pinned_at=override.created_at)
    _ranks_recompute(art_id=art.pk, acting_user=acting_user)
    return override


@transaction.atomic
def override_remove(*, override: Override, acting_user: Any) -> Override:
    """Unpin: the feature goes back to its WSJF position; the ledger keeps the entry."""
    removed = Override.objects.filter(pk=override.pk, removed_at__isnull=True).update(
        removed_at=timezone.now(), removed_by=_user_or_none(acting_user)
    )
    if removed:
        Feature.objects.filter(pk=override.feature_id).update(pinned_position=None, pinned_at=None)
        _ranks_recompute(art_id=override.art_id, acting_user=acting_user)
    override.refresh_from_db()
    return override


def _ranks_recompute(*, art_id: int, acting_user: Any) -> None:
    # After commit, as for a feature edit: the run then reads the pin as committed.
    transaction.on_commit(
        lambda: scoring_run_request(art_id=art_id, trigger=ScoringRun.Trigger.PIN, acting_user=acting_user)
    )
