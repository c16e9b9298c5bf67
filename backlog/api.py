"""REST API for the backlog's six resources (docs/api.md)."""

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Model, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from backlog import services
from backlog.access import art_ids_editable_by, arts_visible_to, user_can_edit_art, user_is_admin
from backlog.history import feature_history, history_entries
from backlog.models import (
    Art,
    Epic,
    Feature,
    FeatureChange,
    FeatureRequest,
    ProgramIncrement,
    Stakeholder,
    Team,
)
from scoring.wsjf import SCALE, ScaleError, scale_value_parse


@extend_schema_field({"type": "integer", "enum": list(SCALE), "nullable": True})
class ScaleField(serializers.Field):
    """A WSJF input: one of 1, 2, 3, 5, 8, 13, 20, with a message naming the scale otherwise."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        try:
            return scale_value_parse(data)
        except ScaleError as error:
            raise serializers.ValidationError(str(error)) from error

    def to_representation(self, value: int) -> int:
        return value


def choice_field(choices: type, **kwargs: Any) -> serializers.ChoiceField:
    allowed = ", ".join(choices.values)
    return serializers.ChoiceField(
        choices=choices.choices,
        error_messages={"invalid_choice": f'"{{input}}" is not allowed; use one of: {allowed}.'},
        **kwargs,
    )


def related_in_visible_arts(model: type[Model]) -> serializers.PrimaryKeyRelatedField:
    return VisibleRelatedField(queryset=model.objects.all(), required=False, allow_null=True)


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """Only objects of ARTs the user can see exist for them: others answer 'does not exist'."""

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        user = self.context["request"].user
        if queryset.model is Art:
            return queryset.filter(pk__in=arts_visible_to(user))
        return queryset.filter(art__in=arts_visible_to(user))


class JsonTextField(serializers.CharField):
    """Text arrives as a JSON string: DRF's CharField would store the number 2062346584157312
    as the name "2062346584157312", which the schema says is not a name."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            raise serializers.ValidationError("Must be text (a JSON string).")
        return super().to_internal_value(data)


