from django.urls import path

from scoring import views

urlpatterns = [
    path("arts/<int:art_id>/backlog/", views.backlog_page, name="art_backlog_page"),
    path("arts/<int:art_id>/value-effort/", views.value_effort_chart, name="value_effort_chart"),
]
