"""Writes of the roadmap: its read-only share links (the forecast itself is computed, never stored)."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from backlog.errors import InputError
from backlog.models import Art
from scoring.roadmap.models import RoadmapShareLink
from scoring.share_tokens import share_token_new

SHARE_DAYS_DEFAULT = 14
SHARE_DAYS_MAX = 90


@transaction.atomic
def roadmap_share_link_create(
    *, art: Art, acting_user: Any, mode: str, days: int = SHARE_DAYS_DEFAULT
) -> tuple[RoadmapShareLink, str]:
    """A new link and its token (shown once: only its hash is kept)."""
    if not 1 <= days <= SHARE_DAYS_MAX:
        raise InputError("days", f"days must be 1 to {SHARE_DAYS_MAX}.")
    if mode not in RoadmapShareLink.Mode.values:
        raise InputError("mode", f"mode must be one of {', '.join(RoadmapShareLink.Mode.values)}.")
    token, token_hash = share_token_new(salt=RoadmapShareLink.TOKEN_SALT)
    link = RoadmapShareLink.objects.create(
        art=art,
        mode=mode,
        token_hash=token_hash,
        created_by=acting_user,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return link, token


def roadmap_share_link_revoke(*, link: RoadmapShareLink, acting_user: Any) -> None:
    RoadmapShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
