"""Bring a Jira CSV export into an ART from the command line, e.g. for a nightly sync."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

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
            jira = jira_csv_read(file.read_bytes())
        except (OSError, FileRefused) as error:
            raise CommandError(str(error))
        result = jira_import(
            art=target,
            jira=jira,
            acting_user=None,
            source=file.name,
            take_jira=frozenset(take_jira),
            dry_run=dry_run,
        )
        for problem in result.problems:
            self.stderr.write(f"row {problem.row}, {problem.column or '-'}: {problem.message}")
        self.stdout.write(
            f"{'would be ' if dry_run else ''}created {result.created}, updated {result.updated}, "
            f"unchanged {result.unchanged}, refused {result.refused}, skipped {result.skipped} "
            f"({jira.encoding}, {len(jira.rows)} rows)"
        )
