"""Who may see, vote in and run an estimation session (docs/roles.md, "Estimation sessions").

Admins and the ART's POPMs run its sessions; invited people vote. Anyone else, even a
stakeholder of the same ART who was not invited, finds no session at all: 404.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from backlog.access import User, arts_visible_to, user_can_edit_art
from backlog.models import Art
from scoring.estimation.models import EstimationSession, Participant


@dataclass(frozen=True)
class SessionAccess:
    session: EstimationSession
    can_manage: bool
    is_participant: bool


def session_access_or_404(user: User, session_id: int | str) -> SessionAccess:
    """The session and what the user may do in it; 404 if they may do nothing."""
    pk = int(session_id) if str(session_id).isdigit() else None
    session = (
        EstimationSession.objects.select_related("art", "created_by", "closed_by").filter(pk=pk).first()
        if pk and user.is_authenticated
        else None
    )
    if session is None:
        raise Http404("No such estimation session.")
    can_manage = user_can_edit_art(user, session.art_id)
    # An invitation counts while the person may still see the ART (a stakeholder who left it
    # no longer votes).
    is_participant = (
        Participant.objects.filter(session=session, user=user).exists()
        and arts_visible_to(user).filter(pk=session.art_id).exists()
    )
    if not (can_manage or is_participant):
        raise Http404("No such estimation session.")
    return SessionAccess(session=session, can_manage=can_manage, is_participant=is_participant)


def session_voter_or_404(user: User, session_id: int | str) -> EstimationSession:
    """The session if the user is invited to it (two queries: the hot path of voting); else
    403 for its POPMs and admins, who see it, and 404 for everyone else."""
    pk = int(session_id) if str(session_id).isdigit() else None
    invited = (
        EstimationSession.objects.select_related("art")
        .filter(pk=pk, invitations__user=user, art__in=arts_visible_to(user))
        .first()
        if pk and user.is_authenticated
        else None
    )
    if invited is not None:
        return invited
    return session_vote_or_403(session_access_or_404(user, session_id))


def session_manage_or_403(access: SessionAccess) -> EstimationSession:
    if not access.can_manage:
        raise PermissionDenied("Only a POPM of this ART may run its estimation sessions.")
    return access.session


def session_vote_or_403(access: SessionAccess) -> EstimationSession:
    if not access.is_participant:
        raise PermissionDenied("Only people invited to this session may vote in it.")
    return access.session


def sessions_visible_to(user: User, art: Art) -> QuerySet[EstimationSession]:
    """The ART's sessions the user may open: all for its POPMs and admins, else their invitations."""
    sessions = EstimationSession.objects.filter(art=art)
    if user_can_edit_art(user, art.pk):
        return sessions
    return sessions.filter(invitations__user=user)


def invitable_users(art: Art) -> QuerySet:
    """Who may score in the ART's sessions (DOMAIN.md): its POPMs, its stakeholders with an
    account, and admins. POPMs of other ARTs and other users may not."""
    users = get_user_model().objects.filter(is_active=True)
    return (
        users.filter(Q(popm_arts=art) | Q(stakeholder_roles__art=art) | Q(is_staff=True))
        .distinct()
        .order_by("username")
    )
