from django import forms
from django.http import QueryDict

from scoring.tradeoffs.delay_cost import UNITS
from scoring.tradeoffs.services import SHARE_DAYS_DEFAULT, SHARE_DAYS_MAX

# The "propose an order" form lists the top of the backlog; "move X before Y" reaches all of it.
ORDER_FORM_ROWS = 40


class QuestionForm(forms.Form):
    """What-if as asked on the page: move X before Y, or numbered positions for a set."""

    mode = forms.ChoiceField(choices=[("move", "move"), ("order", "order")], required=False)
    move = forms.IntegerField(required=False, min_value=1)
    before = forms.IntegerField(required=False, min_value=1)
    unit = forms.ChoiceField(choices=[("", "automatic"), *[(u, u) for u in UNITS]], required=False)
    # "money": compare in money only the features that carry money data.
    only = forms.ChoiceField(choices=[("", "every feature"), ("money", "with money data")], required=False)

    def question(self, data: QueryDict, backlog: list[dict]) -> dict | None:
        """Keyword arguments for tradeoff_evaluate, or None when nothing was asked yet."""
        values = self.cleaned_data
        unit = values.get("unit") or None
        money_only = values.get("only") == "money"
        if values.get("mode") == "order":
            return {"sequence": proposed_sequence(data, backlog), "unit": unit, "money_only": money_only}
        if values.get("move") and values.get("before"):
            return {
                "move": values["move"],
                "before": values["before"],
                "unit": unit,
                "money_only": money_only,
            }
        if values.get("mode") == "move":
            raise forms.ValidationError("Pick the feature to move and the one it goes ahead of.")
        return None


def proposed_sequence(data: QueryDict, backlog: list[dict]) -> list[int]:
    """Features given a number in the order form, by that number (ties: WSJF order)."""
    numbered = []
    for row in backlog[:ORDER_FORM_ROWS]:
        raw = data.get(f"pos_{row['id']}", "").strip()
        if not raw:
            continue
        if not raw.isdigit():
            raise forms.ValidationError(f"Position of '{row['title']}' must be a whole number, not {raw!r}.")
        numbered.append((int(raw), row["position"], row["id"]))
    return [feature_id for *_order, feature_id in sorted(numbered)]


class SaveTradeoffForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    sequence = forms.CharField(required=False, widget=forms.HiddenInput)
    move = forms.IntegerField(required=False, widget=forms.HiddenInput)
    before = forms.IntegerField(required=False, widget=forms.HiddenInput)
    unit = forms.CharField(required=False, widget=forms.HiddenInput)
    money_only = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def question(self) -> dict:
        values = self.cleaned_data
        unit = values.get("unit") or None
        money_only = bool(values.get("money_only"))
        if values.get("sequence"):
            try:
                sequence = [int(part) for part in values["sequence"].split(",")]
            except ValueError as error:
                raise forms.ValidationError("The proposed order must be feature ids.") from error
            return {"sequence": sequence, "unit": unit, "money_only": money_only}
        return {
            "move": values.get("move"),
            "before": values.get("before"),
            "unit": unit,
            "money_only": money_only,
        }


class ShareLinkForm(forms.Form):
    days = forms.IntegerField(
        min_value=1,
        max_value=SHARE_DAYS_MAX,
        initial=SHARE_DAYS_DEFAULT,
        label="Expires after (days)",
        error_messages={
            "required": f"Say for how many days the link works: 1 to {SHARE_DAYS_MAX}.",
            "invalid": f"Days must be a whole number from 1 to {SHARE_DAYS_MAX}.",
            "min_value": f"Days must be 1 to {SHARE_DAYS_MAX}.",
            "max_value": f"Days must be 1 to {SHARE_DAYS_MAX}.",
        },
    )


class OverrideForm(forms.Form):
    feature = forms.TypedChoiceField(coerce=int, label="Feature to pin")
    position = forms.IntegerField(min_value=1, initial=1, label="Pin at rank")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason (who asked, why)",
        error_messages={"required": "A pin needs a reason: say who asked for it and why."},
    )

    def __init__(self, *args, backlog: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["feature"].choices = [
            (row["id"], f"{row['position']}. {row['title']}") for row in backlog if row["position"] > 1
        ]
