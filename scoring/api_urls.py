from django.urls import path

from scoring import api

app_name = "scoring-api"

# Mounted under /api/ by popm/urls.py.
urlpatterns = [
    path("arts/<int:art_id>/backlog/", api.ArtBacklogApi.as_view(), name="art-backlog"),
    path(
        "features/<int:feature_id>/rank-change/",
        api.FeatureRankChangeApi.as_view(),
        name="feature-rank-change",
    ),
]
