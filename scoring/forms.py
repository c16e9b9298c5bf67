from django import forms

from backlog.forms import ScaleChoiceField
from backlog.history import FIELD_LABELS
from backlog.models import Epic, Feature, ProgramIncrement, Team

INPUT_LABELS = {field: FIELD_LABELS[field] for field in Feature.SCORE_INPUTS}


class BacklogFilterForm(forms.Form):
    """The backlog page's filters; they live in the URL so a filtered view can be shared."""

    pi = forms.ModelChoiceField(queryset=ProgramIncrement.objects.none(), required=False, label="PI")
    kind = forms.ChoiceField(choices=[("", "All kinds"), *Feature.Kind.choices], required=False)
    status = forms.ChoiceField(choices=[("", "All open"), *Feature.Status.choices], required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)
    epic = forms.ModelChoiceField(queryset=Epic.objects.none(), required=False)
    q = forms.CharField(
        required=False, max_length=100, label="Search", help_text="Title, description or epic title."
    )
    page = forms.IntegerField(required=False, min_value=1)
    since = forms.ChoiceField(
        choices=[("pi", "Start of the current PI"), ("visit", "Your last visit"), ("off", "Don't show")],
        required=False,
        label="Rank change since",
    )

    def __init__(self, *args, art_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pi"].queryset = ProgramIncrement.objects.filter(art_id=art_id)
        self.fields["pi"].empty_label = "All PIs"
        self.fields["team"].queryset = Team.objects.filter(art_id=art_id)
        self.fields["team"].empty_label = "All teams"
        self.fields["epic"].queryset = Epic.objects.filter(art_id=art_id)
        self.fields["epic"].empty_label = "All epics"


class ScoreRowForm(forms.Form):
    """One row's inline scoring: the four inputs, the version edited, and the values seen then."""

    version = forms.IntegerField(min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in Feature.SCORE_INPUTS:
            self.fields[field] = ScaleChoiceField(required=False, label=INPUT_LABELS[field])
            self.fields[f"seen_{field}"] = forms.IntegerField(required=False)
