from django.urls import path

from scoring.outcomes import api

app_name = "outcomes-api"

# Mounted under /api/ by popm/urls.py.
urlpatterns = [
    path(
        "features/<int:feature_id>/indicators/", api.FeatureIndicatorsApi.as_view(), name="feature-indicators"
    ),
    path(
        "indicators/<int:indicator_id>/measurements/",
        api.IndicatorMeasurementsApi.as_view(),
        name="indicator-measurements",
    ),
    path("pis/<int:pi_id>/objectives/", api.PiObjectivesApi.as_view(), name="pi-objectives"),
    path("objectives/<int:objective_id>/", api.ObjectiveApi.as_view(), name="objective-detail"),
    path("pis/<int:pi_id>/predictability/", api.PiPredictabilityApi.as_view(), name="pi-predictability"),
    path("arts/<int:art_id>/flow/", api.ArtFlowApi.as_view(), name="art-flow"),
]
