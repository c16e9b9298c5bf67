"""GET /api/arts/{id}/export.csv, export.xlsx, export-jira.csv: files, not JSON."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from backlog.access import art_visible_or_404
from scoring.exports.files import FILES

FILTERS = [
    OpenApiParameter("pi", int),
    OpenApiParameter("kind", str),
    OpenApiParameter("status", str),
    OpenApiParameter("team", int),
    OpenApiParameter("q", str, description="Search in title and description."),
]


class ArtExportApi(APIView):
    file = "csv"

    def perform_content_negotiation(self, request, force=False):
        # The answer is a file whatever the Accept header says; errors are JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(parameters=FILTERS, responses={200: OpenApiTypes.BINARY})
    def get(self, request: Request, art_id: int) -> HttpResponse:
        art = art_visible_or_404(request.user, art_id)
        return FILES[self.file](art=art, query=request.query_params)
