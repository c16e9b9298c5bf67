"""Forms of the capacity page. Rules live in scoring.planning.capacity and scoring.planning.services."""

from decimal import Decimal

from django import forms

from scoring.planning.capacity import MODES, AllocationError, points_text, shares_check
from scoring.planning.selectors import TeamCapacityRow
from scoring.planning.services import TeamCapacityChange

SHARE_MESSAGE = "Give a whole percent from 0 to 100."


def _share(label: str) -> forms.IntegerField:
    messages = {
        "invalid": SHARE_MESSAGE,
        "min_value": SHARE_MESSAGE,
        "max_value": SHARE_MESSAGE,
        "required": f"{label.removesuffix(' %')} needs a share: a whole percent from 0 to 100.",
    }
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=100,
        error_messages=messages,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "inputmode": "numeric"}),
    )


class AllocationForm(forms.Form):
    business = _share("Business %")
    enabler = _share("Enabler %")
    exploration = _share("Exploration %")

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors:
            try:
                shares_check(data)
            except AllocationError as error:
                raise forms.ValidationError(str(error)) from error
        return data


class TeamCapacityForm(forms.Form):
    """One capacity and note per team; a team left at its default with no note has no override."""

    def __init__(self, *args, teams: list[TeamCapacityRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = teams
        for team in teams:
            self.fields[f"capacity_{team.team_id}"] = forms.DecimalField(
                label=f"{team.name} capacity",
                min_value=Decimal(0),
                max_digits=8,
                decimal_places=1,
                initial=points_text(team.capacity_points),
                error_messages={
                    "min_value": "Capacity must be 0 or more story points.",
                    "required": f"Give {team.name} a capacity in story points (0 or more).",
                    "invalid": "Capacity must be a number of story points, e.g. 40 or 37.5.",
                    "max_decimal_places": "Capacity takes at most one decimal, e.g. 37.5.",
                    "max_digits": "Capacity is too large: at most 9999999.9 story points.",
                    "max_whole_digits": "Capacity is too large: at most 9999999.9 story points.",
                },
                widget=forms.NumberInput(attrs={"min": 0, "step": "0.5", "inputmode": "decimal"}),
            )
            self.fields[f"note_{team.team_id}"] = forms.CharField(
                label=f"{team.name} note",
                required=False,
                max_length=300,
                initial=team.note,
                error_messages={"max_length": "A note is at most 300 characters."},
            )

    def rows(self) -> list[tuple[TeamCapacityRow, forms.BoundField, forms.BoundField]]:
        return [(team, self[f"capacity_{team.team_id}"], self[f"note_{team.team_id}"]) for team in self.teams]

    def changes(self) -> list[TeamCapacityChange]:
        changes = []
        for team in self.teams:
            points = self.cleaned_data[f"capacity_{team.team_id}"]
            note = self.cleaned_data[f"note_{team.team_id}"].strip()
            at_default = points == team.default_points and not note
            changes.append(TeamCapacityChange(team.team_id, None if at_default else points, note))
        return changes


class CommitForm(forms.Form):
    mode = forms.ChoiceField(choices=[(mode, mode) for mode in MODES])
    # The committed feature ids the page showed, so the commit is the plan the POPM saw.
    expected_committed = forms.RegexField(regex=r"^(\d+(,\d+)*)?$", required=False)

    def clean_expected_committed(self) -> list[int] | None:
        raw = self.cleaned_data["expected_committed"]
        return [int(fid) for fid in raw.split(",") if fid] if raw is not None else None
