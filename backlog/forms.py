from django import forms

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
        self.fields["estimate_points"].error_messages["min_value"] = (
            "Estimate must be at least 0.5 story points."
        )

    def _post_clean(self):
        # Model validation (scale, cross-ART links) runs in the service; the form only parses.
        pass
