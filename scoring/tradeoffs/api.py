"""Trade-offs over the API: what-if, saved answers, share links, the override ledger.

One API class per operation with its Input/Output serializers. Roles (docs/roles.md): everyone
who sees the ART may ask what-ifs and read; POPMs of the ART and admins save, share and pin.
"""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from backlog.access import art_edit_or_403, art_scoped_visible_or_404, art_visible_or_404
from scoring.tradeoffs import selectors, services
from scoring.tradeoffs.delay_cost import UNITS
from scoring.tradeoffs.models import Override, SavedTradeoff, ShareLink


@extend_schema_field({"type": "array", "items": {"type": "integer", "minimum": 1}})
class FeatureIdListField(serializers.Field):
    """A list of feature ids, checked in one pass (a ListField of IntegerFields costs ~10 µs an id)."""

    def to_internal_value(self, data: Any) -> list[int]:
        if not isinstance(data, list):
            raise serializers.ValidationError("Expected a list of feature ids, e.g. [12, 7, 31].")
        ids = []
        for position, item in enumerate(data, start=1):
            if isinstance(item, str) and item.strip().isdigit():
                item = int(item)
            if isinstance(item, bool) or not isinstance(item, int) or item < 1:
                raise serializers.ValidationError(f"Item {position} ({item!r}) is not a feature id.")
            ids.append(item)
        return ids

    def to_representation(self, value: list[int]) -> list[int]:
        return value


class TradeoffInput(serializers.Serializer):
    sequence = FeatureIdListField(
        required=False,
        help_text="Feature ids in the proposed order; exactly these features are compared.",
    )
    move = serializers.IntegerField(required=False, help_text="Feature to move (with `before`).")
    before = serializers.IntegerField(required=False, help_text="Feature it goes directly ahead of.")
    unit = serializers.ChoiceField(
        choices=UNITS,
        required=False,
        help_text="Default: money when every compared feature has money data, else cod-jobsize.",
        error_messages={"invalid_choice": '"{input}" is not allowed; use one of: ' + ", ".join(UNITS) + "."},
    )
    money_only = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true: compare in money only the features that carry money data "
        "(cost_of_delay_per_week and duration_weeks), leaving the others out.",
    )

    def validate(self, attrs: dict) -> dict:
        has_sequence = "sequence" in attrs
        has_move = "move" in attrs or "before" in attrs
        if has_sequence == has_move:
            raise serializers.ValidationError(
                {"non_field_errors": ['Send either "sequence" or "move" with "before", not both.']}
            )
        for field in ("move", "before"):
            if has_move and field not in attrs:
                raise serializers.ValidationError({field: [f'"{field}" is required with "move"/"before".']})
        return attrs


class TradeoffFeatureOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    rate = serializers.CharField(help_text="c: Cost of Delay (relative) or money per week.")
    duration = serializers.CharField(help_text="d: Job Size (relative) or weeks.")
    wsjf_position = serializers.IntegerField()
    proposed_position = serializers.IntegerField()
    wsjf_finish = serializers.CharField()
    proposed_finish = serializers.CharField()
    delay = serializers.CharField(help_text="proposed_finish - wsjf_finish; negative = earlier.")
    delay_iterations = serializers.CharField(required=False, help_text="Only when throughput is known.")
    delay_weeks = serializers.CharField(required=False, help_text="Only when throughput is known.")


class TradeoffOutput(serializers.Serializer):
    unit = serializers.ChoiceField(choices=UNITS)
    wsjf_order = serializers.ListField(child=serializers.IntegerField())
    proposed_order = serializers.ListField(child=serializers.IntegerField())
    wsjf_delay_cost = serializers.CharField()
    proposed_delay_cost = serializers.CharField()
    extra_delay_cost = serializers.CharField()
    extra_money = serializers.CharField(
        allow_null=True,
        required=False,
        help_text="The extra delay cost in money: in the money view the extra delay cost itself; in "
        "relative units the sum of each moved feature's cost_of_delay_per_week times the weeks it "
        "waits at the ART's throughput (null when weeks are unknown or a moved feature has no money).",
    )
    money_missing = serializers.IntegerField(
        required=False,
        help_text="Moved features without cost_of_delay_per_week (relative units, weeks known).",
    )
    no_weeks_because = serializers.CharField(
        required=False, help_text="Relative units without weeks: why (no estimates, no velocity)."
    )
    time_unit = serializers.CharField()
    calendar = serializers.DictField(allow_null=True)
    question = serializers.DictField()
    summary = serializers.CharField()
    features = TradeoffFeatureOutput(many=True)


