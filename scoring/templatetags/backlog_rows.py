"""Rows of the ranked backlog, built in Python.

A 1,000-row page through the template engine took ~0.5 s (four selects and a dozen cells a
row); the same HTML from format strings takes a fraction of that. The page template and the
inline-scoring response both render rows through backlog_row, so there is one row markup.
"""

from html import escape as _html_escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from backlog.models import Feature
from backlog.selectors import score_is_stale
from scoring.forms import INPUT_LABELS
from scoring.wsjf import SCALE

register = template.Library()

KIND_LABELS = dict(Feature.Kind.choices)
STATUS_LABELS = dict(Feature.Status.choices)
_ID = 987654321


def _url_pattern(name: str) -> str:
    return reverse(name, args=[_ID]).replace(str(_ID), "{}")


def _options(selected: int | None) -> str:
    blank = '<option value=""%s>–</option>' % (" selected" if selected is None else "")
    values = "".join(f'<option value="{v}"{" selected" if v == selected else ""}>{v}</option>' for v in SCALE)
    return blank + values


_OPTIONS = {value: _options(value) for value in (None, *SCALE)}


def escape(value) -> str:
    # The standard library's escape: Django's wraps it for lazy strings, which rows never
    # hold, at several times the cost over the ~30,000 values of a 1,000-row page.
    return _html_escape(str(value))


def _dash(value) -> str:
    return "–" if value is None or value == "" else escape(value)


def score_cell(row: dict, field: str, editable: bool, title_html: str) -> str:
    """The value of one WSJF input, or a select limited to the scale for a POPM."""
    value = row[field]
    if not editable:
        return f'<td class="score-cell"><span class="num">{_dash(value)}</span></td>'
    return (
        f'<td class="score-cell"><select name="{field}" class="score" aria-label="{INPUT_LABELS[field]} of '
        f'{title_html}">{_OPTIONS.get(value) or _options(value)}</select>'
        f'<input type="hidden" name="seen_{field}" value="{"" if value is None else value}"></td>'
    )


def _badges(row: dict, stale_before) -> str:
    badges = []
    if row["estimate_points"] is None:
        badges.append(
            '<span class="badge warn" title="Needs an estimate in story points for capacity planning">'
            "needs estimate</span>"
        )
    if any(row[field] is None for field in Feature.SCORE_INPUTS):
        badges.append('<span class="badge warn">not scored</span>')
    elif score_is_stale(scored_at=row["scored_at"], stale_before=stale_before):
        badges.append(
            f'<span class="badge stale" title="Scored {row["scored_at"]:%Y-%m-%d}, before the current PI '
            f'started">score stale</span>'
        )
    return "".join(badges)


def _messages(conflict: list[str], errors: dict[str, str]) -> str:
    parts = []
    if conflict:
        parts.append(
            '<div class="error" role="alert">Someone else changed this feature meanwhile; your change was '
            f"not saved. {escape('; '.join(conflict))}.</div>"
        )
    parts += [
        f'<div class="error" role="alert">{escape(name)}: {escape(error)}</div>'
        for name, error in errors.items()
    ]
    return "".join(parts)


def _marks(marks) -> str:
    return "".join(
        f'<span class="mark mark-{escape(mark.css_class)}" title="{escape(mark.title)}">{escape(mark.text)}</span>'
        for mark in marks
    )


def _forecast(marks) -> str:
    if not marks:
        return "–"
    mark = marks[0]
    return f'<span title="{escape(mark.title)}" style="white-space: nowrap">{escape(mark.text)}</span>'


