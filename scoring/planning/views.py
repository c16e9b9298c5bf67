"""The capacity allocation page of a PI. Thin views: permission, form, one service call."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from backlog.access import art_visible_or_404, pi_editable_or_403, pi_visible_or_404, user_can_edit_art
from backlog.models import ProgramIncrement
from backlog.selectors import pi_to_plan
from scoring.planning import services
from scoring.planning.capacity import MODES, STRICT
from scoring.planning.forms import AllocationForm, CommitForm, TeamCapacityForm
from scoring.planning.models import PlanCommit
from scoring.planning.page import capacity_page_build
from scoring.planning.selectors import pi_plan, pi_team_capacities


def _mode(request: HttpRequest) -> str:
    mode = request.GET.get("mode") or request.POST.get("mode") or STRICT
    return mode if mode in MODES else STRICT


def _page_url(pi: ProgramIncrement, mode: str) -> str:
    url = reverse("planning:pi-capacity", args=[pi.art_id, pi.pk])
    return url if mode == STRICT else f"{url}?mode={mode}"


def _render(request: HttpRequest, pi: ProgramIncrement, *, status: int = 200, **forms) -> HttpResponse:
    state = pi_plan(pi=pi, mode=_mode(request))
    today = timezone.localdate()
    to_plan = pi_to_plan(art_id=pi.art_id, today=today)
    context = {
        "pi_to_plan": to_plan,
        "pi_running": pi.start_date <= today <= pi.end_date,
        "art": pi.art,
        "nav": "capacity",
        "pi": pi,
        "pis": ProgramIncrement.objects.filter(art_id=pi.art_id).order_by("start_date"),
        "page": capacity_page_build(state),
        "mode": state.plan.mode,
        "can_edit": user_can_edit_art(request.user, pi.art_id),
        "commits": PlanCommit.objects.filter(pi=pi).select_related("committed_by")[:5],
        "allocation_form": forms.get("allocation_form") or AllocationForm(initial=state.shares),
        "capacity_form": forms.get("capacity_form") or TeamCapacityForm(teams=state.teams),
    }
    return render(request, "planning/capacity.html", context, status=status)


@login_required
def capacity_page_current(request: HttpRequest, art_id: int) -> HttpResponse:
    """The plan of the PI to plan (the next one to start; backlog.selectors.pi_to_plan); an
    empty page if the ART has none."""
    art = art_visible_or_404(request.user, art_id)
    pi = pi_to_plan(art_id=art.pk, today=timezone.localdate())
    if pi is None:
        return render(request, "planning/no_pi.html", {"art": art, "nav": "capacity"})
    return redirect("planning:pi-capacity", art_id=art.pk, pi_id=pi.pk)


@login_required
def capacity_page(request: HttpRequest, art_id: int, pi_id: int) -> HttpResponse:
    return _render(
        request, pi_visible_or_404(request.user, pi_id, art=art_visible_or_404(request.user, art_id))
    )


def _form_address_opened(request: HttpRequest, art_id: int, pi_id: int) -> HttpResponse | None:
    """A form's address opened as a page (a reload after a refused form, a bookmark): the
    capacity page it belongs to, for anyone who may see it; None for a POST."""
    if request.method == "POST":
        return None
    pi = pi_visible_or_404(request.user, pi_id, art=art_visible_or_404(request.user, art_id))
    return redirect(_page_url(pi, _mode(request)))


# The forms' addresses answer GET with the capacity page, so a refused form that re-rendered
# the page at its own address still works on reload.
form_address = require_http_methods(["GET", "HEAD", "POST"])


@login_required
@form_address
def allocation_update(request: HttpRequest, art_id: int, pi_id: int) -> HttpResponse:
    if opened := _form_address_opened(request, art_id, pi_id):
        return opened
    pi = pi_editable_or_403(request.user, pi_id, art=art_visible_or_404(request.user, art_id))
    form = AllocationForm(request.POST)
    if not form.is_valid():
        return _render(request, pi, status=400, allocation_form=form)
    services.allocation_set(pi=pi, shares=form.cleaned_data, acting_user=request.user)
    shares = "/".join(str(form.cleaned_data[kind]) for kind in ("business", "enabler", "exploration"))
    messages.success(request, f"Allocation of {pi.name} set to {shares}.")
    return redirect(_page_url(pi, _mode(request)))


@login_required
@form_address
def team_capacity_update(request: HttpRequest, art_id: int, pi_id: int) -> HttpResponse:
    if opened := _form_address_opened(request, art_id, pi_id):
        return opened
    pi = pi_editable_or_403(request.user, pi_id, art=art_visible_or_404(request.user, art_id))
    form = TeamCapacityForm(request.POST, teams=pi_team_capacities(pi=pi))
    if not form.is_valid():
        return _render(request, pi, status=400, capacity_form=form)
    services.team_capacities_set(pi=pi, changes=form.changes(), acting_user=request.user)
    messages.success(request, f"Team capacities of {pi.name} saved.")
    return redirect(_page_url(pi, _mode(request)))


@login_required
@form_address
def plan_commit(request: HttpRequest, art_id: int, pi_id: int) -> HttpResponse:
    if opened := _form_address_opened(request, art_id, pi_id):
        return opened
    pi = pi_editable_or_403(request.user, pi_id, art=art_visible_or_404(request.user, art_id))
    form = CommitForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Nothing was committed: the form sent no plan mode (strict or fill). Try again."
        )
        return redirect(_page_url(pi, STRICT))
    try:
        commit = services.plan_commit(
            pi=pi,
            mode=form.cleaned_data["mode"],
            acting_user=request.user,
            expected_committed=form.cleaned_data["expected_committed"]
            if "expected_committed" in request.POST
            else None,
        )
    except services.PlanChanged as changed:
        messages.error(request, str(changed))
        return redirect(_page_url(pi, form.cleaned_data["mode"]))
    messages.success(
        request,
        f"Plan committed ({commit.mode}): {len(commit.committed)} features committed, "
        f"{len(commit.assigned)} moved into {pi.name}, {len(commit.left)} left the plan.",
    )
    return redirect(_page_url(pi, commit.mode))
