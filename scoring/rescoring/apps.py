from django.apps import AppConfig


class RescoringConfig(AppConfig):
    """Scores that fall due: stale scores before PI planning, Time Criticality near a fixed date."""

    name = "scoring.rescoring"
    label = "rescoring"
    default_auto_field = "django.db.models.BigAutoField"
