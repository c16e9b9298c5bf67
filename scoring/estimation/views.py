"""Estimation session pages: the list per ART, a new session, the board (vote, reveal, accept,
re-vote, next column, close), the progress line for polling, and the bias per person."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from backlog.access import art_editable_or_403, art_visible_or_404, user_can_edit_art
from backlog.errors import Conflict, InputError
from backlog.models import Feature, ProgramIncrement, Stakeholder
from scoring.estimation import selectors, services
from scoring.estimation.access import (
    SessionAccess,
    invitable_users,
    session_access_or_404,
    session_manage_or_403,
    session_voter_or_404,
    sessions_visible_to,
)
from scoring.estimation.errors import CloseConflicts
from scoring.estimation.guidance import GUIDING_QUESTIONS, scale_words
from scoring.estimation.models import COLUMN_LABELS, COLUMN_SHORT, SAFE_COLUMN_ORDER
from scoring.wsjf import SCALE

# The new-session page lists at most this many features of a filter (the API takes any ids).
CANDIDATES_SHOWN = 300


@login_required
def session_list_page(request: HttpRequest, art_id: int) -> HttpResponse:
    art = art_visible_or_404(request.user, art_id)
    sessions = sessions_visible_to(request.user, art).select_related("created_by")
    return render(
        request,
        "estimation/session_list.html",
        {
            "art": art,
            "nav": "estimation",
            "sessions": sessions,
            "can_edit": user_can_edit_art(request.user, art.pk),
        },
    )


def _candidates(art: Any, query: Any) -> tuple[list[Feature], dict[str, str]]:
    """The ART's features the filter picks (not done unless asked), in rank order."""
    filters = {name: query.get(name, "") for name in ("pi", "kind", "status")}
    features = Feature.objects.filter(art=art).only("id", "title", "kind", "status", "rank", "pi_id")
    if filters["pi"].isdigit():
        features = features.filter(pi_id=int(filters["pi"]))
    if filters["kind"] in Feature.Kind.values:
        features = features.filter(kind=filters["kind"])
    if filters["status"] in Feature.Status.values:
        features = features.filter(status=filters["status"])
    else:
        features = features.exclude(status=Feature.Status.DONE)
    return list(features.order_by("rank", "id")[: CANDIDATES_SHOWN + 1]), filters


@login_required
def session_new_page(request: HttpRequest, art_id: int) -> HttpResponse:
    art = art_editable_or_403(request.user, art_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            session = services.session_create(
                art=art,
                acting_user=request.user,
                name=request.POST.get("name", ""),
                feature_ids=[int(pk) for pk in request.POST.getlist("features") if pk.isdigit()],
                columns=request.POST.getlist("columns"),
                participant_ids=[int(pk) for pk in request.POST.getlist("participants") if pk.isdigit()],
            )
        except InputError as error:
            errors[error.field] = error.message
        else:
            messages.success(request, f"Session “{session.name}” is ready: open it when everyone is there.")
            return redirect("estimation:session", session_id=session.pk)
    candidates, filters = _candidates(art, request.GET)
    people = list(invitable_users(art))
    chosen = request.POST if request.method == "POST" else None
    return render(
        request,
        "estimation/session_new.html",
        {
            "art": art,
            "nav": "estimation",
            "errors": errors,
            "filters": filters,
            "pis": ProgramIncrement.objects.filter(art=art),
            "kinds": Feature.Kind.choices,
            "statuses": Feature.Status.choices,
            "candidates": candidates[:CANDIDATES_SHOWN],
            "more_candidates": len(candidates) > CANDIDATES_SHOWN,
            "columns": [(column, COLUMN_LABELS[column]) for column in SAFE_COLUMN_ORDER],
            "people": people,
            "name": chosen.get("name", "") if chosen else "",
            "chosen_features": set(chosen.getlist("features")) if chosen else None,
            "chosen_columns": set(chosen.getlist("columns")) if chosen else set(SAFE_COLUMN_ORDER),
            # By default the ART's own people are ticked; admins may be invited but are not ticked.
            "chosen_people": set(chosen.getlist("participants")) if chosen else _art_people(art),
        },
    )


def _art_people(art: Any) -> set[str]:
    popms = art.popms.values_list("pk", flat=True)
    stakeholders = Stakeholder.objects.filter(art=art, user__isnull=False).values_list("user_id", flat=True)
    return {str(pk) for pk in [*popms, *stakeholders]}


def _board_context(request: HttpRequest, access: SessionAccess, **extra: Any) -> dict[str, Any]:
    session = access.session
    # The open board shows the current column; the closed after-view shows every column.
    board = selectors.session_board(session=session, viewer=request.user, all_columns=session.is_closed)
    column = session.current_column
    return {
        "art": session.art,
        "nav": "estimation",
        "session": session,
        "access": access,
        "board": board,
        "column_label": COLUMN_LABELS.get(column, ""),
        "column_short": COLUMN_SHORT.get(column, ""),
        "column_labels": COLUMN_LABELS,
        "questions": GUIDING_QUESTIONS.get(column, []),
        "scale": scale_words(column),
        "scale_values": SCALE,
        "conflicts": [],
        **extra,
    }


@login_required
def session_page(request: HttpRequest, session_id: int) -> HttpResponse:
    access = session_access_or_404(request.user, session_id)
    return render(request, "estimation/session.html", _board_context(request, access))


@login_required
def session_progress_partial(request: HttpRequest, session_id: int) -> HttpResponse:
    """The progress line, polled by htmx; a page whose round changed since it loaded reloads."""
    access = session_access_or_404(request.user, session_id)
    progress = selectors.session_progress(session=access.session)
    stamp = progress.stamp if progress else access.session.state
    if request.GET.get("stamp", stamp) != stamp or access.session.is_closed:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "estimation/session.html#progress",
        {"session": access.session, "progress": progress, "stamp": stamp},
    )


