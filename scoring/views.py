"""The ranked backlog page, its inline scoring, the scoring status and the value-vs-effort chart.

These live in scoring because they read ranks and runs; writes still go through
backlog.services (scoring may call backlog, never the reverse).
"""

from datetime import UTC, datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from backlog.access import (
    art_visible_or_404,
    feature_editable_or_403,
    feature_visible_or_404,
    user_can_edit_art,
)
from backlog.errors import InputError
from backlog.models import Art, Feature, FeatureChange, ProgramIncrement
from backlog.selectors import current_pi, score_stale_before
from backlog.services import VersionConflict, feature_update
from scoring import charts, selectors
from scoring.backlog_marks import backlog_marks
from scoring.forms import INPUT_LABELS, BacklogFilterForm, ScoreRowForm
from scoring.rank_changes import Moment, moment_parse, moment_pi_start, rank_change_explain, ranks_after_run
from scoring.selectors import art_scores_current

PAGE_SIZE = 1000


def _scoring_status(art: Art) -> dict:
    last_run = selectors.last_done_run(art_id=art.pk)
    current = art_scores_current(art_id=art.pk)
    queue_down = not current and selectors.art_queue_down(art_id=art.pk)
    return {"art": art, "scores_current": current, "queue_down": queue_down, "last_run": last_run}


def _moves_since_load(request: HttpRequest, art: Art) -> tuple[dict, datetime | None]:
    """Rank moves since the page loaded, and from when a row counts as edited since then.

    Rows edited since the page loaded are highlighted; rows they pushed aside only get a badge.
    """
    moved_after, loaded_at = request.GET.get("moved_after", ""), request.GET.get("loaded_at", "")
    if not moved_after.isdigit():
        return {}, None
    moves = selectors.rank_moves_after(art_id=art.pk, run_id=int(moved_after))
    edited_since = datetime.fromtimestamp(int(loaded_at), tz=UTC) if loaded_at.isdigit() and moves else None
    return moves, edited_since


def _backlog_context(request: HttpRequest, art: Art) -> dict:
    form = BacklogFilterForm(request.GET, art_id=art.pk)
    filters = form.cleaned_data if form.is_valid() else {}
    features = selectors.backlog_page_features_filtered(art_id=art.pk, filters=filters)
    page = Paginator(features, PAGE_SIZE).get_page(filters.get("page"))
    pi = current_pi(art_id=art.pk, today=timezone.localdate())
    moment, ranks_then = _ranks_then(request, art, filters.get("since") or "pi", page, pi)
    moves, edited_since = _moves_since_load(request, art)
    status = _scoring_status(art)
    marks = backlog_marks(art=art, pi=filters.get("pi") or pi)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("moved_after", None)
    query.pop("loaded_at", None)
    return {
        **status,
        "nav": "backlog",
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "flags": [INPUT_LABELS[field] for field in selectors.columns_without_one_in(features)],
        "current_pi": pi,
        "stale_before": score_stale_before(pi),
        "moves": moves,
        "since_moment": moment,
        "ranks_then": ranks_then,
        "marks": marks,
        "edited_since": edited_since,
        "loaded_at": int(timezone.now().timestamp()),
        "moved_after": status["last_run"].pk if status["last_run"] else 0,
        "can_edit": user_can_edit_art(request.user, art.pk),
    }


def _ranks_then(
    request: HttpRequest, art: Art, since: str, page, pi: ProgramIncrement | None
) -> tuple[Moment | None, dict | None]:
    """The moment the rank arrows count from, and the ranks then of the page's features."""
    if since == "off":
        return None, None
    if since == "visit":
        seen = request.session.get(f"backlog_previous_visit_{art.pk}")
        moment = moment_parse(art_id=art.pk, since=seen) if seen else None
        if moment is not None:
            moment = Moment(
                moment.run_id, moment.at, moment.label.replace("since", "since your last visit,", 1)
            )
    else:
        moment = moment_pi_start(art_id=art.pk, pi=pi)  # the current PI the page already read
    if moment is None or moment.run_id == 0:
        # Nothing was ranked then: every row would say "new"; the caption says it once.
        return moment, None
    ids = [row["id"] for row in page.object_list]
    return moment, ranks_after_run(art_id=art.pk, run_id=moment.run_id, feature_ids=ids)


def _visit_remember(request: HttpRequest, art: Art) -> None:
    # "Your last visit" is the visit before this one: keep both moments.
    key = f"backlog_visit_{art.pk}"
    if request.session.get(key):
        request.session[f"backlog_previous_visit_{art.pk}"] = request.session[key]
    request.session[key] = timezone.now().isoformat()


