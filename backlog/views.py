from datetime import UTC

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from backlog import selectors, services
from backlog.access import (
    art_editable_or_403,
    art_triage_or_404,
    art_visible_or_404,
    arts_editable_by,
    arts_visible_to,
    feature_request_triage_or_404,
    feature_visible_or_404,
    stakeholder_of_art_or_404,
    user_can_edit_art,
    user_is_admin,
    user_is_popm,
)
from backlog.errors import InputError
from backlog.forms import FeatureForm
from backlog.history import feature_history, history_entries
from backlog.models import Feature, FeatureChange
from backlog.request_forms import IdeaForm, PlusOneForm, TriageForm, form_error_add
from scoring.wsjf import score_in_words

# The newest changes on the feature page; the API pages through all of them.
HISTORY_SHOWN = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """POPM: their ART's backlog (a picker for several); stakeholder: their requests."""
    user = request.user
    if user_is_popm(user) and not user_is_admin(user):
        own = list(arts_editable_by(user)[:2])
        if len(own) == 1:
            return redirect("scoring:art-backlog", art_id=own[0].pk)
    elif not user_is_admin(user) and user.stakeholder_roles.exists():
        return redirect("backlog:my-requests")
    cards = selectors.art_cards(arts=arts_visible_to(user), today=timezone.localdate())
    return render(request, "backlog/home.html", {"cards": cards})


@login_required
def art_switch(request: HttpRequest) -> HttpResponse:
    art = art_visible_or_404(request.user, request.GET.get("art", ""))
    return redirect("scoring:art-backlog", art_id=art.pk)


def _form_errors_from(form: FeatureForm, error: ValidationError) -> None:
    for field, field_errors in getattr(error, "message_dict", {"__all__": error.messages}).items():
        form.add_error(field if field in form.fields else None, field_errors)


def _conflict_rows(form: FeatureForm, current: Feature) -> list[tuple[str, object, object]]:
    """Fields where what the POPM submitted differs from what someone else saved meanwhile."""
    return [
        (form.fields[name].label or name, form.cleaned_data.get(name), getattr(current, name))
        for name in form.cleaned_data
        if name != "version" and form.cleaned_data.get(name) != getattr(current, name)
    ]


@login_required
def feature_page(request: HttpRequest, feature_id: int) -> HttpResponse:
    feature = feature_visible_or_404(request.user, feature_id)
    can_edit = user_can_edit_art(request.user, feature.art_id)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied("Only a POPM of this ART may edit its features.")
    form = FeatureForm(request.POST or None, instance=feature, art_id=feature.art_id)
    conflict = []
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in Feature.EDITABLE_FIELDS}
        try:
            services.feature_update(
                feature=feature,
                acting_user=request.user,
                door=FeatureChange.Door.PAGE,
                expected_version=form.cleaned_data["version"],
                **fields,
            )
            messages.success(request, "Saved. The ranking updates in a moment.")
            return redirect("backlog:feature", feature_id=feature.pk)
        except services.VersionConflict as stale:
            feature = stale.current
            conflict = _conflict_rows(form, stale.current)
            # Saving again is now a decision made after seeing the other change.
            form.data = form.data.copy()
            form.data["version"] = stale.current.version
        except ValidationError as error:
            _form_errors_from(form, error)
    if request.method != "POST":
        form.initial["version"] = feature.version
    context = {
        "art": feature.art,
        "feature": feature,
        "form": form if can_edit else None,
        "conflict": conflict,
        "ranked_count": selectors.ranked_feature_count(art_id=feature.art_id),
        "requests": feature.requests.select_related("stakeholder"),
        "can_plus_one": feature.status != Feature.Status.DONE
        and feature.art.stakeholders.filter(user=request.user).exists(),
        "history": history_entries(list(feature_history(feature_id=feature.pk)[:HISTORY_SHOWN])),
        "history_shown": HISTORY_SHOWN,
        "in_words": score_in_words(*[getattr(feature, f) for f in Feature.SCORE_INPUTS])
        if feature.is_scored
        else "",
    }
    return render(request, "backlog/feature.html", context)


@login_required
def feature_create(request: HttpRequest, art_id: int) -> HttpResponse:
    art = art_editable_or_403(request.user, art_id)
    form = FeatureForm(request.POST or None, art_id=art.pk)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in Feature.EDITABLE_FIELDS}
        try:
            feature = services.feature_create(
                art=art, acting_user=request.user, door=FeatureChange.Door.PAGE, **fields
            )
            messages.success(request, f"Created “{feature.title}”. It is ranked in a moment.")
            return redirect("backlog:feature", feature_id=feature.pk)
        except ValidationError as error:
            _form_errors_from(form, error)
    return render(request, "backlog/feature_create.html", {"art": art, "form": form})


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    """What a stakeholder asked for: where each ranks and why, what moved it since their last
    visit, and the ideas still waiting for a POPM (or declined, with the reason)."""
    stakeholders = list(request.user.stakeholder_roles.select_related("art").order_by("art__name"))
    services.requests_visit_record(stakeholders=stakeholders)
    since_of_art = {
        s.art_id: s.requests_previous_seen_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for s in stakeholders
        if s.requests_previous_seen_at
    }
    requests = list(selectors.requests_of_user(user=request.user))
    ranked = selectors.ranked_feature_counts(art_ids={r.stakeholder.art_id for r in requests})
    rows = [
        {
            "request": r,
            "feature": r.feature,
            "art": r.stakeholder.art,
            "ranked_count": ranked.get(r.stakeholder.art_id, 0),
            "since": since_of_art.get(r.stakeholder.art_id, ""),
            "in_words": score_in_words(*[getattr(r.feature, f) for f in Feature.SCORE_INPUTS])
            if r.feature is not None and r.feature.is_scored
            else "",
        }
        for r in requests
    ]
    context = {"rows": rows, "stakeholders": stakeholders, "nav": "requests"}
    return render(request, "backlog/my_requests.html", context)


