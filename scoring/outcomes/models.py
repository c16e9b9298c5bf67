from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from backlog.models import Feature, ProgramIncrement, Team
from scoring.share_links import ShareLinkBase

ONE_TO_TEN = [MinValueValidator(1), MaxValueValidator(10)]


class LeadingIndicator(models.Model):
    """One measure of a feature's benefit hypothesis: "Checkout conversion, %, 2.1 -> 2.5 by 2027-03-31"."""

    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(max_length=120)
    unit = models.CharField(max_length=30, blank=True, help_text="e.g. %, seconds, orders per day")
    baseline = models.DecimalField(max_digits=14, decimal_places=4)
    target = models.DecimalField(max_digits=14, decimal_places=4)
    due_date = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["feature", "due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["feature", "name"], name="indicator_name_unique_per_feature"),
            models.CheckConstraint(
                condition=~Q(target=models.F("baseline")), name="indicator_target_not_baseline"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.feature})"


class Measurement(models.Model):
    """A value of an indicator measured on a day. One per indicator and day: a second one replaces it."""

    indicator = models.ForeignKey(LeadingIndicator, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=4)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["indicator", "measured_on"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "measured_on"], name="measurement_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.value} on {self.measured_on}"


class PIObjective(models.Model):
    """A PI objective of a team (or of the ART when team is null), with SAFe's business values:
    planned 1-10 set by business owners at PI planning, actual 1-10 recorded at the end."""

    pi = models.ForeignKey(ProgramIncrement, on_delete=models.CASCADE, related_name="objectives")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(max_length=300)
    committed = models.BooleanField(default=True, help_text="Uncommitted = a stretch objective.")
    planned_value = models.PositiveSmallIntegerField(validators=ONE_TO_TEN)
    actual_value = models.PositiveSmallIntegerField(null=True, blank=True, validators=ONE_TO_TEN)
    features = models.ManyToManyField(Feature, blank=True, related_name="objectives")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["pi", "team__name", "-committed", "id"]
        verbose_name = "PI objective"
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_value__gte=1, planned_value__lte=10), name="objective_planned_1_to_10"
            ),
            models.CheckConstraint(
                condition=Q(actual_value__isnull=True) | Q(actual_value__gte=1, actual_value__lte=10),
                name="objective_actual_1_to_10",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReviewShareLink(ShareLinkBase):
    """A read-only link to one PI's review page for business owners without an account.

    Only a hash of the token is stored (scoring.share_tokens): the link is shown once.
    """

    TOKEN_SALT = "outcomes.pi-review-link"

    pi = models.ForeignKey(ProgramIncrement, on_delete=models.CASCADE, related_name="review_links")

    def __str__(self) -> str:
        return f"Review of {self.pi} until {self.expires_at:%Y-%m-%d}"
