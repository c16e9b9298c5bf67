from django.urls import path

from scoring.exports.api import ArtExportApi

app_name = "exports-api"

# Mounted under /api/ by popm/urls.py.
urlpatterns = [
    path("arts/<int:art_id>/export.csv", ArtExportApi.as_view(file="csv"), name="backlog-csv"),
    path("arts/<int:art_id>/export.xlsx", ArtExportApi.as_view(file="xlsx"), name="backlog-xlsx"),
    path("arts/<int:art_id>/export-jira.csv", ArtExportApi.as_view(file="jira"), name="backlog-jira"),
]
