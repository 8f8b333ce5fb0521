"""Admin for the rule tables: unit classes, quotas, desks' settings, the calendar."""

from django.contrib import admin

from xinxi.audit.admin import AuditedAdmin
from xinxi.network.models import CalendarDay, CalendarYear, Desk, Quota, UnitClass


@admin.register(UnitClass)
class UnitClassAdmin(AuditedAdmin):
    list_display = ["name", "description", "sort_order"]
    search_fields = ["name"]


@admin.register(Quota)
class QuotaAdmin(AuditedAdmin):
    list_display = [
        "desk",
        "unit",
        "unit_class",
        "frequency",
        "count",
        "research_per_quarter",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["desk", "frequency", "unit_class"]
    autocomplete_fields = ["unit"]
    list_select_related = ["desk", "unit", "unit_class"]


@admin.register(Desk)
class DeskAdmin(AuditedAdmin):
    list_display = ["name", "unit", "urgent_phone_limit_minutes", "urgent_written_limit_minutes", "active"]
    search_fields = ["name", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdmin):
    list_display = ["year", "note", "created_at"]


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"


# Units are searched by the quota and desk forms' autocomplete; they are managed on
# the network pages (which keep the tree consistent), so the admin is read-only.
from xinxi.network.models import Unit  # noqa: E402


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    search_fields = ["name", "region_code"]
    list_display = ["name", "kind", "level", "region_code", "active"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
