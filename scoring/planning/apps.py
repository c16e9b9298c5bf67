from django.apps import AppConfig


class PlanningConfig(AppConfig):
    """Capacity allocation and PI plans (team capacity, 70/20/10 shares, cut lines)."""

    name = "scoring.planning"
    label = "planning"
    default_auto_field = "django.db.models.BigAutoField"
