from decimal import Decimal

from django import template

from scoring.planning.capacity import points_text

register = template.Library()


@register.filter
def points(value: Decimal | None) -> str:
    """Story points as people write them: 40, 37.5; an em dash when there is no estimate."""
    return "—" if value is None else points_text(value)
