from django.urls import path

from scoring.planning import views

app_name = "planning"

# Pages. API routes go in planning/api_urls.py (mounted under /api/).
urlpatterns = [
    path("arts/<int:art_id>/capacity/", views.capacity_page_current, name="art-capacity"),
    path("arts/<int:art_id>/pis/<int:pi_id>/capacity/", views.capacity_page, name="pi-capacity"),
    path(
        "arts/<int:art_id>/pis/<int:pi_id>/capacity/allocation/",
        views.allocation_update,
        name="pi-allocation-update",
    ),
    path(
        "arts/<int:art_id>/pis/<int:pi_id>/capacity/teams/",
        views.team_capacity_update,
        name="pi-team-capacity-update",
    ),
    path("arts/<int:art_id>/pis/<int:pi_id>/capacity/commit/", views.plan_commit, name="pi-plan-commit"),
]