@login_required
def backlog_page(request: HttpRequest, art_id: int) -> HttpResponse:
    art = art_visible_or_404(request.user, art_id)
    if not request.htmx:
        _visit_remember(request, art)
    context = _backlog_context(request, art)
    if request.htmx and request.GET.get("partial") == "table":
        return render(request, "scoring/backlog.html#table", context)
    return render(request, "scoring/backlog.html", context)


@login_required
def backlog_status(request: HttpRequest, art_id: int) -> HttpResponse:
    """Polled while a run is pending; tells the page to reload its table when it finishes."""
    art = art_visible_or_404(request.user, art_id)
    context = _scoring_status(art)
    response = render(request, "scoring/backlog.html#status", context)
    if context["scores_current"]:
        response["HX-Trigger"] = "scoring-done"
    return response


def _conflict_words(current: Feature, form: ScoreRowForm) -> list[str]:
    """What a refused inline save says, per input: the value saved meanwhile by someone else
    (and what the row showed before), and the value this POPM tried, which was not saved."""

    def text(value) -> str:
        return "–" if value is None else str(value)

    words = []
    for field in Feature.SCORE_INPUTS:
        seen, saved, tried = (
            form.cleaned_data.get(f"seen_{field}"),
            getattr(current, field),
            form.cleaned_data[field],
        )
        label = INPUT_LABELS[field]
        changed_by_other, tried_change = saved != seen, tried != seen
        if changed_by_other and tried_change:
            words.append(
                f"{label}: you tried {text(tried)}; {text(saved)} was saved meanwhile (it was {text(seen)})"
            )
        elif changed_by_other:
            words.append(f"{label} is now {text(saved)}, saved meanwhile (it was {text(seen)})")
        elif tried_change:
            words.append(f"{label}: you tried {text(tried)}; it stays {text(saved)}")
    return words


@login_required
@require_POST
def feature_score(request: HttpRequest, feature_id: int) -> HttpResponse:
    """Inline scoring from a backlog row: answers with the row re-rendered (and the status)."""
    feature = feature_editable_or_403(request.user, feature_id)
    form = ScoreRowForm(request.POST)
    context = {"can_edit": True, "row_errors": {}, "conflict": []}
    if not form.is_valid():
        context["row_errors"] = {name: errors[0] for name, errors in form.errors.items()}
    else:
        inputs = {field: form.cleaned_data[field] for field in Feature.SCORE_INPUTS}
        try:
            feature = feature_update(
                feature=feature,
                acting_user=request.user,
                door=FeatureChange.Door.INLINE,
                expected_version=form.cleaned_data["version"],
                **inputs,
            )
        except VersionConflict as conflict:
            feature = conflict.current
            context["conflict"] = _conflict_words(feature, form) or ["another field changed"]
        context["saved"] = not context["conflict"]
    row = selectors.backlog_row_values(feature)
    context |= {"feature": row, **_scoring_status(feature.art), "oob_status": True}
    response = render(request, "scoring/backlog_row.html", context)
    if context["scores_current"]:
        # The run already finished (in-process tasks, or a fast worker): reload the ranking now.
        response["HX-Trigger"] = "scoring-done"
    return response


@login_required
def value_effort_chart(request: HttpRequest, art_id: int) -> HttpResponse:
    art = art_visible_or_404(request.user, art_id)
    features = selectors.backlog_features(art_id=art.pk).exclude(job_size=None).exclude(cost_of_delay=None)
    chart = charts.value_effort_chart(
        list(features.values("id", "title", "kind", "cost_of_delay", "job_size", "wsjf", "rank"))
    )
    return render(request, "scoring/value_effort.html", {"art": art, "nav": "chart", "chart": chart})


@login_required
def feature_rank_change_page(request: HttpRequest, feature_id: int) -> HttpResponse:
    """Why did it move? The feature's rank since a moment (?since=run id or ISO date; default
    the start of the current PI), explained. ?partial=summary answers the words alone (htmx)."""
    feature = feature_visible_or_404(request.user, feature_id)
    since = request.GET.get("since", "")
    try:
        moment = moment_parse(art_id=feature.art_id, since=since)
    except InputError as error:
        moment, since_error = moment_parse(art_id=feature.art_id, since=""), error.message
    else:
        since_error = ""
    change = rank_change_explain(feature=feature, moment=moment)
    context = {
        "art": feature.art,
        "feature": feature,
        "change": change,
        "since": since,
        "since_error": since_error,
    }
    if request.GET.get("partial") == "summary":
        return render(request, "scoring/rank_change.html#summary", context)
    return render(request, "scoring/rank_change.html", context, status=400 if since_error else 200)
