from django.urls import path

from scoring.tradeoffs import api

app_name = "tradeoffs-api"

# Mounted under /api/.
urlpatterns = [
    path("arts/<int:art_id>/tradeoff/", api.TradeoffApi.as_view(), name="art-tradeoff"),
    path("arts/<int:art_id>/tradeoffs/", api.SavedTradeoffListApi.as_view(), name="art-tradeoffs"),
    path("tradeoffs/<int:tradeoff_id>/", api.SavedTradeoffApi.as_view(), name="tradeoff-detail"),
    path("tradeoffs/<int:tradeoff_id>/share/", api.ShareLinkCreateApi.as_view(), name="tradeoff-share"),
    path("share-links/<int:link_id>/", api.ShareLinkRevokeApi.as_view(), name="share-link-revoke"),
    path("arts/<int:art_id>/overrides/", api.OverrideListApi.as_view(), name="art-overrides"),
    path("overrides/<int:override_id>/", api.OverrideRemoveApi.as_view(), name="override-remove"),
]
