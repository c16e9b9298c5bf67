from django.apps import AppConfig


class TradeoffsConfig(AppConfig):
    """Cost of doing it now versus later: what-if sequencing, delay cost, overrides, share links."""

    name = "tradeoffs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from scoring.backlog_marks import backlog_marks_provider_register
        from tradeoffs.backlog_marks import pin_marks

        backlog_marks_provider_register(pin_marks)
