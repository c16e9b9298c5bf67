"""Read-only share links, as every room that shares a page keeps them.

A room's link model subclasses ShareLinkBase (adding what it shares and a TOKEN_SALT of its
own, so a token made for one kind of page is refused by another), and its public view finds
the link with `share_link_for_token`. Only a hash of the token is stored (scoring.share_tokens):
the link is shown once, when it is made; revoking or expiring it is a row update.
"""

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from scoring.share_tokens import ShareTokenInvalid, share_token_hash


class ShareLinkBase(models.Model):
    TOKEN_SALT: str = ""

    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def gone_reason(self) -> str:
        """Why an inactive link no longer opens its page, for the 410 page."""
        return "was revoked" if self.revoked_at else "has expired"


def share_link_for_token(links: QuerySet, token: str) -> ShareLinkBase:
    """The link a URL token names, active or not; Http404 for a token this site did not make
    for this kind of link, or one that names no link (the same answer: nothing to probe)."""
    try:
        token_hash = share_token_hash(token, salt=links.model.TOKEN_SALT)
    except ShareTokenInvalid as error:
        raise Http404("No such link.") from error
    link = links.filter(token_hash=token_hash).first()
    if link is None:
        raise Http404("No such link.")
    return link
