from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """Jira CSV in: the file read, planned, previewed, and run as a recorded import (ImportRun)."""

    name = "backlog.imports"
    label = "imports"
    default_auto_field = "django.db.models.BigAutoField"
