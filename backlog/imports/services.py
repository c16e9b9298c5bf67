"""An import as the POPM runs it: upload (the file read, the mapping checked, a preview),
mapping edited and previewed again, confirm, then the run on a Celery worker (or in-process
where tasks run eagerly), recorded in ImportRun.

The writes themselves are backlog.imports.jira_import's, through backlog.services. The run
writes all its rows in ONE transaction: it imports everything or, if anything unexpected
fails, nothing. Its progress (`processed`) is written beside it on a second database
connection, so a page polling the run sees it move while the transaction is still open.
"""

import logging
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from backlog.errors import Conflict, InputError
from backlog.imports.jira_csv import FileRefused, JiraFile, jira_csv_read
from backlog.imports.jira_import import POPM_OWNED_FIELDS, ImportResult, jira_import
from backlog.imports.mapping_json import MappingRefused, mapping_from_json, mapping_offer
from backlog.imports.models import ImportRun
from backlog.models import Art

logger = logging.getLogger(__name__)
# How often a run writes its progress: every this many rows (and at the end).
PROGRESS_EVERY = 500


class RunNotPending(Conflict):
    """The import was already confirmed, or has finished: it cannot be confirmed or re-mapped."""

    code = "import_not_pending"

    def __init__(self, run: ImportRun):
        super().__init__(
            f"This import is {run.get_status_display()}"
            f"{' (already confirmed)' if run.confirmed_at and run.status == 'pending' else ''}; "
            "upload the file again to import it once more."
        )
        self.run = run

    def data(self) -> dict[str, Any]:
        return {"status": self.run.status}


def _file_read(content: bytes) -> JiraFile:
    try:
        return jira_csv_read(content)
    except FileRefused as refused:
        raise InputError("file", str(refused))


def _mapping_read(data: Any):
    try:
        return mapping_from_json(data, take_jira_allowed=POPM_OWNED_FIELDS)
    except MappingRefused as refused:
        raise InputError("mapping", str(refused))


def _json_ready(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(item) for item in value]
    return value


def _problems_json(result: ImportResult) -> list[dict[str, Any]]:
    """row, column, message; row_refused: the whole row was left out (else only that cell)."""
    return [{**asdict(p), "row_refused": p.row in result.refused_rows} for p in result.problems]


def _preview_of(run: ImportRun, jira: JiraFile) -> dict[str, Any]:
    mapping, take_jira = _mapping_read(run.mapping)
    result = jira_import(
        art=run.art,
        jira=jira,
        acting_user=run.created_by,
        source=run.file_name,
        mapping=mapping,
        take_jira=take_jira,
        dry_run=True,
    )
    return {
        "encoding": jira.encoding,
        "delimiter": jira.delimiter,
        "rows_in_file": len(jira.rows),
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "refused": result.refused,
        "skipped": result.skipped,
        "rows": _json_ready(result.rows),
        "problems": _problems_json(result),
        "mapping": mapping_offer(jira, mapping),
        "take_jira": sorted(take_jira),
    }


def import_run_upload(
    *,
    art: Art,
    acting_user: Any,
    file_name: str,
    content: bytes,
    mapping: Any = None,
    dry_run: bool = True,
    queue: bool = True,
) -> ImportRun:
    """Record an uploaded export. With dry_run, it waits for a confirm, with its preview;
    without, it is confirmed at once (a script's nightly sync) and, with queue, sent to a
    worker. A file popm cannot read, or a mapping it cannot use, raises InputError ("file" /
    "mapping") and records nothing."""
    jira = _file_read(content)
    _, take_jira = _mapping_read(mapping)
    run = ImportRun(
        art=art,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
        file_name=(file_name or "upload.csv")[:200],
        file_size=len(content),
        content=content,
        encoding=jira.encoding,
        mapping=mapping or {},
        take_jira=sorted(take_jira),
        total=len(jira.rows),
    )
    if dry_run:
        run.preview = _preview_of(run, jira)
        run.save()
    else:
        run.save()
        import_run_confirm(run=run, acting_user=acting_user, queue=queue)
    return run


def import_run_remap(*, run: ImportRun, acting_user: Any, mapping: Any) -> ImportRun:
    """A new mapping for a waiting import, and its preview again."""
    if run.status != ImportRun.Status.PENDING or run.confirmed_at:
        raise RunNotPending(run)
    _, take_jira = _mapping_read(mapping)
    run.mapping, run.take_jira = mapping or {}, sorted(take_jira)
    run.preview = _preview_of(run, _file_read(bytes(run.content)))
    run.save(update_fields=["mapping", "take_jira", "preview"])
    return run


def import_run_confirm(*, run: ImportRun, acting_user: Any, queue: bool = True) -> ImportRun:
    """Confirm a waiting import: it is sent to a worker after commit. Once only."""
    confirmed = ImportRun.objects.filter(
        pk=run.pk, status=ImportRun.Status.PENDING, confirmed_at__isnull=True
    ).update(confirmed_at=timezone.now())
    run.refresh_from_db()
    if not confirmed:
        raise RunNotPending(run)
    if queue:
        from backlog.imports.tasks import import_run_task

        transaction.on_commit(lambda: import_run_task.delay(run.pk))
    return run


def _progress_writer(run_id: int):
    """processed=n written on a connection of its own (autocommit), seen by a polling page
    while the import's transaction is open. On SQLite (the local default, one writer at a
    time) progress is not written: the import finishes before a page could ask."""
    if connection.vendor != "postgresql":
        return None, None
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    last = [0]

    def write(processed: int) -> None:
        if processed - last[0] < PROGRESS_EVERY:
            return
        last[0] = processed
        with side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportRun._meta.db_table} SET processed = %s WHERE id = %s", [processed, run_id]
            )

    return write, side


def import_run_execute(*, run_id: int) -> ImportRun | None:
    """Run a confirmed import; None if it is not waiting (another worker has it, or it ran)."""
    claimed = ImportRun.objects.filter(
        pk=run_id, status=ImportRun.Status.PENDING, confirmed_at__isnull=False
    ).update(status=ImportRun.Status.RUNNING, started_at=timezone.now(), processed=0)
    if not claimed:
        return None
    run = ImportRun.objects.select_related("art", "created_by").get(pk=run_id)
    progress, side = _progress_writer(run.pk)
    try:
        jira = jira_csv_read(bytes(run.content))
        mapping, take_jira = mapping_from_json(run.mapping, take_jira_allowed=POPM_OWNED_FIELDS)
        result = jira_import(
            art=run.art,
            jira=jira,
            acting_user=run.created_by,
            source=run.file_name,
            mapping=mapping,
            take_jira=take_jira,
            progress=progress,
        )
    except Exception as error:
        logger.exception("import %s failed", run.pk)
        run.status, run.failure = ImportRun.Status.FAILED, f"{type(error).__name__}: {error}"
        fields = ["status", "failure", "finished_at"]
    else:
        run.status = ImportRun.Status.DONE
        run.processed = run.total = len(jira.rows)
        run.created, run.updated, run.unchanged = result.created, result.updated, result.unchanged
        run.refused, run.skipped = result.refused, result.skipped
        run.errors = _problems_json(result)
        run.content = b""  # the rows are written; the file is no longer needed
        fields = [
            *("status", "processed", "total", "created", "updated", "unchanged", "refused", "skipped"),
            *("errors", "content", "finished_at"),
        ]
    finally:
        if side is not None:
            side.close()
    run.finished_at = timezone.now()
    run.save(update_fields=fields)
    return run
