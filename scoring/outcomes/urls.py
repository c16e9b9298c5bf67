from django.urls import path

from scoring.outcomes import views

app_name = "outcomes"

# Pages. API routes are in outcomes/api_urls.py (mounted under /api/).
urlpatterns = [
    path("features/<int:feature_id>/outcomes/", views.feature_outcomes_fragment, name="feature-outcomes"),
    path("features/<int:feature_id>/outcomes/verdict/", views.feature_verdict_view, name="feature-verdict"),
    path("features/<int:feature_id>/indicators/", views.feature_indicators_page, name="feature-indicators"),
    path("features/<int:feature_id>/indicators/new/", views.indicator_create_view, name="indicator-create"),
    path("features/<int:feature_id>/measurements/", views.measurement_create_view, name="measurement-create"),
    path("features/<int:feature_id>/measurements/csv/", views.measurements_csv_view, name="measurements-csv"),
    path("pis/<int:pi_id>/objectives/", views.pi_objectives_page, name="pi-objectives"),
    path("pis/<int:pi_id>/objectives/new/", views.objective_create_view, name="objective-create"),
    path("objectives/<int:objective_id>/values/", views.objective_values_view, name="objective-values"),
    path("arts/<int:art_id>/flow/", views.art_flow_page, name="art-flow"),
    path("arts/<int:art_id>/outcomes/calibration/", views.art_calibration_page, name="art-calibration"),
    path("pis/<int:pi_id>/review/", views.pi_review_page, name="pi-review"),
    path("pis/<int:pi_id>/review.xlsx", views.pi_review_xlsx, name="pi-review-xlsx"),
    path("pis/<int:pi_id>/review/links/", views.review_link_create_view, name="review-link-create"),
    path("review-links/<int:link_id>/revoke/", views.review_link_revoke_view, name="review-link-revoke"),
    path("shared/pi-review/<str:token>/", views.shared_review_page, name="shared-review"),
]
