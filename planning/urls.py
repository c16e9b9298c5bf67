from django.urls import path

from planning import views

# Pages. API routes go in planning/api_urls.py (mounted under /api/).
urlpatterns = [
    path("arts/<int:art_id>/capacity/", views.capacity_page_current, name="art_capacity"),
]
