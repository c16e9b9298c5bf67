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
