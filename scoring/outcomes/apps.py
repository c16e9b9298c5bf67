from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    """Outcomes, not output: leading indicators and verdicts, PI objectives and predictability,
    flow metrics from status history, and the PI review page."""

    name = "scoring.outcomes"
    label = "outcomes"
    default_auto_field = "django.db.models.BigAutoField"