class PopmModelSerializer(serializers.ModelSerializer):
    """popm's model serializers: text fields take only text."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: JsonTextField,
        models.TextField: JsonTextField,
    }


class InArtSerializer(PopmModelSerializer):
    """Something that lives in one ART, created in an ART the user can see.

    The services refuse to move it out: that would take it past the edit check (made on the
    ART it is in) into an ART the user may not edit, and leave the old ART's features
    pointing at another ART's epic.
    """

    art = VisibleRelatedField(queryset=Art.objects.all())

    def get_unique_together_validators(self) -> list:
        # The model's clean() names a clash on its field ('Rail already has a team with name
        # "Platform".'), through the service; DRF's would say "must make a unique set".
        return []


class ArtSerializer(PopmModelSerializer):
    class Meta:
        model = Art
        fields = ["id", "name", "description", "currency", "popms", "created_at"]
        read_only_fields = ["created_at"]


class TeamSerializer(InArtSerializer):
    class Meta:
        model = Team
        fields = ["id", "art", "name", "velocity"]


class ProgramIncrementSerializer(InArtSerializer):
    class Meta:
        model = ProgramIncrement
        fields = ["id", "art", "name", "start_date", "end_date", "iterations"]


class EpicSerializer(InArtSerializer):
    user_business_value = ScaleField()
    time_criticality = ScaleField()
    risk_reduction = ScaleField()
    job_size = ScaleField()

    class Meta:
        model = Epic
        fields = [
            "id",
            "art",
            "title",
            "description",
            "user_business_value",
            "time_criticality",
            "risk_reduction",
            "job_size",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class RequestedFeatureSerializer(serializers.ModelSerializer):
    # Not "FeatureRequestSerializer": its schema component would clash with the request
    # (input) component of FeatureSerializer, which drf-spectacular names FeatureRequest.
    class Meta:
        model = FeatureRequest
        fields = ["feature", "note"]


class StakeholderSerializer(InArtSerializer):
    requests = RequestedFeatureSerializer(many=True, read_only=True)

    class Meta:
        model = Stakeholder
        fields = ["id", "art", "name", "title", "user", "requests"]


class FeatureSerializer(InArtSerializer):
    pi = related_in_visible_arts(ProgramIncrement)
    epic = related_in_visible_arts(Epic)
    team = related_in_visible_arts(Team)
    kind = choice_field(Feature.Kind, required=False)
    status = choice_field(Feature.Status, required=False)
    user_business_value = ScaleField()
    time_criticality = ScaleField()
    risk_reduction = ScaleField()
    job_size = ScaleField()
    urgency_profile = choice_field(Feature.UrgencyProfile, required=False, allow_null=True)
    outcome_verdict = choice_field(
        Feature.OutcomeVerdict,
        required=False,
        allow_blank=True,
        help_text="Whether the benefit hypothesis held; blank until the POPM says.",
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=(
            "On update: the version you edited (or an If-Match header); a stale one is refused with "
            "412, none at all with 428."
        ),
    )

    class Meta:
        model = Feature
        fields = [
            "id",
            "art",
            "external_key",
            *Feature.EDITABLE_FIELDS,
            "created_at",
            "updated_at",
            "version",
            *Feature.SCORE_RESULTS,
        ]
        # external_key: the Jira issue key, set by the import only.
        read_only_fields = ["external_key", "created_at", "updated_at", *Feature.SCORE_RESULTS]
        extra_kwargs = {
            "estimate_points": {
                "min_value": Decimal("0.5"),
                "error_messages": {"min_value": "estimate_points must be at least 0.5 story points."},
            },
            "cost_of_delay_per_week": {
                "min_value": Decimal("0"),
                "error_messages": {"min_value": "cost_of_delay_per_week must be 0 or more (money per week)."},
            },
            "duration_weeks": {
                "min_value": Decimal("0.1"),
                "error_messages": {"min_value": "duration_weeks must be more than 0 weeks (at least 0.1)."},
            },
        }


class ArtScopedViewSet(viewsets.ModelViewSet):
    """List and read what the user's ARTs hold; write only where the user may edit."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    model: type[Model]
    admin_only_writes = False
    # The backlog.services functions that write it: create(art=, acting_user=, **fields),
    # update(<noun>=, acting_user=, **fields), delete(<noun>=, acting_user=).
    noun: str
    create_service: Callable[..., Model]
    update_service: Callable[..., Model]
    delete_service: Callable[..., None]

    def get_queryset(self) -> QuerySet:
        return self.model.objects.filter(art__in=arts_visible_to(self.request.user)).order_by("pk")

    def check_can_write(self, art_id: int | None = None) -> None:
        """Refuse unless the user may write in the ART (art_id None: in any ART at all)."""
        user = self.request.user
        if self.admin_only_writes:
            allowed = user_is_admin(user)
        elif art_id is None:
            allowed = bool(art_ids_editable_by(user))
        else:
            allowed = user_can_edit_art(user, art_id)
        if not allowed:
            who = "an admin" if self.admin_only_writes else "a POPM of this ART"
            raise exceptions.PermissionDenied(f"Only {who} may change this.")

    def perform_create(self, serializer: serializers.Serializer) -> None:
        fields = dict(serializer.validated_data)
        art = fields.pop("art")
        self.check_can_write(art.pk)
        serializer.instance = self.create_service(art=art, acting_user=self.request.user, **fields)

    def perform_update(self, serializer: serializers.Serializer) -> None:
        self.check_can_write(serializer.instance.art_id)
        thing = {self.noun: serializer.instance}
        fields = serializer.validated_data
        serializer.instance = self.update_service(**thing, acting_user=self.request.user, **fields)

    def perform_destroy(self, instance: Model) -> None:
        self.check_can_write(instance.art_id)
        self.delete_service(**{self.noun: instance}, acting_user=self.request.user)

    def create(self, request, *args, **kwargs):
        # Check permission before validation: a read-only user learns nothing from a 400.
        self.check_can_write()
        return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        self.check_can_write(self.get_object().art_id)
        return super().update(request, *args, **kwargs)


class ArtViewSet(viewsets.ModelViewSet):
    http_method_names = ArtScopedViewSet.http_method_names
    serializer_class = ArtSerializer

    def get_queryset(self) -> QuerySet:
        return arts_visible_to(self.request.user).prefetch_related("popms").order_by("pk")

    def check_permissions(self, request) -> None:
        super().check_permissions(request)
        if request.method in permissions.SAFE_METHODS or user_is_admin(request.user):
            return
        if self.lookup_field in self.kwargs:
            self.get_object()  # an ART the user cannot see does not exist for them: 404, not 403
        raise exceptions.PermissionDenied("Only an admin may create or change ARTs.")


class TeamViewSet(ArtScopedViewSet):
    model = Team
    serializer_class = TeamSerializer
    noun = "team"
    create_service = staticmethod(services.team_create)
    update_service = staticmethod(services.team_update)
    delete_service = staticmethod(services.team_delete)
    admin_only_writes = True


class ProgramIncrementViewSet(ArtScopedViewSet):
    model = ProgramIncrement
    serializer_class = ProgramIncrementSerializer
    noun = "pi"
    create_service = staticmethod(services.pi_create)
    update_service = staticmethod(services.pi_update)
    delete_service = staticmethod(services.pi_delete)


class EpicViewSet(ArtScopedViewSet):
    model = Epic
    serializer_class = EpicSerializer
    noun = "epic"
    create_service = staticmethod(services.epic_create)
    update_service = staticmethod(services.epic_update)
    delete_service = staticmethod(services.epic_delete)


class StakeholderViewSet(ArtScopedViewSet):
    model = Stakeholder
    serializer_class = StakeholderSerializer
    noun = "stakeholder"
    create_service = staticmethod(services.stakeholder_create)
    update_service = staticmethod(services.stakeholder_update)
    delete_service = staticmethod(services.stakeholder_delete)
    admin_only_writes = True

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().prefetch_related("requests")


