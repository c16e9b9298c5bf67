"""Bring a Jira CSV export into an ART from the command line, e.g. for a nightly sync.

The import is recorded like one from the page or the API (an ImportRun, "by a script"), and
runs here, in this process, not on a worker. --dry-run counts only and records nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backlog.errors import InputError
from backlog.imports import services
from backlog.imports.jira_csv import FileRefused, jira_csv_read
from backlog.imports.jira_import import POPM_OWNED_FIELDS, jira_import
from backlog.models import Art


class Command(BaseCommand):
    help = "Import a Jira CSV export into an ART: features and epics matched by issue key or created."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--art", type=int, required=True, help="The ART's id.")
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Count only; write nothing.")
        parser.add_argument(
            "--take-jira",
            action="append",
            default=[],
            choices=POPM_OWNED_FIELDS,
            help="Replace popm's value of this field with the file's (repeatable).",
        )

    def handle(self, *args, art: int, file: Path, dry_run: bool, take_jira: list[str], **options) -> None:
        try:
            target = Art.objects.get(pk=art)
        except Art.DoesNotExist:
            raise CommandError(f"No ART with id {art}.")
        try:
            content = file.read_bytes()
            jira = jira_csv_read(content)
        except (OSError, FileRefused) as error:
            raise CommandError(str(error))
        if dry_run:
            result = jira_import(
                art=target,
                jira=jira,
                acting_user=None,
                source=file.name,
                take_jira=frozenset(take_jira),
                dry_run=True,
            )
            problems = [(p.row, p.column, p.message) for p in result.problems]
            counts = result
        else:
            try:
                run = services.import_run_upload(
                    art=target,
                    acting_user=None,
                    file_name=file.name,
                    content=content,
                    mapping={"take_jira": take_jira},
                    dry_run=False,
                    queue=False,
                )
            except InputError as refused:
                raise CommandError(refused.message)
            run = services.import_run_execute(run_id=run.pk)
            if run.status != run.Status.DONE:
                raise CommandError(f"The import failed and wrote nothing: {run.failure}")
            problems = [(p["row"], p["column"], p["message"]) for p in run.errors]
            counts = run
        for row, column, message in problems:
            self.stderr.write(f"row {row}, {column or '-'}: {message}")
        self.stdout.write(
            f"{'would be ' if dry_run else ''}created {counts.created}, updated {counts.updated}, "
            f"unchanged {counts.unchanged}, refused {counts.refused}, skipped {counts.skipped} "
            f"({jira.encoding}, {len(jira.rows)} rows)"
            + ("" if dry_run else f"; recorded as import {run.pk}")
        )
