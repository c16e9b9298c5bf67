"""Django admin: where an admin runs a train (ARTs, teams, people, roles).

Saves and deletes of features, teams, PIs, epics, stakeholders and requests go through
backlog.services, inlines included, so a change made here is the same change as one made in a
page or over the API (a feature change queues a scoring run). The forms have already run the
model's validation by the time a service is called.
"""

from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Count, Model, QuerySet
from django.http import HttpRequest

from backlog import services
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

# The admin is popm's too: its own name in the header, the tab and the index page.
admin.site.site_header = "popm administration"
admin.site.site_title = "popm administration"
admin.site.index_title = "Run your trains: ARTs, teams, people and roles"

# model -> (create, update, delete, the keyword update and delete name the object by)
IN_ART_WRITES: dict[type[Model], tuple[Callable, Callable, Callable, str]] = {
    Team: (services.team_create, services.team_update, services.team_delete, "team"),
    ProgramIncrement: (services.pi_create, services.pi_update, services.pi_delete, "pi"),
    Epic: (services.epic_create, services.epic_update, services.epic_delete, "epic"),
    Stakeholder: (
        services.stakeholder_create,
        services.stakeholder_update,
        services.stakeholder_delete,
        "stakeholder",
    ),
}


def in_art_save(request: HttpRequest, obj: Model, form: forms.ModelForm) -> None:
    """Save a team, PI, epic or stakeholder the admin form filled in, through its service."""
    create, update, _, noun = IN_ART_WRITES[type(obj)]
    names = {field.name for field in obj._meta.fields} - {"id", "art"}
    fields = {name: value for name, value in form.cleaned_data.items() if name in names}
    if obj.pk is None:
        saved = create(art=obj.art, acting_user=request.user, **fields)
    else:
        stored = type(obj).objects.get(pk=obj.pk)
        saved = update(**{noun: stored}, acting_user=request.user, **fields)
    obj.pk = saved.pk


def in_art_delete(request: HttpRequest, obj: Model) -> None:
    _, _, delete, noun = IN_ART_WRITES[type(obj)]
    delete(**{noun: obj}, acting_user=request.user)


def feature_request_save(request: HttpRequest, obj: FeatureRequest) -> None:
    if obj.pk is None:
        saved = services.feature_request_create(
            stakeholder=obj.stakeholder, feature=obj.feature, acting_user=request.user, note=obj.note
        )
        obj.pk = saved.pk
    else:
        stored = FeatureRequest.objects.get(pk=obj.pk)
        services.feature_request_update(
            feature_request=stored, acting_user=request.user, note=obj.note, feature=obj.feature
        )


class InlinesThroughServices(admin.ModelAdmin):
    """Saves and deletes the teams, PIs and requests of an inline through their services."""

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        for obj in formset.save(commit=False):
            if isinstance(obj, FeatureRequest):
                feature_request_save(request, obj)
            else:
                in_art_save(request, obj, _form_of(formset, obj))
        for obj in formset.deleted_objects:
            if isinstance(obj, FeatureRequest):
                services.feature_request_delete(feature_request=obj, acting_user=request.user)
            else:
                in_art_delete(request, obj)
        formset.save_m2m()


class ServiceWritesAdmin(InlinesThroughServices):
    """Saves and deletes a team, PI, epic or stakeholder, and its inlines, through services."""

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        # A thing stays in the ART it was created in (the services refuse a move).
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "art"] if obj and "art" in {f.name for f in obj._meta.fields} else readonly

    def save_model(self, request: HttpRequest, obj: Model, form, change: bool) -> None:
        in_art_save(request, obj, form)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        in_art_delete(request, obj)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


def _form_of(formset, obj: Model) -> forms.ModelForm:
    return next(form for form in formset.forms if form.instance is obj)


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


class ProgramIncrementInline(admin.TabularInline):
    model = ProgramIncrement
    extra = 0


