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


def _select(feature_id: int, field: str, value, title_html: str, oob: bool = False) -> str:
    # The id lets htmx put the focus back on the same control when the row or table is swapped.
    return (
        f'<select id="s-{feature_id}-{field}" name="{field}" class="score" autocomplete="off"'
        f'{OOB if oob else ""} aria-label="{INPUT_LABELS[field]} of {title_html}">'
        f"{_OPTIONS.get(value) or _options(value)}</select>"
    )


def score_cell(row: dict, field: str, editable: bool, title_html: str) -> str:
    """The value of one WSJF input, or a select limited to the scale for a POPM."""
    value = row[field]
    if not editable:
        return f'<td class="score-cell"><span class="num">{_dash(value)}</span></td>'
    return f'<td class="score-cell">{_select(row["id"], field, value, title_html)}</td>'


def _row_state(row: dict, oob: bool = False) -> str:
    """What an inline save sends besides the inputs: the version edited and the values seen
    then (so a conflict can say what changed). Replaced after each save, before a queued one."""
    seen = "".join(
        f'<input type="hidden" name="seen_{field}" value="{"" if row[field] is None else row[field]}"'
        ' autocomplete="off">'
        for field in Feature.SCORE_INPUTS
    )
    return (
        f'<span id="row-state-{row["id"]}" hidden{OOB if oob else ""}>'
        f'<input type="hidden" name="version" value="{row["version"]}" autocomplete="off">{seen}</span>'
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
            f'<span class="badge stale" title="Scored {row["scored_at"]:%-d %b %Y}, before the current PI '
            f'started">score stale</span>'
        )
    return "".join(badges)


def _messages(conflict: list[str], errors: dict[str, str]) -> str:
    """Messages of an inline save; each stays (also through table refreshes) until dismissed."""
    dismiss = '<button type="button" class="link dismiss" data-dismiss>Dismiss</button>'
    parts = []
    if conflict:
        parts.append(
            '<div class="row-message error" role="alert">Not saved: someone else changed this feature '
            f"while you were editing. {escape('; '.join(conflict))}. The row shows the saved values now."
            f"{dismiss}</div>"
        )
    parts += [
        f'<div class="row-message error" role="alert">{escape(name)}: {escape(error)}{dismiss}</div>'
        for name, error in errors.items()
    ]
    return "".join(parts)


def _marks(marks) -> str:
    return "".join(
        f'<span class="mark mark-{escape(mark.css_class)}" title="{escape(mark.title)}">{escape(mark.text)}</span>'
        for mark in marks
    )


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


def _wsjf_rank(row: dict) -> str:
    """The pure WSJF position beside the rank, where a pin moved the feature away from it."""
    wsjf_rank = row.get("wsjf_rank")
    if wsjf_rank is None or row["rank"] is None or wsjf_rank == row["rank"]:
        return ""
    return (
        f'<span class="wsjf-rank" title="Rank #{row["rank"]} with the pins applied; '
        f'#{wsjf_rank} by WSJF alone">WSJF #{wsjf_rank}</span>'
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
    marks = (context.get("marks") or {}).get(feature_id, [])
    classes = [
        *(f"has-{mark.css_class}" for mark in marks),
        "moved" if move and edited_since and row["updated_at"] > edited_since else "",
    ]
    # An inline save swaps nothing of the row but what it changed (backlog_row_update), so the
    # select keeps the focus and the keys pressed meanwhile; saves of one row queue, the last
    # one sent with the version the previous one left.
    edit = (
        f' data-score-row hx-post="{SCORE_URL.format(feature_id)}" hx-trigger="change" hx-include="this"'
        ' hx-swap="none" hx-sync="this:queue last"'
        if can_edit
        else ""
    )
    title_html = escape(row["title"])
    cells = "".join(score_cell(row, field, can_edit, title_html) for field in INPUT_LABELS)
    state = _row_state(row) if can_edit else ""
    notes = (
        f'<span id="row-note-{feature_id}" class="row-note" role="status"></span>'
        f'<div id="row-msgs-{feature_id}" class="row-msgs"></div>'
        if can_edit
        else ""
    )
    return mark_safe(
        f'<tr id="feature-{feature_id}" class="{" ".join(c for c in classes if c)}"{edit}>'
        f'<td class="rank num"><span class="rank-n">{_dash(row["rank"])}</span>'
        f"{_wsjf_rank(row)}{_rank_change(row, context.get('ranks_then'))}{_move(move)}</td>"
        f'<td class="title-col"><a href="{FEATURE_URL.format(feature_id)}">{title_html}</a>'
        f"{_badges(row, context.get('stale_before'))}{_marks(marks)}{notes}</td>"
        f'<td><span class="kind kind-{row["kind"]}">{KIND_LABELS.get(row["kind"], row["kind"])}</span></td>'
        f"<td>{STATUS_LABELS.get(row['status'], row['status'])}</td>"
        f"<td>{_dash(row['team_name'])}</td>"
        f"<td>{_dash(row['pi_name'])}</td>"
        f"{cells}"
        f'<td class="num strong"><span id="cod-{feature_id}">{_dash(row["cost_of_delay"])}</span></td>'
        f'<td class="num strong"><span id="wsjf-{feature_id}">{_dash(row["wsjf"])}</span></td>'
        f'<td class="num">{_dash(row["estimate_points"])}{state}</td></tr>'
    )


@register.simple_tag(takes_context=True)
def backlog_row_update(context, row: dict) -> SafeString:
    """The answer to an inline save, as out-of-band swaps of the parts of the row it changed.

    Saved: the numbers, the version and seen values, a "Saved" note; the selects stay as the
    POPM left them (a queued save may already carry a newer value). Refused (a conflict): the
    selects show the saved values and a message says what was saved and what was tried; an
    earlier message is never cleared by a later save, only by Dismiss.
    """
    feature_id = row["id"]
    conflict = context.get("conflict") or []
    errors = context.get("row_errors") or {}
    refused = bool(conflict or errors)
    note = "Not saved" if refused else "Saved"
    parts = [
        f'<span id="cod-{feature_id}"{OOB}>{_dash(row["cost_of_delay"])}</span>',
        f'<span id="wsjf-{feature_id}"{OOB}>{_dash(row["wsjf"])}</span>',
        _row_state(row, oob=True),
        f'<span id="row-note-{feature_id}" class="row-note {"row-refused" if refused else "row-saved"}"'
        f' role="status"{OOB}>{note}</span>',
    ]
    if refused:
        parts.append(
            f'<div id="row-msgs-{feature_id}" class="row-msgs"{OOB}>{_messages(conflict, errors)}</div>'
        )
    if conflict:
        title_html = escape(row["title"])
        parts += [_select(feature_id, field, row[field], title_html, oob=True) for field in INPUT_LABELS]
    return mark_safe("".join(parts))


OOB = ' hx-swap-oob="true"'


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
