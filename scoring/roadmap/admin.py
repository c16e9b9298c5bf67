from django.contrib import admin

from scoring.roadmap.models import RoadmapShareLink


@admin.register(RoadmapShareLink)
class RoadmapShareLinkAdmin(admin.ModelAdmin):
    """Made on the roadmap page (the token is shown once there); an admin may expire or revoke one."""

    list_display = ["art", "mode", "created_by", "created_at", "expires_at", "revoked_at"]
    list_filter = ["art"]
    # The token itself is never stored; its hash is useless to show.
    exclude = ["token_hash"]
    readonly_fields = ["art", "mode", "created_by", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False
