"""API of the duty board (值班) and of the desk's urgent-information settings.

- ``GET /api/v1/urgent-board/``: the open incidents of the user's desk, most urgent first,
  each with its clocks (due, met, remaining seconds, colour), the next follow-up due and
  who has and has not reported. For the desk's staff; anyone else 403.
- ``GET/PUT /api/v1/urgent-settings/``: the desk's limit table (``ClockLimit``) and
  ``UrgentSettings``. The desk's staff read their own desk's; its chief and administrators
  change it (``services_settings.settings_update``); an administrator names the desk with
  ``?desk=``. Another desk is 404 like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, Min, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinxi.lib.api_filters import QuerySerializer
from xinxi.lib.api_views import acting_user, documented, json_type_errors
from xinxi.lib.errors import ServiceError
from xinxi.network.api.filters import MAX_ID
from xinxi.network.models import Desk
from xinxi.urgent import clocks, permissions, services_settings
from xinxi.urgent.api.serializers_incidents import (
    UrgentBoardSerializer,
    UrgentSettingsFieldsSerializer,
    UrgentSettingsSerializer,
)
from xinxi.urgent.models import Channel, ClockLimit, Deadline, IncidentDesk, IncidentReport, IncidentState, Severity

BOARD_MAX = 200


class _ServiceView(APIView):
    """A service's ``forbidden`` on a visible object is 403 (as ``ServiceViewSet``); JSON types held."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ServiceError) and getattr(exc, "code", None) == "forbidden":
            exc = PermissionDenied(exc.messages[0])
        return super().handle_exception(exc)

    def parse(self, serializer_class: type[serializers.Serializer[Any]]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data, context={"request": self.request, "view": self})
        if isinstance(self.request.data, dict) and not hasattr(self.request.data, "getlist"):  # a JSON body
            errors = json_type_errors(serializer, self.request.data)
            if errors:
                raise ValidationError(errors)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


def _amber(desk: Desk) -> int:
    from xinxi.urgent.api.incidents import amber_minutes

    return amber_minutes(desk)


class BoardView(_ServiceView):
    """GET /api/v1/urgent-board/."""

    @extend_schema(
        summary="值班板：本科室处置中的事件和各报告时限",
        description="本人所在信息科室处置中的事件（不含高于本人涉密等级的），最紧迫的（最早未满足的截止时间）在前，"
        f"至多 {BOARD_MAX} 件。每件列出报本科室和本科室报上级的时限：截止时间、报告时间、剩余秒数、颜色；"
        "下一个待续报时限；应向本科室报告的单位谁已报告、谁未报告。信息科室人员以外为 403。",
        responses=documented({200: UrgentBoardSerializer}),
    )
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        desk = permissions.desk_of(user)
        if desk is None:
            raise PermissionDenied("值班板供信息科室人员查看。")
        now = timezone.now()
        deadlines = Deadline.objects.filter(Q(desk=desk) | Q(unit_id=desk.unit_id), cancelled=False).select_related(
            "unit", "desk", "met_by_report"
        )
        reports = IncidentReport.objects.filter(submitted_at__isnull=False).order_by("filed_at", "id")
        open_due = Q(deadlines__met_at__isnull=True, deadlines__cancelled=False)
        rows = (
            permissions.visible_incidents(user)
            .filter(Exists(IncidentDesk.objects.filter(incident=OuterRef("pk"), desk=desk)), state=IncidentState.OPEN)
            .select_related("desk")
            .annotate(next_due=Min("deadlines__due_at", filter=open_due))
            .order_by(F("next_due").asc(nulls_last=True), "-occurred_at", "-id")
            .prefetch_related(
                Prefetch("deadlines", queryset=deadlines.order_by("due_at", "id")),
                Prefetch("reports", queryset=reports),
            )
        )
        incidents = list(rows[: BOARD_MAX + 1])
        body = {
            "desk": desk.pk,
            "desk_name": desk.name,
            "now": now,
            "amber_minutes": _amber(desk),
            "incidents": incidents[:BOARD_MAX],
            "truncated": len(incidents) > BOARD_MAX,
        }
        context = {"desk": desk, "now": now, "amber_minutes": body["amber_minutes"], "user": user}
        return Response(UrgentBoardSerializer(body, context=context).data)


