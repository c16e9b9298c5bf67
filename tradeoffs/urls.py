from django.urls import path

from tradeoffs import views

# Pages. API routes go in tradeoffs/api_urls.py (mounted under /api/).
urlpatterns = [
    path("arts/<int:art_id>/tradeoffs/", views.tradeoff_page, name="art_tradeoffs"),
]
