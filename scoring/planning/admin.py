"""Django admin for capacity planning: read and correct capacities and shares; commits are a record."""

from django.contrib import admin
from django.http import HttpRequest

from scoring.planning.models import Allocation, PlanCommit, TeamCapacity


@admin.register(TeamCapacity)
class TeamCapacityAdmin(admin.ModelAdmin):
    list_display = ["team", "pi", "capacity_points", "note", "updated_by", "updated_at"]
    list_filter = ["pi__art"]
    search_fields = ["team__name", "pi__name", "note"]
    raw_id_fields = ["pi", "team"]
    readonly_fields = ["updated_by", "updated_at"]


@admin.register(Allocation)
class AllocationAdmin(admin.ModelAdmin):
    list_display = ["pi", "business", "enabler", "exploration", "updated_by", "updated_at"]
    list_filter = ["pi__art"]
    readonly_fields = ["updated_by", "updated_at"]


@admin.register(PlanCommit)
class PlanCommitAdmin(admin.ModelAdmin):
    """The audit trail of plan commits: shown, never edited."""

    list_display = ["pi", "mode", "committed_by", "committed_at", "committed_count"]
    list_filter = ["pi__art", "mode"]
    readonly_fields = [field.name for field in PlanCommit._meta.fields]

    @admin.display(description="Committed features")
    def committed_count(self, commit: PlanCommit) -> int:
        return len(commit.committed)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PlanCommit | None = None) -> bool:
        return False
