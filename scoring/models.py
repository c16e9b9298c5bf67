from django.conf import settings
from django.db import models
from django.db.models import Q

from backlog.models import Art, Feature


class ScoringRun(models.Model):
    """One recomputation of Cost of Delay, WSJF and rank for every feature of an ART."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Trigger(models.TextChoices):
        FEATURE_CHANGE = "feature_change", "Feature change"
        MANUAL = "manual", "Manual"
        SCHEDULE = "schedule", "Schedule"
        # A pin was made or removed (scoring.tradeoffs): the rank moves, the WSJF rank stays.
        PIN = "pin", "Pin"

    UNFINISHED = (Status.PENDING, Status.RUNNING, Status.FAILED)
    # The start of `error` on a pending run whose message could not be sent (broker down).
    QUEUE_DOWN = "queue unreachable"

    art = models.ForeignKey(Art, on_delete=models.CASCADE, related_name="scoring_runs")
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    feature_count = models.PositiveIntegerField(null=True, blank=True)
    changed_count = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["art", "status"], name="scoringrun_art_status")]
        constraints = [
            # At most one queued run per ART: a burst of edits coalesces into it, because the
            # run reads the features when it starts, not when it was requested.
            models.UniqueConstraint(
                fields=["art"], condition=Q(status="pending"), name="one_pending_run_per_art"
            ),
        ]

    def __str__(self) -> str:
        return f"Scoring run {self.pk} of {self.art} ({self.status})"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class FeatureScore(models.Model):
    """A score a run produced: written only when it differs from the feature's previous one."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="scores")
    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="score_history")
    cost_of_delay = models.PositiveSmallIntegerField(null=True)
    wsjf = models.DecimalField(max_digits=6, decimal_places=2, null=True, verbose_name="WSJF")
    rank = models.PositiveIntegerField(null=True)
    previous_rank = models.PositiveIntegerField(null=True)

    class Meta:
        ordering = ["-run_id", "rank"]
        indexes = [models.Index(fields=["feature", "-run"], name="featurescore_feature_run")]

    def __str__(self) -> str:
        return f"{self.feature_id}: rank {self.previous_rank} → {self.rank}"
