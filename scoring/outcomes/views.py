"""Outcome pages: a feature's indicators and verdict, PI objectives and predictability, flow,
estimated vs delivered, and the PI review (also shared read-only by an expiring link)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from backlog import services as backlog_services
from backlog.access import (
    art_visible_or_404,
    feature_editable_or_403,
    feature_visible_or_404,
    pi_editable_or_403,
    pi_visible_or_404,
    user_can_edit_art,
)
from backlog.errors import InputError
from backlog.models import Art, FeatureChange, ProgramIncrement
from backlog.selectors import current_pi
from scoring.outcomes import charts, selectors, services
from scoring.outcomes.forms import (
    IndicatorForm,
    MeasurementForm,
    MeasurementsCsvForm,
    ObjectiveForm,
    ObjectiveValuesForm,
    ReviewLinkForm,
    VerdictForm,
    error_show,
)
from scoring.outcomes.models import LeadingIndicator, PIObjective, ReviewShareLink
from scoring.outcomes.review_sheet import review_xlsx
from scoring.share_links import share_link_for_token

CSV_MAX_BYTES = 1_000_000
# A review page lists this many done features at most; the XLSX holds them all.
REVIEW_FEATURES_SHOWN = 200


def _page(
    request: HttpRequest, template: str, art: Art, *, status: int = 200, **context: Any
) -> HttpResponse:
    can_edit = user_can_edit_art(request.user, art.pk)
    if "nav_pi" not in context:  # the subnav's objectives and review links open this PI
        context["nav_pi"] = context.get("pi") or current_pi(art_id=art.pk, today=timezone.now().date())
    context = {"art": art, "nav": "outcomes", "can_edit": can_edit, **context}
    return render(request, template, context, status=status)


def _indicator_rows(feature_id: int) -> list[dict[str, Any]]:
    return [
        {
            "view": view,
            "chart": charts.indicator_chart(
                baseline=view.indicator.baseline,
                target=view.indicator.target,
                due=view.indicator.due_date,
                points=[(m.measured_on, m.value) for m in view.measurements],
            ),
        }
        for view in selectors.feature_indicators(feature_id=feature_id)
    ]


# --- a feature's outcome --------------------------------------------------------------------


@login_required
def feature_outcomes_fragment(request: HttpRequest, feature_id: int) -> HttpResponse:
    """The feature page's outcome section, loaded by htmx (backlog knows nothing of outcomes)."""
    feature = feature_visible_or_404(request.user, feature_id)
    can_edit = user_can_edit_art(request.user, feature.art_id)
    form = VerdictForm(initial={"outcome_verdict": feature.outcome_verdict, "version": feature.version})
    context = {"feature": feature, "rows": _indicator_rows(feature.pk), "can_edit": can_edit, "form": form}
    return render(request, "outcomes/_feature_outcomes.html", context)


@login_required
@require_POST
def feature_verdict_view(request: HttpRequest, feature_id: int) -> HttpResponse:
    feature = feature_editable_or_403(request.user, feature_id)
    form = VerdictForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the verdicts.")
    else:
        try:
            backlog_services.feature_update(
                feature=feature,
                acting_user=request.user,
                door=FeatureChange.Door.PAGE,
                expected_version=form.cleaned_data["version"],
                outcome_verdict=form.cleaned_data["outcome_verdict"],
            )
            messages.success(request, "Verdict saved.")
        except backlog_services.VersionConflict:
            messages.error(
                request, "Someone changed this feature meanwhile; nothing was saved. Look again and retry."
            )
    return redirect(reverse("backlog:feature", args=[feature.pk]) + "#outcomes")


@login_required
def feature_indicators_page(request: HttpRequest, feature_id: int) -> HttpResponse:
    feature = feature_visible_or_404(request.user, feature_id)
    return _indicators_page(request, feature)


def _indicators_page(request: HttpRequest, feature, **forms: Any) -> HttpResponse:
    context = {
        "feature": feature,
        "rows": _indicator_rows(feature.pk),
        "indicator_form": forms.get("indicator_form") or IndicatorForm(),
        "measurement_form": forms.get("measurement_form"),
        "csv_form": forms.get("csv_form") or MeasurementsCsvForm(),
        "csv_errors": forms.get("csv_errors", []),
    }
    status = 400 if forms else 200
    return _page(request, "outcomes/indicators.html", feature.art, status=status, **context)


@login_required
@require_POST
def indicator_create_view(request: HttpRequest, feature_id: int) -> HttpResponse:
    feature = feature_editable_or_403(request.user, feature_id)
    form = IndicatorForm(request.POST)
    if form.is_valid():
        try:
            services.indicator_create(feature=feature, acting_user=request.user, **form.cleaned_data)
            messages.success(request, f"Indicator “{form.cleaned_data['name']}” added.")
            return redirect("outcomes:feature-indicators", feature_id=feature.pk)
        except InputError as error:
            error_show(form, error)
    return _indicators_page(request, feature, indicator_form=form)


