from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator

from backlog.models import JOB_SIZE_HINT, Epic, Feature, ProgramIncrement, Team
from scoring.wsjf import SCALE, ScaleError, scale_value_parse

SCALE_CHOICES = [("", "–"), *[(str(value), str(value)) for value in SCALE]]


class ScaleChoiceField(forms.Field):
    """A WSJF input; anything off the scale gets a message naming the scale."""

    widget = forms.Select(choices=SCALE_CHOICES)

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return scale_value_parse(value)
        except ScaleError as error:
            raise forms.ValidationError(str(error)) from error

    def prepare_value(self, value):
        return "" if value is None else str(value)


# The model's lower bounds of the numbers a POPM types, with the words of their messages.
NUMBER_RULES = {
    "estimate_points": {"minimum": Decimal("0.5"), "what": "story points", "example": "5 or 2.5"},
    "cost_of_delay_per_week": {"minimum": Decimal("0"), "what": "money per week", "example": "12000"},
    "duration_weeks": {"minimum": Decimal("0.1"), "what": "weeks", "example": "6 or 2.5"},
}


class FeatureForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    user_business_value = ScaleChoiceField(required=False, label="User-Business Value")
    time_criticality = ScaleChoiceField(required=False, label="Time Criticality")
    risk_reduction = ScaleChoiceField(required=False, label="Risk Reduction / Opportunity Enablement")
    job_size = ScaleChoiceField(required=False, label="Job Size", help_text=JOB_SIZE_HINT)

    # The page shows what a feature is before its text and numbers.
    field_order = ("title", "kind", "status", "epic", "team", "pi")

    class Meta:
        model = Feature
        fields = Feature.EDITABLE_FIELDS
        widgets = {
            "fixed_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "benefit_hypothesis": forms.Textarea(attrs={"rows": 2}),
            "acceptance_criteria": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "pi": "PI",
            "estimate_points": "Estimate (story points)",
            "cost_of_delay_per_week": "Cost of Delay per week (money)",
            "duration_weeks": "Duration (weeks)",
        }

    def __init__(self, *args, art_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["epic"].queryset = Epic.objects.filter(art_id=art_id)
        self.fields["team"].queryset = Team.objects.filter(art_id=art_id)
        self.fields["pi"].queryset = ProgramIncrement.objects.filter(art_id=art_id)
        self.fields["title"].error_messages |= {
            "required": "Give the feature a title: what it is, in a few words.",
            "max_length": "Title is at most 200 characters (this one has %(show_value)d).",
        }
        for name, label in (("epic", "Epic"), ("team", "Team"), ("pi", "PI")):
            self.fields[name].error_messages["invalid_choice"] = f"Pick a {label} of this ART, or none."
        for name in ("kind", "status", "urgency_profile"):
            allowed = ", ".join(str(value) for value, _ in self.fields[name].choices if value)
            self.fields[name].error_messages["invalid_choice"] = (
                f"{self.fields[name].label} must be one of {allowed}."
            )
        self.fields["fixed_date"].error_messages["invalid"] = "Fixed date must be a date, e.g. 2026-03-31."
        for name, rule in NUMBER_RULES.items():
            self._number_rules(name, **rule)

    def _number_rules(self, name: str, *, minimum: Decimal, what: str, example: str) -> None:
        """The model's bounds checked by the form too, so every error shows at once, in popm's words.

        ModelForm does not copy a model field's validators: without this the minimum was checked
        by the service only, after every other field was valid, in Django's words."""
        field = self.fields[name]
        label = {"estimate_points": "Estimate", "cost_of_delay_per_week": "Cost of Delay per week"}.get(
            name, "Duration"
        )
        field.validators.append(MinValueValidator(minimum))
        field.error_messages |= {
            "min_value": f"{label} must be at least {minimum} {what}."
            if minimum > 0
            else f"{label} cannot be negative.",
            "invalid": f"{label} must be a number of {what}, e.g. {example}.",
            "max_decimal_places": f"{label} takes at most %(max)s decimal place(s), e.g. {example}.",
            "max_digits": f"{label} is too large: at most %(max)s digits.",
            "max_whole_digits": f"{label} is too large: at most %(max)s digits before the decimal point.",
        }

    def full_clean(self):
        super().full_clean()
        # Screen readers announce a field as invalid, with its message, where the POPM lands.
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs |= {
                    "aria-invalid": "true",
                    "aria-describedby": f"{self[name].id_for_label}-error",
                }

    def _post_clean(self):
        # Model validation (scale, cross-ART links) runs in the service; the form only parses.
        pass
