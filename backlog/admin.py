"""Django admin: where an admin runs a train (ARTs, teams, people, roles).

Feature saves and deletes go through backlog.services so that a change made here queues a
scoring run exactly like one made in a page or over the API.
"""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from backlog import services
from backlog.models import Art, Epic, Feature, FeatureRequest, ProgramIncrement, Stakeholder, Team


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


class ProgramIncrementInline(admin.TabularInline):
    model = ProgramIncrement
    extra = 0


@admin.register(Art)
class ArtAdmin(admin.ModelAdmin):
    list_display = ["name", "team_count", "created_at"]
    search_fields = ["name", "description"]
    filter_horizontal = ["popms"]
    inlines = [TeamInline, ProgramIncrementInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(teams_counted=Count("teams"))

    @admin.display(description="Teams", ordering="teams_counted")
    def team_count(self, art: Art) -> int:
        return art.teams_counted


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "art", "velocity"]
    list_filter = ["art"]
    search_fields = ["name"]


@admin.register(ProgramIncrement)
class ProgramIncrementAdmin(admin.ModelAdmin):
    list_display = ["name", "art", "start_date", "end_date", "iterations"]
    list_filter = ["art"]
    search_fields = ["name"]
    date_hierarchy = "start_date"


@admin.register(Epic)
class EpicAdmin(admin.ModelAdmin):
    list_display = ["title", "art", "user_business_value", "time_criticality", "risk_reduction", "job_size"]
    list_filter = ["art"]
    search_fields = ["title", "description"]


class FeatureRequestInline(admin.TabularInline):
    model = FeatureRequest
    extra = 0
    autocomplete_fields = ["feature"]


@admin.register(Stakeholder)
class StakeholderAdmin(admin.ModelAdmin):
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
class FeatureAdmin(admin.ModelAdmin):
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
                expected_version=form.cleaned_data.get("edited_version"),
                **fields,
            )
        else:
            saved = services.feature_create(art=form.cleaned_data["art"], acting_user=request.user, **fields)
        obj.pk = saved.pk
        obj.version = saved.version

    def delete_model(self, request: HttpRequest, obj: Feature) -> None:
        services.feature_delete(feature=obj, acting_user=request.user)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for feature in queryset:
            services.feature_delete(feature=feature, acting_user=request.user)