def _rank_change(row: dict, ranks_then: dict | None) -> str:
    """▲3 / ▼7 / new since the chosen moment; nothing for no move or no comparison."""
    if ranks_then is None or row["rank"] is None:
        return ""
    then = ranks_then.get(row["id"])
    url = RANK_CHANGE_URL.format(row["id"])
    if then is None:
        return f'<a class="rank-change new" href="{url}" title="Not ranked then: why?">new</a>'
    if then == row["rank"]:
        return ""
    up = then > row["rank"]
    arrow, label = ("▲", "up") if up else ("▼", "down")
    return (
        f'<a class="rank-change {label}" href="{url}" title="#{then} then, #{row["rank"]} now: why?">'
        f'{arrow}{abs(then - row["rank"])}<span class="visually-hidden"> {label} from #{then}</span></a>'
    )


def _move(move) -> str:
    if not move:
        return ""
    before, after = (_dash(rank) for rank in move)
    return f'<span class="move" title="Rank before: {before}, now: {after}">{before} → {after}</span>'


@register.simple_tag(takes_context=True)
def backlog_row(context, row: dict) -> SafeString:
    """One <tr> of the ranked backlog from a row of BACKLOG_ROW_FIELDS + team_name, pi_name."""
    feature_id = row["id"]
    can_edit = context.get("can_edit", False)
    move = (context.get("moves") or {}).get(feature_id)
    edited_since = context.get("edited_since")
    conflict = context.get("conflict") or []
    marks = (context.get("marks") or {}).get(feature_id, [])
    # The roadmap's forecast PI has a column of its own (scoring.backlog_marks.forecast_marks).
    forecast = [mark for mark in marks if mark.css_class == "forecast-pi"]
    marks = [mark for mark in marks if mark.css_class != "forecast-pi"]
    classes = [
        *(f"has-{mark.css_class}" for mark in marks),
        "moved" if move and edited_since and row["updated_at"] > edited_since else "",
        "saved" if context.get("saved") else "",
        "conflict" if conflict else "",
    ]
    edit = (
        f' hx-post="{SCORE_URL.format(feature_id)}" hx-trigger="change" hx-include="this"'
        ' hx-target="this" hx-swap="outerHTML"'
        if can_edit
        else ""
    )
    title_html = escape(row["title"])
    cells = "".join(score_cell(row, field, can_edit, title_html) for field in INPUT_LABELS)
    version = f'<input type="hidden" name="version" value="{row["version"]}">' if can_edit else ""
    return mark_safe(
        f'<tr id="feature-{feature_id}" class="{" ".join(c for c in classes if c)}"{edit}>'
        f'<td class="rank num"><span class="rank-n">{_dash(row["rank"])}</span>'
        f"{_rank_change(row, context.get('ranks_then'))}{_move(move)}</td>"
        f'<td class="title-col"><a href="{FEATURE_URL.format(feature_id)}">{title_html}</a>'
        f"{_badges(row, context.get('stale_before'))}{_marks(marks)}"
        f"{_messages(conflict, context.get('row_errors') or {})}</td>"
        f'<td><span class="kind kind-{row["kind"]}">{KIND_LABELS.get(row["kind"], row["kind"])}</span></td>'
        f"<td>{STATUS_LABELS.get(row['status'], row['status'])}</td>"
        f"<td>{_dash(row['team_name'])}</td>"
        f"<td>{_dash(row['pi_name'])}</td>"
        f'<td class="forecast-pi">{_forecast(forecast)}</td>'
        f"{cells}"
        f'<td class="num strong">{_dash(row["cost_of_delay"])}</td>'
        f'<td class="num strong">{_dash(row["wsjf"])}</td>'
        f'<td class="num">{_dash(row["estimate_points"])}{version}</td></tr>'
    )


class _LazyUrl:
    """reverse() needs the URLconf loaded, which is not yet true when template tags import."""

    def __init__(self, name: str):
        self.name, self.pattern = name, None

    def format(self, pk: int) -> str:
        if self.pattern is None:
            self.pattern = _url_pattern(self.name)
        return self.pattern.format(pk)


FEATURE_URL = _LazyUrl("backlog:feature")
SCORE_URL = _LazyUrl("scoring:feature-score")
RANK_CHANGE_URL = _LazyUrl("scoring:feature-rank-change")
