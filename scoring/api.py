"""GET /api/arts/{id}/backlog/: the ranked backlog, built for speed (values, no model objects)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from backlog.access import arts_visible_to
from backlog.models import Feature
from scoring.selectors import BACKLOG_FIELDS, backlog_features
from scoring.services import art_scores_current


class BacklogFilters(serializers.Serializer):
    pi = serializers.IntegerField(required=False, min_value=1)
    kind = serializers.ChoiceField(
        choices=Feature.Kind.choices,
        required=False,
        error_messages={
            "invalid_choice": '"{input}" is not allowed; use one of: ' + ", ".join(Feature.Kind.values) + "."
        },
    )
    status = serializers.ChoiceField(
        choices=Feature.Status.choices,
        required=False,
        error_messages={
            "invalid_choice": '"{input}" is not allowed; use one of: '
            + ", ".join(Feature.Status.values)
            + "."
        },
    )


def backlog_row_json(row: dict) -> dict:
    return {
        "id": row["id"],
        "rank": row["rank"],
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
        "created_at": row["created_at"].isoformat().replace("+00:00", "Z"),
        "updated_at": row["updated_at"].isoformat().replace("+00:00", "Z"),
        "version": row["version"],
    }


class BacklogRow(serializers.Serializer):
    """Schema of one row (the rows themselves are built by backlog_row_json, for speed)."""

    id = serializers.IntegerField()
    rank = serializers.IntegerField(allow_null=True)
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


class ArtBacklogApi(GenericAPIView):
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
        if not arts_visible_to(request.user).filter(pk=art_id).exists():
            raise NotFound("No such ART.")
        filters = BacklogFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        params = filters.validated_data
        features = backlog_features(
            art_id=art_id, pi_id=params.get("pi"), kind=params.get("kind"), status=params.get("status")
        ).values(*BACKLOG_FIELDS)
        page = self.paginate_queryset(features)
        response = self.get_paginated_response([backlog_row_json(row) for row in page])
        response.data["scores_current"] = art_scores_current(art_id=art_id)
        return response
