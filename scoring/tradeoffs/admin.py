from django.contrib import admin

from scoring.tradeoffs.models import Override, SavedTradeoff, ShareLink


class ReadOnlyCreation(admin.ModelAdmin):
    """Made through the pages and the API (services), which compute what these rows hold."""

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(SavedTradeoff)
class SavedTradeoffAdmin(ReadOnlyCreation):
    list_display = ["title", "art", "created_by", "created_at"]
    list_filter = ["art"]
    readonly_fields = ["proposed_order", "result", "created_by", "created_at"]


@admin.register(ShareLink)
class ShareLinkAdmin(ReadOnlyCreation):
    list_display = ["tradeoff", "created_by", "created_at", "expires_at", "revoked_at"]
    # The token itself is never stored; its hash is useless to show.
    exclude = ["token_hash"]
    readonly_fields = ["tradeoff", "created_by", "created_at"]


@admin.register(Override)
class OverrideAdmin(ReadOnlyCreation):
    # Its feature carries the active pin for the scoring run (Feature.pinned_position): remove a
    # pin on the override ledger, whose service clears it; the ledger keeps every row.
    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    list_display = ["feature", "art", "wsjf_rank", "position", "created_by", "created_at", "removed_at"]
    list_filter = ["art"]
    readonly_fields = [
        "art",
        "feature",
        "position",
        "reason",
        "wsjf_rank",
        "displaced",
        "unit",
        "extra_delay_cost",
        "created_by",
        "created_at",
        "removed_by",
        "removed_at",
    ]
