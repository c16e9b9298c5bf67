from django.apps import AppConfig


class EstimationConfig(AppConfig):
    """WSJF estimation sessions: the train scores together, one column at a time, votes hidden."""

    name = "scoring.estimation"
    label = "estimation"
    default_auto_field = "django.db.models.BigAutoField"
