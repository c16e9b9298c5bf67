from django.contrib import admin

from backlog.imports.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Read-only: an import is recorded by the import itself, never edited afterwards."""

    list_display = ("file_name", "art", "created_by", "created_at", "status", "created", "updated", "refused")
    list_filter = ("status", "art")
    exclude = ("content",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
