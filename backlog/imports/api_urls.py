from django.urls import path

from backlog.imports.api import ArtImportsApi, ImportConfirmApi, ImportRunApi

app_name = "imports-api"

# Mounted under /api/ by popm/urls.py.
urlpatterns = [
    path("arts/<int:art_id>/imports/", ArtImportsApi.as_view(), name="art-imports"),
    path("imports/<int:run_id>/", ImportRunApi.as_view(), name="import-detail"),
    path("imports/<int:run_id>/confirm/", ImportConfirmApi.as_view(), name="import-confirm"),
]
