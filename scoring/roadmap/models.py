from django.conf import settings
from django.db import models
from django.utils import timezone

from backlog.models import Art
from scoring.planning.capacity import FILL, STRICT


class RoadmapShareLink(models.Model):
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
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Roadmap of {self.art} until {self.expires_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
