from django.urls import path

from scoring.planning import api

app_name = "planning-api"

# Mounted under /api/ by popm/urls.py.
urlpatterns = [
    path("pis/<int:pi_id>/capacity/", api.PiCapacityApi.as_view(), name="pi-capacity"),
    path("pis/<int:pi_id>/allocation/", api.PiAllocationApi.as_view(), name="pi-allocation"),
    path("pis/<int:pi_id>/capacity-plan/", api.PiCapacityPlanApi.as_view(), name="pi-capacity-plan"),
    path(
        "pis/<int:pi_id>/capacity-plan/commit/",
        api.PiCapacityPlanCommitApi.as_view(),
        name="pi-capacity-plan-commit",
    ),
]
