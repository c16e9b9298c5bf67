from django.urls import path

from scoring.planning import views

# Pages. API routes go in planning/api_urls.py (mounted under /api/).
urlpatterns = [
    path("arts/<int:art_id>/capacity/", views.capacity_page_current, name="art_capacity"),
    path("arts/<int:art_id>/pis/<int:pi_id>/capacity/", views.capacity_page, name="pi_capacity"),
    path(
        "arts/<int:art_id>/pis/<int:pi_id>/capacity/allocation/",
        views.allocation_update,
        name="pi_allocation_update",
    ),
    path(
        "arts/<int:art_id>/pis/<int:pi_id>/capacity/teams/",
        views.team_capacity_update,
        name="pi_team_capacity_update",
    ),
    path("arts/<int:art_id>/pis/<int:pi_id>/capacity/commit/", views.plan_commit, name="pi_plan_commit"),
]
