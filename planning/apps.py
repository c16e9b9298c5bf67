from django.apps import AppConfig


class PlanningConfig(AppConfig):
    """Capacity allocation and PI plans (team capacity, 70/20/10 shares, cut lines)."""

    name = "planning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from planning.backlog_marks import cut_line_marks
        from scoring.backlog_marks import backlog_marks_provider_register

        backlog_marks_provider_register(cut_line_marks)
