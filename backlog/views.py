from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from backlog import selectors, services
from backlog.access import (
    art_editable_or_403,
    art_visible_or_404,
    arts_editable_by,
    arts_visible_to,
    feature_visible_or_404,
    user_can_edit_art,
    user_is_admin,
    user_is_popm,
)
from backlog.forms import FeatureForm
from backlog.history import feature_history, history_entries
from backlog.models import Feature, FeatureChange
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
    return render(request, "backlog/home.html", {"arts": arts_visible_to(user)})


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
    """What a stakeholder asked for, where it ranks and why, in plain words."""
    requests = selectors.requests_of_user(user=request.user)
    ranked = selectors.ranked_feature_counts(art_ids={r.feature.art_id for r in requests})
    rows = [
        {
            "request": r,
            "feature": r.feature,
            "ranked_count": ranked.get(r.feature.art_id, 0),
            "in_words": score_in_words(*[getattr(r.feature, f) for f in Feature.SCORE_INPUTS])
            if r.feature.is_scored
            else "",
        }
        for r in requests
    ]
    return render(request, "backlog/my_requests.html", {"rows": rows, "nav": "requests"})
