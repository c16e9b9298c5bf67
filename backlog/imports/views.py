"""Import from Jira, the pages: the ART's imports and the upload; a waiting import's preview
with its mapping; the progress bar (htmx polls a fragment every second); the result.

Only a POPM of the ART or an admin sees these pages (404 for an ART the user cannot see,
403 for one they only read). One URL per import shows whichever of preview, progress and
result fits its status.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from backlog.access import art_edit_or_403, art_editable_or_403, art_scoped_visible_or_404
from backlog.errors import InputError
from backlog.imports import services
from backlog.imports.jira_csv import MAX_BYTES, MAX_ROWS
from backlog.imports.jira_import import POPM_OWNED_FIELDS
from backlog.imports.jira_mapping import POPM_STATUSES
from backlog.imports.mapping_json import ISSUE_TYPE_CHOICES
from backlog.imports.models import ImportRun

RUNS_SHOWN = 50
PROBLEMS_SHOWN = 500
TAKE_JIRA_LABELS = {
    "user_business_value": "User-Business Value",
    "time_criticality": "Time Criticality",
    "risk_reduction": "RR|OE",
    "job_size": "Job Size",
    "estimate_points": "Story points (estimate)",
    "team": "Team",
}


def _run_of(request: HttpRequest, run_id: int) -> ImportRun:
    runs = ImportRun.objects.select_related("art", "created_by")
    run = art_scoped_visible_or_404(request.user, runs, run_id, what="import")
    art_edit_or_403(request.user, run.art_id)
    return run


def _limits() -> dict[str, Any]:
    return {"max_mb": MAX_BYTES // 2**20, "max_rows": MAX_ROWS}


@login_required
def art_imports_page(request: HttpRequest, art_id: int) -> HttpResponse:
    """The ART's past imports, and the upload form; a POST uploads and shows the preview."""
    art = art_editable_or_403(request.user, art_id)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "Choose a Jira CSV export to upload."
        elif upload.size > MAX_BYTES:
            error = f"The file is over the size limit of {MAX_BYTES // 2**20} MB."
        else:
            try:
                run = services.import_run_upload(
                    art=art, acting_user=request.user, file_name=upload.name, content=upload.read()
                )
            except InputError as refused:
                error = refused.message
            else:
                return redirect("imports:import", run_id=run.pk)
    runs = ImportRun.objects.filter(art=art).select_related("created_by").defer("content", "preview")
    context = {
        "art": art,
        "nav": "backlog",
        "runs": runs[:RUNS_SHOWN],
        "file_error": error,
        **_limits(),
    }
    return render(request, "imports/art_imports.html", context, status=400 if error else 200)


def _mapping_rows(run: ImportRun) -> dict[str, Any]:
    offer = run.preview["mapping"]
    return {
        "statuses": sorted(offer["statuses"].items(), key=lambda item: item[0].lower()),
        "issue_types": sorted(offer["issue_types"].items(), key=lambda item: item[0].lower()),
        "popm_statuses": POPM_STATUSES,
        "issue_type_choices": ISSUE_TYPE_CHOICES,
        "take_jira_choices": [(name, TAKE_JIRA_LABELS[name]) for name in POPM_OWNED_FIELDS],
    }


@login_required
def import_page(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_of(request, run_id)
    context: dict[str, Any] = {"art": run.art, "nav": "backlog", "run": run}
    if run.status == ImportRun.Status.PENDING and not run.confirmed_at and run.preview:
        preview = run.preview
        context.update(
            preview=preview,
            problems=preview["problems"][:PROBLEMS_SHOWN],
            problems_hidden=max(len(preview["problems"]) - PROBLEMS_SHOWN, 0),
            **_mapping_rows(run),
        )
        return render(request, "imports/preview.html", context)
    if not run.is_finished:
        return render(request, "imports/progress.html", context)
    refused = [problem for problem in run.errors if problem.get("row_refused")]
    notes = [problem for problem in run.errors if not problem.get("row_refused")]
    context.update(
        refused_problems=refused[:PROBLEMS_SHOWN],
        notes=notes[:PROBLEMS_SHOWN],
        hidden=max(len(refused) - PROBLEMS_SHOWN, 0) + max(len(notes) - PROBLEMS_SHOWN, 0),
    )
    return render(request, "imports/result.html", context)


@login_required
def import_progress_fragment(request: HttpRequest, run_id: int) -> HttpResponse:
    """The progress bar alone, for htmx's poll; once the import has finished, htmx is told to
    load the result page."""
    run = _run_of(request, run_id)
    response = render(request, "imports/_progress.html", {"run": run})
    if run.is_finished:
        response["HX-Redirect"] = reverse("imports:import", args=[run.pk])
    return response


def _mapping_from_form(request: HttpRequest) -> dict[str, Any]:
    """The preview form's choices as the mapping JSON (backlog.imports.mapping_json)."""
    post = request.POST
    return {
        "story_points": post.get("story_points") or None,
        "statuses": {
            key[len("status:") :]: value for key, value in post.items() if key.startswith("status:")
        },
        "issue_types": {key[len("type:") :]: value for key, value in post.items() if key.startswith("type:")},
        "take_jira": post.getlist("take_jira"),
    }


@login_required
@require_POST
def import_mapping_view(request: HttpRequest, run_id: int) -> HttpResponse:
    """Preview again with the edited mapping."""
    run = _run_of(request, run_id)
    try:
        services.import_run_remap(run=run, acting_user=request.user, mapping=_mapping_from_form(request))
    except InputError as refused:
        messages.error(request, f"Mapping not changed: {refused.message}")
    except services.RunNotPending as closed:
        messages.error(request, str(closed))
    else:
        messages.success(request, "Preview updated with your mapping. Nothing is written until you confirm.")
    return redirect("imports:import", run_id=run.pk)


@login_required
@require_POST
def import_confirm_view(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_of(request, run_id)
    try:
        services.import_run_confirm(run=run, acting_user=request.user)
    except services.RunNotPending as closed:
        messages.error(request, str(closed))
    return redirect("imports:import", run_id=run.pk)