class PreconditionRequired(exceptions.APIException):
    """A write to a versioned resource that names no version: it could overwrite an edit the
    client never saw, so it is refused before anything is changed."""

    status_code = 428
    default_code = "precondition_required"
    default_detail = (
        "This resource is versioned: send the version you edited as `version` in the body or as an "
        'If-Match header (e.g. If-Match: "3"); If-Match: * changes whatever version is there.'
    )


# The precondition of a write, as the client sent it: a version, or ANY_VERSION for If-Match: *.
ANY_VERSION = None


def expected_version(request, body_version: Any = None, *, required: bool = False) -> int | None:
    """The version the client edited: the body's `version`, else the If-Match header;
    ANY_VERSION for If-Match: * ("whatever is there", RFC 9110). Neither: ANY_VERSION, or 428
    when `required` (a PATCH or DELETE of a versioned resource)."""
    if body_version is not None:
        if isinstance(body_version, str) and body_version.isdigit():
            body_version = int(body_version)
        if isinstance(body_version, bool) or not isinstance(body_version, int) or body_version < 1:
            raise serializers.ValidationError({"version": ["version must be a whole number of 1 or more."]})
        return body_version
    header = request.headers.get("If-Match", "").strip()
    if header == "":
        if required:
            raise PreconditionRequired()
        return ANY_VERSION
    if header == "*":
        return ANY_VERSION
    match = re.fullmatch(r'\s*(?:W/)?"?(\d+)"?\s*', header)
    if not match:
        raise serializers.ValidationError({"If-Match": 'If-Match must be a version, e.g. "3", or *.'})
    return int(match.group(1))


def with_etag(response: Response) -> Response:
    response["ETag"] = f'"{response.data["version"]}"'
    return response


class FeatureChangeSerializer(serializers.ModelSerializer):
    """One change of a feature: `changes` maps each field to {"from": old, "to": new}, with ids
    for pi/team/epic, ISO dates, and Decimals as strings; cost_of_delay and wsjf show what a
    change of the inputs did to the score."""

    changed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    changes = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()

    class Meta:
        model = FeatureChange
        fields = ["id", "changed_at", "changed_by", "door", "source", "action", "changes", "summary"]

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {"from": {"nullable": True}, "to": {"nullable": True}},
            },
        }
    )
    def get_changes(self, change: FeatureChange) -> dict:
        return {field: {"from": old, "to": new} for field, (old, new) in change.changes.items()}

    def get_summary(self, change: FeatureChange) -> str:
        """The change in words, e.g. "Time Criticality 3 → 8 (CoD 14 → 19, WSJF 2.80 → 3.80)"."""
        return self.context["entries"][change.pk].summary


class FeatureViewSet(ArtScopedViewSet):
    model = Feature
    serializer_class = FeatureSerializer

    @extend_schema(parameters=[OpenApiParameter("external_key", str, description="Jira issue key, exact.")])
    def list(self, request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet:
        features = super().get_queryset()
        key = self.request.query_params.get("external_key")
        return features if key is None else features.filter(external_key=key)

    @extend_schema(responses={200: FeatureChangeSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="history", url_name="history")
    def history(self, request, pk=None) -> Response:
        """Every recorded change of the feature, newest first (paginated)."""
        feature = self.get_object()
        page = self.paginate_queryset(feature_history(feature_id=feature.pk))
        entries = {entry.change.pk: entry for entry in history_entries(page)}
        output = FeatureChangeSerializer(page, many=True, context={"entries": entries})
        return self.get_paginated_response(output.data)

    def perform_create(self, serializer: FeatureSerializer) -> None:
        data = dict(serializer.validated_data)
        art = data.pop("art")
        data.pop("version", None)
        self.check_can_write(art.pk)
        serializer.instance = services.feature_create(
            art=art, acting_user=self.request.user, door=FeatureChange.Door.API, **data
        )

    def perform_update(self, serializer: FeatureSerializer) -> None:
        data = dict(serializer.validated_data)
        version = expected_version(self.request, data.pop("version", None), required=True)
        # A stale version raises VersionConflict: popm.api answers 412 with the current feature.
        serializer.instance = services.feature_update(
            feature=serializer.instance,
            acting_user=self.request.user,
            door=FeatureChange.Door.API,
            expected_version=version,
            **data,
        )

    def perform_destroy(self, instance: Feature) -> None:
        self.check_can_write(instance.art_id)
        body = self.request.data if isinstance(self.request.data, dict) else {}
        services.feature_delete(
            feature=instance,
            acting_user=self.request.user,
            door=FeatureChange.Door.API,
            expected_version=expected_version(self.request, body.get("version"), required=True),
        )

    def retrieve(self, request, *args, **kwargs) -> Response:
        return with_etag(super().retrieve(request, *args, **kwargs))

    def update(self, request, *args, **kwargs) -> Response:
        # The new version as ETag too, so a script can send it back as If-Match next time.
        return with_etag(super().update(request, *args, **kwargs))