@login_required
@require_POST
def measurement_create_view(request: HttpRequest, feature_id: int) -> HttpResponse:
    feature = feature_editable_or_403(request.user, feature_id)
    form = MeasurementForm(request.POST)
    if form.is_valid():
        indicator = LeadingIndicator.objects.filter(
            pk=form.cleaned_data["indicator"], feature=feature
        ).first()
        if indicator is None:
            raise Http404("No such indicator.")
        try:
            services.measurement_record(
                indicator=indicator,
                acting_user=request.user,
                measured_on=form.cleaned_data["measured_on"],
                value=form.cleaned_data["value"],
            )
            messages.success(request, f"Measurement of “{indicator.name}” recorded.")
            return redirect("outcomes:feature-indicators", feature_id=feature.pk)
        except InputError as error:
            error_show(form, error)
    return _indicators_page(request, feature, measurement_form=form)


@login_required
@require_POST
def measurements_csv_view(request: HttpRequest, feature_id: int) -> HttpResponse:
    feature = feature_editable_or_403(request.user, feature_id)
    form = MeasurementsCsvForm(request.POST, request.FILES)
    if not form.is_valid():
        return _indicators_page(request, feature, csv_form=form)
    upload = form.cleaned_data["file"]
    if upload.size > CSV_MAX_BYTES:
        form.add_error("file", "The file is larger than 1 MB; split it.")
        return _indicators_page(request, feature, csv_form=form)
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        form.add_error("file", "The file must be UTF-8 text (CSV).")
        return _indicators_page(request, feature, csv_form=form)
    result = services.measurements_import_csv(feature=feature, acting_user=request.user, text=text)
    if result.errors:
        form.add_error("file", "Nothing was recorded: fix the rows below and upload again.")
        return _indicators_page(request, feature, csv_form=form, csv_errors=result.errors)
    messages.success(request, f"{result.recorded} measurements recorded.")
    return redirect("outcomes:feature-indicators", feature_id=feature.pk)


# --- PI objectives and predictability -------------------------------------------------------


@login_required
def pi_objectives_page(request: HttpRequest, pi_id: int) -> HttpResponse:
    pi = pi_visible_or_404(request.user, pi_id)
    return _objectives_page(request, pi, ObjectiveForm(art_id=pi.art_id))


def _objectives_page(
    request: HttpRequest, pi: ProgramIncrement, form: ObjectiveForm, status: int = 200
) -> HttpResponse:
    result = selectors.pi_predictability(pi=pi)
    history = selectors.art_predictability_over_pis(
        art_id=pi.art_id, until=max(pi.start_date, timezone.now().date())
    )
    rows = [
        {
            "objective": o,
            "form": ObjectiveValuesForm(initial={"actual_value": o.actual_value, "version": o.version}),
        }
        for team in result.teams
        for o in team.objectives
    ] + [
        {
            "objective": o,
            "form": ObjectiveValuesForm(initial={"actual_value": o.actual_value, "version": o.version}),
        }
        for o in result.art_objectives
    ]
    context = {
        "pi": pi,
        "result": result,
        "rows": rows,
        "form": form,
        "pis": ProgramIncrement.objects.filter(art_id=pi.art_id).order_by("start_date"),
        "chart": charts.predictability_chart(
            [(point.pi.name, point.art.percent, point.assessed) for point in history]
        ),
        "history": history,
        "sub": "objectives",
    }
    return _page(request, "outcomes/objectives.html", pi.art, status=status, **context)


@login_required
@require_POST
def objective_create_view(request: HttpRequest, pi_id: int) -> HttpResponse:
    pi = pi_editable_or_403(request.user, pi_id)
    form = ObjectiveForm(request.POST, art_id=pi.art_id)
    if form.is_valid():
        try:
            services.objective_create(pi=pi, acting_user=request.user, **form.cleaned_data)
            messages.success(request, "Objective added.")
            return redirect("outcomes:pi-objectives", pi_id=pi.pk)
        except InputError as error:
            error_show(form, error)
    return _objectives_page(request, pi, form, status=400)


@login_required
@require_POST
def objective_values_view(request: HttpRequest, objective_id: int) -> HttpResponse:
    objective = get_object_or_404(PIObjective.objects.select_related("pi"), pk=objective_id)
    pi = pi_editable_or_403(request.user, objective.pi_id)
    form = ObjectiveValuesForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Actual business value must be 1 to 10, or – for not assessed yet.")
    else:
        try:
            services.objective_update(
                objective=objective,
                acting_user=request.user,
                expected_version=form.cleaned_data["version"],
                actual_value=form.cleaned_data["actual_value"],
            )
            messages.success(request, f"Saved “{objective.title}”.")
        except services.ObjectiveVersionConflict as stale:
            messages.error(request, f"{stale} (It shows the saved value now.)")
    return redirect("outcomes:pi-objectives", pi_id=pi.pk)


