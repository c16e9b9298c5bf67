"""Outcomes over the API (docs/api.md): indicators and measurements, PI objectives,
predictability, flow.

One API class per operation with its Input/Output serializers. Roles (docs/roles.md): everyone
who sees the ART reads; POPMs of the ART and admins record indicators, measurements, objectives
and business values. Objects of an ART the user cannot see answer 404.
"""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backlog.access import (
    art_edit_or_403,
    art_scoped_visible_or_404,
    art_visible_or_404,
    feature_visible_or_404,
    pi_visible_or_404,
)
from backlog.errors import InputError
from popm.api import ApiRefusal
from scoring.outcomes import selectors, services
from scoring.outcomes.models import LeadingIndicator, Measurement, PIObjective


def _business_value_field(**kwargs: Any) -> serializers.IntegerField:
    message = "must be a whole number 1 to 10" + (" or null" if kwargs.get("allow_null") else "") + "."
    return serializers.IntegerField(
        min_value=1,
        max_value=10,
        error_messages={key: message for key in ("invalid", "min_value", "max_value", "null", "required")},
        **kwargs,
    )


def _decimal_text(value) -> str | None:
    return None if value is None else str(value.normalize() if value == value.to_integral() else value)


# --- indicators -----------------------------------------------------------------------------


class MeasurementOutput(serializers.ModelSerializer):
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Measurement
        fields = ["id", "indicator", "measured_on", "value", "recorded_by", "recorded_at"]


class IndicatorOutput(serializers.ModelSerializer):
    measurements = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField(help_text="Percent of the way from baseline to target.")

    class Meta:
        model = LeadingIndicator
        fields = [
            "id",
            "feature",
            "name",
            "unit",
            "baseline",
            "target",
            "due_date",
            "progress",
            "measurements",
        ]

    @extend_schema_field(MeasurementOutput(many=True))
    def get_measurements(self, indicator: LeadingIndicator) -> list[dict]:
        views = self.context.get("views", {})
        found = views[indicator.pk].measurements if indicator.pk in views else []
        return MeasurementOutput(found, many=True).data

    @extend_schema_field({"type": "string", "nullable": True})
    def get_progress(self, indicator: LeadingIndicator) -> str | None:
        view = self.context.get("views", {}).get(indicator.pk)
        return None if view is None or view.progress is None else str(view.progress)


class IndicatorInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    unit = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    baseline = serializers.CharField(help_text="A number, as a string or a number: 2.1")
    target = serializers.CharField(help_text="A number; may be below the baseline (fewer errors).")
    due_date = serializers.DateField()


class FeatureIndicatorsApi(APIView):
    @extend_schema(responses={200: IndicatorOutput(many=True)}, operation_id="feature_indicators_list")
    def get(self, request: Request, feature_id: int) -> Response:
        """The feature's leading indicators, each with its measurements and progress."""
        feature = feature_visible_or_404(request.user, feature_id)
        views = {view.indicator.pk: view for view in selectors.feature_indicators(feature_id=feature.pk)}
        indicators = [view.indicator for view in views.values()]
        return Response(IndicatorOutput(indicators, many=True, context={"views": views}).data)

    @extend_schema(
        request=IndicatorInput, responses={201: IndicatorOutput}, operation_id="feature_indicators_create"
    )
    def post(self, request: Request, feature_id: int) -> Response:
        feature = feature_visible_or_404(request.user, feature_id)
        art_edit_or_403(request.user, feature.art_id)
        data = IndicatorInput(data=request.data)
        data.is_valid(raise_exception=True)
        indicator = services.indicator_create(
            feature=feature, acting_user=request.user, **data.validated_data
        )
        return Response(IndicatorOutput(indicator).data, status=status.HTTP_201_CREATED)


class MeasurementInput(serializers.Serializer):
    measured_on = serializers.DateField()
    value = serializers.CharField(help_text="A number: 2.34")


class IndicatorMeasurementsApi(APIView):
    @extend_schema(
        request=MeasurementInput,
        responses={201: MeasurementOutput},
        operation_id="indicator_measurements_create",
    )
    def post(self, request: Request, indicator_id: int) -> Response:
        """Record a measured value; a second value on the same day replaces the first."""
        indicator = art_scoped_visible_or_404(
            request.user,
            LeadingIndicator.objects.select_related("feature"),
            indicator_id,
            art_path="feature__art",
            what="indicator",
        )
        art_edit_or_403(request.user, indicator.feature.art_id)
        data = MeasurementInput(data=request.data)
        data.is_valid(raise_exception=True)
        measurement = services.measurement_record(
            indicator=indicator, acting_user=request.user, **data.validated_data
        )
        return Response(MeasurementOutput(measurement).data, status=status.HTTP_201_CREATED)


# --- objectives -----------------------------------------------------------------------------


