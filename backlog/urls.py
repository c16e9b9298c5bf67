from django.contrib.auth import views as auth_views
from django.urls import path

from backlog import views

app_name = "backlog"

# Pages. API routes are in backlog/api_urls.py (mounted under /api/).
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("arts/switch/", views.art_switch, name="art-switch"),
    path("my-requests/", views.my_requests, name="my-requests"),
    path("arts/<int:art_id>/requests/new/", views.request_new, name="request-new"),
    path("arts/<int:art_id>/requests/", views.requests_triage, name="requests-triage"),
    path("arts/<int:art_id>/epics/", views.art_epics, name="art-epics"),
    path("arts/<int:art_id>/features/new/", views.feature_create, name="feature-create"),
    path("features/<int:feature_id>/", views.feature_page, name="feature"),
]
