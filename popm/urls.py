from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from backlog import api as backlog_api
from scoring import api as scoring_api

router = DefaultRouter()
router.register("arts", backlog_api.ArtViewSet, basename="art")
router.register("teams", backlog_api.TeamViewSet, basename="team")
router.register("pis", backlog_api.ProgramIncrementViewSet, basename="pi")
router.register("epics", backlog_api.EpicViewSet, basename="epic")
router.register("features", backlog_api.FeatureViewSet, basename="feature")
router.register("stakeholders", backlog_api.StakeholderViewSet, basename="stakeholder")

api_urls = [
    path("arts/<int:art_id>/backlog/", scoring_api.ArtBacklogApi.as_view(), name="art-backlog"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("scoring.planning.api_urls")),
    path("", include("scoring.tradeoffs.api_urls")),
    path("", include(router.urls)),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(api_urls)),
    path("", include("backlog.urls")),
    path("", include("scoring.urls")),
    path("", include("scoring.planning.urls")),
    path("", include("scoring.tradeoffs.urls")),
]
