"""One roadmap card as HTML, built in Python: a roadmap shows hundreds of them, and an
included template per card costs more than the rest of the page."""

from functools import cache

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()
_ID = 2147483647


@cache
def _feature_url_pattern() -> str:
    return reverse("backlog:feature", args=[_ID]).replace(str(_ID), "{}")


@register.simple_tag(takes_context=True)
def roadmap_card(context, card: dict, grouped: bool = False) -> SafeString:
    """card: a row of scoring.roadmap.selectors.feature_cards (with committed, estimate_text)."""
    title = escape(card["title"])
    if not context.get("shared"):
        title = f'<a href="{_feature_url_pattern().format(card["id"])}">{title}</a>'
    mark = (
        '<span class="rm-mark rm-mark-committed">committed</span>'
        if card["committed"]
        else '<span class="rm-mark rm-mark-forecast">forecast</span>'
    )
    meta = [escape(card["kind"].capitalize())]
    if card["estimate_text"]:
        meta.append(f"{card['estimate_text']} pts")
    if card["team__name"]:
        meta.append(escape(card["team__name"]))
    if card["epic__title"] and not grouped:
        meta.append(escape(card["epic__title"]))
    rank = f"#{card['rank']}" if card["rank"] else "–"
    committed = " rm-committed" if card["committed"] else ""
    return mark_safe(
        f'<li class="rm-card k-{escape(card["kind"])}{committed}">'
        f'<span class="rm-card-top"><span class="rm-rank" title="Rank">{rank}</span>{mark}</span>'
        f'<span class="rm-card-title">{title}</span>'
        f'<span class="rm-card-meta"><span class="visually-hidden">Kind: </span>{" · ".join(meta)}</span></li>'
    )
