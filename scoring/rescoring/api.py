"""Rescoring over the API: stale scores, fixed dates as they stand, Time Criticality proposals.

One API class per operation with its Input/Output serializers. Roles (docs/roles.md): everyone
who sees the ART reads; a POPM of the ART or an admin accepts or dismisses a proposal.
"""

from decimal import ROUND_HALF_UP
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from backlog.access import art_edit_or_403, art_scoped_visible_or_404, art_visible_or_404
from backlog.api import FeatureSerializer, choice_field, expected_version
from backlog.models import Feature
from backlog.selectors import current_pi
from popm.api import timestamp_text
from scoring.rescoring import selectors, services
from scoring.rescoring.fixed_dates import STATES
from scoring.rescoring.models import TcProposal
from scoring.rescoring.selectors import FixedDateRow

PAGE_PARAMETERS = [
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int, description="Up to 1000."),
]


def page_schema(name: str, row: serializers.Serializer) -> serializers.Serializer:
    """A paginated list, with when the daily check last looked at the ART."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "checked_at": serializers.DateTimeField(
                allow_null=True, help_text="When the daily check last looked at the ART; null if never."
            ),
            "results": row,
        },
    )


def checked_page(view: APIView, request: Request, art_id: int, rows: Any, output: type) -> Response:
    paginator = api_settings.DEFAULT_PAGINATION_CLASS()  # popm.api's, as for every API list
    page = paginator.paginate_queryset(rows, request, view=view)
    response = paginator.get_paginated_response(output(page, many=True).data)
    check = selectors.last_check(art_id=art_id)
    response.data["checked_at"] = timestamp_text(check.checked_at) if check else None
    return response


class StaleScoreOutput(serializers.Serializer):
    feature = serializers.IntegerField(source="feature_id")
    title = serializers.CharField(source="feature.title")
    rank = serializers.IntegerField(source="feature.rank", allow_null=True)
    status = serializers.CharField(source="feature.status")
    scored_at = serializers.DateTimeField(help_text="When the four inputs were last set.")
    scored_by = serializers.CharField(source="scored_by.username", allow_null=True, default=None)
    pi = serializers.IntegerField(source="pi_id", help_text="The PI it is stale for: set before it started.")
    pi_name = serializers.CharField(source="pi.name")
    flagged_at = serializers.DateTimeField()


class ArtStaleScoresApi(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: page_schema("StaleScoresPage", StaleScoreOutput(many=True))},
        operation_id="art_stale_scores",
    )
    def get(self, request: Request, art_id: int) -> Response:
        """Features to re-score before PI planning: scored before the current PI started, by
        who scored them (a-z, unknown last), then rank. Flagged by the daily check."""
        art = art_visible_or_404(request.user, art_id)
        return checked_page(self, request, art.pk, selectors.stale_scores(art_id=art.pk), StaleScoreOutput)


class TcProposalOutput(serializers.ModelSerializer):
    feature_title = serializers.CharField(source="feature.title")
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)

    class Meta:
        model = TcProposal
        fields = [
            "id",
            "art",
            "feature",
            "feature_title",
            "from_value",
            "to_value",
            "status",
            "reason",
            "fixed_date",
            "rank",
            "iterations_left",
            "finishes_in",
            "late",
            "feature_version",
            "proposed_at",
            "refreshed_at",
            "decided_at",
            "decided_by",
        ]


class TcProposalFilters(serializers.Serializer):
    status = choice_field(TcProposal.Status, required=False)


class ArtTcProposalsApi(APIView):
    @extend_schema(
        parameters=[TcProposalFilters, *PAGE_PARAMETERS],
        responses={200: page_schema("TcProposalsPage", TcProposalOutput(many=True))},
        operation_id="art_tc_proposals",
    )
    def get(self, request: Request, art_id: int) -> Response:
        """Time Criticality proposals of the ART, newest first; `?status=open` for the ones
        waiting for a POPM."""
        art = art_visible_or_404(request.user, art_id)
        filters = TcProposalFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        proposals = selectors.tc_proposals(art_id=art.pk, status=filters.validated_data.get("status"))
        return checked_page(self, request, art.pk, proposals, TcProposalOutput)


class FixedDateOutput(serializers.Serializer):
    feature = serializers.IntegerField(source="check.feature_id")
    title = serializers.CharField()
    fixed_date = serializers.DateField(source="check.fixed_date")
    rank = serializers.IntegerField(source="check.rank", allow_null=True)
    time_criticality = serializers.IntegerField(source="check.time_criticality", allow_null=True)
    state = serializers.ChoiceField(
        choices=STATES, source="check.state", help_text="late (red), tight, on_track or unknown."
    )
    late = serializers.BooleanField(source="check.red", help_text="Cannot be met at this rank: shown red.")
    iterations_left = serializers.DecimalField(
        max_digits=8,
        decimal_places=1,
        rounding=ROUND_HALF_UP,
        source="check.iterations_left",
        allow_null=True,
    )
    finishes_in = serializers.DecimalField(
        max_digits=8, decimal_places=1, rounding=ROUND_HALF_UP, source="check.finishes_in", allow_null=True
    )
    proposed_tc = serializers.IntegerField(
        source="check.proposed_tc", allow_null=True, help_text="What the rule proposes today."
    )
    reason = serializers.CharField(source="check.reason")
    open_proposal = serializers.IntegerField(source="proposal.pk", allow_null=True, default=None)


class ArtFixedDatesApi(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: page_schema("FixedDatesPage", FixedDateOutput(many=True))},
        operation_id="art_fixed_dates",
    )
    def get(self, request: Request, art_id: int) -> Response:
        """Every open feature with a fixed date, checked against its rank now: late first,
        then tight, unknown and on track. Iterations are rounded half up to one place."""
        art = art_visible_or_404(request.user, art_id)
        today = timezone.localdate()
        rows: list[FixedDateRow] = selectors.fixed_dates_now(
            art_id=art.pk, pi=current_pi(art_id=art.pk, today=today), today=today
        )
        return checked_page(self, request, art.pk, rows, FixedDateOutput)


class AcceptInput(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The feature's version you saw (or If-Match); by default the one the proposal "
        "was made against. A later one is refused with 412.",
    )


def proposal_editable(request: Request, proposal_id: int) -> TcProposal:
    """The proposal if its ART is visible (else 404) and the user may change it (else 403)."""
    proposals = TcProposal.objects.select_related("feature", "decided_by")
    proposal = art_scoped_visible_or_404(request.user, proposals, proposal_id, what="proposal")
    art_edit_or_403(request.user, proposal.art_id)
    return proposal


class TcProposalAcceptApi(APIView):
    @extend_schema(request=AcceptInput, responses={200: TcProposalOutput}, operation_id="tc_proposal_accept")
    def post(self, request: Request, proposal_id: int) -> Response:
        """Set the feature's Time Criticality to the proposed value (recorded in its history
        as the scheduled job, with who accepted). 412 if the feature changed since; 409 if
        the proposal is closed."""
        proposal = proposal_editable(request, proposal_id)
        body = AcceptInput(data=request.data)
        body.is_valid(raise_exception=True)
        version = expected_version(request, body.validated_data.get("version"))
        accepted = services.tc_proposal_accept(
            proposal=proposal, acting_user=request.user, expected_version=version
        )
        return Response(TcProposalOutput(accepted).data)

    def get_serializer(self, feature: Feature) -> FeatureSerializer:
        """How popm.api shows the feature as it is now, in a 412."""
        return FeatureSerializer(feature, context={"request": self.request})


class TcProposalDismissApi(APIView):
    @extend_schema(request=None, responses={200: TcProposalOutput}, operation_id="tc_proposal_dismiss")
    def post(self, request: Request, proposal_id: int) -> Response:
        """Keep the Time Criticality as it is; this value is not proposed again for the
        feature. 409 if the proposal is closed."""
        proposal = proposal_editable(request, proposal_id)
        dismissed = services.tc_proposal_dismiss(proposal=proposal, acting_user=request.user)
        return Response(TcProposalOutput(dismissed).data)
