from django.apps import AppConfig


class RoadmapConfig(AppConfig):
    """The roadmap forecast: the next PIs filled in rank order under the capacity budgets."""

    name = "scoring.roadmap"
    label = "roadmap"
    default_auto_field = "django.db.models.BigAutoField"
