from django.contrib import admin

from scoring.models import ScoringRun


@admin.register(ScoringRun)
class ScoringRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "art",
        "trigger",
        "status",
        "requested_by",
        "requested_at",
        "started_at",
        "finished_at",
        "feature_count",
        "changed_count",
        "attempts",
    ]
    list_filter = ["status", "trigger", "art"]
    readonly_fields = [field.name for field in ScoringRun._meta.fields]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
