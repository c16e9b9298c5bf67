"""Stakeholder requests over the API: POST /api/arts/{id}/requests/ (a new idea or a "+1"),
GET the same URL for the caller's own requests (a POPM of the ART or an admin: all of them).

Submitting is a stakeholder's own act: anyone not a stakeholder of the ART gets 404, like the
submit page. Triage is a POPM's, on the triage page.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from backlog import selectors, services
from backlog.access import arts_visible_to, user_can_edit_art
from backlog.api import choice_field
from backlog.models import Feature, FeatureRequest, Stakeholder


class StakeholderAskSerializer(serializers.ModelSerializer):
    """A request as the stakeholder sees it: what they asked, its triage, where it ranks."""

    stakeholder = serializers.CharField(source="stakeholder.name", read_only=True)
    feature = serializers.PrimaryKeyRelatedField(
        queryset=Feature.objects.none(),
        required=False,
        allow_null=True,
        help_text='"+1": the id of an open feature of the ART. Leave out for a new idea.',
    )
    feature_title = serializers.SerializerMethodField()
    feature_rank = serializers.SerializerMethodField(
        help_text="Where the feature ranks now (null: not ranked)."
    )
    triaged_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = FeatureRequest
        fields = [
            "id",
            "stakeholder",
            "feature",
            "feature_title",
            "feature_rank",
            "title",
            "description",
            "note",
            "status",
            "triaged_by",
            "triaged_at",
            "reason",
            "created_at",
        ]
        read_only_fields = ["status", "triaged_at", "reason", "created_at"]
        extra_kwargs = {
            "title": {"help_text": "A new idea: its title, in your words (required for an idea)."},
            "description": {"help_text": "A new idea: who needs it and why."},
            "note": {"help_text": '"+1": why the feature matters to you.'},
        }

    def __init__(self, *args, art_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if art_id is not None:
            self.fields["feature"].queryset = selectors.features_to_merge_into(art_id=art_id)
            self.fields["feature"].error_messages["does_not_exist"] = (
                '"{pk_value}" is not an open feature of this ART; pick one of its backlog (GET /api/arts/{{id}}/backlog/).'
            )

    def get_feature_title(self, request: FeatureRequest) -> str | None:
        return request.feature.title if request.feature_id else None

    def get_feature_rank(self, request: FeatureRequest) -> int | None:
        return request.feature.rank if request.feature_id else None

    def validate(self, data: dict) -> dict:
        idea, plus_one = bool((data.get("title") or "").strip()), data.get("feature") is not None
        if idea == plus_one:
            raise serializers.ValidationError(
                {
                    "title": [
                        "Send either title (a new idea) or feature (a +1 on that feature), not both or neither."
                    ]
                }
            )
        if plus_one and (data.get("description") or "").strip():
            raise serializers.ValidationError({"description": ["A +1 carries a note, not a description."]})
        return data


STATUS_FILTER = choice_field(FeatureRequest.Status, required=False)


class ArtRequestsView(generics.GenericAPIView):
    serializer_class = StakeholderAskSerializer

    def _art_id(self) -> int:
        art = arts_visible_to(self.request.user).filter(pk=self.kwargs["art_id"]).first()
        if art is None:
            raise Http404("No such ART.")
        return art.pk

    def _stakeholder(self, art_id: int) -> Stakeholder | None:
        return Stakeholder.objects.filter(art_id=art_id, user=self.request.user).first()

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("art_id", self.kwargs.get("art_id"))
        return super().get_serializer(*args, **kwargs)

    @extend_schema(
        summary="Your requests in the ART (a POPM of the ART or an admin: all of them)",
        parameters=[OpenApiParameter("status", str, enum=FeatureRequest.Status.values)],
        responses={200: StakeholderAskSerializer(many=True)},
    )
    def get(self, request: Request, art_id: int) -> Response:
        art_id = self._art_id()
        if user_can_edit_art(request.user, art_id):
            requests = selectors.requests_of_art(art_id=art_id)
        else:
            stakeholder = self._stakeholder(art_id)
            if stakeholder is None:
                raise Http404("No such ART.")
            requests = selectors.requests_of_stakeholder(stakeholder_id=stakeholder.pk)
        # Empty means no filter, as every filter of the API reads it.
        wanted = request.query_params.get("status") or None
        if wanted is not None:
            try:
                requests = requests.filter(status=STATUS_FILTER.run_validation(wanted))
            except serializers.ValidationError as error:
                raise serializers.ValidationError({"status": error.detail}) from error
        page = self.paginate_queryset(requests)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary='Ask: a new idea ({"title", "description"}) or a +1 ({"feature", "note"})',
        responses={201: StakeholderAskSerializer},
    )
    def post(self, request: Request, art_id: int) -> Response:
        stakeholder = self._stakeholder(self._art_id())
        if stakeholder is None:
            raise Http404("No such ART.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("feature") is not None:
            made = services.feature_plus_one(
                stakeholder=stakeholder,
                feature=data["feature"],
                acting_user=request.user,
                note=data.get("note", ""),
            )
        else:
            made = services.feature_idea_submit(
                stakeholder=stakeholder,
                acting_user=request.user,
                title=data["title"],
                description=data.get("description", ""),
            )
        return Response(self.get_serializer(made).data, status=status.HTTP_201_CREATED)
