from django.apps import AppConfig


class TradeoffsConfig(AppConfig):
    """Cost of doing it now versus later: what-if sequencing, delay cost, overrides, share links."""

    name = "scoring.tradeoffs"
    label = "tradeoffs"
    default_auto_field = "django.db.models.BigAutoField"
