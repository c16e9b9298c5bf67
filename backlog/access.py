"""Who may see and change which ART: the roles of docs/roles.md, as querysets.

Visibility is enforced by filtering querysets (an ART a user cannot see does not exist for
them: 404), editing by checking the editable set (a visible but not editable ART: 403).
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from backlog.models import Art

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


def art_visible_or_404(user: User, art_id: int | str) -> Art:
    """The ART if the user may see it; otherwise 404 (an ART they cannot see does not exist)."""
    art = arts_visible_to(user).filter(pk=art_id).first() if str(art_id).isdigit() else None
    if art is None:
        raise Http404("No such ART.")
    return art


def art_ids_editable_by(user: User) -> set[int]:
    cached = getattr(user, "_popm_editable_art_ids", None)
    if cached is None:
        cached = set(arts_editable_by(user).values_list("id", flat=True))
        if user.is_authenticated:
            user._popm_editable_art_ids = cached
    return cached


def user_can_edit_art(user: User, art_id: int) -> bool:
    return art_id in art_ids_editable_by(user)


class StaffAreAdminsBackend(ModelBackend):
    """Admin = staff, at every door: a staff account may use all of Django admin too.

    Without this a staff user could run a train over the API but met "You don't have
    permission to view or edit anything" in admin unless someone also ticked permissions.
    """

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        return user_is_admin(user_obj) or super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return user_is_admin(user_obj) or super().has_module_perms(user_obj, app_label)
