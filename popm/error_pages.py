"""popm's own pages for 403, 404, 405, 410, 500 and CSRF failures, in the product's layout.

Each says what happened and where to go next, and never what the URL patterns are: with DEBUG
on (the local default of `make run`), ErrorPageMiddleware renders popm's 404 instead of
Django's technical page, which lists every route. API requests keep their JSON answers.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template import loader

API_PREFIX = "/api/"
# The statuses a browser page answers with popm's page when the view gave no page of its own.
PAGE_STATUSES = {403: "403.html", 404: "404.html", 405: "405.html", 410: "410.html"}
# Set on the responses rendered here, so nothing renders them twice.
RENDERED = "popm_error_page"


def _page(request: HttpRequest | None, status: int, context: dict | None = None) -> HttpResponse:
    template = loader.get_template(PAGE_STATUSES.get(status, f"{status}.html"))
    response = HttpResponse(template.render(context or {}, request), status=status)
    setattr(response, RENDERED, True)
    return response


def _reason(exception: Exception | None) -> str:
    # A PermissionDenied raised by popm's access helpers carries a sentence for the user;
    # Http404's messages ("No Feature matches the given query.") name models, so they stay out.
    message = str(exception or "").strip()
    return message if message and message[0].isupper() and len(message) < 300 else ""


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A path under /api/ that matches no route answers in JSON, as the API does.
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": "Not found."}, status=404)
    return _page(request, 404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403, {"reason": _reason(exception)})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: whatever failed (the database, a context processor) is not asked again.
    return _page(None, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(request, 403, {"csrf": True})


def _is_page_request(request: HttpRequest) -> bool:
    return not request.path.startswith(API_PREFIX) and not getattr(request, "htmx", False)


class ErrorPageMiddleware:
    """Gives bare error answers of browser pages popm's page.

    - Http404 with DEBUG on: popm's 404, not the technical page listing the URL patterns
      (with DEBUG off Django already calls handler404).
    - A 403/404/405/410 a view answered without a page of its own (require_POST's empty 405,
      a plain-text 403) gets popm's page for that status; its headers (Allow) stay.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code in PAGE_STATUSES
            and not getattr(response, RENDERED, False)
            and _is_page_request(request)
            and (self._is_bare(response) or self._is_technical_404(request, response))
        ):
            page = _page(request, response.status_code)
            for header in ("Allow",):
                if header in response:
                    page[header] = response[header]
            return page
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG and isinstance(exception, Http404) and _is_page_request(request):
            return page_not_found(request, exception)
        return None

    @staticmethod
    def _is_bare(response: HttpResponse) -> bool:
        if getattr(response, "streaming", False):
            return False
        content_type = response.get("Content-Type", "")
        body = response.content.lstrip()[:200].lower()
        if not body:
            return True
        is_text = content_type.startswith(("text/html", "text/plain"))
        return is_text and not body.startswith((b"<!doctype", b"<html"))

    @staticmethod
    def _is_technical_404(request: HttpRequest, response: HttpResponse) -> bool:
        # No route matched (resolver_match stays None) and DEBUG made Django's technical page.
        return settings.DEBUG and response.status_code == 404 and request.resolver_match is None
