"""Rescoring pages: stale scores by who scored them; fixed dates with Time Criticality proposals."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from backlog.access import art_editable_or_403, art_visible_or_404, user_can_edit_art
from backlog.models import Art
from backlog.selectors import current_pi, score_stale_before
from backlog.services import VersionConflict
from scoring.rescoring import selectors, services
from scoring.rescoring.errors import ProposalClosed
from scoring.rescoring.models import TcProposal

# A page lists this many at most and counts the rest (the API pages through all of them).
PROPOSALS_SHOWN = 100
FIXED_DATES_SHOWN = 200
# Where "Check now" returns to: the page it was pressed on.
CHECK_RETURNS = {"stale": "rescoring:art-stale-scores", "fixed": "rescoring:art-fixed-dates"}


def _page(request: HttpRequest, template: str, art: Art, **context: Any) -> HttpResponse:
    context = {
        "art": art,
        "nav": "rescoring",
        "can_edit": user_can_edit_art(request.user, art.pk),
        "last_check": selectors.last_check(art_id=art.pk),
        **context,
    }
    return render(request, template, context)


@login_required
def stale_scores_page(request: HttpRequest, art_id: int) -> HttpResponse:
    art = art_visible_or_404(request.user, art_id)
    pi = current_pi(art_id=art.pk, today=timezone.localdate())
    groups = selectors.stale_score_groups(art_id=art.pk)
    return _page(
        request,
        "rescoring/stale_scores.html",
        art,
        sub="stale",
        pi=pi,
        stale_before=score_stale_before(pi),
        groups=groups,
        total=sum(group.count for group in groups),
    )


@login_required
def fixed_dates_page(request: HttpRequest, art_id: int) -> HttpResponse:
    art = art_visible_or_404(request.user, art_id)
    today = timezone.localdate()
    rows = selectors.fixed_dates_now(art_id=art.pk, pi=current_pi(art_id=art.pk, today=today), today=today)
    proposals = [row for row in rows if row.proposal]
    return _page(
        request,
        "rescoring/fixed_dates.html",
        art,
        sub="fixed",
        rows=rows[:FIXED_DATES_SHOWN],
        rows_hidden=max(len(rows) - FIXED_DATES_SHOWN, 0),
        proposals=proposals[:PROPOSALS_SHOWN],
        proposals_hidden=max(len(proposals) - PROPOSALS_SHOWN, 0),
    )


def _proposal_of(request: HttpRequest, art_id: int, proposal_id: int) -> TcProposal:
    art = art_editable_or_403(request.user, art_id)
    return get_object_or_404(TcProposal.objects.select_related("feature"), pk=proposal_id, art=art)


@login_required
@require_POST
def tc_proposal_accept_view(request: HttpRequest, art_id: int, proposal_id: int) -> HttpResponse:
    proposal = _proposal_of(request, art_id, proposal_id)
    title, seen = proposal.feature.title, request.POST.get("version", "")
    try:
        services.tc_proposal_accept(
            proposal=proposal,
            acting_user=request.user,
            expected_version=int(seen) if seen.isdigit() else None,
        )
    except VersionConflict:
        messages.error(
            request, f"“{title}” changed since this page showed it; nothing was saved. See it below."
        )
    except ProposalClosed as closed:
        messages.error(request, str(closed))
    else:
        messages.success(
            request, f"Time Criticality of “{title}” is now {proposal.to_value}; it re-ranks by itself."
        )
    return redirect("rescoring:art-fixed-dates", art_id=proposal.art_id)


@login_required
@require_POST
def tc_proposal_dismiss_view(request: HttpRequest, art_id: int, proposal_id: int) -> HttpResponse:
    proposal = _proposal_of(request, art_id, proposal_id)
    try:
        services.tc_proposal_dismiss(proposal=proposal, acting_user=request.user)
    except ProposalClosed as closed:
        messages.error(request, str(closed))
    else:
        messages.success(
            request,
            f"Dismissed: “{proposal.feature.title}” keeps Time Criticality {proposal.from_value}, "
            f"and {proposal.to_value} will not be proposed for it again.",
        )
    return redirect("rescoring:art-fixed-dates", art_id=proposal.art_id)


@login_required
@require_POST
def art_check_view(request: HttpRequest, art_id: int) -> HttpResponse:
    """Run the daily check of this ART now (after a new PI, say), instead of waiting for 00:30 UTC."""
    art = art_editable_or_403(request.user, art_id)
    result = services.art_rescoring_check(art_id=art.pk, today=timezone.localdate())
    messages.success(
        request,
        f"Checked now: {result.flagged} score{'s' if result.flagged != 1 else ''} newly stale, "
        f"{result.proposed} new proposal{'s' if result.proposed != 1 else ''}, "
        f"{result.withdrawn} withdrawn.",
    )
    return redirect(CHECK_RETURNS.get(request.POST.get("back", ""), CHECK_RETURNS["stale"]), art_id=art.pk)
