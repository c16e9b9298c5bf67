"""Bounds on what a request may bring, before any view reads it: JSON nesting depth and body
size. Kept apart from popm.api (which imports the apps) so settings can name these early."""

from typing import Any

from django.conf import settings
from django.http import JsonResponse
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

JSON_MAX_DEPTH = 64


def _json_depth_exceeds(data: Any, limit: int) -> bool:
    """Whether lists and objects nest deeper than `limit`, walked without recursion."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        elif not isinstance(value, list):
            continue
        if depth > limit:
            return True
        stack.extend((item, depth + 1) for item in value if isinstance(item, dict | list))
    return False


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser with a bound on nesting: a body nested hundreds of levels deep is a 400
    (Python's parser would otherwise hit its recursion limit and answer 500)."""

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            data = None
            too_deep = True
        else:
            too_deep = _json_depth_exceeds(data, JSON_MAX_DEPTH)
        if too_deep:
            raise exceptions.ParseError(f"JSON parse error - nested deeper than {JSON_MAX_DEPTH} levels.")
        return data


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"

    def __init__(self):
        super().__init__(body_too_large_message())


def body_too_large_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return f"The request body is larger than {limit:,} bytes; nothing was saved."


def api_body_limit_middleware(get_response):
    """Refuse an over-large body to /api/ with a JSON 413 before anything reads it (and a query
    parameter holding NUL with a JSON 400). DRF reads a
    JSON body from the stream, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE; a form body over it
    would otherwise end as Django's HTML 400 page."""

    def middleware(request):
        if request.path_info.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                return JsonResponse({"detail": body_too_large_message()}, status=413)
            # PostgreSQL cannot store or compare text holding NUL: say which parameter, not 500.
            for name, values in request.GET.lists():
                if len(values) > 1:  # every API parameter takes one value: which one was meant?
                    message = f"{name} was given {len(values)} times; give it once."
                    return JsonResponse({name: [message]}, status=400)
                if "\x00" in name or any("\x00" in value for value in values):
                    shown = name.replace("\x00", "\\0")
                    message = f"{shown} must not contain NUL (\\0) characters."
                    return JsonResponse({shown: [message]}, status=400)
        return get_response(request)

    return middleware
