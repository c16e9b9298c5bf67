from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from backlog.models import Art, Feature
from scoring.share_links import ShareLinkBase


class SavedTradeoff(models.Model):
    """A what-if answer kept as it was computed, so a shared link shows exactly what was discussed."""

    art = models.ForeignKey(Art, on_delete=models.CASCADE, related_name="saved_tradeoffs")
    title = models.CharField(max_length=200)
    proposed_order = models.JSONField(help_text="Feature ids in the proposed order.")
    # The answer at the time of saving (features, costs, finish times): see selectors.tradeoff_json.
    result = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("tradeoffs:saved-tradeoff", args=[self.art_id, self.pk])


class ShareLink(ShareLinkBase):
    """A read-only link to one saved trade-off for people without an account.

    Only a hash of the token is stored: the link is shown once, when it is created.
    """

    TOKEN_SALT = "tradeoffs.share-link"

    tradeoff = models.ForeignKey(SavedTradeoff, on_delete=models.CASCADE, related_name="share_links")

    def __str__(self) -> str:
        return f"Link to {self.tradeoff} until {self.expires_at:%Y-%m-%d}"


class Override(models.Model):
    """An executive priority: a feature pinned above its WSJF rank, with a reason.

    The four WSJF inputs are untouched; removing the pin (removed_at) restores the WSJF
    position. Removed pins stay in the ledger.
    """

    art = models.ForeignKey(Art, on_delete=models.CASCADE, related_name="overrides")
    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="overrides")
    position = models.PositiveIntegerField(help_text="Pinned rank, 1 = top of the backlog.")
    reason = models.TextField()
    # What the pin did when it was made: the feature's WSJF rank, who it displaced, what it costs.
    wsjf_rank = models.PositiveIntegerField()
    displaced = models.JSONField(default=list, help_text="[{id, title}] of the features it jumped.")
    unit = models.CharField(max_length=12)
    extra_delay_cost = models.DecimalField(max_digits=20, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["feature"],
                condition=Q(removed_at__isnull=True),
                name="override_one_active_per_feature",
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="override_position_positive"),
            models.CheckConstraint(condition=~Q(reason=""), name="override_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.feature} pinned at {self.position}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None
