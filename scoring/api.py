"""GET /api/arts/{id}/backlog/: the ranked backlog, built for speed (rows written by PostgreSQL)."""

import json
from collections.abc import Set

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backlog.access import arts_visible_to, feature_visible_or_404
from backlog.api import choice_field
from backlog.models import Art, Feature
from popm.api import timestamp_text
from scoring.backlog_marks import fragile_feature_ids
from scoring.models import FeatureScore
from scoring.rank_changes import SINCE_HELP, moment_parse, rank_change_explain, ranks_after_run
from scoring.selectors import BACKLOG_FIELDS, art_scores_unsettled_sql, backlog_features

ART_ID_SQL = f'"{Art._meta.db_table}"."id"'


class BacklogFilters(serializers.Serializer):
    pi = serializers.IntegerField(required=False, min_value=1)
    kind = choice_field(Feature.Kind, required=False)
    status = choice_field(Feature.Status, required=False)
    fragile = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true: every row also says whether it is fragile (walks the PI plan; docs/rules.md).",
    )
    since = serializers.CharField(
        required=False,
        help_text=f"Adds rank_then and rank_change to every row: the rank after a moment, {SINCE_HELP}.",
    )


def backlog_row_json(row: dict) -> dict:
    return {
        "id": row["id"],
        "rank": row["rank"],
        "wsjf_rank": row["wsjf_rank"],
        "pinned_position": row["pinned_position"],
        "title": row["title"],
        "art": row["art_id"],
        "pi": row["pi_id"],
        "epic": row["epic_id"],
        "team": row["team_id"],
        "kind": row["kind"],
        "status": row["status"],
        "user_business_value": row["user_business_value"],
        "time_criticality": row["time_criticality"],
        "risk_reduction": row["risk_reduction"],
        "job_size": row["job_size"],
        "cost_of_delay": row["cost_of_delay"],
        "wsjf": None if row["wsjf"] is None else str(row["wsjf"]),
        "estimate_points": None if row["estimate_points"] is None else str(row["estimate_points"]),
        "fixed_date": None if row["fixed_date"] is None else row["fixed_date"].isoformat(),
        "created_at": timestamp_text(row["created_at"]),
        "updated_at": timestamp_text(row["updated_at"]),
        "version": row["version"],
    }


def rank_change_add(row: dict, ranks_then: dict[int, int | None]) -> dict:
    """The row with the rank it had then and the places it moved up since (down: negative)."""
    then = ranks_then.get(row["id"])
    moved = None if then is None or row["rank"] is None else then - row["rank"]
    return row | {"rank_then": then, "rank_change": moved}


def _utc_iso_sql(column: str) -> str:
    """SQL giving what popm.api.timestamp_text gives: ISO 8601 in UTC with Z, microseconds if any."""
    return (
        f"""replace(to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), '.000000Z', 'Z')"""
    )


# The rows of backlog_row_json, keys in the same order, written as JSON text by PostgreSQL
# for the ids of one page, in the order of those ids (the last parameter, with ?fragile=true:
# the fragile ids).
# A page of 1000 rows then costs Python a string join instead of 1000 dicts to build and
# encode; only the page's rows are written (a plain OFFSET would write every row it skips).
BACKLOG_ROWS_JSON_SQL = f"""
SELECT row_to_json(r)::text
  FROM unnest(ARRAY({{page_ids}})) WITH ORDINALITY AS page(id, position)
  JOIN {Feature._meta.db_table} AS f ON f.id = page.id
 CROSS JOIN LATERAL (SELECT
       f.id, f.rank, f.wsjf_rank, f.pinned_position, f.title, f.art_id AS art, f.pi_id AS pi, f.epic_id AS epic, f.team_id AS team,
       f.kind, f.status, f.user_business_value, f.time_criticality, f.risk_reduction, f.job_size,
       f.cost_of_delay, f.wsjf::text AS wsjf, f.estimate_points::text AS estimate_points,
       f.fixed_date, {_utc_iso_sql("f.created_at")} AS created_at,
       {_utc_iso_sql("f.updated_at")} AS updated_at, f.version{{fragile_column}}{{since_columns}}) AS r
 ORDER BY page.position
"""
FRAGILE_COLUMN_SQL = """,
       f.id = ANY(%s::bigint[]) AS fragile"""
