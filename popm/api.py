"""What every API view shares: how errors become answers, and how lists are paged.

Services and selectors raise Django's ValidationError or their app's own error and know
nothing of HTTP; api_exception_handler (DRF's EXCEPTION_HANDLER) gives each its status
and body here, in one table, so API views need no try/except.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers, status
from rest_framework.metadata import SimpleMetadata
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler

from backlog.errors import Conflict, InputError
from backlog.services import VersionConflict
from popm.input_limits import BodyTooLarge

_TIMESTAMP_FIELD = serializers.DateTimeField()


def timestamp_text(moment: datetime) -> str:
    """A moment as the API writes every timestamp: ISO 8601 in UTC with Z, microseconds only
    when there are any ("2026-11-23T09:26:00Z"), exactly as the model serializers write theirs."""
    return _TIMESTAMP_FIELD.to_representation(moment)


class PageSizePagination(PageNumberPagination):
    """count / next / previous / results; ?page_size= up to 1000 (more gets 1000); a page_size
    that is not a whole number of 1 or more is a 400 naming it, not silently the default."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        if not raw.isdigit() or int(raw) < 1:
            raise serializers.ValidationError(
                {
                    "page_size": [
                        f"page_size must be a whole number from 1 to {self.max_page_size}, not {raw!r}."
                    ]
                }
            )
        return min(int(raw), self.max_page_size)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1  # page 0 or page_size 0 is a 404 / 400
        return parameters


class ApiMetadata(SimpleMetadata):
    """OPTIONS answers name, description and formats; the fields of each method are in
    /api/schema/ (DRF's default would build every view's serializer with no arguments)."""

    def determine_metadata(self, request, view) -> dict:
        metadata = super().determine_metadata(request, view)
        metadata.pop("actions", None)
        return metadata

    def determine_actions(self, request, view) -> dict:
        return {}


class ApiRefusal(exceptions.APIException):
    """A refusal whose body goes out as given: numbers stay numbers, null stays null
    (APIException would turn every value of a dict detail into an error string)."""

    def __init__(self, status_code: int, message: str, code: str, **data: Any):
        super().__init__(message, code)
        self.status_code = status_code
        self.detail = {"detail": self.detail, **data}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    return exception_handler(api_exception(exc, context), context)


def api_exception(exc: Exception, context: dict) -> Exception:
    """The DRF exception for an app's error; anything else as it is (DRF's own handler
    already answers Http404 with 404 and PermissionDenied with 403)."""
    if isinstance(exc, RequestDataTooBig):
        return BodyTooLarge()
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return serializers.ValidationError(exc.message_dict)
        return serializers.ValidationError({"non_field_errors": exc.messages})
    if isinstance(exc, InputError):
        return serializers.ValidationError({exc.field: [exc.message]})
    if isinstance(exc, VersionConflict):
        # The current feature as the view shows it, so the client can redo its edit on it.
        current = context["view"].get_serializer(exc.current).data
        return ApiRefusal(status.HTTP_412_PRECONDITION_FAILED, str(exc), "stale_version", current=current)
    if isinstance(exc, Conflict):
        return ApiRefusal(status.HTTP_409_CONFLICT, str(exc), exc.code, **exc.data())
    return exc
