from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from backlog.signals import ranking_inputs_changed
        from scoring.receivers import ranking_inputs_changed_queue_run

        ranking_inputs_changed.connect(ranking_inputs_changed_queue_run, dispatch_uid="scoring.queue_run")
