"""API views of the reporting network: parse the request, call the service, render.

Every queryset starts from ``xinxi.network.permissions``, so a row the user may not
see answers 404 exactly like a missing one. Writes go through ``xinxi.network.services``;
a service's refusal for lack of rights (``ServiceError`` with code ``forbidden``) on a
visible row becomes 403, its other refusals 400 and stale versions 409
(``xinxi.lib.api.exception_handler``).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinxi.lib.api_views import ServiceViewSet, acting_user, documented
from xinxi.network import calendar, permissions, services
from xinxi.network.api.filters import CalendarDayFilter, DeskFilter, PointFilter, QuotaFilter, StaffFilter, UnitFilter
from xinxi.network.api.serializers import (
    CalendarDaySerializer,
    DeskSerializer,
    DeskSettingsSerializer,
    PointAdmitSerializer,
    PointRevokeSerializer,
    PointSerializer,
    QuotaSerializer,
    StaffCreateSerializer,
    StaffSerializer,
    StaffUpdateSerializer,
    UnitCreateSerializer,
    UnitDeactivateSerializer,
    UnitMoveSerializer,
    UnitSerializer,
    UnitUpdateSerializer,
    WorkingDaysQuerySerializer,
    WorkingDaysSerializer,
)
from xinxi.network.models import CalendarDay, Desk, DirectPoint, Quota, StaffMember, Unit

M = TypeVar("M", bound=Model)

# --- units ---


def _unit_fields(unit: Unit) -> dict[str, Any]:
    return {
        "name": unit.name, "kind": unit.kind, "level": unit.level, "region_code": unit.region_code,
        "unit_class": unit.unit_class, "sort_order": unit.sort_order,
    }


@extend_schema_view(
    list=extend_schema(summary="可见的单位", responses=documented({200: UnitSerializer(many=True)}, 400)),
    retrieve=extend_schema(summary="单位详情", responses=documented({200: UnitSerializer}, 404)),
)
class UnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet[Unit]):
    serializer_class = UnitSerializer
    filterset_class = UnitFilter

    def get_queryset(self) -> QuerySet[Unit]:
        return permissions.visible_units(self.request.user).select_related("unit_class", "desk")

    @extend_schema(summary="新建单位", request=UnitCreateSerializer,
                   responses=documented({201: UnitSerializer}, 400))
    def create(self, request: Request) -> Response:
        data = self.parse(UnitCreateSerializer)
        unit = services.unit_create(
            actor=acting_user(request), parent=data["parent"], **services.unit_fields_from(data)
        )
        return Response(UnitSerializer(unit).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="修改单位（全部字段）", request=UnitUpdateSerializer,
                   responses=documented({200: UnitSerializer}, 400, 404, 409))
    def update(self, request: Request, pk: str | None = None) -> Response:
        return self._update(request, partial=False)

    @extend_schema(summary="修改单位（部分字段，version 必填）", request=UnitUpdateSerializer,
                   responses=documented({200: UnitSerializer}, 400, 404, 409))
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self._update(request, partial=True)

    def _update(self, request: Request, *, partial: bool) -> Response:
        unit = self.get_object()
        data = {**_unit_fields(unit), **self.parse(UnitUpdateSerializer, partial=partial)}
        services.unit_update(
            actor=acting_user(request), unit=unit, version=data["version"], **services.unit_fields_from(data)
        )
        return Response(UnitSerializer(unit).data)

    @extend_schema(summary="移动单位（连同下级）", request=UnitMoveSerializer,
                   responses=documented({200: UnitSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        unit = self.get_object()
        data = self.parse(UnitMoveSerializer)
        services.unit_move(actor=acting_user(request), unit=unit, new_parent=data["parent"], version=data["version"])
        return Response(UnitSerializer(unit).data)

    @extend_schema(summary="停用单位", request=UnitDeactivateSerializer,
                   responses=documented({200: UnitSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str | None = None) -> Response:
        unit = self.get_object()
        data = self.parse(UnitDeactivateSerializer)
        services.unit_deactivate(actor=acting_user(request), unit=unit, reason=data["reason"], version=data["version"])
        return Response(UnitSerializer(unit).data)

    @extend_schema(summary="重新启用单位", request=None, responses=documented({200: UnitSerializer}, 400, 404))
    @action(detail=True, methods=["post"])
    def reactivate(self, request: Request, pk: str | None = None) -> Response:
        unit = self.get_object()
        services.unit_reactivate(actor=acting_user(request), unit=unit)
        return Response(UnitSerializer(unit).data)


# --- desks ---


@extend_schema_view(
    list=extend_schema(summary="可见的信息科室", responses=documented({200: DeskSerializer(many=True)}, 400)),
    retrieve=extend_schema(summary="信息科室详情", responses=documented({200: DeskSerializer}, 404)),
)
class DeskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet[Desk]):
    serializer_class = DeskSerializer
    filterset_class = DeskFilter

    def get_queryset(self) -> QuerySet[Desk]:
        return permissions.visible_desks(self.request.user).select_related("unit")

    @extend_schema(summary="修改科室设置（名称、紧急信息时限、督办期限与提醒）", request=DeskSettingsSerializer,
                   responses=documented({200: DeskSerializer}, 400, 404))
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        desk = self.get_object()
        current = {
            "name": desk.name,
            "urgent_phone_limit_minutes": desk.urgent_phone_limit_minutes,
            "urgent_written_limit_minutes": desk.urgent_written_limit_minutes,
        }
        data = {**current, **self.parse(DeskSettingsSerializer, partial=True)}
        services.desk_update_settings(actor=acting_user(request), desk=desk, **data)
        return Response(DeskSerializer(desk).data)


# --- direct points ---


@extend_schema_view(
    list=extend_schema(summary="可见的直报点（含已撤销）",
                       responses=documented({200: PointSerializer(many=True)}, 400)),
    retrieve=extend_schema(summary="直报点详情", responses=documented({200: PointSerializer}, 404)),
)
class PointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet[DirectPoint]):
    serializer_class = PointSerializer
    filterset_class = PointFilter

    def get_queryset(self) -> QuerySet[DirectPoint]:
        return permissions.visible_points(self.request.user).select_related(
            "unit", "desk", "admitted_by", "revoked_by"
        )

    @extend_schema(summary="确定直报点", request=PointAdmitSerializer,
                   responses=documented({201: PointSerializer}, 400))
    def create(self, request: Request) -> Response:
        data = self.parse(PointAdmitSerializer)
        point = services.point_admit(
            actor=acting_user(request), unit=data["unit"], desk=data["desk"],
            admitted_on=data["admitted_on"], reason=data["reason"],
        )
        return Response(PointSerializer(point).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="撤销直报点", request=PointRevokeSerializer,
                   responses=documented({200: PointSerializer}, 400, 404))
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        point = self.get_object()
        data = self.parse(PointRevokeSerializer)
        services.point_revoke(
            actor=acting_user(request), point=point, revoked_on=data["revoked_on"], reason=data["reason"]
        )
        return Response(PointSerializer(point).data)


# --- staff roster ---


@extend_schema_view(
    list=extend_schema(summary="可见单位的信息工作人员", responses=documented({200: StaffSerializer(many=True)}, 400)),
    retrieve=extend_schema(summary="信息工作人员详情", responses=documented({200: StaffSerializer}, 404)),
)
class StaffViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet[StaffMember]):
    serializer_class = StaffSerializer
    filterset_class = StaffFilter

    def get_queryset(self) -> QuerySet[StaffMember]:
        return (
            permissions.visible_staff(self.request.user)
            .select_related("unit")
            .order_by("unit__path", "role", "name", "pk")
        )

    @extend_schema(summary="添加信息工作人员", request=StaffCreateSerializer,
                   responses=documented({201: StaffSerializer}, 400))
    def create(self, request: Request) -> Response:
        data = self.parse(StaffCreateSerializer)
        member = services.staff_add(
            actor=acting_user(request), unit=data["unit"], name=data["name"], role=data["role"],
            title=data["title"], phone=data["phone"], mobile=data["mobile"],
        )
        return Response(StaffSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="修改信息工作人员（全部字段）", request=StaffUpdateSerializer,
                   responses=documented({200: StaffSerializer}, 400, 404))
    def update(self, request: Request, pk: str | None = None) -> Response:
        return self._update(request, partial=False)

    @extend_schema(summary="修改信息工作人员（部分字段）", request=StaffUpdateSerializer,
                   responses=documented({200: StaffSerializer}, 400, 404))
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self._update(request, partial=True)

    def _update(self, request: Request, *, partial: bool) -> Response:
        member = self.get_object()
        current = {k: getattr(member, k) for k in ("name", "role", "title", "phone", "mobile", "active")}
        data = {**current, **self.parse(StaffUpdateSerializer, partial=partial)}
        services.staff_update(actor=acting_user(request), member=member, **data)
        return Response(StaffSerializer(member).data)

    @extend_schema(summary="移除信息工作人员", responses=documented({204: None}, 404))
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.staff_remove(actor=acting_user(request), member=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- quotas and the calendar ---


@extend_schema_view(
    list=extend_schema(summary="可见的报送频次", description="可见科室下达给可见单位或某类单位的报送频次。",
                       responses=documented({200: QuotaSerializer(many=True)}, 400)),
    retrieve=extend_schema(summary="报送频次详情", responses=documented({200: QuotaSerializer}, 404)),
)
class QuotaViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet[Quota]):
    # Quotas of visible desks, for a visible unit or for a class of units.
    serializer_class = QuotaSerializer
    filterset_class = QuotaFilter

    def get_queryset(self) -> QuerySet[Quota]:
        units = permissions.visible_units(self.request.user)
        return (
            Quota.objects.filter(desk__unit__in=units)
            .filter(Q(unit__in=units) | Q(unit__isnull=True))
            .select_related("desk", "unit", "unit_class")
            .order_by("desk__unit__path", "-valid_from", "pk")
        )


@extend_schema_view(
    list=extend_schema(summary="管理员录入的节假日与调休",
                       responses=documented({200: CalendarDaySerializer(many=True)}, 400)),
)
class CalendarDayViewSet(mixins.ListModelMixin, ServiceViewSet[CalendarDay]):
    serializer_class = CalendarDaySerializer
    filterset_class = CalendarDayFilter
    queryset = CalendarDay.objects.all()


class WorkingDaysView(APIView):
    """Official working days between two dates; a year without calendar data is a 400."""

    @extend_schema(summary="工作日",
                   description="两个日期之间（含两端）的法定工作日；尚未维护节假日安排的年份返回 400。",
                   parameters=[WorkingDaysQuerySerializer],
                   responses=documented({200: WorkingDaysSerializer}, 400))
    def get(self, request: Request) -> Response:
        query = WorkingDaysQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["start"], query.validated_data["end"]
        days = calendar.working_days(start, end)
        return Response(WorkingDaysSerializer({"start": start, "end": end, "count": len(days), "days": days}).data)
