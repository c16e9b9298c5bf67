"""Tokens of read-only share links (trade-offs, and any room that shares a page): a random
secret, signed, stored only as a hash.

The signature (SECRET_KEY) turns away tampered or made-up links before any lookup; the
stored hash means a copy of the database gives no working links; revoking or expiring a
link is a row update, which a signed URL alone could not offer.
"""

import hashlib
import secrets

from django.core import signing


class ShareTokenInvalid(Exception):
    """Not a link this site made."""


def share_token_new(*, salt: str) -> tuple[str, str]:
    """(token for the URL, hash to store); `salt` names what the link shares, so a token made
    for one kind of page is refused by another."""
    secret = secrets.token_urlsafe(32)
    return signing.Signer(salt=salt).sign(secret), share_secret_hash(secret)


def share_token_hash(token: str, *, salt: str) -> str:
    """The stored hash of a URL token; ShareTokenInvalid when its signature does not hold."""
    try:
        secret = signing.Signer(salt=salt).unsign(token)
    except signing.BadSignature as error:
        raise ShareTokenInvalid("This link is not valid.") from error
    return share_secret_hash(secret)


def share_secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
