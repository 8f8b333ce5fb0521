"""Admin for periodicals (刊物) and their columns (栏目); every write is audited."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xinxi.audit.admin import AuditedAdmin
from xinxi.audit.services import audit_record
from xinxi.publications.models import Column, Periodical


class ColumnInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Column
    extra = 1
    fields = ["name", "sort_order"]
    verbose_name = "栏目"
    verbose_name_plural = "栏目（按排序号刊出）"


@admin.register(Periodical)
class PeriodicalAdmin(AuditedAdmin):
    list_display = ["__str__", "desk", "frequency", "per_period", "running_total", "default_classification", "active"]
    list_filter = ["active", "frequency", "desk"]
    search_fields = ["name", "desk__name"]
    list_select_related = ["desk"]
    autocomplete_fields = ["desk"]
    filter_horizontal = ["readers"]
    inlines = [ColumnInline]
    fieldsets = [
        (None, {"fields": ["desk", "name", "active"]}),
        ("出刊与编号", {"fields": ["frequency", "per_period", "running_total", "total_offset"]}),
        ("默认设置", {"fields": ["default_classification", "default_urgency", "default_copies"]}),
        ("默认发送范围（报 / 送 / 发）", {"fields": ["default_to_leaders", "default_to_units", "default_distribute"]}),
        ("在线阅读", {"fields": ["readers"]}),
    ]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        changed = [str(f.model._meta.verbose_name) for f in formsets if f.has_changed()]
        if changed:
            audit_record(actor=request.user, action="admin_change", obj=form.instance, detail={"related": changed})
