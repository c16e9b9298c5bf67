from django import forms

from backlog.models import Epic, Feature, Stakeholder, Team
from scoring.roadmap.forecast import MODES, STRICT
from scoring.roadmap.services import SHARE_DAYS_DEFAULT, SHARE_DAYS_MAX


class RoadmapFilterForm(forms.Form):
    """What the roadmap shows: filters narrow the cards, never the forecast (every open
    feature of the ART still takes its place in the walk)."""

    mode = forms.ChoiceField(choices=[(mode, mode.capitalize()) for mode in MODES], required=False)
    kind = forms.ChoiceField(choices=[("", "All kinds"), *Feature.Kind.choices], required=False)
    epic = forms.ModelChoiceField(queryset=Epic.objects.none(), required=False, empty_label="All epics")
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, empty_label="All teams")
    stakeholder = forms.ModelChoiceField(
        queryset=Stakeholder.objects.none(), required=False, empty_label="Anyone's requests"
    )
    group = forms.ChoiceField(choices=[("", "Rank order"), ("epic", "Grouped by epic")], required=False)

    def __init__(self, *args, art_id: int, with_stakeholders: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["epic"].queryset = Epic.objects.filter(art_id=art_id).order_by("title")
        self.fields["team"].queryset = Team.objects.filter(art_id=art_id).order_by("name")
        if with_stakeholders:
            self.fields["stakeholder"].queryset = Stakeholder.objects.filter(art_id=art_id).order_by("name")
        else:
            # A shared link is for people outside the ART: it names no one.
            del self.fields["stakeholder"]

    def clean_mode(self) -> str:
        return self.cleaned_data["mode"] or STRICT


class ShareLinkForm(forms.Form):
    days = forms.IntegerField(
        min_value=1,
        max_value=SHARE_DAYS_MAX,
        initial=SHARE_DAYS_DEFAULT,
        label="Expires after (days)",
        error_messages={
            "min_value": f"Days must be 1 to {SHARE_DAYS_MAX}.",
            "max_value": f"Days must be 1 to {SHARE_DAYS_MAX}.",
        },
    )
    mode = forms.ChoiceField(choices=[(mode, mode.capitalize()) for mode in MODES], initial=STRICT)


class WhatIfForm(forms.Form):
    """A trade-off question asked of the roadmap: which features change PI if..."""

    QUESTIONS = [
        ("move", "Move a feature ahead of another"),
        ("pin", "Pin a feature at a position"),
        ("estimate", "Change a feature's estimate"),
    ]

    question = forms.ChoiceField(choices=QUESTIONS, initial="move")
    move = forms.TypedChoiceField(coerce=int, label="Feature")
    before = forms.TypedChoiceField(coerce=int, required=False, label="Ahead of")
    position = forms.IntegerField(required=False, min_value=1, label="Position (1 = top)")
    estimate = forms.DecimalField(
        required=False, min_value=0, max_digits=8, decimal_places=1, label="New estimate (points)"
    )
    mode = forms.ChoiceField(
        choices=[(mode, mode.capitalize()) for mode in MODES], initial=STRICT, required=False, label="Walk"
    )

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["move"].choices = [("", "Pick a feature"), *choices]
        self.fields["before"].choices = [("", "Pick a feature"), *choices]

    def clean_mode(self) -> str:
        return self.cleaned_data["mode"] or STRICT

    def clean(self):
        data = super().clean()
        question = data.get("question")
        if question == "move" and not data.get("before"):
            self.add_error("before", "Pick the feature it goes ahead of.")
        if question == "pin" and not data.get("position"):
            self.add_error("position", "Give the position to pin it at, 1 or more.")
        return data
