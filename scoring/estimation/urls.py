from django.urls import path

from scoring.estimation import views

app_name = "estimation"

# Pages. API routes are in estimation/api_urls.py (mounted under /api/).
urlpatterns = [
    path("arts/<int:art_id>/estimations/", views.session_list_page, name="art-sessions"),
    path("arts/<int:art_id>/estimations/new/", views.session_new_page, name="session-new"),
    path("arts/<int:art_id>/estimations/bias/", views.bias_page, name="art-bias"),
    path("estimations/<int:session_id>/", views.session_page, name="session"),
    path("estimations/<int:session_id>/progress/", views.session_progress_partial, name="session-progress"),
    path("estimations/<int:session_id>/vote/", views.vote_view, name="vote"),
    path("estimations/<int:session_id>/open/", views.session_open_view, name="session-open"),
    path("estimations/<int:session_id>/reveal/", views.round_reveal_view, name="reveal"),
    path("estimations/<int:session_id>/revote/", views.round_revote_view, name="revote"),
    path("estimations/<int:session_id>/accept/", views.acceptance_view, name="accept"),
    path("estimations/<int:session_id>/next-column/", views.column_next_view, name="next-column"),
    path("estimations/<int:session_id>/close/", views.session_close_view, name="close"),
]
