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
    path("", include("backlog.api_urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(api_urls)),
    path("", include("backlog.urls")),
    path("", include("scoring.urls")),
    path("", include("scoring.planning.urls")),
    path("", include("scoring.tradeoffs.urls")),
    path("", include("scoring.rescoring.urls")),
    path("", include("scoring.exports.urls")),
]

handler404 = "popm.api.not_found"