class ObjectiveOutput(serializers.ModelSerializer):
    features = serializers.SerializerMethodField()

    class Meta:
        model = PIObjective
        fields = [
            "id",
            "pi",
            "team",
            "title",
            "committed",
            "planned_value",
            "actual_value",
            "features",
            "updated_at",
            "version",
        ]

    @extend_schema_field({"type": "array", "items": {"type": "integer"}})
    def get_features(self, objective: PIObjective) -> list[int]:
        return sorted(feature.pk for feature in objective.features.all())


class ObjectiveInput(serializers.Serializer):
    team = serializers.IntegerField(
        allow_null=True, required=False, help_text="A team of the PI's ART; null: an ART objective."
    )
    title = serializers.CharField(max_length=300)
    committed = serializers.BooleanField(
        required=False, default=True, help_text="false: a stretch objective."
    )
    planned_value = _business_value_field()
    actual_value = _business_value_field(allow_null=True, required=False)
    features = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)


class ObjectiveUpdateInput(ObjectiveInput):
    title = serializers.CharField(max_length=300, required=False)
    committed = serializers.BooleanField(required=False)
    planned_value = _business_value_field(required=False)
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The version you edited (or send If-Match). A stale one: 412."
    )


def _objective_version(request: Request, body_version: int | None) -> int | None:
    """The body's version, else If-Match; neither: 428 (a write needs a precondition)."""
    if body_version is not None:
        return body_version
    header = request.headers.get("If-Match", "").strip().strip('"').removeprefix("W/").strip('"')
    if header == "*":
        return None
    if header.isdigit():
        return int(header)
    if header:
        raise serializers.ValidationError({"If-Match": ['If-Match must be a version, e.g. "3", or *.']})
    raise ApiRefusal(
        status.HTTP_428_PRECONDITION_REQUIRED,
        'Send the version you edited: "version" in the body or an If-Match header (If-Match: * for any).',
        "precondition_required",
    )


class PiObjectivesApi(APIView):
    @extend_schema(responses={200: ObjectiveOutput(many=True)}, operation_id="pi_objectives_list")
    def get(self, request: Request, pi_id: int) -> Response:
        pi = pi_visible_or_404(request.user, pi_id)
        return Response(ObjectiveOutput(selectors.objectives_of_pi(pi_id=pi.pk), many=True).data)

    @extend_schema(
        request=ObjectiveInput, responses={201: ObjectiveOutput}, operation_id="pi_objectives_create"
    )
    def post(self, request: Request, pi_id: int) -> Response:
        """A PI objective; planned business value 1-10 at PI planning, actual 1-10 at the end."""
        pi = pi_visible_or_404(request.user, pi_id)
        art_edit_or_403(request.user, pi.art_id)
        data = ObjectiveInput(data=request.data)
        data.is_valid(raise_exception=True)
        objective = services.objective_create(pi=pi, acting_user=request.user, **data.validated_data)
        return Response(ObjectiveOutput(objective).data, status=status.HTTP_201_CREATED)


class ObjectiveApi(APIView):
    def _objective(self, request: Request, objective_id: int) -> PIObjective:
        return art_scoped_visible_or_404(
            request.user,
            PIObjective.objects.select_related("pi"),
            objective_id,
            art_path="pi__art",
            what="objective",
        )

    @extend_schema(responses={200: ObjectiveOutput}, operation_id="objective_retrieve")
    def get(self, request: Request, objective_id: int) -> Response:
        objective = self._objective(request, objective_id)
        return _with_etag(Response(ObjectiveOutput(objective).data))

    @extend_schema(
        request=ObjectiveUpdateInput, responses={200: ObjectiveOutput}, operation_id="objective_update"
    )
    def patch(self, request: Request, objective_id: int) -> Response:
        """Change an objective; needs `version` or If-Match (428 without, 412 when stale)."""
        objective = self._objective(request, objective_id)
        art_edit_or_403(request.user, objective.pi.art_id)
        data = ObjectiveUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = _objective_version(request, fields.pop("version", None))
        try:
            objective = services.objective_update(
                objective=objective, acting_user=request.user, expected_version=version, **fields
            )
        except services.ObjectiveVersionConflict as stale:
            raise ApiRefusal(
                status.HTTP_412_PRECONDITION_FAILED,
                str(stale),
                stale.code,
                current=ObjectiveOutput(stale.current).data,
            )
        return _with_etag(Response(ObjectiveOutput(objective).data))

    @extend_schema(
        parameters=[OpenApiParameter("version", int, required=False)],
        responses={204: None},
        operation_id="objective_delete",
    )
    def delete(self, request: Request, objective_id: int) -> Response:
        objective = self._objective(request, objective_id)
        art_edit_or_403(request.user, objective.pi.art_id)
        raw = request.query_params.get("version")
        if raw is not None and not raw.isdigit():
            raise InputError("version", "version must be a whole number, e.g. 3.")
        version = _objective_version(request, None if raw is None else int(raw))
        try:
            services.objective_delete(objective=objective, acting_user=request.user, expected_version=version)
        except services.ObjectiveVersionConflict as stale:
            raise ApiRefusal(status.HTTP_412_PRECONDITION_FAILED, str(stale), stale.code)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _with_etag(response: Response) -> Response:
    response["ETag"] = f'"{response.data["version"]}"'
    return response


