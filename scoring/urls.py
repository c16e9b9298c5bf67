from django.urls import path

from scoring import views

urlpatterns = [
    path("arts/<int:art_id>/backlog/", views.backlog_page, name="art_backlog_page"),
    path("arts/<int:art_id>/backlog/status/", views.backlog_status, name="backlog_status"),
    path("arts/<int:art_id>/value-effort/", views.value_effort_chart, name="value_effort_chart"),
    path("features/<int:feature_id>/score/", views.feature_score, name="feature_score"),
]
