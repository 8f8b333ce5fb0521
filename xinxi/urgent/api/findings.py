"""The findings API (迟报/漏报/瞒报/谎报) and the urgent-information statistics.

- ``/api/v1/urgent/findings/`` (list, retrieve, create = record a 漏报/瞒报/谎报), with
  ``{id}/confirm/``, ``{id}/dismiss/`` (the desk chief) and ``{id}/circular/`` (the
  一事一通报 DOCX of a confirmed finding). The same permission functions as the pages
  (``permissions_findings``): another desk's finding is 404; a persona who sees it but may
  not decide is 403; a state or rule refusal (already decided, stale version, no penalty
  line in the rule set) is 409 with its Chinese message.
- ``/api/v1/urgent/stats/``: the statistics per unit for a period (``stats.unit_stats``).
Evidence files are attached on the page (multipart); the API records the evidence text.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinxi.lib.api_views import AnyAccept, ServiceViewSet, acting_user, documented
from xinxi.lib.errors import ServiceError
from xinxi.network.api.filters import WholeNumberFilter
from xinxi.network.api.serializers import MAX_INT, VisibleRelatedField
from xinxi.network.models import Unit
from xinxi.scoring import figures
from xinxi.scoring.api.rankings import PERIOD_HELP, PERIOD_PATTERN, PeriodSerializer, custom_range
from xinxi.urgent import findings_documents as documents
from xinxi.urgent import permissions, stats
from xinxi.urgent import services_findings as services
from xinxi.urgent.models import Finding, FindingKind, FindingState, Incident
from xinxi.urgent.permissions_findings import is_desk_staff, visible_findings
from xinxi.urgent.views_findings import download, proposed_first

KIND_HELP = "late 迟报；missed 漏报；concealed 瞒报；false 谎报"
STATE_HELP = "proposed 待认定；confirmed 已认定；dismissed 不予认定"
DOCX_FILE = OpenApiResponse(OpenApiTypes.BINARY, "Word 文件（一事一通报，GB/T 9704 版式）。")


def _name(user: Any) -> str:
    return (getattr(user, "full_name", "") or user.username) if user is not None else ""


class FindingSerializer(serializers.ModelSerializer[Finding]):
    incident_title = serializers.CharField(source="incident.title", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    desk_name = serializers.CharField(source="desk.name", read_only=True)
    kind = serializers.CharField(read_only=True, help_text=KIND_HELP)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state = serializers.CharField(read_only=True, help_text=STATE_HELP)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    delay_minutes = serializers.IntegerField(read_only=True, allow_null=True,
                                             help_text="迟报时长（分钟）；认定时按报告时间重新核算；非迟报为 null")
    proposed_by_name = serializers.SerializerMethodField(help_text="提出人；空为系统按报告时限提出")
    decided_by_name = serializers.SerializerMethodField(help_text="认定人；未认定为空")

    class Meta:
        model = Finding
        fields = ["id", "incident", "incident_title", "unit", "unit_name", "desk", "desk_name", "kind", "kind_label",
                  "deadline", "delay_minutes", "person", "state", "state_label", "reason", "proposed_by",
                  "proposed_by_name", "proposed_at", "decided_by", "decided_by_name", "decided_at", "penalty",
                  "version"]
        read_only_fields = fields

    def get_proposed_by_name(self, finding: Finding) -> str:
        return _name(finding.proposed_by)

    def get_decided_by_name(self, finding: Finding) -> str:
        return _name(finding.decided_by)


class EvidenceFileSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    content_type = serializers.CharField(read_only=True)


class FindingDetailSerializer(FindingSerializer):
    evidence = serializers.CharField(read_only=True, help_text="事实和证据（时间、来源、链接）")
    points = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, allow_null=True,
                                      help_text="认定后记入计分台账的分值（扣分为负数）；未认定为 null")
    facts = serializers.SerializerMethodField(help_text="通报所列的基本情况：[[事项, 情况], …]")
    files = serializers.SerializerMethodField(help_text="证据文件（只对本科室人员给出）")
    actions = serializers.SerializerMethodField(help_text="本人现在可进行的操作：confirm、dismiss")

    class Meta(FindingSerializer.Meta):
        fields = [*FindingSerializer.Meta.fields, "evidence", "points", "facts", "files", "actions"]
        read_only_fields = fields

    def get_facts(self, finding: Finding) -> list[list[str]]:
        return [list(row) for row in documents.facts(finding).rows]

    def get_files(self, finding: Finding) -> list[dict[str, Any]]:
        if not is_desk_staff(self.context["user"], finding):
            return []
        return EvidenceFileSerializer(finding.attachments.all(), many=True).data  # type: ignore[return-value]

    def get_actions(self, finding: Finding) -> list[str]:
        user = self.context["user"]
        if finding.state == FindingState.PROPOSED and permissions.can_decide_findings(user, finding.desk):
            return ["confirm", "dismiss"]
        return []


class FindingRecordSerializer(serializers.Serializer[Finding]):
    incident = VisibleRelatedField(queryset=Incident.objects.all(), visible=permissions.visible_incidents,
                                   missing="事件不存在。", help_text="事件编号（须已报至本人所在科室）")
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(active=True), help_text="责任单位编号",
                                              error_messages={"does_not_exist": "单位不存在。",
                                                              "incorrect_type": "编号应为整数。"})
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in services.RECORDED_KINDS],
                                   help_text="missed 漏报；concealed 瞒报；false 谎报（迟报由系统提出）")
    evidence = serializers.CharField(max_length=services.EVIDENCE_MAX, help_text="事实和证据：时间、获知渠道、链接等")
    person = serializers.CharField(max_length=100, required=False, allow_blank=True, help_text="责任人")


class FindingDecideSerializer(serializers.Serializer[Finding]):
    version = serializers.IntegerField(min_value=1, max_value=MAX_INT, help_text="读取时的版本号（过期为 409）")
    reason = serializers.CharField(max_length=services.REASON_MAX, help_text="认定意见（必填）")


class FindingConfirmSerializer(FindingDecideSerializer):
    person = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                   help_text="责任人（给出时改写记录中的责任人）")


class FindingFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=FindingState.choices, label=STATE_HELP)
    kind = filters.ChoiceFilter(choices=FindingKind.choices, label=KIND_HELP)
    incident = WholeNumberFilter(field_name="incident", label="事件编号")
    unit = WholeNumberFilter(field_name="unit", label="责任单位编号")

    class Meta:
        model = Finding
        fields = ["state", "kind", "incident", "unit"]


@extend_schema_view(
    list=extend_schema(summary="紧急信息报告问题（迟报、漏报、瞒报、谎报）",
                       description="本科室的问题（各状态），以及本单位已认定或不予认定的问题；待认定的在前。",
                       responses=documented({200: FindingSerializer(many=True)}, 400)),
)
class FindingViewSet(mixins.ListModelMixin, ServiceViewSet[Finding]):
    serializer_class = FindingSerializer
    filterset_class = FindingFilter

    def get_queryset(self) -> QuerySet[Finding]:
        rows = visible_findings(self.request.user).select_related(
            "incident", "unit", "desk", "desk__unit", "deadline", "penalty", "proposed_by", "decided_by")
        return proposed_first(rows)  # type: ignore[no-any-return]

    def _render(self, finding: Finding, code: int = status.HTTP_200_OK) -> Response:
        user = acting_user(self.request)
        finding = self.get_queryset().get(pk=finding.pk)
        finding.points = documents.penalty_points(finding)  # type: ignore[attr-defined]
        return Response(FindingDetailSerializer(finding, context={"user": user}).data, status=code)

    @extend_schema(summary="问题详情", responses=documented({200: FindingDetailSerializer}, 404))
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return self._render(self.get_object())

    @extend_schema(summary="记录漏报、瞒报或谎报（本科室值班员、编辑、科长）",
                   description="记录后待科长认定；证据文件请在页面上传。",
                   request=FindingRecordSerializer, responses=documented({201: FindingDetailSerializer}, 400, 409))
    def create(self, request: Request) -> Response:
        data = self.parse(FindingRecordSerializer)
        finding = services.finding_record(actor=acting_user(request), incident=data["incident"], unit=data["unit"],
                                          kind=data["kind"], evidence=data["evidence"], person=data.get("person", ""))
        return self._render(finding, status.HTTP_201_CREATED)

    @extend_schema(summary="认定并扣分（科长）",
                   description="扣分按本科室计分办法记入计分台账；计分办法没有该事项的扣分条目、已认定、"
                   "版本过期时 409，什么也不改变。",
                   request=FindingConfirmSerializer,
                   responses=documented({200: FindingDetailSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        finding = self.get_object()
        data = self.parse(FindingConfirmSerializer)
        services.finding_confirm(actor=acting_user(request), finding=finding, version=data["version"],
                                 reason=data["reason"], person=data.get("person"))
        return self._render(finding)

    @extend_schema(summary="不予认定（科长）", request=FindingDecideSerializer,
                   responses=documented({200: FindingDetailSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str | None = None) -> Response:
        finding = self.get_object()
        data = self.parse(FindingDecideSerializer)
        services.finding_dismiss(actor=acting_user(request), finding=finding, version=data["version"],
                                 reason=data["reason"])
        return self._render(finding)

    @extend_schema(summary="下载一事一通报（DOCX）", description="只有已认定的问题有通报；其他为 409。",
                   responses={(200, documents.DOCX_TYPE): DOCX_FILE, **documented({}, 404, 409)})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None,
            content_negotiation_class=AnyAccept)
    def circular(self, request: Request, pk: str | None = None) -> HttpResponse:
        finding = self.get_object()
        if finding.state != FindingState.CONFIRMED:
            raise ServiceError("该问题尚未认定，没有通报。")
        return download(finding)


# --- statistics ---


class StatsQuerySerializer(serializers.Serializer[Any]):
    period = serializers.RegexField(PERIOD_PATTERN, required=False, max_length=7,
                                    help_text=PERIOD_HELP.replace("上一个月", "本月"))
    start = serializers.DateField(required=False, help_text="自定义统计期起始日期（含），YYYY-MM-DD")
    end = serializers.DateField(required=False, help_text="自定义统计期截止日期（含），YYYY-MM-DD；不给为今天")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            if attrs.get("period"):
                attrs["chosen"] = figures.parse_period(attrs["period"])
            elif attrs.get("start") or attrs.get("end"):
                attrs["chosen"] = custom_range(attrs.get("start"), attrs.get("end"))
            else:
                attrs["chosen"] = figures.parse_period(f"{timezone.localdate():%Y-%m}")
        except figures.PeriodError as exc:
            raise serializers.ValidationError({exc.param: [exc.message]}, code="invalid") from None
        return attrs


class StatsRowSerializer(serializers.Serializer[Any]):
    unit_id = serializers.IntegerField(read_only=True, help_text="单位编号（合计行为 0）")
    unit = serializers.CharField(read_only=True, help_text="单位名称")
    incidents = serializers.IntegerField(read_only=True, help_text="事件数")
    on_time = serializers.IntegerField(read_only=True, help_text="按时报告（电话、书面时限逐项计）")
    late = serializers.IntegerField(read_only=True, help_text="迟报次数（晚于时限 1 分钟及以上）")
    late_minutes = serializers.IntegerField(read_only=True, help_text="迟报合计分钟")
    late_avg_minutes = serializers.IntegerField(read_only=True, allow_null=True, help_text="迟报平均分钟")
    missed = serializers.IntegerField(read_only=True, help_text="时限已过仍未报告")
    first_report_avg_minutes = serializers.IntegerField(read_only=True, allow_null=True,
                                                        help_text="事件发生至书面报告送达的平均分钟")
    findings_late = serializers.IntegerField(read_only=True, help_text="已认定迟报")
    findings_missed = serializers.IntegerField(read_only=True, help_text="已认定漏报")
    findings_concealed = serializers.IntegerField(read_only=True, help_text="已认定瞒报")
    findings_false = serializers.IntegerField(read_only=True, help_text="已认定谎报")
    findings_proposed = serializers.IntegerField(read_only=True, help_text="待认定")


class StatsSerializer(serializers.Serializer[Any]):
    period = PeriodSerializer(read_only=True)
    rows = StatsRowSerializer(many=True, read_only=True)
    total = StatsRowSerializer(read_only=True)


STATS_PARAMS = ("period", "start", "end")


class StatsView(APIView):
    """GET /api/v1/urgent/stats/: 紧急信息统计."""

    @extend_schema(
        summary="紧急信息统计",
        description="按单位统计一个统计期（按事件发生时间）的事件数、按时报告、迟报（次数和分钟）、逾期未报、"
        "首报平均用时和已认定的问题；科室人员为本科室的信息网络，单位人员为本单位。参数有误返回 400 并指明参数。",
        parameters=[StatsQuerySerializer],
        responses=documented({200: StatsSerializer}, 400),
    )
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        errors = {name: ["不能为空：请给出一个值，或不带此参数。"] for name in STATS_PARAMS
                  if name in request.query_params and not request.query_params.get(name, "").strip()}
        if errors:
            raise ValidationError(errors)
        query = StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        period: figures.Period = query.validated_data["chosen"]
        rows = stats.unit_stats(user, period.start, period.end)
        data = {"period": period, "rows": [r.as_row() for r in rows], "total": stats.totals(rows).as_row()}
        return Response(StatsSerializer(data).data)


ROUTES: list[tuple[str, Any, str]] = [("urgent/findings", FindingViewSet, "urgent-finding")]
PATHS: list[URLPattern] = [path("urgent/stats/", StatsView.as_view(), name="urgent-stats")]
