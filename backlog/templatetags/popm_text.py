"""How numbers and texts look on every page: money with its currency, Markdown-lite lists.

{% load popm_text %} then {{ value|money:art.currency }} and {{ text|bullets }}.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Symbols shown before the amount; any other ISO code is written out after it ("1,200 SEK").
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹"}


def money_text(value: object, currency: str = "EUR") -> str:
    """12300 -> "€12,300"; 1234.5 -> "€1,234.50"; None or junk -> "–". Whole amounts show no
    cents (a Cost of Delay per week is an estimate, not an invoice)."""
    if value is None or value == "":
        return "–"
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "–"
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    number = f"{abs(cents):,.0f}" if cents == cents.to_integral_value() else f"{abs(cents):,.2f}"
    sign = "-" if cents < 0 else ""
    code = (currency or "EUR").upper()
    symbol = CURRENCY_SYMBOLS.get(code)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {code}"


@register.filter
def money(value: object, currency: str = "EUR") -> str:
    return money_text(value, currency)


def _bullet_text(line: str) -> str | None:
    stripped = line.strip()
    for marker in ("- ", "* ", "• "):
        if stripped.startswith(marker):
            return stripped[len(marker) :].strip()
    return None


@register.filter(is_safe=True)
def bullets(text: object) -> SafeString:
    """Markdown-lite for acceptance criteria: lines starting "- " (or "* ", "• ") become a
    list, other lines paragraphs (a line break inside kept). Everything is escaped: no HTML
    a person typed ever reaches the page, only the <ul>, <li>, <p> and <br> made here."""
    if text is None or str(text).strip() == "":
        return mark_safe("<p>–</p>")
    blocks: list[str] = []
    items: list[str] = []
    paragraph: list[str] = []

    def close_items() -> None:
        if items:
            blocks.append("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
            items.clear()

    def close_paragraph() -> None:
        if paragraph:
            blocks.append("<p>" + "<br>".join(paragraph) + "</p>")
            paragraph.clear()

    for line in str(text).replace("\r\n", "\n").split("\n"):
        item = _bullet_text(line)
        if item is not None:
            close_paragraph()
            items.append(escape(item))
        elif line.strip():
            close_items()
            paragraph.append(escape(line.strip()))
        else:
            close_items()
            close_paragraph()
    close_items()
    close_paragraph()
    return mark_safe("".join(blocks))
