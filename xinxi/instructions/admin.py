"""Admin for the instructions' rule table: leader levels (audited like the other rule tables)."""

from django.contrib import admin

from xinxi.audit.admin import AuditedAdmin
from xinxi.instructions.models import LeaderLevel


@admin.register(LeaderLevel)
class LeaderLevelAdmin(AuditedAdmin):
    list_display = ["name", "code", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["active"]
    search_fields = ["name", "code"]
    ordering = ["order", "code"]

    def get_readonly_fields(self, request: object, obj: LeaderLevel | None = None) -> list[str]:
        # Instructions and scoring rules refer to the code: fixed once the level exists.
        return ["code"] if obj is not None else []
