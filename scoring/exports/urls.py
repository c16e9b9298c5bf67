from django.urls import path

from scoring.exports import views

app_name = "exports"

urlpatterns = [
    path("arts/<int:art_id>/backlog/export.csv", views.backlog_export, {"file": "csv"}, name="backlog-csv"),
    path(
        "arts/<int:art_id>/backlog/export.xlsx", views.backlog_export, {"file": "xlsx"}, name="backlog-xlsx"
    ),
    path(
        "arts/<int:art_id>/backlog/export-jira.csv",
        views.backlog_export,
        {"file": "jira"},
        name="backlog-jira",
    ),
]