@login_required
def request_new(request: HttpRequest, art_id: int) -> HttpResponse:
    """A stakeholder asks: a new idea in their words, or "+1" on a feature with a note."""
    stakeholder = stakeholder_of_art_or_404(request.user, art_id)
    art = stakeholder.art
    which = request.POST.get("which") if request.method == "POST" else None
    idea_form = IdeaForm(request.POST if which == "idea" else None)
    initial = {"feature": request.GET.get("feature")} if request.GET.get("feature", "").isdigit() else {}
    plus_form = PlusOneForm(request.POST if which == "plus" else None, art_id=art.pk, initial=initial)
    if which == "idea" and idea_form.is_valid():
        try:
            services.feature_idea_submit(
                stakeholder=stakeholder, acting_user=request.user, **idea_form.cleaned_data
            )
        except InputError as error:
            form_error_add(idea_form, error)
        else:
            messages.success(request, "Sent. A POPM of the ART triages new ideas into the funnel.")
            return redirect("backlog:my-requests")
    if which == "plus" and plus_form.is_valid():
        try:
            services.feature_plus_one(
                stakeholder=stakeholder, acting_user=request.user, **plus_form.cleaned_data
            )
        except InputError as error:
            form_error_add(plus_form, error)
        else:
            messages.success(request, f"Added your +1 to “{plus_form.cleaned_data['feature'].title}”.")
            return redirect("backlog:my-requests")
    context = {"art": art, "idea_form": idea_form, "plus_form": plus_form, "nav": "requests"}
    return render(request, "backlog/request_new.html", context, status=400 if which else 200)


TRIAGED_SHOWN = 20
MERGE_SUGGESTIONS = 1000


@login_required
def requests_triage(request: HttpRequest, art_id: int) -> HttpResponse:
    """A POPM's inbox of new ideas: accept each into the funnel, merge it, or decline it.

    A refused decision is shown at this same URL (a reload shows the inbox again)."""
    art = art_triage_or_404(request.user, art_id)
    failed, failed_id = None, None
    if request.method == "POST":
        form = TriageForm(request.POST, art_id=art.pk)
        failed_id = request.POST.get("request_id")
        if form.is_valid():
            feature_request = feature_request_triage_or_404(
                request.user, form.cleaned_data["request_id"], art=art
            )
            try:
                done = _triage_apply(request, feature_request, form.cleaned_data)
            except InputError as error:
                form_error_add(form, error)
            except services.AlreadyTriaged as conflict:
                messages.warning(request, str(conflict))
                return redirect("backlog:requests-triage", art_id=art.pk)
            else:
                messages.success(request, done)
                return redirect("backlog:requests-triage", art_id=art.pk)
        failed = form
    waiting = [
        {
            "request": r,
            "form": failed
            if failed is not None and str(r.pk) == str(failed_id)
            else TriageForm(art_id=art.pk, initial={"request_id": r.pk, "title": r.title}),
        }
        for r in selectors.requests_awaiting_triage(art_id=art.pk)
    ]
    context = {
        "art": art,
        "nav": "triage",
        "waiting": waiting,
        "triaged": selectors.requests_triaged_recently(art_id=art.pk, limit=TRIAGED_SHOWN),
        # Suggestions for "merge into": the top of the backlog; any other open feature by its id.
        "merge_choices": list(selectors.features_to_merge_into(art_id=art.pk)[:MERGE_SUGGESTIONS]),
    }
    return render(request, "backlog/requests_triage.html", context, status=400 if failed else 200)


def _triage_apply(request: HttpRequest, feature_request, data: dict) -> str:
    """Apply one triage decision; the message that says what happened."""
    user, action = request.user, data["action"]
    if action == "accept":
        done = services.feature_request_accept(
            feature_request=feature_request,
            acting_user=user,
            door=FeatureChange.Door.PAGE,
            kind=data.get("kind") or Feature.Kind.BUSINESS,
            title=data.get("title") or None,
        )
        return f"Accepted: “{done.feature.title}” is in the funnel, waiting to be scored."
    if action == "merge":
        done = services.feature_request_merge(
            feature_request=feature_request,
            feature=data["feature"],
            acting_user=user,
            reason=data.get("reason", ""),
        )
        return f"Merged into “{done.feature.title}”: {done.stakeholder.name} now follows that feature."
    services.feature_request_decline(
        feature_request=feature_request, acting_user=user, reason=data.get("reason", "")
    )
    return f"Declined; {feature_request.stakeholder.name} sees your reason on My requests."


@login_required
def art_epics(request: HttpRequest, art_id: int) -> HttpResponse:
    """The ART's epics ranked by their own WSJF, each with its features and what they add up to."""
    art = art_visible_or_404(request.user, art_id)
    context = {
        "art": art,
        "nav": "epics",
        "rows": selectors.epics_ranked(art_id=art.pk),
        "can_edit": user_can_edit_art(request.user, art.pk),
    }
    return render(request, "backlog/epics.html", context)
