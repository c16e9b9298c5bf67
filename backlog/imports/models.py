from django.conf import settings
from django.db import models

from backlog.models import Art


class ImportRun(models.Model):
    """One import of a Jira CSV export into an ART: who, when, which file, how it was mapped,
    its preview, and what it did.

    pending: uploaded and previewed, waiting for the POPM's confirm (or queued);
    running: a worker is writing it (processed counts the rows done so far);
    done / failed: finished; failed carries why in `failure`.

    The file's bytes are kept until the run has finished, so the confirm and the worker read
    exactly what was previewed (with the mapping as last edited); a finished run drops them.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "waiting for confirm"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    art = models.ForeignKey(Art, on_delete=models.CASCADE, related_name="import_runs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=200)
    file_size = models.PositiveIntegerField(default=0)
    content = models.BinaryField(blank=True, default=b"")
    encoding = models.CharField(max_length=20, blank=True)
    # backlog.imports.jira_mapping.Mapping as JSON (mapping_json / mapping_from_json).
    mapping = models.JSONField(default=dict, blank=True)
    take_jira = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    # [{"row", "column", "message"}], by row: every problem of the finished run.
    errors = models.JSONField(default=list, blank=True)
    # What the dry run found: counts, the first rows as popm stores them, problems, columns.
    preview = models.JSONField(null=True, blank=True)
    failure = models.TextField(blank=True)
    # When the POPM confirmed it (the API's confirm, or an upload without dry_run).
    confirmed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["art", "-created_at"], name="import_run_art_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "running", "done", "failed"]),
                name="import_run_status_known",
            )
        ]

    def __str__(self) -> str:
        return f"Import of {self.file_name} into ART {self.art_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, self.processed * 100 // self.total) if self.total else 0