class TradeoffApi(APIView):
    @extend_schema(request=TradeoffInput, responses={200: TradeoffOutput}, operation_id="art_tradeoff")
    def post(self, request: Request, art_id: int) -> Response:
        """What if the features went in this order? Nothing is saved."""
        art = art_visible_or_404(request.user, art_id)
        question = TradeoffInput(data=request.data)
        question.is_valid(raise_exception=True)
        return Response(selectors.tradeoff_evaluate(art=art, **question.validated_data))


class SavedTradeoffOutput(serializers.ModelSerializer):
    created_by = serializers.StringRelatedField()
    result = TradeoffOutput()

    class Meta:
        model = SavedTradeoff
        fields = ["id", "art", "title", "proposed_order", "created_by", "created_at", "result"]


class SavedTradeoffInput(TradeoffInput):
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)


class SavedTradeoffListApi(APIView):
    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS  # also tells the schema the list is paged

    @extend_schema(responses={200: SavedTradeoffOutput(many=True)}, operation_id="art_tradeoffs_list")
    def get(self, request: Request, art_id: int) -> Response:
        art = art_visible_or_404(request.user, art_id)
        paginator = self.pagination_class()  # popm.api's, as for every API list
        page = paginator.paginate_queryset(selectors.saved_tradeoffs(art_id=art.pk), request, view=self)
        return paginator.get_paginated_response(SavedTradeoffOutput(page, many=True).data)

    @extend_schema(
        request=SavedTradeoffInput, responses={201: SavedTradeoffOutput}, operation_id="art_tradeoffs_save"
    )
    def post(self, request: Request, art_id: int) -> Response:
        """Save a what-if answer as it is now, to discuss or share it later."""
        art = art_visible_or_404(request.user, art_id)
        art_edit_or_403(request.user, art.pk)
        question = SavedTradeoffInput(data=request.data)
        question.is_valid(raise_exception=True)
        saved = services.tradeoff_save(art=art, acting_user=request.user, **question.validated_data)
        return Response(SavedTradeoffOutput(saved).data, status=status.HTTP_201_CREATED)


def visible_tradeoff(request: Request, tradeoff_id: int) -> SavedTradeoff:
    saved = SavedTradeoff.objects.select_related("created_by")
    return art_scoped_visible_or_404(request.user, saved, tradeoff_id, what="trade-off")


class SavedTradeoffApi(APIView):
    @extend_schema(responses={200: SavedTradeoffOutput}, operation_id="tradeoff_retrieve")
    def get(self, request: Request, tradeoff_id: int) -> Response:
        return Response(SavedTradeoffOutput(visible_tradeoff(request, tradeoff_id)).data)


class ShareLinkInput(serializers.Serializer):
    expires_in_days = serializers.IntegerField(
        required=False,
        default=services.SHARE_DAYS_DEFAULT,
        min_value=1,
        max_value=services.SHARE_DAYS_MAX,
        error_messages={
            "min_value": f"expires_in_days must be 1 to {services.SHARE_DAYS_MAX}.",
            "max_value": f"expires_in_days must be 1 to {services.SHARE_DAYS_MAX}.",
        },
    )


