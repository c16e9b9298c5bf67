from django.urls import path

from scoring.roadmap import api

app_name = "roadmap-api"

# Mounted under /api/.
urlpatterns = [
    path("arts/<int:art_id>/forecast/", api.ArtForecastApi.as_view(), name="art-forecast"),
]
