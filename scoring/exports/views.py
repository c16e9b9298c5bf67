"""Export buttons of the ranked backlog page: the file, with the page's filters applied."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from backlog.access import art_visible_or_404
from backlog.errors import InputError
from scoring.exports.files import FILES


@login_required
def backlog_export(request: HttpRequest, art_id: int, file: str) -> HttpResponse:
    art = art_visible_or_404(request.user, art_id)
    try:
        return FILES[file](art=art, query=request.GET)
    except InputError as error:
        messages.error(request, f"Nothing exported: {error.field}: {error.message}")
        return redirect("scoring:art-backlog", art_id=art.pk)
