from django.urls import path

from scoring.estimation import api

app_name = "estimation-api"

# Mounted under /api/.
urlpatterns = [
    path("arts/<int:art_id>/estimations/", api.ArtEstimationsApi.as_view(), name="art-estimations"),
    path("estimations/<int:session_id>/", api.EstimationDetailApi.as_view(), name="estimation-detail"),
    path("estimations/<int:session_id>/open/", api.EstimationOpenApi.as_view(), name="estimation-open"),
    path("estimations/<int:session_id>/votes/", api.EstimationVoteApi.as_view(), name="estimation-votes"),
    path("estimations/<int:session_id>/reveal/", api.EstimationRevealApi.as_view(), name="estimation-reveal"),
    path("estimations/<int:session_id>/revote/", api.EstimationRevoteApi.as_view(), name="estimation-revote"),
    path("estimations/<int:session_id>/accept/", api.EstimationAcceptApi.as_view(), name="estimation-accept"),
    path(
        "estimations/<int:session_id>/next-column/",
        api.EstimationNextColumnApi.as_view(),
        name="estimation-next-column",
    ),
    path("estimations/<int:session_id>/close/", api.EstimationCloseApi.as_view(), name="estimation-close"),
]
