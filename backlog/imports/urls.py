from django.urls import path

from backlog.imports import views

app_name = "imports"

# Pages. API routes are in imports/api_urls.py (mounted under /api/).
urlpatterns = [
    path("arts/<int:art_id>/imports/", views.art_imports_page, name="art-imports"),
    path("imports/<int:run_id>/", views.import_page, name="import"),
    path("imports/<int:run_id>/progress/", views.import_progress_fragment, name="import-progress"),
    path("imports/<int:run_id>/mapping/", views.import_mapping_view, name="import-mapping"),
    path("imports/<int:run_id>/confirm/", views.import_confirm_view, name="import-confirm"),
]
