"""Estimation sessions over the API (docs/api.md, "Estimation sessions").

One API class per operation. Roles (docs/roles.md): an ART's POPMs and admins create and run
its sessions; invited people vote (their own vote only); anyone else finds no session (404).
Before a round is revealed an answer says who voted, never what anyone but the caller voted.
"""

from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from backlog.access import art_edit_or_403, art_visible_or_404
from popm.api import timestamp_text
from scoring.estimation import selectors, services
from scoring.estimation.access import (
    SessionAccess,
    session_access_or_404,
    session_manage_or_403,
    session_voter_or_404,
    sessions_visible_to,
)
from scoring.estimation.models import SAFE_COLUMN_ORDER, EstimationSession
from scoring.wsjf import SCALE

ERRORS = {
    400: OpenApiResponse(
        description='Bad input, under the field\'s name: {"value": ["4 is not a vote; ..."]}.'
    ),
    403: OpenApiResponse(
        description="Signed in but not allowed: not invited (votes), not a POPM of the ART."
    ),
    404: OpenApiResponse(description="No such session, or one the caller may not see."),
    409: OpenApiResponse(
        description="The session is not in the state this needs: `reason` is one of not_open, revealed, "
        "not_revealed, last_column, session_state, closed, close_conflicts (with `conflicts`)."
    ),
}


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: ERRORS[code] for code in codes}


@extend_schema_field(
    {
        "oneOf": [{"type": "integer", "enum": list(SCALE)}, {"type": "string", "enum": ["?"]}],
        "nullable": True,
        "description": 'A scale value, or "?" (or null) to abstain.',
    }
)
class VoteValueField(serializers.Field):
    def to_internal_value(self, data: Any) -> Any:
        return data

    def to_representation(self, value: Any) -> Any:
        return value


def _shown(value: int | None) -> int | str:
    """A cast vote as the API writes it: the value, or "?" for an abstention."""
    return services.ABSTAIN if value is None else value


class EstimationPersonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EstimationVoteOutput(serializers.Serializer):
    voter = serializers.IntegerField()
    value = VoteValueField(help_text='The vote; "?" is an abstention.')


class EstimationRoundOutput(serializers.Serializer):
    round = serializers.IntegerField()
    votes = EstimationVoteOutput(many=True)
    median = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    spread = serializers.IntegerField(
        allow_null=True, help_text="Scale steps from the lowest to the highest vote."
    )
    suggestion = serializers.IntegerField(allow_null=True)
    discuss = serializers.BooleanField(help_text="Spread of 3 scale steps or more.")


class EstimationAcceptedOutput(serializers.Serializer):
    value = serializers.IntegerField()
    note = serializers.CharField()
    by = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField()


class EstimationSessionFeatureOutput(serializers.Serializer):
    feature = serializers.IntegerField()
    title = serializers.CharField()
    round = serializers.IntegerField(
        allow_null=True, help_text="This feature's latest round in the current column."
    )
    in_current_round = serializers.BooleanField()
    revealed = serializers.BooleanField()
    votes_counted = serializers.IntegerField()
    voted_by = serializers.ListField(
        child=serializers.IntegerField(), help_text="User ids, never their votes."
    )
    my_vote = VoteValueField(help_text='The caller\'s vote in this round; null if none, "?" if abstained.')
    votes = EstimationVoteOutput(many=True, allow_null=True, help_text="Only once revealed; null before.")
    median = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    spread = serializers.IntegerField(allow_null=True)
    discuss = serializers.BooleanField(allow_null=True)
    suggestion = serializers.IntegerField(allow_null=True)
    accepted = serializers.DictField(child=EstimationAcceptedOutput(), help_text="Per column.")
    history = serializers.DictField(
        child=EstimationRoundOutput(many=True), help_text="Per column: the revealed rounds."
    )
    outcome = serializers.CharField(help_text="After the close: written, kept, unchanged or nothing.")


class EstimationProgressOutput(serializers.Serializer):
    column = serializers.CharField()
    round = serializers.IntegerField()
    revealed = serializers.BooleanField()
    done = serializers.IntegerField(help_text="Participants who voted on every feature of the round.")
    total = serializers.IntegerField()


class EstimationSessionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    art = serializers.IntegerField()
    name = serializers.CharField()
    state = serializers.ChoiceField(choices=EstimationSession.State.choices)
    columns = serializers.ListField(child=serializers.CharField())
    current_column = serializers.CharField(allow_null=True)
    current_round = serializers.IntegerField(allow_null=True)
    revealed = serializers.BooleanField(allow_null=True, help_text="Whether the current round is revealed.")
    created_by = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    can_manage = serializers.BooleanField()
    can_vote = serializers.BooleanField()
    participants = EstimationPersonOutput(many=True)
    progress = EstimationProgressOutput(allow_null=True)
    column_without_one = serializers.BooleanField(
        help_text="Once every feature is revealed: no accepted (else suggested) value is 1."
    )
    features = EstimationSessionFeatureOutput(many=True)


class EstimationSessionSummaryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    state = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    current_column = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)


def _round_data(shown: selectors.RoundShown) -> dict[str, Any]:
    result = shown.consensus
    return {
        "round": shown.number,
        "votes": [{"voter": vote.voter.id, "value": _shown(vote.value)} for vote in shown.votes],
        "median": result.median,
        "spread": result.spread,
        "suggestion": result.suggestion,
        "discuss": result.discuss,
    }


def _row_data(row: selectors.FeatureRow) -> dict[str, Any]:
    revealed = row.revealed
    result = row.consensus if revealed else None
    return {
        "feature": row.feature.pk,
        "title": row.feature.title,
        "round": row.round.number if row.round else None,
        "in_current_round": row.in_current_round,
        "revealed": revealed,
        "votes_counted": len(row.voted_by),
        "voted_by": [person.id for person in row.voted_by],
        "my_vote": _shown(row.my_vote) if row.my_vote_cast else None,
        "votes": [{"voter": vote.voter.id, "value": _shown(vote.value)} for vote in row.votes]
        if revealed
        else None,
        "median": result.median if result else None,
        "spread": result.spread if result else None,
        "discuss": result.discuss if result else None,
        "suggestion": result.suggestion if result else None,
        "accepted": {
            column: {
                "value": acceptance.value,
                "note": acceptance.note,
                "by": acceptance.accepted_by.get_username() if acceptance.accepted_by else None,
                "at": acceptance.accepted_at,
            }
            for column, acceptance in row.acceptances.items()
        },
        "history": {column: [_round_data(each) for each in shown] for column, shown in row.history.items()},
        "outcome": row.session_feature.outcome,
    }


def session_data(access: SessionAccess, viewer: Any) -> dict[str, Any]:
    session = access.session
    board = selectors.session_board(session=session, viewer=viewer)
    progress = board.progress
    data = {
        "id": session.pk,
        "art": session.art_id,
        "name": session.name,
        "state": session.state,
        "columns": session.columns,
        "current_column": session.current_column or None,
        "current_round": session.current_round or None,
        "revealed": board.current_round.is_revealed if board.current_round else None,
        "created_by": session.created_by.get_username() if session.created_by else None,
        "created_at": session.created_at,
        "started_at": session.started_at,
        "closed_at": session.closed_at,
        "can_manage": access.can_manage,
        "can_vote": access.is_participant and session.is_open,
        "participants": [{"id": person.id, "name": person.name} for person in board.participants],
        "progress": None
        if progress is None
        else {
            "column": progress.column,
            "round": progress.round,
            "revealed": progress.revealed,
            "done": progress.done,
            "total": progress.total,
        },
        "column_without_one": board.column_without_one,
        "features": [_row_data(row) for row in board.rows],
    }
    return EstimationSessionOutput(data).data


def _session_response(request: Request, session_id: int, code: int = status.HTTP_200_OK) -> Response:
    access = session_access_or_404(request.user, session_id)
    return Response(session_data(access, request.user), status=code)


class EstimationSessionCreateInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    features = serializers.ListField(
        child=serializers.IntegerField(), help_text="Feature ids of the ART, in order."
    )
    columns = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=f"Some of {', '.join(SAFE_COLUMN_ORDER)}; scored in SAFe's order. Default: all four.",
    )
    participants = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="User ids: the ART's POPMs, its stakeholders with an account, admins.",
    )


class ArtEstimationsApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int, description="Up to 1000."),
        ],
        responses={
            200: inline_serializer(
                "EstimationSessionsPage",
                {
                    "count": serializers.IntegerField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": EstimationSessionSummaryOutput(many=True),
                },
            ),
            **_errors(404),
        },
        operation_id="art_estimations_list",
    )
    def get(self, request: Request, art_id: int) -> Response:
        """The ART's sessions the caller may open (all of them for its POPMs), newest first."""
        art = art_visible_or_404(request.user, art_id)
        paginator = api_settings.DEFAULT_PAGINATION_CLASS()  # popm.api's, as for every API list
        page = paginator.paginate_queryset(sessions_visible_to(request.user, art), request, view=self)
        rows = [
            {
                "id": each.pk,
                "name": each.name,
                "state": each.state,
                "columns": each.columns,
                "current_column": each.current_column or None,
                "created_at": each.created_at,
                "closed_at": each.closed_at,
            }
            for each in page
        ]
        return paginator.get_paginated_response(EstimationSessionSummaryOutput(rows, many=True).data)

    @extend_schema(
        request=EstimationSessionCreateInput,
        responses={201: EstimationSessionOutput, **_errors(400, 403, 404)},
        operation_id="art_estimation_create",
    )
    def post(self, request: Request, art_id: int) -> Response:
        """A draft session: features of the ART, columns, invited people. POPMs of the ART only."""
        art = art_visible_or_404(request.user, art_id)
        art_edit_or_403(request.user, art.pk)
        body = EstimationSessionCreateInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        session = services.session_create(
            art=art,
            acting_user=request.user,
            name=data["name"],
            feature_ids=data["features"],
            columns=data.get("columns", list(SAFE_COLUMN_ORDER)),
            participant_ids=data["participants"],
        )
        return _session_response(request, session.pk, status.HTTP_201_CREATED)


class EstimationDetailApi(APIView):
    @extend_schema(
        responses={200: EstimationSessionOutput, **_errors(404)}, operation_id="estimation_retrieve"
    )
    def get(self, request: Request, session_id: int) -> Response:
        """State, current column and round, and per feature who voted; the votes themselves
        only for revealed rounds (the caller's own vote always)."""
        return _session_response(request, session_id)


class EstimationVoteInput(serializers.Serializer):
    feature = serializers.IntegerField()
    column = serializers.CharField(help_text="Must be the current column.")
    value = VoteValueField()


class EstimationVoteOutputBody(serializers.Serializer):
    feature = serializers.IntegerField()
    column = serializers.CharField()
    round = serializers.IntegerField()
    value = VoteValueField()
    voted_at = serializers.DateTimeField()


class EstimationVoteApi(APIView):
    @extend_schema(
        request=EstimationVoteInput,
        responses={200: EstimationVoteOutputBody, **_errors(400, 403, 404, 409)},
        operation_id="estimation_vote",
    )
    def post(self, request: Request, session_id: int) -> Response:
        """The caller's own vote on a feature of the current round; again replaces it until
        the reveal. 400 off the scale or not the current column; 403 if not invited; 409 once
        revealed (code "revealed") or when the session is not open ("not_open")."""
        session = session_voter_or_404(request.user, session_id)
        body = EstimationVoteInput(data=request.data)
        body.is_valid(raise_exception=True)
        vote = services.vote_cast(
            session=session,
            voter=request.user,
            feature_id=body.validated_data["feature"],
            column=body.validated_data["column"],
            value=body.validated_data.get("value"),
        )
        return Response(
            EstimationVoteOutputBody(
                {
                    "feature": vote.feature_id,
                    "column": vote.column,
                    "round": vote.round,
                    "value": _shown(vote.value),
                    "voted_at": timestamp_text(vote.voted_at),
                }
            ).data
        )


def _managed(request: Request, session_id: int) -> EstimationSession:
    return session_manage_or_403(session_access_or_404(request.user, session_id))


