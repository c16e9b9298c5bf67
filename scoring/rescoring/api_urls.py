from django.urls import path

from scoring.rescoring import api

app_name = "rescoring-api"

# Mounted under /api/.
urlpatterns = [
    path("arts/<int:art_id>/stale-scores/", api.ArtStaleScoresApi.as_view(), name="art-stale-scores"),
    path("arts/<int:art_id>/tc-proposals/", api.ArtTcProposalsApi.as_view(), name="art-tc-proposals"),
    path("arts/<int:art_id>/fixed-dates/", api.ArtFixedDatesApi.as_view(), name="art-fixed-dates"),
    path(
        "tc-proposals/<int:proposal_id>/accept/", api.TcProposalAcceptApi.as_view(), name="tc-proposal-accept"
    ),
    path(
        "tc-proposals/<int:proposal_id>/dismiss/",
        api.TcProposalDismissApi.as_view(),
        name="tc-proposal-dismiss",
    ),
]
