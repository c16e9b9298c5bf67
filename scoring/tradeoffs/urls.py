from django.urls import path

from scoring.tradeoffs import views

app_name = "tradeoffs"

# Pages. API routes are in tradeoffs/api_urls.py (mounted under /api/).
urlpatterns = [
    path("arts/<int:art_id>/tradeoffs/", views.tradeoff_page, name="art-tradeoffs"),
    path("arts/<int:art_id>/tradeoffs/save/", views.tradeoff_save_view, name="tradeoff-save"),
    path("arts/<int:art_id>/tradeoffs/<int:tradeoff_id>/", views.saved_tradeoff_page, name="saved-tradeoff"),
    path(
        "arts/<int:art_id>/tradeoffs/<int:tradeoff_id>/share/",
        views.share_link_create_view,
        name="share-link-create",
    ),
    path(
        "arts/<int:art_id>/tradeoffs/links/<int:link_id>/revoke/",
        views.share_link_revoke_view,
        name="share-link-revoke",
    ),
    path("arts/<int:art_id>/overrides/", views.override_ledger_page, name="override-ledger"),
    path(
        "arts/<int:art_id>/overrides/<int:override_id>/remove/",
        views.override_remove_view,
        name="override-remove",
    ),
    path("arts/<int:art_id>/cd3/", views.cd3_page, name="cd3-vs-wsjf"),
    path("shared/tradeoffs/<str:token>/", views.shared_tradeoff_page, name="shared-tradeoff"),
]
