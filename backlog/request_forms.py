"""The forms of stakeholder requests: a new idea, "+1" on a feature, and a POPM's triage.

They only parse; the rules (required texts, lengths, the feature's ART) are the services',
and a refused input comes back as an InputError shown beside its field.
"""

from django import forms

from backlog import selectors
from backlog.errors import InputError
from backlog.models import Feature
from backlog.services import REQUEST_TEXT_MAX, REQUEST_TITLE_MAX


class IdeaForm(forms.Form):
    title = forms.CharField(
        max_length=REQUEST_TITLE_MAX,
        help_text="What you need, in a line: e.g. “Invoices in the customer's language”.",
    )
    description = forms.CharField(
        required=False,
        max_length=REQUEST_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Who needs it, why, and by when if there is a date.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="idea", **kwargs)


class FeatureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, feature: Feature) -> str:
        return f"#{feature.rank} {feature.title}" if feature.rank else f"{feature.title} (not ranked yet)"


class PlusOneForm(forms.Form):
    feature = FeatureChoiceField(queryset=Feature.objects.none(), empty_label="Pick a feature")
    note = forms.CharField(
        required=False,
        max_length=REQUEST_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why it matters to you: the POPM reads it beside the feature.",
    )

    def __init__(self, *args, art_id: int, **kwargs):
        super().__init__(*args, prefix="plus", **kwargs)
        self.fields["feature"].queryset = selectors.features_to_merge_into(art_id=art_id)
        self.fields["feature"].error_messages["invalid_choice"] = "Pick one of the ART's open features."


class TriageForm(forms.Form):
    """One decision on one new idea: accept it into the funnel, merge it, or decline it."""

    ACTIONS = (
        ("accept", "Accept into the funnel"),
        ("merge", "Merge into a feature"),
        ("decline", "Decline"),
    )

    request_id = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=ACTIONS)
    title = forms.CharField(required=False, max_length=200, label="Feature title")
    kind = forms.ChoiceField(choices=Feature.Kind.choices, initial=Feature.Kind.BUSINESS, required=False)
    # Typed, with suggestions: "123 · Saved cards" or just the id. A select per idea of every
    # open feature would be ideas x features options (500,000 for 50 ideas in 10,000 features).
    feature = forms.CharField(required=False, max_length=250, label="Merge into")
    reason = forms.CharField(required=False, max_length=REQUEST_TEXT_MAX, label="Reason")

    def __init__(self, *args, art_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.art_id = art_id

    def clean_feature(self) -> Feature | None:
        typed = self.cleaned_data.get("feature", "").strip()
        if not typed:
            return None
        digits = typed.split("·", 1)[0].strip().lstrip("#")
        found = (
            selectors.features_to_merge_into(art_id=self.art_id).filter(pk=int(digits)).first()
            if digits.isdigit()
            else None
        )
        if found is None:
            raise forms.ValidationError(
                f"“{typed}” is not an open feature of this ART: pick one of the suggestions, or type its id."
            )
        return found

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("action") == "merge" and not cleaned.get("feature") and "feature" not in self.errors:
            self.add_error("feature", "Pick the feature this idea is the same as.")
        return cleaned


def form_error_add(form: forms.Form, error: InputError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)
