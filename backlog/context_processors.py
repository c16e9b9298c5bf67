from django.http import HttpRequest

from backlog.access import art_ids_editable_by, arts_visible_to


def navigation(request: HttpRequest) -> dict:
    """ARTs for the switcher in the top bar (lazy: only queried on pages that show it)."""
    if not request.user.is_authenticated:
        return {}
    user = request.user
    return {
        "nav_arts": arts_visible_to(user).only("id", "name"),
        # Callables are evaluated by the template only where used.
        "nav_has_requests": lambda: user.stakeholder_roles.exists(),
        # Who triages an ART's requests: its POPMs and admins (cached on the user).
        "nav_triage_art_ids": lambda: art_ids_editable_by(user),
    }
