from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from scoring.wsjf import SCALE, SCALE_TEXT

# backlog must not import scoring's models or services (scoring reads backlog, never the
# reverse); scoring.wsjf is pure math with no Django in it, shared by both.


WSJF_INPUTS = ("user_business_value", "time_criticality", "risk_reduction", "job_size")

# Estimate and Job Size sit side by side and are easy to mix up: one hint each, shown where both are.
ESTIMATE_HINT = "Story points, for capacity: how much of a PI it takes. Not the Job Size."
JOB_SIZE_HINT = "Relative size 1–20 on the WSJF scale: what WSJF divides by. Not story points."

# Free text (descriptions, hypotheses, criteria, notes): room for a long page of prose, not
# for a pasted megabyte. One limit, stated in the refusal, for every door (API, pages, admin).
TEXT_LIMIT = 20_000
text_limit = MaxLengthValidator(
    TEXT_LIMIT,
    message=f"Keep this to {TEXT_LIMIT:,} characters or fewer (this one has %(show_value)d).",
)


def validate_on_scale(value: int) -> None:
    if value not in SCALE:
        raise ValidationError(f"{value} is not on the scale {SCALE_TEXT}", code="scale")


def on_scale(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__in": SCALE})


class InArt(models.Model):
    """Something one ART holds (team, PI, epic, stakeholder): some of its fields are unique
    within the ART, and a clash is named on the field ('Rail already has a team with name
    "Platform".') rather than as the database's constraint error."""

    unique_in_art: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def clean(self) -> None:
        errors = self.field_errors()
        if errors:
            raise ValidationError(errors)

    def field_errors(self) -> dict[str, str]:
        """Field name -> what is wrong with it; a subclass adds its own rules."""
        errors = {}
        for field in self.unique_in_art:
            value = getattr(self, field)
            if value is None or self.art_id is None:
                continue
            clash = type(self).objects.filter(art_id=self.art_id, **{field: value}).exclude(pk=self.pk)
            if clash.exists():
                name = self._meta.verbose_name
                article = "an" if name[0] in "aeiou" else "a"
                shown = getattr(value, "username", value)
                errors[field] = f'{self.art} already has {article} {name} with {field} "{shown}".'
        return errors


class Art(models.Model):
    """An Agile Release Train: a team of teams with one backlog."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True, validators=[text_limit])
    popms = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="popm_arts", verbose_name="POPMs"
    )
    # ISO 4217 code: how the money view's amounts (Cost of Delay per week) are shown.
    currency = models.CharField(
        max_length=3,
        default="EUR",
        validators=[
            RegexValidator(r"^[A-Z]{3}$", "currency must be a three-letter ISO 4217 code, e.g. EUR.")
        ],
        help_text="ISO 4217 code of the money view's amounts, e.g. EUR, USD, GBP.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "ART"
        verbose_name_plural = "ARTs"

    def __str__(self) -> str:
        return self.name


class Team(InArt):
    unique_in_art = ("name",)

    art = models.ForeignKey(Art, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=120)
    velocity = models.PositiveIntegerField(help_text="Story points per iteration.")

    class Meta:
        ordering = ["art", "name"]
        constraints = [
            models.UniqueConstraint(fields=["art", "name"], name="team_name_unique_in_art"),
        ]

    def __str__(self) -> str:
        return self.name


class ProgramIncrement(InArt):
    unique_in_art = ("name",)

    art = models.ForeignKey(Art, on_delete=models.CASCADE, related_name="pis")
    name = models.CharField(max_length=60)
    start_date = models.DateField()
    end_date = models.DateField()
    iterations = models.PositiveSmallIntegerField(
        default=5, help_text="All iterations, including the Innovation and Planning iteration."
    )

    class Meta:
        ordering = ["art", "start_date"]
        verbose_name = "PI"
        verbose_name_plural = "PIs"
        constraints = [
            models.UniqueConstraint(fields=["art", "name"], name="pi_name_unique_in_art"),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="pi_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(iterations__gte=2, iterations__lte=12), name="pi_iterations_2_to_12"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def field_errors(self) -> dict[str, str]:
        errors = super().field_errors()
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            errors["end_date"] = "end_date must be after start_date."
        if self.iterations is not None and not 2 <= self.iterations <= 12:
            errors["iterations"] = "iterations must be 2 to 12."
        return errors

    @property
    def development_iterations(self) -> int:
        """Iterations that carry capacity: all but the IP iteration."""
        return self.iterations - 1


class Epic(InArt):
    unique_in_art = ("title",)

    art = models.ForeignKey(Art, on_delete=models.CASCADE, related_name="epics")
    title = models.CharField(max_length=200)
    # The epic's issue key in Jira, as on Feature: how an import finds it again. Unique per
    # ART; null for epics made in popm.
    external_key = models.CharField(max_length=50, null=True, blank=True, editable=False)
    description = models.TextField(blank=True, validators=[text_limit])
    user_business_value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[validate_on_scale]
    )
    time_criticality = models.PositiveSmallIntegerField(null=True, blank=True, validators=[validate_on_scale])
    risk_reduction = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[validate_on_scale], verbose_name="RR|OE"
    )
    job_size = models.PositiveSmallIntegerField(null=True, blank=True, validators=[validate_on_scale])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["art", "title"]
        constraints = [
            models.UniqueConstraint(fields=["art", "title"], name="epic_title_unique_in_art"),
            models.UniqueConstraint(fields=["art", "external_key"], name="epic_art_external_key"),
            *[
                models.CheckConstraint(condition=on_scale(field), name=f"epic_{field}_on_scale")
                for field in WSJF_INPUTS
            ],
        ]

    def __str__(self) -> str:
        return self.title


class Feature(models.Model):
    class Kind(models.TextChoices):
        BUSINESS = "business", "Business"
        ENABLER = "enabler", "Enabler"
        EXPLORATION = "exploration", "Exploration"

    class Status(models.TextChoices):
        FUNNEL = "funnel", "Funnel"
        ANALYZING = "analyzing", "Analyzing"
        BACKLOG = "backlog", "Backlog"
        IMPLEMENTING = "implementing", "Implementing"
        VALIDATING = "validating", "Validating"
        DONE = "done", "Done"

    class UrgencyProfile(models.TextChoices):
        EXPEDITE = "expedite", "Expedite"
        FIXED_DATE = "fixed_date", "Fixed date"
        STANDARD = "standard", "Standard"
        INTANGIBLE = "intangible", "Intangible"

    class OutcomeVerdict(models.TextChoices):
        """Did the benefit hypothesis hold? The POPM's call, after looking at the indicators."""

        EXCEEDED = "exceeded", "Exceeded"
        ACHIEVED = "achieved", "Achieved"
        PARTLY = "partly", "Partly"
        NOT_ACHIEVED = "not_achieved", "Not achieved"
        TOO_EARLY = "too_early", "Too early to tell"

    SCORE_INPUTS = WSJF_INPUTS
    # What a person may set, at every door (page form, API serializer, admin, services): the
    # score columns, rank, version and timestamps are the system's, and a feature never
    # changes ART. The one list the form, serializer and feature services read.
    EDITABLE_FIELDS = (
        "pi",
        "epic",
        "team",
        "title",
        "description",
        "benefit_hypothesis",
        "acceptance_criteria",
        "kind",
        "status",
        *SCORE_INPUTS,
        "estimate_points",
        "fixed_date",
        "cost_of_delay_per_week",
        "duration_weeks",
        "urgency_profile",
        "outcome_verdict",
    )
    # Computed by popm from the inputs, shown everywhere, never set by a person.
    SCORE_RESULTS = ("cost_of_delay", "wsjf", "rank", "wsjf_rank")

    art = models.ForeignKey(Art, on_delete=models.CASCADE, related_name="features")
    pi = models.ForeignKey(
        ProgramIncrement, null=True, blank=True, on_delete=models.SET_NULL, related_name="features"
    )
    epic = models.ForeignKey(Epic, null=True, blank=True, on_delete=models.SET_NULL, related_name="features")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="features")
    title = models.CharField(max_length=200)
    # The issue key in the tracker the feature came from (Jira's "Issue key"): how an export
    # is written back there. Unique per ART; null for features made in popm.
    external_key = models.CharField(max_length=50, null=True, blank=True, editable=False)
    description = models.TextField(blank=True, validators=[text_limit])
    benefit_hypothesis = models.TextField(blank=True, validators=[text_limit])
    acceptance_criteria = models.TextField(blank=True, validators=[text_limit])
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.BUSINESS)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.FUNNEL)
    user_business_value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[validate_on_scale]
    )
    time_criticality = models.PositiveSmallIntegerField(null=True, blank=True, validators=[validate_on_scale])
    risk_reduction = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[validate_on_scale], verbose_name="RR|OE"
    )
    job_size = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[validate_on_scale], help_text=JOB_SIZE_HINT
    )
    estimate_points = models.DecimalField(
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5"))],
        help_text=ESTIMATE_HINT,
    )
    fixed_date = models.DateField(null=True, blank=True)
    # Money view (CD3, Reinertsen): optional, used by trade-offs when every compared feature has them.
    cost_of_delay_per_week = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Cost of Delay in money per week.",
    )
    duration_weeks = models.DecimalField(
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text="Duration in weeks.",
    )
    urgency_profile = models.CharField(max_length=12, choices=UrgencyProfile.choices, null=True, blank=True)
    # Outcomes (scoring.outcomes): whether the benefit hypothesis held; blank until the POPM says.
    outcome_verdict = models.CharField(max_length=12, choices=OutcomeVerdict.choices, blank=True, default="")
    requested_by = models.ManyToManyField(
        "Stakeholder", through="FeatureRequest", related_name="requested_features", blank=True
    )
    # Who set the four WSJF inputs last, and when: scores go stale (SAFe re-scores every PI).
    scored_at = models.DateTimeField(null=True, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Written only by scoring runs (scoring.services.scoring_run_execute).
    cost_of_delay = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    wsjf = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, editable=False, verbose_name="WSJF"
    )
    # rank: the position in the ranked backlog with executive-priority pins applied (what the
    # backlog page, the API, the exports and the PI plan's walk use); wsjf_rank: the pure WSJF
    # position. Equal for every feature while the ART has no pin (docs/rules.md, "Pins").
    rank = models.PositiveIntegerField(null=True, blank=True, editable=False)
    wsjf_rank = models.PositiveIntegerField(null=True, blank=True, editable=False, verbose_name="WSJF rank")
    # The feature's active pin (scoring.tradeoffs.Override), kept here by the tradeoffs room's
    # services so that a scoring run reads it with the feature: the pinned position and when
    # the pin was made (several pins at one position: the older first). Null: not pinned.
    pinned_position = models.PositiveIntegerField(null=True, blank=True, editable=False)
    pinned_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["art", "rank", "id"]
        indexes = [
            # status included: the ranked backlog reads its ids from the index alone.
            models.Index(fields=["art", "rank", "id"], name="feature_art_rank", include=["status"]),
            models.Index(fields=["art", "status"], name="feature_art_status"),
        ]
        constraints = [
            *[
                models.CheckConstraint(condition=on_scale(field), name=f"feature_{field}_on_scale")
                for field in WSJF_INPUTS
            ],
            models.CheckConstraint(
                condition=Q(estimate_points__isnull=True) | Q(estimate_points__gt=0),
                name="feature_estimate_positive",
            ),
            models.UniqueConstraint(fields=["art", "external_key"], name="feature_art_external_key"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("backlog:feature", args=[self.pk])

    def clean(self) -> None:
        labels = {"pi": "PI", "epic": "Epic", "team": "Team"}
        errors = {
            field: f"{label} must belong to this feature's ART."
            for field, label in labels.items()
            if getattr(self, field) is not None and getattr(self, field).art_id != self.art_id
        }
        if errors:
            raise ValidationError(errors)

    @property
    def is_scored(self) -> bool:
        return all(getattr(self, field) is not None for field in self.SCORE_INPUTS)


class Stakeholder(InArt):
    """A person who asks for features: Head of Sales, customer representative, architect..."""

    unique_in_art = ("name", "user")

    art = models.ForeignKey(Art, on_delete=models.CASCADE, related_name="stakeholders")
    name = models.CharField(max_length=120)
    title = models.CharField(max_length=120, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stakeholder_roles",
        help_text="Link an account to let this person sign in and read the ART.",
    )
    # My requests shows what moved their asks since their last visit: the visit before the
    # current one (a visit ends after REQUESTS_VISIT_GAP without a look).
    requests_seen_at = models.DateTimeField(null=True, blank=True, editable=False)
    requests_previous_seen_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["art", "name"]
        constraints = [
            models.UniqueConstraint(fields=["art", "name"], name="stakeholder_name_unique_in_art"),
            models.UniqueConstraint(fields=["art", "user"], name="stakeholder_user_unique_in_art"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.title})" if self.title else self.name


class FeatureRequest(models.Model):
    """A stakeholder asked for something, in their own words: "+1" on an existing feature with
    a note, or a new idea (title and description) that a POPM triages into the funnel.

    A new idea has no feature until a POPM accepts it (a new funnel feature) or merges it into
    an existing one; a declined idea keeps no feature and carries the reason.
    """

    class Status(models.TextChoices):
        NEW = "new", "New, awaiting triage"
        ACCEPTED = "accepted", "Accepted"
        MERGED = "merged", "Merged into an existing feature"
        DECLINED = "declined", "Declined"

    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="requests")
    feature = models.ForeignKey(
        Feature, null=True, blank=True, on_delete=models.CASCADE, related_name="requests"
    )
    title = models.CharField(max_length=200, blank=True, help_text="A new idea's title, in their words.")
    description = models.TextField(
        blank=True, validators=[text_limit], help_text="A new idea: what they need and why."
    )
    note = models.TextField(
        blank=True, validators=[text_limit], help_text="What they asked for, in their own words."
    )
    # A "+1" on a feature is in as soon as it is made (every door that links a stakeholder to a
    # feature means that); a new idea is made NEW by backlog.services.feature_idea_submit.
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACCEPTED)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(
        blank=True, validators=[text_limit], help_text="Why it was declined (or a note on the triage)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"], name="feature_request_status_at")]
        constraints = [
            # "+1" once per stakeholder and feature; a merged idea may land on a feature they
            # already asked for (it is a second ask, kept as written).
            models.UniqueConstraint(
                fields=["stakeholder", "feature"],
                condition=Q(status="accepted"),
                name="feature_request_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["new", "declined"]) | Q(feature__isnull=False),
                name="feature_request_triaged_has_feature",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stakeholder.name} → {self.feature.title if self.feature_id else self.title}"

    @property
    def is_idea(self) -> bool:
        """A new idea in their words (not a "+1" on a feature that already existed)."""
        return bool(self.title)

    @property
    def shown_title(self) -> str:
        return self.feature.title if self.feature_id else self.title

    def clean(self) -> None:
        if self.stakeholder_id and self.feature_id and self.stakeholder.art_id != self.feature.art_id:
            raise ValidationError({"feature": "A stakeholder can only ask for features of their own ART."})


# A feature's free texts: kept out of its history (they can be 20,000 characters).
FEATURE_LONG_TEXTS = ("description", "benefit_hypothesis", "acceptance_criteria")


class FeatureChange(models.Model):
    """One change of a feature, as backlog.services made it: who, when, through which door,
    and the old and new value of each recorded field that changed.

    Written in the same transaction as the change itself, by the one function that makes it,
    so no door can change a feature without a row here.
    """

    class Door(models.TextChoices):
        PAGE = "page", "feature page"
        INLINE = "inline", "inline scoring"
        API = "api", "API"
        ADMIN = "admin", "admin"
        PLAN = "plan", "PI plan commit"
        IMPORT = "import", "import"
        SESSION = "session", "estimation session"
        JOB = "job", "scheduled job"
        SCRIPT = "script", "script"

    class Action(models.TextChoices):
        CREATED = "created", "created"
        UPDATED = "updated", "changed"
        DELETED = "deleted", "deleted"

    # What history follows: every field a person sets but the long texts, the inputs first.
    RECORDED_FIELDS = (
        *WSJF_INPUTS,
        *(f for f in Feature.EDITABLE_FIELDS if f not in (*WSJF_INPUTS, *FEATURE_LONG_TEXTS)),
    )
    # Recorded beside a change of the inputs, so a reader sees what it did to the score.
    DERIVED_FIELDS = ("cost_of_delay", "wsjf")

    art = models.ForeignKey(Art, on_delete=models.CASCADE, related_name="feature_changes")
    # Kept when the feature is deleted (the row says so): history outlives what it describes.
    feature = models.ForeignKey(Feature, null=True, on_delete=models.SET_NULL, related_name="changes")
    feature_title = models.CharField(max_length=200)
    action = models.CharField(max_length=8, choices=Action.choices)
    door = models.CharField(max_length=8, choices=Door.choices)
    source = models.CharField(
        max_length=200, blank=True, help_text="Where the change came from, e.g. an import or a session."
    )
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # field -> [old, new], JSON-ready: ids for PI/team/epic, ISO dates, Decimals as strings.
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [
            models.Index(fields=["feature", "changed_at"], name="feature_change_feature_at"),
            models.Index(fields=["art", "changed_at"], name="feature_change_art_at"),
        ]

    def __str__(self) -> str:
        return f"{self.feature_title} {self.get_action_display()} {self.changed_at:%Y-%m-%d %H:%M}"
