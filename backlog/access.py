"""Who may see and change which ART: the roles of docs/roles.md, as querysets.

Visibility is enforced by filtering querysets (an ART a user cannot see does not exist for
them: 404), editing by checking the editable set (a visible but not editable ART: 403).
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from backlog.models import Art, Feature, FeatureRequest, ProgramIncrement, Stakeholder

POPM_GROUP = "POPM"
STAKEHOLDER_GROUP = "Stakeholder"

User = AbstractBaseUser | AnonymousUser


def user_is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def user_is_popm(user: User) -> bool:
    """A POPM may read every ART and edit the ones they are POPM of.

    The POPM group, or being listed as POPM of any ART: an admin who adds someone to an ART's
    POPMs but forgets the group still gets a working POPM.
    """
    if not (user.is_authenticated and user.is_active):
        return False
    cached = getattr(user, "_popm_is_popm", None)
    if cached is None:
        cached = user.groups.filter(name=POPM_GROUP).exists() or user.popm_arts.exists()
        user._popm_is_popm = cached
    return cached


def arts_visible_to(user: User) -> QuerySet[Art]:
    if user_is_admin(user) or user_is_popm(user):
        return Art.objects.all()
    if not (user.is_authenticated and user.is_active):
        return Art.objects.none()
    return Art.objects.filter(stakeholders__user=user).distinct()


def arts_editable_by(user: User) -> QuerySet[Art]:
    if user_is_admin(user):
        return Art.objects.all()
    if not user_is_popm(user):
        return Art.objects.none()
    return Art.objects.filter(popms=user)


def _pk_or_none(pk: int | str) -> int | None:
    # A non-numeric id (?art=abc) is "no such object", never an error.
    return int(pk) if str(pk).isdigit() else None


def art_scoped_visible_or_404(
    user: User, objects: QuerySet, pk: int | str, *, art_path: str = "art", what: str = ""
) -> Any:
    """The object of `objects` with this pk if it belongs to an ART the user may see; else 404.

    For the things each ART holds (features, PIs, saved trade-offs, pins...): a thing in an ART
    the user cannot see does not exist for them. art_path is the lookup from the object to its ART.
    """
    pk = _pk_or_none(pk)
    found = objects.filter(pk=pk, **{f"{art_path}__in": arts_visible_to(user)}).first() if pk else None
    if found is None:
        raise Http404(f"No such {what or objects.model._meta.verbose_name}.")
    return found


def art_edit_or_403(user: User, art_id: int) -> None:
    """403 unless the user may change what the ART holds (admin, or a POPM of the ART)."""
    if not user_can_edit_art(user, art_id):
        raise PermissionDenied("Only a POPM of this ART may change this.")


def art_visible_or_404(user: User, art_id: int | str) -> Art:
    """The ART if the user may see it; otherwise 404 (an ART they cannot see does not exist)."""
    pk = _pk_or_none(art_id)
    art = arts_visible_to(user).filter(pk=pk).first() if pk else None
    if art is None:
        raise Http404("No such ART.")
    return art


def art_editable_or_403(user: User, art_id: int | str) -> Art:
    art = art_visible_or_404(user, art_id)
    art_edit_or_403(user, art.pk)
    return art


def feature_visible_or_404(user: User, feature_id: int | str) -> Feature:
    """The feature, with its ART, PI, epic, team and scorer, if it is in an ART the user may see."""
    features = Feature.objects.select_related("art", "pi", "epic", "team", "scored_by")
    return art_scoped_visible_or_404(user, features, feature_id)


def feature_editable_or_403(user: User, feature_id: int | str) -> Feature:
    feature = feature_visible_or_404(user, feature_id)
    art_edit_or_403(user, feature.art_id)
    return feature


def pi_visible_or_404(user: User, pi_id: int | str, *, art: Art | None = None) -> ProgramIncrement:
    """The PI if the user may see its ART; with art given, only a PI of that ART (else 404)."""
    pis = ProgramIncrement.objects.select_related("art")
    if art is not None:
        pis = pis.filter(art=art)
    return art_scoped_visible_or_404(user, pis, pi_id)


def pi_editable_or_403(user: User, pi_id: int | str, *, art: Art | None = None) -> ProgramIncrement:
    pi = pi_visible_or_404(user, pi_id, art=art)
    art_edit_or_403(user, pi.art_id)
    return pi


def art_ids_editable_by(user: User) -> set[int]:
    cached = getattr(user, "_popm_editable_art_ids", None)
    if cached is None:
        cached = set(arts_editable_by(user).values_list("id", flat=True))
        if user.is_authenticated:
            user._popm_editable_art_ids = cached
    return cached


def user_can_edit_art(user: User, art_id: int) -> bool:
    return art_id in art_ids_editable_by(user)


def stakeholder_of_art_or_404(user: User, art_id: int | str) -> Stakeholder:
    """The user's stakeholder entry in the ART: who submits and reads requests there.

    Requests are a stakeholder's own: anyone else (POPMs and admins included) meets 404 on
    the submit page; they see requests on the triage page instead.
    """
    pk = _pk_or_none(art_id)
    found = None
    if pk and user.is_authenticated and user.is_active:
        found = Stakeholder.objects.select_related("art").filter(art_id=pk, user=user).first()
    if found is None:
        raise Http404("No such ART.")
    return found


def art_triage_or_404(user: User, art_id: int | str) -> Art:
    """The ART if the user may triage its requests (a POPM of the ART, or an admin); else 404:
    the stakeholders' requests are not for other readers of the ART."""
    pk = _pk_or_none(art_id)
    art = arts_editable_by(user).filter(pk=pk).first() if pk else None
    if art is None:
        raise Http404("No such ART.")
    return art


def feature_request_triage_or_404(user: User, request_id: int | str, *, art: Art) -> FeatureRequest:
    """A request of the ART (art from art_triage_or_404), for triage; else 404."""
    pk = _pk_or_none(request_id)
    found = (
        FeatureRequest.objects.select_related("stakeholder").filter(pk=pk, stakeholder__art=art).first()
        if pk
        else None
    )
    if found is None:
        raise Http404("No such request.")
    return found


class StaffAreAdminsBackend(ModelBackend):
    """Admin = staff, at every door: a staff account may use all of Django admin too.

    Without this a staff user could run a train over the API but met "You don't have
    permission to view or edit anything" in admin unless someone also ticked permissions.
    """

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        return user_is_admin(user_obj) or super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return user_is_admin(user_obj) or super().has_module_perms(user_obj, app_label)
