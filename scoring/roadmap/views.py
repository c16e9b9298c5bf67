"""Roadmap pages: the ART's forecast as PI columns, its share links, and "when will it ship?"."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from backlog.access import art_editable_or_403, art_visible_or_404, feature_visible_or_404, user_can_edit_art
from backlog.errors import InputError
from backlog.models import Art
from scoring.roadmap import services, whatif
from scoring.roadmap.forms import RoadmapFilterForm, ShareLinkForm, WhatIfForm
from scoring.roadmap.models import RoadmapShareLink
from scoring.roadmap.page import roadmap_page_build, ship_forecast
from scoring.roadmap.selectors import (
    art_forecast,
    art_forecast_whatif,
    committed_pi_names,
    feature_ids_matching,
    feature_titles,
    whatif_choices,
)
from scoring.roadmap.slips import forecast_slip
from scoring.share_links import share_link_for_token


def _roadmap_context(
    request: HttpRequest, art: Art, *, mode: str | None = None, shared: bool = False
) -> dict:
    form = RoadmapFilterForm(request.GET, art_id=art.pk, with_stakeholders=not shared)
    filters = form.cleaned_data if form.is_valid() else {}
    mode = mode or filters.get("mode") or "strict"
    state = art_forecast(art_id=art.pk, today=timezone.localdate(), mode=mode)
    narrowing = {name: filters.get(name) for name in ("epic", "team", "stakeholder")}
    matching = None
    if any(narrowing.values()):
        ids = {f"{name}_id": None if value is None else value.pk for name, value in narrowing.items()}
        matching = feature_ids_matching(art_id=art.pk, **ids)
    page = roadmap_page_build(
        state=state,
        kind=filters.get("kind") or None,
        matching=matching,
        group_by_epic=filters.get("group") == "epic",
    )
    query = request.GET.copy()
    query.pop("mode", None)
    return {
        # A shared page is outside the app: no ART navigation for whoever opens it.
        "art": None if shared else art,
        "board_art": art,
        "form": form,
        "mode": mode,
        "page": page,
        "today": state.today,
        "shared": shared,
        "filtered": any(filters.get(name) for name in ("kind", "epic", "team", "stakeholder")),
        "query_without_mode": query.urlencode(),
    }


@login_required
def roadmap_page(request: HttpRequest, art_id: int) -> HttpResponse:
    art = art_visible_or_404(request.user, art_id)
    can_edit = user_can_edit_art(request.user, art.pk)
    context = _roadmap_context(request, art)
    links = RoadmapShareLink.objects.filter(art=art, revoked_at__isnull=True)[:20] if can_edit else []
    context |= {"nav": "roadmap", "can_edit": can_edit, "links": links, "share_form": ShareLinkForm()}
    return render(request, "roadmap/roadmap.html", context)


@login_required
@require_POST
def share_link_create_view(request: HttpRequest, art_id: int) -> HttpResponse:
    art = art_editable_or_403(request.user, art_id)
    form = ShareLinkForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(message for messages_ in form.errors.values() for message in messages_)
        messages.error(request, f"No link was made: {errors}")
        return redirect("roadmap:art-roadmap", art_id=art.pk)
    try:
        link, token = services.roadmap_share_link_create(
            art=art, acting_user=request.user, mode=form.cleaned_data["mode"], days=form.cleaned_data["days"]
        )
    except InputError as error:
        messages.error(request, f"No link was made: {error.message}")
        return redirect("roadmap:art-roadmap", art_id=art.pk)
    url = request.build_absolute_uri(reverse("roadmap:shared-roadmap", args=[token]))
    messages.success(
        request,
        f"Share this read-only link (shown only now; expires {link.expires_at:%Y-%m-%d %H:%M} UTC): {url}",
    )
    return redirect("roadmap:art-roadmap", art_id=art.pk)


@login_required
@require_POST
def share_link_revoke_view(request: HttpRequest, art_id: int, link_id: int) -> HttpResponse:
    art = art_editable_or_403(request.user, art_id)
    link = get_object_or_404(RoadmapShareLink, pk=link_id, art=art)
    services.roadmap_share_link_revoke(link=link, acting_user=request.user)
    messages.success(request, "The link is revoked; it no longer opens the roadmap.")
    return redirect("roadmap:art-roadmap", art_id=art.pk)


def shared_roadmap_page(request: HttpRequest, token: str) -> HttpResponse:
    """The one thing a roadmap link opens: the ART's roadmap as forecast now, read-only."""
    link = share_link_for_token(RoadmapShareLink.objects.select_related("art"), token)
    if not link.is_active:
        why = link.gone_reason
        response = render(request, "roadmap/shared_gone.html", {"why": why}, status=410)
    else:
        context = _roadmap_context(request, link.art, mode=link.mode, shared=True)
        response = render(request, "roadmap/shared.html", {**context, "link": link, "token": token})
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def feature_forecast_fragment(request: HttpRequest, feature_id: int) -> HttpResponse:
    """ "When will it ship?" for the feature page and My requests (loaded by htmx).
    ?partial=request adds, for My requests, how the forecast moved since the last visit."""
    feature = feature_visible_or_404(request.user, feature_id)
    state = art_forecast(art_id=feature.art_id, today=timezone.localdate())
    answer = ship_forecast(state, feature.pk, earlier_pi_names=committed_pi_names(state.forecast))
    context: dict[str, Any] = {"feature": feature, "answer": answer, "slip": None}
    if request.GET.get("partial") == "request" and answer is not None:
        context["slip"] = forecast_slip(session=request.session, state=state, feature=feature, answer=answer)
    return render(request, "roadmap/_feature_forecast.html", context)


