"""Jira imports over the API (docs/api.md, "Jira import"): upload with a preview, confirm,
follow the run. Only a POPM of the ART or an admin imports and reads imports (docs/roles.md);
an ART the caller cannot see answers 404, one they only read answers 403.

    POST /api/arts/{id}/imports/     multipart: file, mapping (JSON text), dry_run (true|false)
    GET  /api/arts/{id}/imports/     the ART's imports, newest first
    POST /api/imports/{id}/confirm/  start a previewed import
    GET  /api/imports/{id}/          status and counts, errors [{row, column, message}]
"""

import json
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from backlog.access import art_edit_or_403, art_editable_or_403, art_scoped_visible_or_404
from backlog.errors import InputError
from backlog.imports import services
from backlog.imports.jira_csv import MAX_BYTES
from backlog.imports.jira_import import POPM_OWNED_FIELDS
from backlog.imports.models import ImportRun


class ProblemOutput(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row as a spreadsheet numbers it: the header is row 1.")
    column = serializers.CharField(help_text="The file's column; empty when the whole row is meant.")
    message = serializers.CharField()
    row_refused = serializers.BooleanField(
        help_text="true: the whole row was left out; false: only this cell, the rest of the row is imported."
    )


class PreviewRowOutput(serializers.Serializer):
    row = serializers.IntegerField()
    what = serializers.ChoiceField(choices=["feature", "epic"])
    action = serializers.ChoiceField(choices=["created", "updated", "unchanged"])
    external_key = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField(required=False)
    kind = serializers.CharField(required=False)
    team = serializers.CharField(required=False, allow_null=True)
    epic = serializers.CharField(required=False, allow_null=True, help_text="The epic's issue key.")
    labels = serializers.ListField(child=serializers.CharField(), required=False)
    estimate_points = serializers.CharField(required=False, allow_null=True)
    user_business_value = serializers.IntegerField(required=False, allow_null=True)
    time_criticality = serializers.IntegerField(required=False, allow_null=True)
    risk_reduction = serializers.IntegerField(required=False, allow_null=True)
    job_size = serializers.IntegerField(required=False, allow_null=True)


class MappingOfferOutput(serializers.Serializer):
    story_points_columns = serializers.ListField(child=serializers.CharField())
    story_points = serializers.CharField(
        allow_null=True, help_text="The pinned story points column; null: each row takes the one it fills."
    )
    statuses = serializers.DictField(child=serializers.CharField(), help_text="Jira status -> popm status.")
    issue_types = serializers.DictField(
        child=serializers.CharField(), help_text="Issue type -> feature, epic or skip."
    )
    wsjf_columns = serializers.DictField(child=serializers.CharField(), help_text="popm input -> column.")
    team_column = serializers.CharField(allow_null=True)
    labels_columns = serializers.IntegerField()
    sprint_columns = serializers.IntegerField()


class PreviewOutput(serializers.Serializer):
    encoding = serializers.CharField(help_text="utf-8 or cp1252: how the file was read.")
    delimiter = serializers.CharField()
    rows_in_file = serializers.IntegerField()
    created = serializers.IntegerField(help_text="Would be created.")
    updated = serializers.IntegerField(help_text="Would be updated (matched by issue key).")
    unchanged = serializers.IntegerField(help_text="Would be left alone.")
    refused = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text="Rows of an issue type mapped to skip.")
    rows = PreviewRowOutput(many=True, help_text="The first 20 rows as popm will store them.")
    problems = ProblemOutput(many=True)
    mapping = MappingOfferOutput()
    take_jira = serializers.ListField(child=serializers.CharField())


class ImportRunOutput(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None)
    errors = ProblemOutput(many=True)

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "art",
            "file_name",
            "created_by",
            "created_at",
            "confirmed_at",
            "started_at",
            "finished_at",
            "status",
            "total",
            "processed",
            "created",
            "updated",
            "unchanged",
            "refused",
            "skipped",
            "errors",
            "failure",
        ]


class ImportCreatedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ImportRun.Status.values)
    confirmed = serializers.BooleanField()
    preview = PreviewOutput(allow_null=True, help_text="With dry_run=true; null otherwise.")


class ImportUploadInput(serializers.Serializer):
    file = serializers.FileField(
        help_text="A Jira CSV export (UTF-8 or cp1252, , or ;), at most 20 MB and 50,000 issues."
    )
    mapping = serializers.CharField(
        required=False,
        help_text='JSON: {"story_points": null|column, "statuses": {jira: popm}, '
        '"issue_types": {type: "feature"|"epic"|"skip"}, "take_jira": ['
        + ", ".join(f'"{name}"' for name in POPM_OWNED_FIELDS)
        + "]}",
    )
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="true: preview only; confirm it later."
    )


def _mapping_parse(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise InputError("mapping", 'must be JSON text, e.g. {"story_points": null}.')


def _run_editable(request: Request, run_id: int) -> ImportRun:
    runs = ImportRun.objects.select_related("art", "created_by")
    run = art_scoped_visible_or_404(request.user, runs, run_id, what="import")
    art_edit_or_403(request.user, run.art_id)
    return run


class ArtImportsApi(APIView):
    parser_classes = [MultiPartParser, FormParser]
    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS  # also tells the schema the list is paged

    @extend_schema(
        request={"multipart/form-data": ImportUploadInput},
        responses={201: ImportCreatedOutput},
        operation_id="art_import_create",
        summary="Upload a Jira CSV export: preview it (dry_run=true) or import it at once",
    )
    def post(self, request: Request, art_id: int) -> Response:
        art = art_editable_or_403(request.user, art_id)
        data = ImportUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > MAX_BYTES:
            raise InputError("file", f"The file is over the size limit of {MAX_BYTES // 2**20} MB.")
        run = services.import_run_upload(
            art=art,
            acting_user=request.user,
            file_name=upload.name,
            content=upload.read(),
            mapping=_mapping_parse(data.validated_data.get("mapping")),
            dry_run=data.validated_data["dry_run"],
        )
        body = {
            "id": run.pk,
            "status": run.status,
            "confirmed": bool(run.confirmed_at),
            "preview": run.preview,
        }
        return Response(ImportCreatedOutput(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={200: ImportRunOutput(many=True)},
        operation_id="art_import_list",
        summary="The ART's imports, newest first",
    )
    def get(self, request: Request, art_id: int) -> Response:
        art = art_editable_or_403(request.user, art_id)
        paginator = self.pagination_class()
        runs = ImportRun.objects.filter(art=art).select_related("created_by").defer("content", "preview")
        page = paginator.paginate_queryset(runs, request, view=self)
        return paginator.get_paginated_response(ImportRunOutput(page, many=True).data)


class ImportRunApi(APIView):
    @extend_schema(responses={200: ImportRunOutput}, operation_id="import_retrieve", summary="An import")
    def get(self, request: Request, run_id: int) -> Response:
        return Response(ImportRunOutput(_run_editable(request, run_id)).data)


class ImportConfirmApi(APIView):
    @extend_schema(
        request=None,
        responses={202: ImportRunOutput},
        operation_id="import_confirm",
        summary="Start a previewed import (once; 409 if it was confirmed or has finished)",
    )
    def post(self, request: Request, run_id: int) -> Response:
        run = services.import_run_confirm(run=_run_editable(request, run_id), acting_user=request.user)
        run.refresh_from_db()  # where tasks run in-process, it has finished already
        return Response(ImportRunOutput(run).data, status=status.HTTP_202_ACCEPTED)
