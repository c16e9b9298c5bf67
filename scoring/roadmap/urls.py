from django.urls import path

from scoring.roadmap import views

app_name = "roadmap"

# Pages. API routes are in roadmap/api_urls.py (mounted under /api/).
urlpatterns = [
    path("arts/<int:art_id>/roadmap/", views.roadmap_page, name="art-roadmap"),
    path("arts/<int:art_id>/roadmap/whatif/", views.roadmap_whatif_page, name="art-roadmap-whatif"),
    path("arts/<int:art_id>/roadmap/share/", views.share_link_create_view, name="share-link-create"),
    path(
        "arts/<int:art_id>/roadmap/links/<int:link_id>/revoke/",
        views.share_link_revoke_view,
        name="share-link-revoke",
    ),
    path("features/<int:feature_id>/forecast/", views.feature_forecast_fragment, name="feature-forecast"),
    path("shared/roadmap/<str:token>/", views.shared_roadmap_page, name="shared-roadmap"),
]