CHANGES_SHOWN = 100
WHATIF_CHOICES = 300


def _whatif_rewrite(data: dict):
    """The what-if question as a rewrite of the walk's input (scoring.roadmap.whatif)."""
    if data["question"] == "move":
        return lambda features: whatif.features_moved_before(
            features, move=data["move"], before=data["before"]
        )
    if data["question"] == "pin":
        return lambda features: whatif.features_pinned(
            features, feature_id=data["move"], position=data["position"]
        )
    return lambda features: whatif.features_reestimated(
        features, feature_id=data["move"], estimate=data.get("estimate")
    )


@login_required
def roadmap_whatif_page(request: HttpRequest, art_id: int) -> HttpResponse:
    """Which features change PI if X moves ahead of Y, is pinned, or is re-estimated. Nothing is
    saved; everyone who reads the roadmap may ask. htmx gets the answer alone."""
    art = art_visible_or_404(request.user, art_id)
    form = WhatIfForm(request.GET or None, choices=whatif_choices(art_id=art.pk, limit=WHATIF_CHOICES))
    context: dict[str, Any] = {"art": art, "nav": "roadmap", "form": form, "asked": form.is_bound}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            before, after = art_forecast_whatif(
                art_id=art.pk, today=timezone.localdate(), mode=data["mode"], rewrite=_whatif_rewrite(data)
            )
        except whatif.WhatIfError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            changes = whatif.pi_changes(before, after)
            titles = feature_titles(change.id for change in changes[:CHANGES_SHOWN])
            context |= {
                "changes": [(change, titles.get(change.id, "")) for change in changes[:CHANGES_SHOWN]],
                "changes_hidden": max(len(changes) - CHANGES_SHOWN, 0),
                "later": sum(1 for change in changes if change.later),
                "earlier": sum(1 for change in changes if not change.later),
                "tradeoff_query": (
                    f"mode=move&move={data['move']}&before={data['before']}"
                    if data["question"] == "move"
                    else ""
                ),
            }
    template = "roadmap/_whatif_answer.html" if request.htmx else "roadmap/whatif.html"
    return render(request, template, context)