# --- predictability and flow ----------------------------------------------------------------


class FigureOutput(serializers.Serializer):
    planned = serializers.CharField(help_text="Planned business value of the committed objectives.")
    actual = serializers.CharField(help_text="Actual business value of all objectives, stretch included.")
    percent = serializers.CharField(
        allow_null=True, help_text="actual / planned x 100, 2 places; null: nothing committed."
    )


class TeamFigureOutput(FigureOutput):
    team = serializers.IntegerField()


class PredictabilityOutput(serializers.Serializer):
    art = FigureOutput()
    teams = TeamFigureOutput(many=True)


def _figure(figure) -> dict[str, Any]:
    return {
        "planned": _decimal_text(figure.planned),
        "actual": _decimal_text(figure.actual),
        "percent": None if figure.percent is None else str(figure.percent),
    }


class PiPredictabilityApi(APIView):
    @extend_schema(responses={200: PredictabilityOutput}, operation_id="pi_predictability")
    def get(self, request: Request, pi_id: int) -> Response:
        """SAFe's predictability measure of the PI, for the ART and per team."""
        pi = pi_visible_or_404(request.user, pi_id)
        result = selectors.pi_predictability(pi=pi)
        return Response(
            {
                "art": _figure(result.art),
                "teams": [{"team": row.team.pk, **_figure(row.figure)} for row in result.teams],
            }
        )


class PercentilesOutput(serializers.Serializer):
    p50 = serializers.CharField(allow_null=True)
    p85 = serializers.CharField(allow_null=True)
    p95 = serializers.CharField(allow_null=True)


class KindShareOutput(serializers.Serializer):
    kind = serializers.CharField()
    features = serializers.IntegerField()
    points = serializers.CharField()
    delivered_percent = serializers.CharField(allow_null=True, help_text="Share of the done points.")
    planned_percent = serializers.CharField(help_text="The PI's allocation share.")


class PiFlowOutput(serializers.Serializer):
    pi = serializers.IntegerField()
    name = serializers.CharField()
    done_features = serializers.IntegerField(help_text="Velocity: features done within the PI's dates.")
    done_points = serializers.CharField(help_text="Velocity: their estimate points.")
    flow_time_days = PercentilesOutput()
    without_flow_time = serializers.IntegerField(
        help_text="Done straight from a waiting status: no flow time."
    )
    distribution = KindShareOutput(many=True)


class ArtFlowOutput(serializers.Serializer):
    flow_time_days = PercentilesOutput(help_text="Nearest-rank percentiles over every PI asked for.")
    flow_times = serializers.IntegerField()
    load = serializers.DictField(
        child=serializers.IntegerField(), help_text="In implementing or validating now, by kind."
    )
    load_total = serializers.IntegerField()
    done_without_history = serializers.IntegerField()
    pis = PiFlowOutput(many=True)


def _percentiles(values: dict) -> dict[str, str | None]:
    return {f"p{p}": None if v is None else str(v) for p, v in values.items()}


def flow_json(flow: selectors.ArtFlow) -> dict[str, Any]:
    return {
        "flow_time_days": _percentiles(flow.percentiles),
        "flow_times": flow.flow_times,
        "load": flow.load,
        "load_total": flow.load_total,
        "done_without_history": flow.done_without_history,
        "pis": [
            {
                "pi": row.pi.pk,
                "name": row.pi.name,
                "done_features": row.done_features,
                "done_points": _decimal_text(row.done_points),
                "flow_time_days": _percentiles(row.percentiles),
                "without_flow_time": row.without_flow_time,
                "distribution": [
                    {
                        "kind": share.kind,
                        "features": share.features,
                        "points": _decimal_text(share.points),
                        "delivered_percent": None
                        if share.delivered_percent is None
                        else str(share.delivered_percent),
                        "planned_percent": str(share.planned_percent),
                    }
                    for share in row.distribution
                ],
            }
            for row in flow.pis
        ],
    }


class ArtFlowApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "pis", str, description="PI ids, comma-separated; default: the latest 4 that started."
            )
        ],
        responses={200: ArtFlowOutput},
        operation_id="art_flow",
    )
    def get(self, request: Request, art_id: int) -> Response:
        """Flow time percentiles, velocity and distribution vs allocation per PI, and load now."""
        art = art_visible_or_404(request.user, art_id)
        pis = selectors.flow_pis_parse(art_id=art.pk, text=request.query_params.get("pis"))
        return Response(flow_json(selectors.art_flow(art_id=art.pk, pis=pis)))