class ShareLinkOutput(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The link; shown only in this response.")

    class Meta:
        model = ShareLink
        fields = ["id", "tradeoff", "url", "created_at", "expires_at", "revoked_at"]

    def get_url(self, link: ShareLink) -> str | None:
        token = self.context.get("token")
        if token is None:
            return None
        return self.context["request"].build_absolute_uri(reverse("tradeoffs:shared-tradeoff", args=[token]))


class ShareLinkCreateApi(APIView):
    @extend_schema(request=ShareLinkInput, responses={201: ShareLinkOutput}, operation_id="tradeoff_share")
    def post(self, request: Request, tradeoff_id: int) -> Response:
        """A read-only link to this trade-off for someone without an account."""
        saved = visible_tradeoff(request, tradeoff_id)
        art_edit_or_403(request.user, saved.art_id)
        options = ShareLinkInput(data=request.data)
        options.is_valid(raise_exception=True)
        link, token = services.share_link_create(
            tradeoff=saved, acting_user=request.user, days=options.validated_data["expires_in_days"]
        )
        output = ShareLinkOutput(link, context={"request": request, "token": token})
        return Response(output.data, status=status.HTTP_201_CREATED)


class ShareLinkRevokeApi(APIView):
    @extend_schema(responses={204: None}, operation_id="share_link_revoke")
    def delete(self, request: Request, link_id: int) -> Response:
        """Revoke a link: it stops working at once."""
        links = ShareLink.objects.select_related("tradeoff")
        link = art_scoped_visible_or_404(request.user, links, link_id, art_path="tradeoff__art")
        art_edit_or_403(request.user, link.tradeoff.art_id)
        services.share_link_revoke(link=link, acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OverrideInput(serializers.Serializer):
    feature = serializers.IntegerField(min_value=1)
    position = serializers.IntegerField(
        min_value=1, default=1, help_text="Pinned rank, 1 = top. Must be above its WSJF rank."
    )
    reason = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        error_messages={"required": "A pin needs a reason: say who asked for it and why."},
    )


class OverrideOutput(serializers.ModelSerializer):
    feature_title = serializers.CharField(source="feature.title")
    created_by = serializers.StringRelatedField()
    removed_by = serializers.StringRelatedField(allow_null=True)  # null while the pin is active
    active = serializers.BooleanField(source="is_active")

    class Meta:
        model = Override
        fields = [
            "id",
            "art",
            "feature",
            "feature_title",
            "position",
            "wsjf_rank",
            "reason",
            "displaced",
            "unit",
            "extra_delay_cost",
            "created_by",
            "created_at",
            "active",
            "removed_by",
            "removed_at",
        ]


class OverrideListApi(APIView):
    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS  # also tells the schema the list is paged

    @extend_schema(responses={200: OverrideOutput(many=True)}, operation_id="art_overrides_list")
    def get(self, request: Request, art_id: int) -> Response:
        """The override ledger: every pin, newest first, removed ones included."""
        art = art_visible_or_404(request.user, art_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.overrides_ledger(art_id=art.pk), request, view=self)
        return paginator.get_paginated_response(OverrideOutput(page, many=True).data)

    @extend_schema(
        request=OverrideInput, responses={201: OverrideOutput}, operation_id="art_overrides_create"
    )
    def post(self, request: Request, art_id: int) -> Response:
        """Pin a feature above its WSJF rank, with a reason. The WSJF inputs do not change."""
        art = art_visible_or_404(request.user, art_id)
        art_edit_or_403(request.user, art.pk)
        pin = OverrideInput(data=request.data)
        pin.is_valid(raise_exception=True)
        data: dict[str, Any] = pin.validated_data
        override = services.override_create(
            art=art,
            feature_id=data["feature"],
            position=data["position"],
            reason=data["reason"],
            acting_user=request.user,
        )
        return Response(OverrideOutput(override).data, status=status.HTTP_201_CREATED)


class OverrideRemoveApi(APIView):
    @extend_schema(responses={204: None}, operation_id="override_remove")
    def delete(self, request: Request, override_id: int) -> Response:
        """Remove a pin: the feature returns to its WSJF position; the ledger keeps the entry."""
        override = art_scoped_visible_or_404(request.user, Override.objects.all(), override_id)
        art_edit_or_403(request.user, override.art_id)
        services.override_remove(override=override, acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