# --- settings ---


class SettingsQuerySerializer(QuerySerializer):
    desk = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False,
        help_text="科室编号：系统管理员用它选择科室；科室人员只能是本科室（省略即本科室）",
    )


def _desk(request: Request) -> Desk:
    user = acting_user(request)
    query = SettingsQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    wanted = query.validated_data.get("desk")
    own = permissions.desk_of(user)
    if user.is_admin:
        if wanted is None:
            if own is not None:
                return own
            raise ValidationError({"desk": ["请用 desk 参数指定科室。"]})
        return get_object_or_404(Desk.objects.select_related("unit"), pk=wanted)
    if own is None:
        raise PermissionDenied("紧急信息设置供信息科室人员查看。")
    if wanted is not None and wanted != own.pk:
        raise Http404  # another desk: like a missing one
    return own


def _settings_body(user: Any, desk: Desk) -> dict[str, Any]:
    row = clocks.settings_of(desk)
    limits = [
        {"severity": r.severity, "channel": r.channel, "minutes": r.minutes}
        for r in ClockLimit.objects.filter(desk=desk).order_by("severity", "channel")
    ]
    effective = []
    for severity in Severity.values:
        minutes = clocks.limits(desk, severity)
        effective += [{"severity": severity, "channel": channel, "minutes": minutes[channel]}
                      for channel in (Channel.PHONE, Channel.WRITTEN)]
    return {
        "desk": desk.pk,
        "desk_name": desk.name,
        "default_phone_minutes": desk.urgent_phone_limit_minutes,
        "default_written_minutes": desk.urgent_written_limit_minutes,
        "limits": limits,
        **{name: getattr(row, name) for name in services_settings.SETTING_FIELDS},
        "effective": effective,
        "can_edit": permissions.can_edit_settings(user, desk),
    }


class SettingsView(_ServiceView):
    """GET/PUT /api/v1/urgent-settings/."""

    @extend_schema(
        summary="紧急信息设置：时限表和提醒设置",
        description="本科室的时限表（按分级和报告方式，从发生时间起算的分钟数）、到时前提醒、超时升级、每日续报时点、"
        "接收的分级；effective 列出各分级实际适用的时限（时限表没有的用科室默认）。信息科室人员看本科室的，"
        "系统管理员用 desk 参数选择科室；其他科室为 404，不是科室人员为 403。",
        parameters=[SettingsQuerySerializer],
        responses=documented({200: UrgentSettingsSerializer}, 400, 404),
    )
    def get(self, request: Request) -> Response:
        desk = _desk(request)
        return Response(UrgentSettingsSerializer(_settings_body(acting_user(request), desk)).data)

    @extend_schema(
        summary="修改紧急信息设置（科长、系统管理员）",
        description="时限表整体替换（没有列出的分级用科室默认时限），提醒设置一并保存；已登记事件的时限不变，"
        "新登记和更正的事件按新表计算。提醒时间、续报时点写法不对、书面时限短于电话时限、同一行重复时为 409。",
        parameters=[SettingsQuerySerializer],
        request=UrgentSettingsFieldsSerializer,
        responses=documented({200: UrgentSettingsSerializer}, 400, 404, 409),
    )
    def put(self, request: Request) -> Response:
        desk = _desk(request)
        user = acting_user(request)
        if not permissions.can_edit_settings(user, desk):
            raise PermissionDenied("只有本科室科长或系统管理员可以修改紧急信息设置。")
        data = self.parse(UrgentSettingsFieldsSerializer)
        limits = [dict(row) for row in data.pop("limits")]
        services_settings.settings_update(actor=user, desk=desk, limits=limits, **data)
        return Response(UrgentSettingsSerializer(_settings_body(user, desk)).data)


PATHS: list[URLPattern] = [
    path("urgent-board/", BoardView.as_view(), name="urgent-board"),
    path("urgent-settings/", SettingsView.as_view(), name="urgent-settings"),
]
