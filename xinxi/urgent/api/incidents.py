"""API of urgent information: incidents, their phone and written reports, the board, the settings.

``ROUTES`` are registered on the API router, ``PATHS`` added under /api/v1/ (through
``urgent/api/routes.py``):

- ``/api/v1/incidents/`` (list, retrieve, create) and its actions ``correct``, ``add-unit``,
  ``phone-reports``, ``reports``: every queryset starts from
  ``urgent.permissions.visible_incidents``, so another unit's incident, one that never
  reached the user's desk, or one above the user's clearance answers 404 exactly like a
  missing one and is absent from lists and counts. Writes call ``urgent.services``; a
  service's refusal for lack of rights on a visible incident is 403, its other refusals
  409 with the Chinese message (a stale ``version`` too).
- ``/api/v1/phone-reports/`` (create): a call that opens a new incident.
- ``/api/v1/urgent-board/`` and ``/api/v1/urgent-settings/``: ``api/board.py``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from xinxi.accounts.models import User
from xinxi.lib.api_views import ServiceViewSet, acting_user, documented
from xinxi.lib.errors import ServiceError
from xinxi.urgent import clocks, permissions, services
from xinxi.urgent.api import board
from xinxi.urgent.api.serializers_incidents import (
    SUBTYPE_HELP,
    IncidentAddUnitSerializer,
    IncidentCorrectSerializer,
    IncidentCreateSerializer,
    IncidentDetailSerializer,
    IncidentReportCreateSerializer,
    IncidentReportSerializer,
    IncidentSerializer,
    NewIncidentPhoneSerializer,
    PhoneReportFieldsSerializer,
    PhoneReportSerializer,
)
from xinxi.urgent.models import (
    SUBTYPE_CHOICES,
    Deadline,
    Incident,
    IncidentClass,
    IncidentEvent,
    IncidentReport,
    IncidentState,
    IncidentUnit,
    PhoneReport,
    Severity,
)

IDEMPOTENCY_KEY_MAX = 80
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "maxLength": IDEMPOTENCY_KEY_MAX},
    OpenApiParameter.HEADER,
    required=False,
    description="幂等键（最长 80 个字符）：网络中断后用同一个键重试，返回首次填报的同一份报告，不会重复填报。",
)
VERSION_409 = "version 过期（他人已更正）时返回 409，什么也不改变。"


class IncidentFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=IncidentState.choices, label="状态：open 处置中；closed 已终报")
    severity = filters.ChoiceFilter(choices=Severity.choices, label="事件分级：1 特别重大；2 重大；3 较大；4 一般")
    incident_class = filters.ChoiceFilter(
        choices=IncidentClass.choices, label="事件类别：natural 自然灾害；accident 事故灾难；health 公共卫生事件；"
        "social 社会安全事件"
    )
    subtype = filters.ChoiceFilter(choices=SUBTYPE_CHOICES, label=SUBTYPE_HELP)
    occurred_from = filters.DateFilter(
        field_name="occurred_at", lookup_expr="date__gte", label="发生日期自（含，北京时间），YYYY-MM-DD"
    )
    occurred_to = filters.DateFilter(
        field_name="occurred_at", lookup_expr="date__lte", label="发生日期至（含，北京时间），YYYY-MM-DD"
    )

    class Meta:
        model = Incident
        fields = ["state", "severity", "incident_class", "subtype", "occurred_from", "occurred_to"]


def _idempotency_key(request: Request) -> str | None:
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise ValidationError({"Idempotency-Key": [f"幂等键不能超过 {IDEMPOTENCY_KEY_MAX} 个字符。"]})
    return key or None


def _recording_desk(user: User) -> Any:
    """The desk the user records at; 403 for anyone who records nowhere (before reading the body)."""
    desk = permissions.desk_of(user)
    if desk is None or not permissions.can_record(user, desk):
        raise PermissionDenied("只有信息科室的值班员、编辑和科长可以登记。")
    return desk


def allowed_actions(user: User, incident: Incident) -> list[str]:
    """What the user may do with the incident now (the services' own checks, asked in advance)."""
    actions: list[str] = []
    desk = permissions.acting_desk(user, incident)
    if desk is not None and permissions.can_record(user, desk):
        actions += ["correct", "add_unit"]
        if incident.state == IncidentState.OPEN:
            actions.append("phone_report")
    if incident.state == IncidentState.OPEN and permissions.can_file_report(user, incident):
        actions.append("report")
    return actions


def detail_context(user: User, incident: Incident) -> dict[str, Any]:
    """What of the incident's clocks and reports the user sees: the desk's staff every clock and
    the reports that went out; a unit its own clocks, reports (drafts waiting for sign-off
    included) and phone calls."""
    at_desk = permissions.acting_desk(user, incident) is not None
    deadlines = Deadline.objects.filter(incident=incident, cancelled=False).select_related(
        "unit", "desk", "met_by_report"
    )
    reports = IncidentReport.objects.filter(incident=incident).select_related(
        "unit", "item", "filed_by", "signed_off_by"
    )
    own_unit = Q(unit_id=user.unit_id) if user.unit_id is not None and user.has_role(*permissions.UNIT_ROLES) else Q(
        pk__in=[]
    )
    if at_desk:
        reports = reports.filter(Q(submitted_at__isnull=False) | own_unit)
    else:
        deadlines = deadlines.filter(own_unit)
        reports = reports.filter(own_unit)
    desk = permissions.desk_of(user) or incident.desk
    return {
        "user": user,
        "deadlines": list(deadlines.order_by("due_at", "id")),
        "reports": list(reports.order_by("unit__name", "unit_id", "filed_at", "id")),
        "allowed_actions": allowed_actions(user, incident),
        "amber_minutes": amber_minutes(desk),
    }


def amber_minutes(desk: Any) -> int:
    """A clock turns amber at the desk's earliest warning (30 minutes when it has none)."""
    try:
        warnings = clocks.parse_minutes(clocks.settings_of(desk).warn_before)
    except ServiceError:  # a setting edited in the admin that the parser refuses: the default
        warnings = []
    return warnings[0] if warnings else 30


@extend_schema_view(
    list=extend_schema(
        summary="可见的突发事件",
        description="信息科室人员：已到达本科室的事件（本科室登记、下级报来或转报来的）；报送单位的信息员、签发人："
        "本单位须报告的事件。高于本人涉密等级的不列出、不计数。按发生时间从新到旧。",
        responses=documented({200: IncidentSerializer(many=True)}, 400),
    ),
)
class IncidentViewSet(mixins.ListModelMixin, ServiceViewSet[Incident]):
    filterset_class = IncidentFilter

    def get_queryset(self) -> QuerySet[Incident]:
        rows = permissions.visible_incidents(self.request.user).select_related("desk", "recorded_by")
        if self.action == "list":
            return rows
        user = self.request.user
        phones = PhoneReport.objects.select_related("unit", "desk", "recorded_by")
        if permissions.desk_of(user) is None:  # a unit: its own calls
            unit_id = getattr(user, "unit_id", None)
            phones = phones.filter(unit_id=unit_id) if unit_id is not None else phones.none()
        return rows.prefetch_related(
            Prefetch("unit_rows", queryset=IncidentUnit.objects.select_related("unit").order_by("unit__name", "pk")),
            Prefetch("desk_rows", queryset=_desk_rows()),
            Prefetch("phone_reports", queryset=phones),
            Prefetch("events", queryset=IncidentEvent.objects.select_related("actor")),
        )

    def get_serializer_class(self) -> type[IncidentSerializer]:
        return IncidentSerializer if self.action == "list" else IncidentDetailSerializer

    def _render(self, incident: Incident, code: int = status.HTTP_200_OK) -> Response:
        user = acting_user(self.request)
        context = detail_context(user, incident)
        return Response(IncidentDetailSerializer(incident, context=context).data, status=code)

    def _detail(self, incident: Incident, code: int = status.HTTP_200_OK) -> Response:
        return self._render(self.get_queryset().get(pk=incident.pk), code)

    @extend_schema(
        summary="事件详情：事实、责任单位、各报告时限、书面和电话报告、事件记录",
        description="时限带截止时间、报告时间、是否超时、剩余秒数和颜色；科室人员看全部时限和已报送的报告，"
        "报送单位只看本单位的时限、报告（含待签发的终报）和电话报告。秘密及以上的事件每次读取都记入审计日志。",
        responses=documented({200: IncidentDetailSerializer}, 404),
    )
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        incident = permissions.get_incident(acting_user(request), pk, what="api")
        return self._detail(incident)

    @extend_schema(
        summary="登记突发事件（值班员、编辑、科长）",
        description="在本人所在信息科室登记；各报告时限从发生时间起算，按各级科室的时限表存为时限。"
        "发生时间晚于现在、事件类型与类别不符、责任单位不在本科室信息网络内、密级高于本人涉密等级时为 409。",
        request=IncidentCreateSerializer,
        responses=documented({201: IncidentDetailSerializer}, 400),
    )
    def create(self, request: Request) -> Response:
        user = acting_user(request)
        desk = _recording_desk(user)
        data = self.parse(IncidentCreateSerializer)
        units = list(dict.fromkeys(data.pop("units")))
        incident = services.incident_record(actor=user, desk=desk, units=units, **data)
        return self._detail(incident, status.HTTP_201_CREATED)

    @extend_schema(
        summary="更正分级或发生时间（值班员、编辑、科长）",
        description="各时限按更正后的分级和发生时间重算，事件记录中留下更正前后和理由。" + VERSION_409,
        request=IncidentCorrectSerializer,
        responses=documented({200: IncidentDetailSerializer}, 400, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        data = self.parse(IncidentCorrectSerializer)
        services.incident_correct(
            actor=acting_user(request), incident=incident, version=data["version"], reason=data["reason"],
            severity=data.get("severity"), occurred_at=data.get("occurred_at"),
        )
        return self._detail(incident)

    @extend_schema(
        summary="增加责任单位（值班员、编辑、科长）",
        description="新单位的时限同样从发生时间起算。已是责任单位、不在本科室信息网络内时为 409。",
        request=IncidentAddUnitSerializer,
        responses=documented({200: IncidentDetailSerializer}, 400, 404, 409),
    )
    @action(detail=True, methods=["post"], url_path="add-unit")
    def add_unit(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        data = self.parse(IncidentAddUnitSerializer)
        services.incident_add_unit(actor=acting_user(request), incident=incident, unit=data["unit"])
        return self._detail(incident)

    @extend_schema(
        summary="登记电话报告（值班员、编辑、科长）",
        description="记录来电人、接报时间和内容；来电单位对本科室的电话报告时限以接报时间满足。"
        "来电单位尚不是责任单位时成为责任单位。事件已终报、接报时间晚于现在或早于发生时间时为 409。",
        request=PhoneReportFieldsSerializer,
        responses=documented({201: PhoneReportSerializer}, 400, 404, 409),
    )
    @action(detail=True, methods=["post"], url_path="phone-reports", pagination_class=None, filter_backends=[])
    def phone_reports(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        data = self.parse(PhoneReportFieldsSerializer)
        user = acting_user(request)
        phone = services.phone_report_record(actor=user, desk=_recording_desk(user), incident=incident, **data)
        return Response(PhoneReportSerializer(_phone(phone)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="填报书面报告：预报、首报、续报、终报（责任单位的信息员、签发人）",
        description="生成一条紧急类信息并随即报送（特急，各级收件箱置顶）。续报自动编号，不重置任何时限；"
        "没有首报不能续报或终报；终报须经本单位签发人签发：信息员填报的终报等待签发（submitted 为 false），"
        "签发人填报的随即报送。用同一幂等键重试时返回首次的同一份报告，状态码同为 201。",
        parameters=[IDEMPOTENCY_HEADER],
        request=IncidentReportCreateSerializer,
        responses=documented({201: IncidentReportSerializer}, 400, 404, 409),
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def reports(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        data = self.parse(IncidentReportCreateSerializer)
        user = acting_user(request)
        key = _idempotency_key(request)
        report = services.report_file(
            actor=user, incident=incident, kind=data["kind"], title=data["title"], body=data["body"],
            classification=data.get("classification"), idempotency_key=key,
        )
        if report.incident_id != incident.pk:
            # The service answered a retry of a report on another incident: nothing was filed.
            raise ServiceError({"Idempotency-Key": ["这个幂等键已用于另一事件的报告，每次填报请使用新的键。"]})
        fresh = IncidentReport.objects.select_related("unit", "item", "filed_by", "signed_off_by").get(pk=report.pk)
        return Response(IncidentReportSerializer(fresh, context={"user": user}).data, status=status.HTTP_201_CREATED)


def _desk_rows() -> QuerySet[Any]:
    from xinxi.urgent.models import IncidentDesk

    return IncidentDesk.objects.select_related("desk").order_by("reached_at", "pk")


def _phone(phone: PhoneReport) -> PhoneReport:
    return PhoneReport.objects.select_related("unit", "desk", "recorded_by").get(pk=phone.pk)


class PhoneReportViewSet(ServiceViewSet[PhoneReport]):
    """POST /api/v1/phone-reports/: a call about an incident not yet recorded."""

    serializer_class = PhoneReportSerializer

    def get_queryset(self) -> QuerySet[PhoneReport]:
        incidents = permissions.visible_incidents(self.request.user)
        return PhoneReport.objects.filter(Exists(incidents.filter(pk=OuterRef("incident_id"))))

    @extend_schema(
        summary="登记电话报告并新建事件（值班员、编辑、科长）",
        description="来电报告了一起尚未登记的事件：同时登记事件（来电单位为责任单位，获知渠道默认电话报告）和电话报告，"
        "电话报告时限以接报时间满足。已登记的事件用 /api/v1/incidents/{id}/phone-reports/。",
        request=NewIncidentPhoneSerializer,
        responses=documented({201: PhoneReportSerializer}, 400, 409),
    )
    def create(self, request: Request) -> Response:
        user = acting_user(request)
        desk = _recording_desk(user)
        data = self.parse(NewIncidentPhoneSerializer)
        facts = dict(data.pop("incident"))
        phone = services.phone_report_record(actor=user, desk=desk, new_incident=facts, **data)
        return Response(PhoneReportSerializer(_phone(phone)).data, status=status.HTTP_201_CREATED)


ROUTES: list[tuple[str, Any, str]] = [
    ("incidents", IncidentViewSet, "incident"),
    ("phone-reports", PhoneReportViewSet, "phone-report"),
]
PATHS = board.PATHS
