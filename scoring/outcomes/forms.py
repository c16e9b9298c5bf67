"""Forms of the outcome pages. They only parse: the rules live in scoring.outcomes.services,
whose InputError is shown beside the field it names."""

from django import forms

from backlog.errors import InputError
from backlog.models import Feature, Team

BUSINESS_VALUES = [(str(value), str(value)) for value in range(1, 11)]


def error_show(form: forms.Form, error: InputError) -> None:
    """The service's message beside its field (or above the form when the form has no such field)."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


class IndicatorForm(forms.Form):
    name = forms.CharField(
        max_length=120, widget=forms.TextInput(attrs={"placeholder": "Checkout conversion"})
    )
    unit = forms.CharField(max_length=30, required=False, widget=forms.TextInput(attrs={"placeholder": "%"}))
    baseline = forms.CharField(max_length=30, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    target = forms.CharField(max_length=30, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    due_date = forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), label="Due date")


class MeasurementForm(forms.Form):
    indicator = forms.IntegerField(widget=forms.HiddenInput)
    measured_on = forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), label="Measured on")
    value = forms.CharField(max_length=30, widget=forms.TextInput(attrs={"inputmode": "decimal"}))


class MeasurementsCsvForm(forms.Form):
    file = forms.FileField(
        label="CSV file", help_text="Columns: indicator (name or id), measured_on (YYYY-MM-DD), value."
    )


class VerdictForm(forms.Form):
    outcome_verdict = forms.ChoiceField(
        choices=[("", "– not yet –"), *Feature.OutcomeVerdict.choices], required=False, label="Verdict"
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ObjectiveForm(forms.Form):
    title = forms.CharField(max_length=300)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, empty_label="ART objective")
    committed = forms.TypedChoiceField(
        choices=[("true", "Committed"), ("false", "Stretch (uncommitted)")],
        coerce=lambda value: value == "true",
        initial="true",
    )
    planned_value = forms.TypedChoiceField(
        choices=BUSINESS_VALUES, coerce=int, label="Planned business value"
    )
    features = forms.ModelMultipleChoiceField(queryset=Feature.objects.none(), required=False)

    def __init__(self, *args, art_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(art_id=art_id)
        self.fields["features"].queryset = (
            Feature.objects.filter(art_id=art_id).only("id", "title").order_by("title")
        )
        self.fields["features"].widget.attrs["size"] = 6


class ObjectiveValuesForm(forms.Form):
    """The end-of-PI edit of one objective: its actual business value."""

    actual_value = forms.TypedChoiceField(
        choices=[("", "–"), *BUSINESS_VALUES], coerce=int, empty_value=None, required=False, label="Actual"
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReviewLinkForm(forms.Form):
    expires_in_days = forms.IntegerField(min_value=1, max_value=90, initial=14, label="Valid for (days)")