class EstimationOpenApi(APIView):
    @extend_schema(
        request=None,
        responses={200: EstimationSessionOutput, **_errors(403, 404, 409)},
        operation_id="estimation_open",
    )
    def post(self, request: Request, session_id: int) -> Response:
        """Open a draft: voting starts on the first column; each feature's version now is the
        one the close checks against."""
        services.session_open(session=_managed(request, session_id), acting_user=request.user)
        return _session_response(request, session_id)


class EstimationRevealApi(APIView):
    @extend_schema(
        request=None,
        responses={200: EstimationSessionOutput, **_errors(403, 404, 409)},
        operation_id="estimation_reveal",
    )
    def post(self, request: Request, session_id: int) -> Response:
        """Show everyone's votes of the current round; they no longer change."""
        services.round_reveal(session=_managed(request, session_id), acting_user=request.user)
        return _session_response(request, session_id)


class EstimationRevoteInput(serializers.Serializer):
    features = serializers.ListField(
        child=serializers.IntegerField(), help_text="Feature ids of the session."
    )


class EstimationRevoteApi(APIView):
    @extend_schema(
        request=EstimationRevoteInput,
        responses={200: EstimationSessionOutput, **_errors(400, 403, 404, 409)},
        operation_id="estimation_revote",
    )
    def post(self, request: Request, session_id: int) -> Response:
        """A new round on the current column for these features, votes hidden again; the
        revealed round stays recorded. 409 "not_revealed" before the reveal."""
        session = _managed(request, session_id)
        body = EstimationRevoteInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.round_revote(
            session=session, acting_user=request.user, feature_ids=body.validated_data["features"]
        )
        return _session_response(request, session_id)


class EstimationAcceptInput(serializers.Serializer):
    feature = serializers.IntegerField()
    column = serializers.CharField(help_text="The current column or one voted on before it.")
    value = serializers.JSONField(help_text="A scale value: 1, 2, 3, 5, 8, 13, 20.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class EstimationAcceptApi(APIView):
    @extend_schema(
        request=EstimationAcceptInput,
        responses={200: EstimationSessionOutput, **_errors(400, 403, 404, 409)},
        operation_id="estimation_accept",
    )
    def post(self, request: Request, session_id: int) -> Response:
        """Accept a value for a feature in a revealed column, with an optional note of why;
        written to the feature when the session closes."""
        session = _managed(request, session_id)
        body = EstimationAcceptInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.acceptance_set(
            session=session,
            acting_user=request.user,
            feature_id=data["feature"],
            column=data["column"],
            value=data["value"],
            note=data.get("note", ""),
        )
        return _session_response(request, session_id)


class EstimationNextColumnApi(APIView):
    @extend_schema(
        request=None,
        responses={200: EstimationSessionOutput, **_errors(403, 404, 409)},
        operation_id="estimation_next_column",
    )
    def post(self, request: Request, session_id: int) -> Response:
        """Move voting to the next column (round 1, every feature). 409 before the reveal or
        on the last column."""
        services.column_next(session=_managed(request, session_id), acting_user=request.user)
        return _session_response(request, session_id)


class EstimationCloseInput(serializers.Serializer):
    decisions = serializers.DictField(
        child=serializers.ChoiceField(choices=services.DECISIONS),
        required=False,
        help_text='For features edited elsewhere meanwhile: {"<feature id>": "overwrite" | "keep"}.',
    )


class EstimationCloseApi(APIView):
    @extend_schema(
        request=EstimationCloseInput,
        responses={200: EstimationSessionOutput, **_errors(400, 403, 404, 409)},
        operation_id="estimation_close",
    )
    def post(self, request: Request, session_id: int) -> Response:
        """Write the accepted values to the features (version checked, a scoring run after
        commit) and close. 409 "close_conflicts" lists features edited elsewhere since the
        session opened, nothing written, until `decisions` names each; 409 "closed" if it
        is closed already (the scores were written once)."""
        session = _managed(request, session_id)
        body = EstimationCloseInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.session_close(
            session=session, acting_user=request.user, decisions=body.validated_data.get("decisions")
        )
        return _session_response(request, session_id)
