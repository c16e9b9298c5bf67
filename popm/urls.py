"""Every app's routes, included: pages from <app>/urls.py, the API from <app>/api_urls.py.

Route names: "<app label>:<name>" for a page, "<app label>-api:<name>" for the API
(backlog:feature, scoring:art-backlog, planning-api:pi-capacity, backlog-api:feature-detail).
A name is kebab-case, as DRF's router writes its own. Only project wiring is routed here and
keeps a plain name: admin, and the API's schema and docs (api-schema, api-docs).
"""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

api_urls = [
    path("", include("scoring.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("scoring.planning.api_urls")),
    path("", include("scoring.tradeoffs.api_urls")),
    path("", include("scoring.rescoring.api_urls")),
    path("", include("scoring.exports.api_urls")),
    path("", include("scoring.roadmap.api_urls")),
    path("", include("scoring.outcomes.api_urls")),
    path("", include("backlog.imports.api_urls")),
    path("", include("scoring.estimation.api_urls")),
    path("", include("backlog.api_urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(api_urls)),
    path("", include("backlog.urls")),
    path("", include("backlog.imports.urls")),
    path("", include("scoring.urls")),
    path("", include("scoring.planning.urls")),
    path("", include("scoring.tradeoffs.urls")),
    path("", include("scoring.rescoring.urls")),
    path("", include("scoring.exports.urls")),
    path("", include("scoring.roadmap.urls")),
    path("", include("scoring.outcomes.urls")),
    path("", include("scoring.estimation.urls")),
]

# popm's own error pages (popm.error_pages), in the product's layout.
handler400 = "popm.error_pages.bad_request"
handler403 = "popm.error_pages.permission_denied"
handler404 = "popm.error_pages.page_not_found"
handler500 = "popm.error_pages.server_error"
