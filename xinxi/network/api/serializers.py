"""Serializers of the network API.

Output serializers render rows; input serializers only parse types. Business rules
(names, region codes, levels, who may do what) stay in ``xinxi.network.services`` so
the pages and the API refuse the same things with the same Chinese messages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model, QuerySet
from rest_framework import serializers

from xinxi.lib.api_filters import QuerySerializer
from xinxi.network import permissions
from xinxi.network.models import (
    CalendarDay,
    Desk,
    DirectPoint,
    Level,
    Quota,
    StaffMember,
    StaffRole,
    Unit,
    UnitClass,
    UnitKind,
)

MAX_INT = 2**31 - 1  # PostgreSQL integer columns


class VisibleRelatedField(serializers.PrimaryKeyRelatedField[Model]):
    """An id resolved among the rows the requesting user may see.

    A row the user cannot see is refused with the same message as a missing one, so
    ids leak nothing. ``queryset`` names the model (for the schema); ``visible`` is
    the permission function that narrows it per request.
    """

    def __init__(self, *, visible: Any, missing: str, **kwargs: Any) -> None:
        self.visible = visible
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("does_not_exist", missing)
        kwargs["error_messages"].setdefault("incorrect_type", "编号应为整数。")
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return self.visible(user)


def visible_unit_field(missing: str = "单位不存在。", **kwargs: Any) -> VisibleRelatedField:
    return VisibleRelatedField(
        queryset=Unit.objects.all(), visible=permissions.visible_units, missing=missing, **kwargs
    )


# --- units ---


class UnitSerializer(serializers.ModelSerializer[Unit]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    unit_class_name = serializers.CharField(source="unit_class.name", read_only=True, allow_null=True)
    desk = serializers.SerializerMethodField(help_text="本单位信息科室的编号（没有则为空）")
    has_desk = serializers.SerializerMethodField(help_text="是否设有信息科室（收稿台）")

    class Meta:
        model = Unit
        fields = [
            "id", "name", "kind", "kind_label", "level", "level_label", "region_code", "parent", "depth",
            "unit_class", "unit_class_name", "sort_order", "active", "deactivated_reason", "version",
            "desk", "has_desk",
        ]
        read_only_fields = fields

    def get_desk(self, unit: Unit) -> int | None:
        desk = getattr(unit, "desk", None)  # select_related("desk") in lists
        return desk.pk if desk is not None else None

    def get_has_desk(self, unit: Unit) -> bool:
        return getattr(unit, "desk", None) is not None


class UnitFieldsSerializer(serializers.Serializer[Unit]):
    # The editable fields of a unit; the service checks their content.

    name = serializers.CharField(allow_blank=True, help_text="单位名称（同一上级下不能重名）")
    kind = serializers.ChoiceField(choices=UnitKind.choices, help_text="单位类型")
    level = serializers.ChoiceField(choices=Level.choices, help_text="层级：1 省级，2 市级，3 县级，4 乡级")
    region_code = serializers.CharField(allow_blank=True, help_text="行政区划代码，6、9 或 12 位数字")
    unit_class = serializers.PrimaryKeyRelatedField(
        queryset=UnitClass.objects.all(), allow_null=True, default=None,
        error_messages={"does_not_exist": "单位类别不存在。", "incorrect_type": "编号应为整数。"},
    )
    sort_order = serializers.IntegerField(min_value=0, max_value=MAX_INT, default=0)


# A field named "parent" looks to mypy like it overrides Field.parent; DRF's metaclass pops
# declared fields off the class, so at run time it does not.
class UnitCreateSerializer(UnitFieldsSerializer):
    parent = visible_unit_field(  # type: ignore[assignment]
        "上级单位不存在。", allow_null=True, default=None, help_text="上级单位编号；为空表示顶层单位（仅系统管理员）"
    )


class UnitUpdateSerializer(UnitFieldsSerializer):
    version = serializers.IntegerField(min_value=1, max_value=MAX_INT,
                                       help_text="读取时的版本号；已被他人修改时返回 409")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "version" not in attrs:  # PATCH leaves every other field optional, never this one
            raise serializers.ValidationError({"version": ["请提供版本号（version），以免覆盖他人的修改。"]})
        return attrs


class UnitMoveSerializer(serializers.Serializer[Unit]):
    parent = visible_unit_field(  # type: ignore[assignment]
        "上级单位不存在。", allow_null=True, help_text="新的上级单位编号；为空表示移到顶层（仅系统管理员）"
    )
    version = serializers.IntegerField(min_value=1, max_value=MAX_INT)


class UnitDeactivateSerializer(serializers.Serializer[Unit]):
    reason = serializers.CharField(allow_blank=True, max_length=200, help_text="停用原因")
    version = serializers.IntegerField(min_value=1, max_value=MAX_INT)


# --- desks ---


class DeskSerializer(serializers.ModelSerializer[Desk]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Desk
        fields = ["id", "unit", "unit_name", "name", "active", "urgent_phone_limit_minutes",
                  "urgent_written_limit_minutes", "supervision_due_days", "supervision_remind_days",
                  "supervision_repeat_days"]
        read_only_fields = fields


class DeskSettingsSerializer(serializers.Serializer[Desk]):
    name = serializers.CharField(allow_blank=True)
    urgent_phone_limit_minutes = serializers.IntegerField(help_text="紧急信息电话报告时限（分钟）")
    urgent_written_limit_minutes = serializers.IntegerField(help_text="紧急信息书面报告时限（分钟）")
    supervision_due_days = serializers.IntegerField(required=False, help_text="督办默认办理期限（天）")
    supervision_remind_days = serializers.IntegerField(required=False, help_text="督办到期前提醒天数（0 为当天）")
    supervision_repeat_days = serializers.IntegerField(required=False, help_text="督办逾期后再次提醒间隔（天）")


# --- direct points ---


class PointSerializer(serializers.ModelSerializer[DirectPoint]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    desk_name = serializers.CharField(source="desk.name", read_only=True)
    desk_unit = serializers.IntegerField(source="desk.unit_id", read_only=True)
    admitted_by_name = serializers.SerializerMethodField()
    revoked_by_name = serializers.SerializerMethodField()
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = DirectPoint
        fields = ["id", "unit", "unit_name", "desk", "desk_name", "desk_unit", "active", "admitted_on",
                  "admitted_reason", "admitted_by_name", "revoked_on", "revoked_reason", "revoked_by_name"]
        read_only_fields = fields

    def get_admitted_by_name(self, point: DirectPoint) -> str:
        return str(point.admitted_by)

    def get_revoked_by_name(self, point: DirectPoint) -> str | None:
        return str(point.revoked_by) if point.revoked_by is not None else None


class PointAdmitSerializer(serializers.Serializer[DirectPoint]):
    unit = visible_unit_field(help_text="成为直报点的单位编号")
    desk = VisibleRelatedField(queryset=Desk.objects.all(), visible=permissions.visible_desks,
                               missing="信息科室不存在。", help_text="直报至的信息科室编号")
    admitted_on = serializers.DateField(help_text="确定日期")
    reason = serializers.CharField(allow_blank=True, max_length=300, help_text="确定理由")


class PointRevokeSerializer(serializers.Serializer[DirectPoint]):
    revoked_on = serializers.DateField(help_text="撤销日期")
    reason = serializers.CharField(allow_blank=True, max_length=300, help_text="撤销理由")


# --- staff roster ---


class StaffSerializer(serializers.ModelSerializer[StaffMember]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = StaffMember
        fields = ["id", "unit", "unit_name", "name", "role", "role_label", "title", "phone", "mobile", "active",
                  "user"]
        read_only_fields = fields


class StaffFieldsSerializer(serializers.Serializer[StaffMember]):
    name = serializers.CharField(allow_blank=True, help_text="姓名")
    role = serializers.ChoiceField(choices=StaffRole.choices, help_text="身份")
    title = serializers.CharField(allow_blank=True, max_length=50, default="", help_text="职务")
    phone = serializers.CharField(allow_blank=True, max_length=30, default="", help_text="办公电话")
    mobile = serializers.CharField(allow_blank=True, max_length=20, default="", help_text="手机")


class StaffCreateSerializer(StaffFieldsSerializer):
    unit = visible_unit_field(help_text="所在单位编号")


class StaffUpdateSerializer(StaffFieldsSerializer):
    active = serializers.BooleanField(help_text="是否在岗")


# --- quotas and the calendar ---


class QuotaSerializer(serializers.ModelSerializer[Quota]):
    desk_name = serializers.CharField(source="desk.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True)
    unit_class_name = serializers.CharField(source="unit_class.name", read_only=True, allow_null=True)
    frequency_label = serializers.CharField(source="get_frequency_display", read_only=True)
    description = serializers.CharField(source="describe", read_only=True, help_text="如“每周 2 条，每季度调研 1 篇”")

    class Meta:
        model = Quota
        fields = ["id", "desk", "desk_name", "unit", "unit_name", "unit_class", "unit_class_name", "frequency",
                  "frequency_label", "count", "research_per_quarter", "valid_from", "valid_to", "note",
                  "description"]
        read_only_fields = fields


class CalendarDaySerializer(serializers.ModelSerializer[CalendarDay]):
    # A plain string, not an enum: two enums named "kind" collide in the schema without
    # an ENUM_NAME_OVERRIDES entry in settings.
    kind = serializers.CharField(read_only=True, help_text="holiday 放假；workday 调休上班")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = CalendarDay
        fields = ["id", "date", "kind", "kind_label", "name"]
        read_only_fields = fields


MAX_RANGE_DAYS = 366


class WorkingDaysQuerySerializer(QuerySerializer):
    start = serializers.DateField(
        help_text="开始日期（含），YYYY-MM-DD",
        error_messages={"required": "请提供开始日期 start（YYYY-MM-DD）。",
                        "invalid": "开始日期格式应为 YYYY-MM-DD。"},
    )
    end = serializers.DateField(
        help_text="结束日期（含），YYYY-MM-DD；与开始日期相隔不超过 366 天",
        error_messages={"required": "请提供结束日期 end（YYYY-MM-DD）。",
                        "invalid": "结束日期格式应为 YYYY-MM-DD。"},
    )

    def validate(self, attrs: dict[str, dt.date]) -> dict[str, dt.date]:
        start, end = attrs["start"], attrs["end"]
        if end < start:
            raise serializers.ValidationError({"end": ["结束日期不能早于开始日期。"]}, code="rule")
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            raise serializers.ValidationError({"end": [f"日期范围不能超过 {MAX_RANGE_DAYS} 天。"]}, code="rule")
        return attrs


class WorkingDaysSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField()
    count = serializers.IntegerField(help_text="工作日天数")
    days = serializers.ListField(child=serializers.DateField(), help_text="每个工作日")
