"""REST API of capacity planning (issue 4, item 6). Decimals are strings, ids are rank-ordered.

Reading needs the ART to be visible (404 otherwise); writing needs a POPM of the ART or an
admin (403 otherwise, checked before the input is validated).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backlog.access import pi_editable_or_403, pi_visible_or_404
from backlog.models import ProgramIncrement
from popm.api import timestamp_text
from scoring.planning import services
from scoring.planning.capacity import MODES, STRICT, points_text, two_places_text
from scoring.planning.models import PlanCommit
from scoring.planning.selectors import PiPlan, pi_capacity_total, pi_plan, pi_shares, pi_team_capacities

MODE_MESSAGE = '"{input}" is not allowed; use one of: ' + ", ".join(MODES) + "."


def capacity_json(pi: ProgramIncrement) -> dict:
    rows = pi_team_capacities(pi=pi)
    return {
        "pi": pi.pk,
        "teams": [
            {
                "team": row.team_id,
                "name": row.name,
                "default_points": points_text(row.default_points),
                "capacity_points": points_text(row.capacity_points),
                "overridden": row.overridden,
                "note": row.note,
            }
            for row in rows
        ],
        "total": points_text(pi_capacity_total(rows)),
    }


def plan_json(state: PiPlan) -> dict:
    return {
        "pi": state.pi.pk,
        "mode": state.plan.mode,
        "scores_current": state.scores_current,
        "capacity": two_places_text(state.plan.capacity),
        "committed_points": two_places_text(state.plan.committed_points),
        "utilisation": two_places_text(state.plan.utilisation),
        "kinds": [
            {
                "kind": kind.kind,
                "share": kind.share,
                "budget": two_places_text(kind.budget),
                "committed_points": two_places_text(kind.committed_points),
                "utilisation": two_places_text(kind.utilisation),
                "committed": list(kind.committed),
                "below_line": list(kind.below_line),
                "needs_estimate": list(kind.needs_estimate),
                "needs_score": state.needs_score[kind.kind],
                "too_big": list(kind.too_big),
            }
            for kind in state.plan.kinds
        ],
        "warnings": [
            {"code": w.code, "kind": w.kind, "message": w.message, "features": list(w.feature_ids)}
            for w in state.warnings
        ],
        "enters": state.enters,
        "leaves": state.leaves,
        "at_risk": state.at_risk,
        "last_commit": None if state.last_commit is None else commit_json(state.last_commit),
    }


def commit_json(commit: PlanCommit) -> dict:
    return {
        "id": commit.pk,
        "pi": commit.pi_id,
        "mode": commit.mode,
        "committed_by": None if commit.committed_by is None else commit.committed_by.get_username(),
        "committed_at": timestamp_text(commit.committed_at),
        "committed": commit.committed,
        "entered": commit.entered,
        "left": commit.left,
        "assigned": commit.assigned,
    }


class TeamCapacityInput(serializers.Serializer):
    team = serializers.IntegerField()
    capacity_points = serializers.DecimalField(
        max_digits=8,
        decimal_places=1,
        min_value=0,
        allow_null=True,
        help_text="Story points for the PI; null removes the override (back to the default).",
        error_messages={
            "min_value": "capacity_points must be 0 or more story points.",
            "required": "Give capacity_points: story points (0 or more), or null for the default.",
            "invalid": 'capacity_points must be a number of story points, e.g. "37.5", or null.',
        },
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class CapacityInput(serializers.Serializer):
    teams = TeamCapacityInput(many=True, allow_empty=True)


def _share() -> serializers.IntegerField:
    message = "Give a whole percent from 0 to 100."
    return serializers.IntegerField(
        min_value=0,
        max_value=100,
        error_messages={"invalid": message, "min_value": message, "max_value": message, "required": message},
    )


class AllocationInput(serializers.Serializer):
    business = _share()
    enabler = _share()
    exploration = _share()


class ModeInput(serializers.Serializer):
    mode = serializers.ChoiceField(
        choices=MODES, default=STRICT, error_messages={"invalid_choice": MODE_MESSAGE}
    )


CapacityOutput = inline_serializer(
    "PiCapacity",
    {
        "pi": serializers.IntegerField(),
        "teams": inline_serializer(
            "PiTeamCapacity",
            {
                "team": serializers.IntegerField(),
                "name": serializers.CharField(),
                "default_points": serializers.DecimalField(max_digits=8, decimal_places=1),
                "capacity_points": serializers.DecimalField(max_digits=8, decimal_places=1),
                "overridden": serializers.BooleanField(),
                "note": serializers.CharField(),
            },
            many=True,
        ),
        "total": serializers.DecimalField(max_digits=10, decimal_places=1),
    },
)


def _ids(help_text: str) -> serializers.ListField:
    return serializers.ListField(child=serializers.IntegerField(), help_text=help_text)


def _points(help_text: str = "") -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, help_text=help_text)


class PlanCommitOutput(serializers.Serializer):
    """Schema of a plan commit (the JSON itself is built by commit_json)."""

    id = serializers.IntegerField()
    pi = serializers.IntegerField()
    mode = serializers.ChoiceField(choices=MODES)
    committed_by = serializers.CharField(allow_null=True)
    committed_at = serializers.DateTimeField()
    committed = _ids("Feature ids committed, rank order per kind.")
    entered = _ids("Committed now, not by the previous commit.")
    left = _ids("Committed by the previous commit, not any more (still in the PI: at risk).")
    assigned = _ids("Features this commit moved into the PI.")


PlanOutput = inline_serializer(
    "CapacityPlan",
    {
        "pi": serializers.IntegerField(),
        "mode": serializers.ChoiceField(choices=MODES),
        "scores_current": serializers.BooleanField(help_text="False while a scoring run is pending."),
        "capacity": _points("ART capacity for the PI, story points."),
        "committed_points": _points(),
        "utilisation": _points("Committed points as a percent of the capacity."),
        "kinds": inline_serializer(
            "CapacityPlanKind",
            {
                "kind": serializers.ChoiceField(choices=["business", "enabler", "exploration"]),
                "share": serializers.IntegerField(),
                "budget": _points("Capacity x share."),
                "committed_points": _points(),
                "utilisation": _points("Committed points as a percent of the budget."),
                "committed": _ids("Committed features, rank order."),
                "below_line": _ids("Estimated features that did not make the cut, rank order."),
                "needs_estimate": _ids("Ranked features without an estimate, rank order."),
                "needs_score": _ids("Unranked (unscored) features: not planned."),
                "too_big": _ids("Features whose estimate exceeds the whole budget."),
            },
            many=True,
        ),
        "warnings": inline_serializer(
            "CapacityPlanWarning",
            {
                "code": serializers.CharField(),
                "kind": serializers.CharField(allow_null=True),
                "message": serializers.CharField(),
                "features": _ids("Features the warning is about."),
            },
            many=True,
        ),
        "enters": _ids("Committed features not yet in the PI: committing moves them in."),
        "leaves": _ids("Committed by the last commit, not by this plan."),
        "at_risk": _ids("Features in the PI that this plan does not commit."),
        "last_commit": PlanCommitOutput(allow_null=True),
    },
)


class PiCapacityApi(APIView):
    @extend_schema(responses={200: CapacityOutput})
    def get(self, request: Request, pi_id: int) -> Response:
        return Response(capacity_json(pi_visible_or_404(request.user, pi_id)))

    @extend_schema(request=CapacityInput, responses={200: CapacityOutput})
    def put(self, request: Request, pi_id: int) -> Response:
        pi = pi_editable_or_403(request.user, pi_id)
        data = CapacityInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = [
            services.TeamCapacityChange(row["team"], row["capacity_points"], row["note"])
            for row in data.validated_data["teams"]
        ]
        services.team_capacities_set(pi=pi, changes=changes, acting_user=request.user)
        return Response(capacity_json(pi))


class PiAllocationApi(APIView):
    @extend_schema(responses={200: AllocationInput})
    def get(self, request: Request, pi_id: int) -> Response:
        return Response(pi_shares(pi=pi_visible_or_404(request.user, pi_id)))

    @extend_schema(request=AllocationInput, responses={200: AllocationInput})
    def put(self, request: Request, pi_id: int) -> Response:
        pi = pi_editable_or_403(request.user, pi_id)
        data = AllocationInput(data=request.data)
        data.is_valid(raise_exception=True)
        allocation = services.allocation_set(pi=pi, shares=data.validated_data, acting_user=request.user)
        return Response(allocation.shares())


class PiCapacityPlanApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("mode", str, enum=list(MODES))], responses={200: PlanOutput})
    def get(self, request: Request, pi_id: int) -> Response:
        pi = pi_visible_or_404(request.user, pi_id)
        mode = ModeInput(data=request.query_params)
        mode.is_valid(raise_exception=True)
        return Response(plan_json(pi_plan(pi=pi, mode=mode.validated_data["mode"])))


class CommitInput(ModeInput):
    expected_committed = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text="The committed feature ids you reviewed; if the plan differs now, 409 and nothing is committed.",
    )


class PiCapacityPlanCommitApi(APIView):
    @extend_schema(request=CommitInput, responses={201: PlanCommitOutput, 409: OpenApiTypes.OBJECT})
    def post(self, request: Request, pi_id: int) -> Response:
        pi = pi_editable_or_403(request.user, pi_id)
        data = CommitInput(data=request.data)
        data.is_valid(raise_exception=True)
        # A plan that differs from expected_committed raises PlanChanged: popm.api answers 409.
        commit = services.plan_commit(
            pi=pi,
            mode=data.validated_data["mode"],
            acting_user=request.user,
            expected_committed=data.validated_data.get("expected_committed"),
        )
        return Response(commit_json(commit), status=status.HTTP_201_CREATED)