# With ?since=: the feature's latest score at or before the moment's run (index
# featurescore_feature_run), one index probe per row of the page.
SINCE_COLUMNS_SQL = f""",
       prior.rank AS rank_then, prior.rank - f.rank AS rank_change
  FROM (SELECT NULL) AS one
  LEFT JOIN LATERAL (SELECT s.rank FROM {FeatureScore._meta.db_table} AS s
                      WHERE s.feature_id = f.id AND s.run_id <= {{since_run:d}}
                      ORDER BY s.run_id DESC LIMIT 1) AS prior ON true"""


class BacklogRowsJson:
    """The backlog's rows as JSON text, for a paginator: count() counts them, and a slice
    asks PostgreSQL for that page of ids and their rows in one query."""

    def __init__(self, features: QuerySet, fragile_ids: Set[int] | None, since_run: int | None = None):
        self.features = features
        self.fragile_ids = fragile_ids
        self.since_columns = "" if since_run is None else SINCE_COLUMNS_SQL.format(since_run=since_run)

    def count(self) -> int:
        return self.features.count()

    def __getitem__(self, page: slice) -> list[str]:
        if page.start == page.stop:
            return []
        ids_sql, params = self.features.values_list("id", flat=True)[page].query.sql_with_params()
        with connection.cursor() as cursor:
            fragile = self.fragile_ids is not None
            sql = BACKLOG_ROWS_JSON_SQL.format(
                page_ids=ids_sql,
                fragile_column=FRAGILE_COLUMN_SQL if fragile else "",
                since_columns=self.since_columns,
            )
            cursor.execute(sql, [*params, sorted(self.fragile_ids)] if fragile else params)
            return [row for (row,) in cursor.fetchall()]


class BacklogRow(serializers.Serializer):
    """Schema of one row (built by BacklogRowsJson on PostgreSQL, backlog_row_json elsewhere)."""

    id = serializers.IntegerField()
    rank = serializers.IntegerField(
        allow_null=True,
        help_text="Position in the ranked backlog with executive-priority pins applied (1 = top): the "
        "order the POPM works from and the PI plan walks. Null: not ranked (unscored or done).",
    )
    wsjf_rank = serializers.IntegerField(
        allow_null=True,
        help_text="Position by WSJF alone, pins ignored. Equal to rank while the ART has no pin above "
        "this feature.",
    )
    pinned_position = serializers.IntegerField(
        allow_null=True,
        help_text="The position this feature is pinned at (an active override), else null. Several "
        "pins at one position: the older pin first, the next one below it.",
    )
    title = serializers.CharField()
    art = serializers.IntegerField()
    pi = serializers.IntegerField(allow_null=True)
    epic = serializers.IntegerField(allow_null=True)
    team = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField()
    status = serializers.CharField()
    user_business_value = serializers.IntegerField(allow_null=True)
    time_criticality = serializers.IntegerField(allow_null=True)
    risk_reduction = serializers.IntegerField(allow_null=True)
    job_size = serializers.IntegerField(allow_null=True)
    cost_of_delay = serializers.IntegerField(allow_null=True)
    wsjf = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    estimate_points = serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True)
    fixed_date = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField()
    fragile = serializers.BooleanField(
        required=False,
        help_text="With ?fragile=true: one scale step on one WSJF input of this feature or of the one just before or "
        "after it (same kind) would move it across its kind's cut line in the strict plan of the "
        "PI the backlog is filtered on, else the current PI (docs/rules.md, Fragile ranks).",
    )
    rank_then = serializers.IntegerField(
        allow_null=True, required=False, help_text="With ?since=: its rank then (null: not ranked then)."
    )
    rank_change = serializers.IntegerField(
        allow_null=True,
        required=False,
        help_text="With ?since=: places moved up since (negative: down); null if not ranked then or now.",
    )


