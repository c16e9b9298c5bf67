from django.db import models

from backlog.models import Art
from scoring.planning.capacity import FILL, STRICT
from scoring.share_links import ShareLinkBase


class RoadmapShareLink(ShareLinkBase):
    """A read-only link to an ART's roadmap for people without an account; it shows the
    forecast as it is when opened (the forecast follows the ranking), until it expires.

    Only a hash of the token is stored: the link is shown once, when it is created.
    """

    TOKEN_SALT = "roadmap.share-link"

    class Mode(models.TextChoices):
        STRICT = STRICT, "Strict"
        FILL = FILL, "Fill"

    art = models.ForeignKey(Art, on_delete=models.CASCADE, related_name="roadmap_share_links")
    mode = models.CharField(max_length=6, choices=Mode.choices, default=Mode.STRICT)

    def __str__(self) -> str:
        return f"Roadmap of {self.art} until {self.expires_at:%Y-%m-%d}"
