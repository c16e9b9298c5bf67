"""An estimation session: features, columns, invited people, rounds of hidden votes, accepted values.

Votes and acceptances are rows of their own, never written onto the feature until the session
closes (services.session_close writes them through backlog.services.feature_update).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from backlog.models import WSJF_INPUTS, Art, Feature
from scoring.wsjf import SCALE

COLUMN_LABELS = {
    "user_business_value": "User-Business Value",
    "time_criticality": "Time Criticality",
    "risk_reduction": "RR|OE",
    "job_size": "Job Size",
}
COLUMN_SHORT = {
    "user_business_value": "UBV",
    "time_criticality": "TC",
    "risk_reduction": "RR|OE",
    "job_size": "Job Size",
}
# SAFe's order: the three parts of Cost of Delay first, then the job size.
SAFE_COLUMN_ORDER = WSJF_INPUTS


class EstimationSession(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "draft"
        OPEN = "open", "open"
        CLOSED = "closed", "closed"

    art = models.ForeignKey(Art, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    state = models.CharField(max_length=6, choices=State.choices, default=State.DRAFT)
    # The columns to score, an ordered subset of Feature.SCORE_INPUTS in SAFe's order.
    columns = models.JSONField(default=list)
    current_column = models.CharField(max_length=24, blank=True)
    current_round = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    features = models.ManyToManyField(Feature, through="SessionFeature", related_name="+")
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Participant", related_name="estimation_sessions"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["art", "state"], name="estimation_session_art_state")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED

    @property
    def current_column_label(self) -> str:
        return COLUMN_SHORT.get(self.current_column, "")

    @property
    def is_last_column(self) -> bool:
        return bool(self.columns) and self.current_column == self.columns[-1]


class SessionFeature(models.Model):
    """A feature of the session, with the version it had when the session opened: a later
    version at close means someone edited it elsewhere meanwhile (a conflict the POPM decides)."""

    class Outcome(models.TextChoices):
        PENDING = "", "not closed yet"
        WRITTEN = "written", "accepted values written"
        KEPT = "kept", "kept as edited elsewhere"
        UNCHANGED = "unchanged", "already had these values"
        NOTHING = "nothing", "nothing accepted"

    session = models.ForeignKey(EstimationSession, on_delete=models.CASCADE, related_name="session_features")
    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)
    version_at_start = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=9, choices=Outcome.choices, blank=True, default="")

    class Meta:
        ordering = ["session", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "feature"], name="estimation_feature_once"),
        ]

    def __str__(self) -> str:
        return f"{self.feature_id} in session {self.session_id}"


class Participant(models.Model):
    session = models.ForeignKey(EstimationSession, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="estimation_participant_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in session {self.session_id}"


class EstimationRound(models.Model):
    """One round of hidden votes on one column: round 1 has every feature of the session, a
    re-vote round only the features the POPM picked. Revealed once, never hidden again."""

    session = models.ForeignKey(EstimationSession, on_delete=models.CASCADE, related_name="rounds")
    column = models.CharField(max_length=24)
    number = models.PositiveSmallIntegerField()
    feature_ids = models.JSONField(default=list)
    started_at = models.DateTimeField()
    revealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "column", "number"], name="estimation_round_once"),
        ]

    def __str__(self) -> str:
        return f"{COLUMN_SHORT.get(self.column, self.column)} round {self.number}"

    @property
    def is_revealed(self) -> bool:
        return self.revealed_at is not None


class Vote(models.Model):
    """One person's vote on one feature in one round of one column; value null = abstain ("?")."""

    session = models.ForeignKey(EstimationSession, on_delete=models.CASCADE, related_name="votes")
    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="+")
    column = models.CharField(max_length=24)
    round = models.PositiveSmallIntegerField()
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    voted_at = models.DateTimeField()

    class Meta:
        ordering = ["session", "column", "round", "feature", "id"]
        indexes = [models.Index(fields=["session", "column", "round"], name="estimation_vote_round")]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "feature", "column", "round", "voter"], name="estimation_vote_once"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__in=SCALE), name="estimation_vote_on_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voter_id}: {self.value if self.value is not None else '?'}"


class Acceptance(models.Model):
    """The value the POPM accepted for a feature in a column, and why."""

    session = models.ForeignKey(EstimationSession, on_delete=models.CASCADE, related_name="acceptances")
    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="+")
    column = models.CharField(max_length=24)
    value = models.PositiveSmallIntegerField()
    note = models.CharField(max_length=500, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField()

    class Meta:
        ordering = ["session", "feature", "column"]
        constraints = [
            models.UniqueConstraint(fields=["session", "feature", "column"], name="estimation_accept_once"),
            models.CheckConstraint(condition=Q(value__in=SCALE), name="estimation_accept_on_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.feature_id} {self.column} = {self.value}"
