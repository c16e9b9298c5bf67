from django.urls import path

from scoring.tradeoffs import views

# Pages. API routes are in tradeoffs/api_urls.py (mounted under /api/).
urlpatterns = [
    path("arts/<int:art_id>/tradeoffs/", views.tradeoff_page, name="art_tradeoffs"),
    path("arts/<int:art_id>/tradeoffs/save/", views.tradeoff_save_view, name="tradeoff_save"),
    path("arts/<int:art_id>/tradeoffs/<int:tradeoff_id>/", views.saved_tradeoff_page, name="saved_tradeoff"),
    path(
        "arts/<int:art_id>/tradeoffs/<int:tradeoff_id>/share/",
        views.share_link_create_view,
        name="share_link_create",
    ),
    path(
        "arts/<int:art_id>/tradeoffs/links/<int:link_id>/revoke/",
        views.share_link_revoke_view,
        name="share_link_revoke",
    ),
    path("arts/<int:art_id>/overrides/", views.override_ledger_page, name="override_ledger"),
    path(
        "arts/<int:art_id>/overrides/<int:override_id>/remove/",
        views.override_remove_view,
        name="override_remove",
    ),
    path("arts/<int:art_id>/cd3/", views.cd3_page, name="cd3_vs_wsjf"),
    path("shared/tradeoffs/<str:token>/", views.shared_tradeoff_page, name="shared_tradeoff"),
]