# --- flow and calibration -------------------------------------------------------------------


@login_required
def art_flow_page(request: HttpRequest, art_id: int) -> HttpResponse:
    art = art_visible_or_404(request.user, art_id)
    chosen = request.GET.getlist("pi")
    error = None
    try:
        pis = selectors.flow_pis_parse(art_id=art.pk, text=",".join(chosen) if chosen else None)
    except InputError as refused:
        error, pis = refused.message, selectors.flow_pis_parse(art_id=art.pk, text=None)
    flow = selectors.art_flow(art_id=art.pk, pis=pis)
    context = {
        "flow": flow,
        "error": error,
        "all_pis": ProgramIncrement.objects.filter(art_id=art.pk).order_by("start_date"),
        "shown_ids": {pi.pk for pi in pis},
        "chart": charts.distribution_chart([(row.pi.name, row.distribution) for row in flow.pis]),
        "sub": "flow",
    }
    return _page(request, "outcomes/flow.html", art, **context)


@login_required
def art_calibration_page(request: HttpRequest, art_id: int) -> HttpResponse:
    art = art_visible_or_404(request.user, art_id)
    return _page(
        request,
        "outcomes/calibration.html",
        art,
        calibration=selectors.art_calibration(art_id=art.pk),
        sub="calibration",
    )


# --- PI review ------------------------------------------------------------------------------


def _review_context(pi: ProgramIncrement) -> dict[str, Any]:
    review = selectors.pi_review(pi=pi, limit=REVIEW_FEATURES_SHOWN)
    return {
        "pi": pi,
        "review": review,
        "chart": charts.distribution_chart([(pi.name, review.flow.distribution)]),
    }


@login_required
def pi_review_page(request: HttpRequest, pi_id: int) -> HttpResponse:
    pi = pi_visible_or_404(request.user, pi_id)
    links = ReviewShareLink.objects.filter(pi=pi)[:10] if user_can_edit_art(request.user, pi.art_id) else []
    context = {**_review_context(pi), "links": links, "link_form": ReviewLinkForm(), "sub": "review"}
    context["new_link"] = request.session.pop("outcomes_new_review_link", None)
    return _page(request, "outcomes/review.html", pi.art, **context)


@login_required
def pi_review_xlsx(request: HttpRequest, pi_id: int) -> HttpResponse:
    pi = pi_visible_or_404(request.user, pi_id)
    response = HttpResponse(
        review_xlsx(selectors.pi_review(pi=pi)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = "".join(c if c.isalnum() or c in "-." else "-" for c in pi.name)
    response["Content-Disposition"] = f'attachment; filename="pi-review-{name}.xlsx"'
    return response


@login_required
@require_POST
def review_link_create_view(request: HttpRequest, pi_id: int) -> HttpResponse:
    pi = pi_editable_or_403(request.user, pi_id)
    form = ReviewLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "A link is valid for 1 to 90 days.")
        return redirect("outcomes:pi-review", pi_id=pi.pk)
    _, token = services.review_link_create(
        pi=pi, acting_user=request.user, days=form.cleaned_data["expires_in_days"]
    )
    # Shown once, on the page the POPM lands on: only its hash is stored.
    request.session["outcomes_new_review_link"] = request.build_absolute_uri(
        reverse("outcomes:shared-review", args=[token])
    )
    return redirect("outcomes:pi-review", pi_id=pi.pk)


@login_required
@require_POST
def review_link_revoke_view(request: HttpRequest, link_id: int) -> HttpResponse:
    link = get_object_or_404(ReviewShareLink.objects.select_related("pi"), pk=link_id)
    pi = pi_editable_or_403(request.user, link.pi_id)
    services.review_link_revoke(link=link, acting_user=request.user)
    messages.success(request, "The link no longer works.")
    return redirect("outcomes:pi-review", pi_id=pi.pk)


def shared_review_page(request: HttpRequest, token: str) -> HttpResponse:
    """What a review link opens: the PI review, read-only, no account needed."""
    link = share_link_for_token(ReviewShareLink.objects.select_related("pi__art"), token)
    if not link.is_active:
        why = link.gone_reason
        response = render(request, "outcomes/shared_gone.html", {"why": why}, status=410)
    else:
        context = {**_review_context(link.pi), "link": link, "shared": True, "art": None}
        response = render(request, "outcomes/review.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response