class ArtBacklogApi(GenericAPIView):
    queryset = Feature.objects.none()  # the browsable API asks for one; rows come from the selector

    @extend_schema(
        parameters=[
            BacklogFilters,
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int, description="Up to 1000."),
        ],
        responses={
            200: inline_serializer(
                "RankedBacklogPage",
                {
                    "count": serializers.IntegerField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "scores_current": serializers.BooleanField(),
                    "results": BacklogRow(many=True),
                },
            )
        },
    )
    def get(self, request: Request, art_id: int) -> Response:
        # Visibility and scores_current in one query: [] when the ART is not visible.
        unsettled = list(
            arts_visible_to(request.user)
            .filter(pk=art_id)
            .order_by()
            .annotate(unsettled=RawSQL(art_scores_unsettled_sql(ART_ID_SQL), [], BooleanField()))
            .values_list("unsettled", flat=True)
        )
        if not unsettled:
            raise NotFound("No such ART.")
        scores_current = not unsettled[0]
        filters = BacklogFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        params = filters.validated_data
        since_run = None
        if "since" in params:
            since_run = moment_parse(art_id=art_id, since=params["since"]).run_id
        features = backlog_features(
            art_id=art_id, pi_id=params.get("pi"), kind=params.get("kind"), status=params.get("status")
        )
        # The plan walk behind `fragile` costs more than the page itself: only when asked for.
        fragile_ids = (
            fragile_feature_ids(art_id=art_id, pi_id=params.get("pi")) if params["fragile"] else None
        )
        if connection.vendor == "postgresql" and request.accepted_renderer.format == "json":
            rows = self.paginate_queryset(BacklogRowsJson(features, fragile_ids, since_run))
            return self.page_json_response(rows, scores_current)
        page = self.paginate_queryset(features.values(*BACKLOG_FIELDS))
        rows = [backlog_row_json(row) for row in page]
        if fragile_ids is not None:
            rows = [row | {"fragile": row["id"] in fragile_ids} for row in rows]
        if since_run is not None:
            then = ranks_after_run(art_id=art_id, run_id=since_run, feature_ids=[row["id"] for row in rows])
            rows = [rank_change_add(row, then) for row in rows]
        response = self.get_paginated_response(rows)
        response.data["scores_current"] = scores_current
        return response

    def page_json_response(self, rows: list[str], scores_current: bool) -> "JsonTextResponse":
        """The body get_paginated_response would render, with the rows spliced in as they are."""
        links = {
            "count": self.paginator.page.paginator.count,
            "next": self.paginator.get_next_link(),
            "previous": self.paginator.get_previous_link(),
        }
        head = json.dumps(links, separators=(",", ":"), ensure_ascii=False)[:-1]
        return JsonTextResponse(
            f'{head},"results":[{",".join(rows)}],"scores_current":{json.dumps(scores_current)}}}'
        )


class JsonTextResponse(Response):
    """A DRF response whose JSON body is already written; .data parses it when someone asks."""

    def __init__(self, body: str):
        super().__init__()
        self.body_text = body

    @property
    def data(self) -> dict:
        return json.loads(self.body_text)

    @data.setter
    def data(self, value: None) -> None:
        pass

    @property
    def rendered_content(self) -> bytes:
        self["Content-Type"] = "application/json"
        return self.body_text.encode()


class HistoryEntryOutput(serializers.Serializer):
    changed_at = serializers.DateTimeField(source="when")
    changed_by = serializers.CharField(source="who")
    door = serializers.CharField(source="change.door")
    summary = serializers.CharField()


class MoverOutput(serializers.Serializer):
    id = serializers.IntegerField(source="feature_id")
    title = serializers.CharField()
    from_rank = serializers.IntegerField(allow_null=True)
    to_rank = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()


class RankChangeOutput(serializers.Serializer):
    feature = serializers.IntegerField(source="feature_id")
    since = serializers.CharField(source="moment.label")
    since_run = serializers.IntegerField(
        source="moment.run_id", help_text="Ranks then: after this run (0: none)."
    )
    since_at = serializers.DateTimeField(source="moment.at", allow_null=True)
    from_rank = serializers.IntegerField(allow_null=True)
    to_rank = serializers.IntegerField(allow_null=True)
    moved = serializers.IntegerField(allow_null=True, help_text="Places up (positive) or down (negative).")
    own_changes = HistoryEntryOutput(many=True)
    passed_by = MoverOutput(many=True)
    fell_behind = MoverOutput(many=True)
    gone_above = serializers.IntegerField(help_text="Features ranked above it then, deleted since.")
    words = serializers.CharField()


class FeatureRankChangeApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("since", str, description=f"Default: the current PI's start; or {SINCE_HELP}.")
        ],
        responses={200: RankChangeOutput},
        operation_id="feature_rank_change",
    )
    def get(self, request: Request, feature_id: int) -> Response:
        """Why did it move: the feature's rank then and now, its own changes, who passed it and
        who fell behind it, and the reasons."""
        feature = feature_visible_or_404(request.user, feature_id)
        moment = moment_parse(art_id=feature.art_id, since=request.query_params.get("since"))
        return Response(RankChangeOutput(rank_change_explain(feature=feature, moment=moment)).data)
