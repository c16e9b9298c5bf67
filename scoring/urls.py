from django.urls import path

from scoring import views

app_name = "scoring"

# Pages. API routes are in scoring/api_urls.py (mounted under /api/).
urlpatterns = [
    path("arts/<int:art_id>/backlog/", views.backlog_page, name="art-backlog"),
    path("arts/<int:art_id>/backlog/status/", views.backlog_status, name="backlog-status"),
    path("arts/<int:art_id>/value-effort/", views.value_effort_chart, name="value-effort-chart"),
    path("features/<int:feature_id>/score/", views.feature_score, name="feature-score"),
    path(
        "features/<int:feature_id>/rank-change/", views.feature_rank_change_page, name="feature-rank-change"
    ),
]
