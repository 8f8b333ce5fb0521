"""Query filters of the network API.

Ids are filtered as plain numbers, never checked against a table: a filter on a unit
the user cannot see answers an empty list, exactly like a filter on a missing one.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from xinxi.network.models import CalendarDay, Desk, DirectPoint, Level, Quota, StaffMember, StaffRole, Unit, UnitKind

MAX_ID = 2**63 - 1


@extend_schema_field(OpenApiTypes.INT)
class WholeNumberFilter(filters.NumberFilter):
    """A whole positive number such as an id: a decimal or an overflowing number is a 400, not a guess."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StrictBooleanField(forms.Field):
    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in {"true", "1"}:
            return True
        if text in {"false", "0"}:
            return False
        raise forms.ValidationError("应为 true 或 false。", code="invalid")


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(filters.Filter):
    """true or false: anything else is a 400 (django-filter's own boolean filter ignores it)."""

    field_class = StrictBooleanField


class UnitFilter(filters.FilterSet):
    parent = WholeNumberFilter(field_name="parent", label="上级单位编号")
    level = filters.ChoiceFilter(choices=Level.choices, label="层级")
    kind = filters.ChoiceFilter(choices=UnitKind.choices, label="单位类型")
    active = StrictBooleanFilter(label="是否在用")
    unit_class = WholeNumberFilter(field_name="unit_class", label="单位类别编号")
    region = filters.CharFilter(field_name="region_code", lookup_expr="startswith", max_length=12,
                                label="行政区划代码前缀")
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=50, label="名称包含")

    class Meta:
        model = Unit
        fields = ["parent", "level", "kind", "active", "unit_class", "region", "q"]


class DeskFilter(filters.FilterSet):
    unit = WholeNumberFilter(field_name="unit", label="单位编号")
    active = StrictBooleanFilter(label="是否在用")

    class Meta:
        model = Desk
        fields = ["unit", "active"]


class PointFilter(filters.FilterSet):
    desk = WholeNumberFilter(field_name="desk", label="信息科室编号")
    unit = WholeNumberFilter(field_name="unit", label="单位编号")
    # active=true: not revoked, i.e. revoked_on is null.
    active = StrictBooleanFilter(field_name="revoked_on", lookup_expr="isnull", label="是否有效（未撤销）")

    class Meta:
        model = DirectPoint
        fields = ["desk", "unit", "active"]


class StaffFilter(filters.FilterSet):
    unit = WholeNumberFilter(field_name="unit", label="单位编号")
    role = filters.ChoiceFilter(choices=StaffRole.choices, label="身份")
    active = StrictBooleanFilter(label="是否在岗")

    class Meta:
        model = StaffMember
        fields = ["unit", "role", "active"]


class QuotaFilter(filters.FilterSet):
    desk = WholeNumberFilter(field_name="desk", label="下达科室编号")
    unit = WholeNumberFilter(field_name="unit", label="单位编号")
    unit_class = WholeNumberFilter(field_name="unit_class", label="单位类别编号")

    class Meta:
        model = Quota
        fields = ["desk", "unit", "unit_class"]


class CalendarDayFilter(filters.FilterSet):
    year = WholeNumberFilter(field_name="date", lookup_expr="year", label="年份", max_value=9999)

    class Meta:
        model = CalendarDay
        fields = ["year"]
