from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from backlog.models import ProgramIncrement, Team
from scoring.planning.capacity import DEFAULT_SHARES, FILL, STRICT


class TeamCapacity(models.Model):
    """A POPM's override of one team's capacity for one PI (holidays, new members...).

    Without a row the team's capacity is velocity x development iterations.
    """

    pi = models.ForeignKey(ProgramIncrement, on_delete=models.CASCADE, related_name="team_capacities")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="pi_capacities")
    capacity_points = models.DecimalField(
        max_digits=8, decimal_places=1, validators=[MinValueValidator(Decimal(0))]
    )
    note = models.CharField(max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pi", "team"]
        verbose_name_plural = "team capacities"
        constraints = [
            models.UniqueConstraint(fields=["pi", "team"], name="team_capacity_unique_per_pi"),
            models.CheckConstraint(condition=Q(capacity_points__gte=0), name="team_capacity_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.team} in {self.pi}: {self.capacity_points}"

    def clean(self) -> None:
        if self.team_id and self.pi_id and self.team.art_id != self.pi.art_id:
            raise ValidationError({"team": "The team must belong to the PI's ART."})


def _share_field(kind: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        default=DEFAULT_SHARES[kind],
        validators=[MaxValueValidator(100)],
        help_text=f"Whole percent of the PI's capacity for {kind} features.",
    )


class Allocation(models.Model):
    """The capacity allocation policy of one PI: shares per kind, whole percents summing to 100.

    A PI without a row uses the default policy 70/20/10.
    """

    pi = models.OneToOneField(ProgramIncrement, on_delete=models.CASCADE, related_name="allocation")
    business = _share_field("business")
    enabler = _share_field("enabler")
    exploration = _share_field("exploration")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(business__lte=100, enabler__lte=100, exploration__lte=100),
                name="allocation_shares_at_most_100",
            ),
            models.CheckConstraint(
                condition=Q(business=100 - F("enabler") - F("exploration")),
                name="allocation_shares_sum_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pi}: {self.business}/{self.enabler}/{self.exploration}"

    def shares(self) -> dict[str, int]:
        return {"business": self.business, "enabler": self.enabler, "exploration": self.exploration}


class PlanCommit(models.Model):
    """A POPM committed a PI's plan: which features it held, which entered and which left.

    Ids rather than foreign keys: the record outlives the features it names.
    """

    class Mode(models.TextChoices):
        STRICT = STRICT, "Strict cut line"
        FILL = FILL, "Fill"

    pi = models.ForeignKey(ProgramIncrement, on_delete=models.CASCADE, related_name="plan_commits")
    mode = models.CharField(max_length=6, choices=Mode.choices)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    committed_at = models.DateTimeField(auto_now_add=True)
    capacity = models.DecimalField(max_digits=10, decimal_places=1)
    shares = models.JSONField(help_text='{"business": 70, "enabler": 20, "exploration": 10}')
    committed = models.JSONField(default=list, help_text="Feature ids committed, in rank order per kind.")
    entered = models.JSONField(default=list, help_text="Committed now, not committed by the previous commit.")
    left = models.JSONField(default=list, help_text="Committed by the previous commit, not any more.")
    assigned = models.JSONField(default=list, help_text="Features this commit moved into the PI.")

    class Meta:
        ordering = ["-committed_at", "-id"]
        indexes = [models.Index(fields=["pi", "-committed_at"], name="plancommit_pi_latest")]

    def __str__(self) -> str:
        return f"{self.pi} plan ({self.mode}) committed {self.committed_at:%Y-%m-%d %H:%M}"
