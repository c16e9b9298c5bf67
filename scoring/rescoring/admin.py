from django.contrib import admin

from scoring.rescoring.models import RescoringCheck, StaleScore, TcProposal


class WrittenByTheCheck(admin.ModelAdmin):
    """The daily check writes these, and a POPM answers proposals on the pages or the API
    (so an accepted value goes through the feature's history): admin only reads them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StaleScore)
class StaleScoreAdmin(WrittenByTheCheck):
    list_display = ["feature", "art", "pi", "scored_at", "scored_by", "flagged_at"]
    list_filter = ["art"]


@admin.register(TcProposal)
class TcProposalAdmin(WrittenByTheCheck):
    list_display = ["feature", "art", "from_value", "to_value", "status", "late", "proposed_at", "decided_by"]
    list_filter = ["art", "status"]


@admin.register(RescoringCheck)
class RescoringCheckAdmin(WrittenByTheCheck):
    list_display = ["art", "checked_for", "checked_at"]