@admin.register(Art)
class ArtAdmin(InlinesThroughServices):
    list_display = ["name", "currency", "team_count", "created_at"]
    search_fields = ["name", "description"]
    filter_horizontal = ["popms"]
    inlines = [TeamInline, ProgramIncrementInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(teams_counted=Count("teams"))

    @admin.display(description="Teams", ordering="teams_counted")
    def team_count(self, art: Art) -> int:
        return art.teams_counted


@admin.register(Team)
class TeamAdmin(ServiceWritesAdmin):
    list_display = ["name", "art", "velocity"]
    list_filter = ["art"]
    search_fields = ["name"]


@admin.register(ProgramIncrement)
class ProgramIncrementAdmin(ServiceWritesAdmin):
    list_display = ["name", "art", "start_date", "end_date", "iterations"]
    list_filter = ["art"]
    search_fields = ["name"]
    date_hierarchy = "start_date"


@admin.register(Epic)
class EpicAdmin(ServiceWritesAdmin):
    list_display = ["title", "art", "user_business_value", "time_criticality", "risk_reduction", "job_size"]
    list_filter = ["art"]
    search_fields = ["title", "description"]


class FeatureRequestInline(admin.TabularInline):
    model = FeatureRequest
    extra = 0
    autocomplete_fields = ["feature"]
    # A "+1" is edited here; a new idea's triage (status, reason) is the triage page's.
    fields = ["feature", "note", "title", "status", "triaged_by", "triaged_at", "reason"]
    readonly_fields = ["title", "status", "triaged_by", "triaged_at", "reason"]


@admin.register(Stakeholder)
class StakeholderAdmin(ServiceWritesAdmin):
    list_display = ["name", "title", "art", "user"]
    list_filter = ["art"]
    search_fields = ["name", "title", "user__username"]
    autocomplete_fields = ["user"]
    inlines = [FeatureRequestInline]


class FeatureRequestByFeatureInline(FeatureRequestInline):
    autocomplete_fields = ["stakeholder"]


class FeatureAdminForm(forms.ModelForm):
    """Carries the version the admin opened, so a stale save never overwrites a newer one."""

    # No Meta: the admin builds the form's fields from FeatureAdmin.
    edited_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["edited_version"].initial = self.instance.version

    def clean(self) -> dict:
        cleaned = super().clean()
        edited = cleaned.get("edited_version")
        if self.instance.pk and edited is not None:
            current = Feature.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if current != edited:
                raise forms.ValidationError(
                    f"Someone else saved this feature meanwhile (now version {current}); nothing was "
                    "saved. Open it again to see their change, then apply yours."
                )
        return cleaned


@admin.register(Feature)
class FeatureAdmin(InlinesThroughServices):
    form = FeatureAdminForm
    list_display = [
        "title",
        "art",
        "rank",
        "kind",
        "status",
        "team",
        "pi",
        "user_business_value",
        "time_criticality",
        "risk_reduction",
        "job_size",
        "cost_of_delay",
        "wsjf",
        "estimate_points",
    ]
    list_filter = ["art", "kind", "status", "pi", "team"]
    search_fields = ["title", "description"]
    list_select_related = ["art", "team", "pi"]
    readonly_fields = [
        "cost_of_delay",
        "wsjf",
        "rank",
        "version",
        "scored_at",
        "scored_by",
        "created_at",
        "updated_at",
    ]
    inlines = [FeatureRequestByFeatureInline]
    ordering = ["art", "rank", "id"]

    def get_readonly_fields(self, request: HttpRequest, obj: Feature | None = None) -> list[str]:
        # A feature stays in the ART it was created in: its rank belongs to that backlog.
        return [*self.readonly_fields, "art"] if obj else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Feature, form, change: bool) -> None:
        fields = {
            name: form.cleaned_data[name] for name in Feature.EDITABLE_FIELDS if name in form.cleaned_data
        }
        if change:
            saved = services.feature_update(
                feature=obj,
                acting_user=request.user,
                door=FeatureChange.Door.ADMIN,
                expected_version=form.cleaned_data.get("edited_version"),
                **fields,
            )
        else:
            saved = services.feature_create(
                art=form.cleaned_data["art"],
                acting_user=request.user,
                door=FeatureChange.Door.ADMIN,
                **fields,
            )
        obj.pk = saved.pk
        obj.version = saved.version

    def delete_model(self, request: HttpRequest, obj: Feature) -> None:
        services.feature_delete(feature=obj, acting_user=request.user, door=FeatureChange.Door.ADMIN)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for feature in queryset:
            services.feature_delete(feature=feature, acting_user=request.user, door=FeatureChange.Door.ADMIN)
