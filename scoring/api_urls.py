from django.urls import path

from scoring import api

app_name = "scoring-api"

# Mounted under /api/ by popm/urls.py.
urlpatterns = [
    path("arts/<int:art_id>/backlog/", api.ArtBacklogApi.as_view(), name="art-backlog"),
]
