from django.urls import path

from scoring.rescoring import views

app_name = "rescoring"

# Pages. API routes are in rescoring/api_urls.py (mounted under /api/).
urlpatterns = [
    path("arts/<int:art_id>/stale-scores/", views.stale_scores_page, name="art-stale-scores"),
    path("arts/<int:art_id>/fixed-dates/", views.fixed_dates_page, name="art-fixed-dates"),
    path("arts/<int:art_id>/rescoring-check/", views.art_check_view, name="art-check"),
    path(
        "arts/<int:art_id>/tc-proposals/<int:proposal_id>/accept/",
        views.tc_proposal_accept_view,
        name="tc-proposal-accept",
    ),
    path(
        "arts/<int:art_id>/tc-proposals/<int:proposal_id>/dismiss/",
        views.tc_proposal_dismiss_view,
        name="tc-proposal-dismiss",
    ),
]
