from django.urls import path
from rest_framework.routers import DefaultRouter

from backlog import api, request_api

app_name = "backlog-api"

# Mounted under /api/ by popm/urls.py; the router's root view answers /api/ itself.
router = DefaultRouter()
router.register("arts", api.ArtViewSet, basename="art")
router.register("teams", api.TeamViewSet, basename="team")
router.register("pis", api.ProgramIncrementViewSet, basename="pi")
router.register("epics", api.EpicViewSet, basename="epic")
router.register("features", api.FeatureViewSet, basename="feature")
router.register("stakeholders", api.StakeholderViewSet, basename="stakeholder")

urlpatterns = [
    path("arts/<int:art_id>/requests/", request_api.ArtRequestsView.as_view(), name="art-requests"),
    *router.urls,
]
