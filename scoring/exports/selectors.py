"""What an export reads: the ranked backlog with the page's filters, and the current PI's plan.

A fixed number of queries whatever the backlog size.
"""

from django.utils import timezone

from backlog.errors import InputError
from backlog.models import Art
from backlog.selectors import current_pi
from scoring.exports.sheets import Sheet
from scoring.forms import BacklogFilterForm
from scoring.planning.selectors import pi_plan
from scoring.selectors import backlog_page_features_filtered


def export_rows(*, art: Art, query: dict) -> list[dict]:
    """The rows the ranked backlog page shows for these filters (pi, kind, status, team, q),
    every page of them, rank 1 first. A filter that is not valid raises InputError."""
    form = BacklogFilterForm(query, art_id=art.pk)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise InputError(field, errors[0])
    return list(backlog_page_features_filtered(art_id=art.pk, filters=form.cleaned_data))


CAPACITY_HEADERS = (
    "Team or kind",
    "Velocity",
    "Share (%)",
    "Capacity (points)",
    "Committed (points)",
    "Note",
)


def capacity_sheet(*, art: Art) -> Sheet | None:
    """The capacity plan of the PI running now (else the next one), None if the ART has none:
    a row per team (its capacity for the PI), then a row per kind (its share, budget and the
    points committed above its cut line), then the total."""
    pi = current_pi(art_id=art.pk, today=timezone.localdate())
    if pi is None:
        return None
    state = pi_plan(pi=pi)
    rows: list[tuple] = [
        (team.name, team.velocity, None, team.capacity_points, None, team.note) for team in state.teams
    ]
    rows += [
        (f"Kind: {kind.kind}", None, kind.share, kind.budget, kind.committed_points, "")
        for kind in state.plan.kinds
    ]
    rows.append(
        ("Total", None, None, state.plan.capacity, state.plan.committed_points, f"mode {state.plan.mode}")
    )
    return Sheet(title=f"Capacity {pi.name}", headers=CAPACITY_HEADERS, rows=rows)
