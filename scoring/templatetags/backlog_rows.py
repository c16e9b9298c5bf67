"""Row widgets of the ranked backlog, built in Python: a 1,000-row page renders 4,000 selects."""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from scoring.wsjf import SCALE

register = template.Library()


def _options(selected: int | None) -> str:
    blank = '<option value=""%s>–</option>' % (" selected" if selected is None else "")
    values = "".join(f'<option value="{v}"{" selected" if v == selected else ""}>{v}</option>' for v in SCALE)
    return blank + values


_OPTIONS = {value: _options(value) for value in (None, *SCALE)}


@register.simple_tag
def score_cell(feature, field: str, label: str, editable: bool) -> SafeString:
    """The value of one WSJF input, or a select limited to the scale for a POPM."""
    value = getattr(feature, field)
    if not editable:
        return format_html('<span class="num">{}</span>', "–" if value is None else value)
    options = _OPTIONS.get(value, _options(value))
    return mark_safe(
        f'<select name="{field}" class="score" aria-label="{escape(label)} of {escape(feature.title)}">'
        f"{options}</select>"
        f'<input type="hidden" name="seen_{field}" value="{"" if value is None else value}">'
    )


@register.filter
def move_of(moves: dict, feature_id: int):
    """(old rank, new rank) of a feature that moved since the page was loaded, else None."""
    return moves.get(feature_id) if moves else None
