from django.conf import settings
from django.db import models
from django.db.models import Q

from backlog.models import Art, Feature, ProgramIncrement, validate_on_scale
from scoring.wsjf import SCALE


class StaleScore(models.Model):
    """A feature whose score was set before the current PI started: re-score it before PI
    planning. Written by the daily check (services.art_rescoring_check), one per feature.

    scored_at is the score the check found stale; once the feature is scored again it no
    longer matches and the flag drops off the list at once, and the next check deletes it.
    """

    art = models.ForeignKey(Art, on_delete=models.CASCADE, related_name="+")
    feature = models.OneToOneField(Feature, on_delete=models.CASCADE, related_name="+")
    pi = models.ForeignKey(
        ProgramIncrement, on_delete=models.CASCADE, related_name="+", help_text="The PI it is stale for."
    )
    scored_at = models.DateTimeField()
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    flagged_at = models.DateTimeField()

    class Meta:
        ordering = ["art", "feature"]

    def __str__(self) -> str:
        return f"Stale score of feature {self.feature_id}, scored {self.scored_at:%Y-%m-%d}"


class TcProposal(models.Model):
    """A higher Time Criticality proposed for a feature as its fixed date nears.

    Changes nothing until a POPM accepts it; then the new value is written through
    backlog.services.feature_update (door "job"). A dismissed proposal stays dismissed: the
    check never proposes the same value for the same feature again.
    """

    class Status(models.TextChoices):
        OPEN = "open", "open"
        ACCEPTED = "accepted", "accepted"
        DISMISSED = "dismissed", "dismissed"
        # The check took it back: the feature no longer needs it, or needs another value.
        WITHDRAWN = "withdrawn", "withdrawn"

    art = models.ForeignKey(Art, on_delete=models.CASCADE, related_name="+")
    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="+")
    from_value = models.PositiveSmallIntegerField(validators=[validate_on_scale])
    to_value = models.PositiveSmallIntegerField(validators=[validate_on_scale])
    # The feature's version the proposal was made against: accepting refuses a later one.
    feature_version = models.PositiveIntegerField()
    # Where the feature stood when the check last looked (fixed_dates.FixedDateCheck).
    fixed_date = models.DateField()
    rank = models.PositiveIntegerField()
    iterations_left = models.DecimalField(max_digits=8, decimal_places=1)
    finishes_in = models.DecimalField(max_digits=8, decimal_places=1)
    late = models.BooleanField(help_text="The fixed date cannot be met at the rank it had.")
    reason = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    proposed_at = models.DateTimeField()
    refreshed_at = models.DateTimeField(help_text="When the check last changed what it records.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["art", "status"], name="tc_proposal_art_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["feature"], condition=Q(status="open"), name="tc_proposal_one_open_per_feature"
            ),
            models.CheckConstraint(condition=Q(from_value__in=SCALE), name="tc_proposal_from_on_scale"),
            models.CheckConstraint(condition=Q(to_value__in=SCALE), name="tc_proposal_to_on_scale"),
            models.CheckConstraint(
                condition=Q(to_value__gt=models.F("from_value")), name="tc_proposal_goes_up"
            ),
        ]

    def __str__(self) -> str:
        return f"Time Criticality {self.from_value} → {self.to_value} for feature {self.feature_id}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def step(self) -> tuple[int, int]:
        return (self.from_value, self.to_value)


class RescoringCheck(models.Model):
    """When the daily check last looked at the ART, so its lists can say how fresh they are."""

    art = models.OneToOneField(Art, on_delete=models.CASCADE, related_name="+")
    checked_at = models.DateTimeField()
    checked_for = models.DateField(help_text="The day the check took as today.")

    def __str__(self) -> str:
        return f"{self.art_id} checked {self.checked_at:%Y-%m-%d %H:%M}"