@login_required
@require_POST
def vote_view(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_voter_or_404(request.user, session_id)
    feature_id = request.POST.get("feature", "")
    error = ""
    try:
        vote = services.vote_cast(
            session=session,
            voter=request.user,
            feature_id=int(feature_id) if feature_id.isdigit() else feature_id,
            column=request.POST.get("column", ""),
            value=request.POST.get("value"),
        )
    except (InputError, Conflict) as refused:
        error, value, cast = str(refused), None, False
    else:
        value, cast = vote.value, True
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(reverse("estimation:session", args=[session.pk]) + f"#f-{feature_id}")
    context = {
        "session": session,
        "feature_id": feature_id,
        "my_vote": value,
        "my_vote_cast": cast,
        "vote_error": error,
        "scale_values": SCALE,
        "saved": cast,
    }
    return render(request, "estimation/session.html#vote-form", context, status=200)


def _manage_step(
    request: HttpRequest, session_id: int, step: Any, done: str, **arguments: Any
) -> HttpResponse:
    session = session_manage_or_403(session_access_or_404(request.user, session_id))
    try:
        step(session=session, acting_user=request.user, **arguments)
    except (InputError, Conflict) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)
    anchor = request.POST.get("back", "")
    return redirect(reverse("estimation:session", args=[session.pk]) + (f"#{anchor}" if anchor else ""))


@login_required
@require_POST
def session_open_view(request: HttpRequest, session_id: int) -> HttpResponse:
    return _manage_step(
        request, session_id, services.session_open, "The session is open: voting has started."
    )


@login_required
@require_POST
def round_reveal_view(request: HttpRequest, session_id: int) -> HttpResponse:
    return _manage_step(request, session_id, services.round_reveal, "Revealed: everyone sees the votes now.")


@login_required
@require_POST
def round_revote_view(request: HttpRequest, session_id: int) -> HttpResponse:
    ids = [int(pk) for pk in request.POST.getlist("features") if pk.isdigit()]
    return _manage_step(
        request,
        session_id,
        services.round_revote,
        "Re-vote started: votes are hidden again.",
        feature_ids=ids,
    )


@login_required
@require_POST
def acceptance_view(request: HttpRequest, session_id: int) -> HttpResponse:
    feature_id = request.POST.get("feature", "")
    return _manage_step(
        request,
        session_id,
        services.acceptance_set,
        "Accepted.",
        feature_id=int(feature_id) if feature_id.isdigit() else feature_id,
        column=request.POST.get("column", ""),
        value=request.POST.get("value", ""),
        note=request.POST.get("note", ""),
    )


@login_required
@require_POST
def column_next_view(request: HttpRequest, session_id: int) -> HttpResponse:
    return _manage_step(request, session_id, services.column_next, "Next column: voting has started on it.")


@login_required
@require_POST
def session_close_view(request: HttpRequest, session_id: int) -> HttpResponse:
    access = session_access_or_404(request.user, session_id)
    session = session_manage_or_403(access)
    decisions = {
        key.removeprefix("decision-"): value
        for key, value in request.POST.items()
        if key.startswith("decision-")
    }
    try:
        result = services.session_close(session=session, acting_user=request.user, decisions=decisions)
    except CloseConflicts as conflicts:
        context = _board_context(request, access, conflicts=conflicts.conflicts)
        return render(request, "estimation/session.html", context, status=409)
    except (InputError, Conflict) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            f"Closed: scores written to {result.written} feature{'s' if result.written != 1 else ''}"
            f"{f', {result.kept} kept as edited elsewhere' if result.kept else ''}"
            f"{f', {result.unchanged} already had these values' if result.unchanged else ''}"
            f"{f', {result.nothing} with nothing accepted' if result.nothing else ''}.",
        )
    return redirect("estimation:session", session_id=session.pk)


@login_required
def bias_page(request: HttpRequest, art_id: int) -> HttpResponse:
    """Who scores above or below consensus: POPMs only (a stakeholder never sees others' bias)."""
    art = art_editable_or_403(request.user, art_id)
    return render(
        request,
        "estimation/bias.html",
        {"art": art, "nav": "estimation", "rows": selectors.art_bias(art=art), "can_edit": True},
    )
