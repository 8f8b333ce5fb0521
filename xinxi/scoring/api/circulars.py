"""API of scoring: circulars (通报). ``ROUTES`` are registered on the API router, ``PATHS`` added under /api/v1/.

The same permission functions as the pages (``permissions_circulars``): a desk's staff
see its circulars in every state, the units of the network the issued ones sent to
them; another desk's circular is 404. Writes go through ``services_circulars`` (a
persona who sees the circular but may not act: 403; a state or rule refusal: 409 with
its Chinese message). Downloads answer the Word or Excel file with its content type.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpResponse
from django.urls import URLPattern
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from xinxi.lib.api_views import AnyAccept, ServiceViewSet, acting_user, documented
from xinxi.network.api.filters import WholeNumberFilter
from xinxi.network.api.serializers import MAX_INT, VisibleRelatedField
from xinxi.network.models import Desk
from xinxi.scoring import circulars_documents as documents
from xinxi.scoring import permissions_circulars as permissions
from xinxi.scoring import services_circulars as services
from xinxi.scoring import workflow_circulars as workflow
from xinxi.scoring.models import Circular, CircularRead, CircularState, PeriodKind
from xinxi.scoring.views_circulars import download

STATE_HELP = "draft 草稿；pending 待签发；signed 已签发；issued 已印发"
KIND_HELP = "month 月度；quarter 季度；year 年度"
DOCX_FILE = OpenApiResponse(OpenApiTypes.BINARY, "Word 文件（GB/T 9704 版式，含统计表和图；文件名为文号和标题）。")
XLSX_FILE = OpenApiResponse(OpenApiTypes.BINARY, "Excel 文件（通报文字、各单位完整数据、汇总、点名单位、逐月得分）。")


# --- serializers ---


def _name(user: Any) -> str:
    return (getattr(user, "full_name", "") or user.username) if user is not None else ""


class CircularSerializer(serializers.ModelSerializer[Circular]):
    desk_name = serializers.CharField(source="desk.name", read_only=True)
    period_kind = serializers.CharField(read_only=True, help_text=KIND_HELP)
    state = serializers.CharField(read_only=True, help_text=STATE_HELP)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    doc_number = serializers.CharField(read_only=True, help_text="文号（签发时给出，之前为空）")
    read_by_me = serializers.BooleanField(read_only=True, help_text="本人是否读过（已印发的）")

    class Meta:
        model = Circular
        fields = ["id", "desk", "desk_name", "period_kind", "start", "end", "title", "state", "state_label",
                  "doc_number", "year", "number", "signed_at", "issued_at", "read_by_me"]
        read_only_fields = fields


class CircularHistorySerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    action = serializers.CharField(help_text="generate 生成；submit 送签；return 退回；sign 签发；issue 印发")
    label = serializers.CharField()  # type: ignore[assignment]
    actor_name = serializers.SerializerMethodField()
    reason = serializers.CharField()

    def get_actor_name(self, event: Any) -> str:
        return _name(event.actor)


class CircularDetailSerializer(CircularSerializer):
    paragraphs = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="正文，按段")
    body = serializers.CharField(read_only=True, help_text="正文（每段一行）")
    figures = serializers.JSONField(read_only=True, help_text="生成时的统计数据：各单位、汇总、点名单位、逐月得分")
    version = serializers.IntegerField(read_only=True, help_text="版本号（修改、送签时给出，过期为 409）")
    created_by_name = serializers.SerializerMethodField()
    signed_by_name = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(help_text="本人现在可进行的操作：submit、return、sign、issue")
    history = serializers.SerializerMethodField(help_text="流转记录（只对本科室人员给出，其他人为空列表）")
    read_count = serializers.SerializerMethodField(help_text="阅读人数（只对本科室人员给出，其他人为 null）")

    class Meta(CircularSerializer.Meta):
        fields = [*CircularSerializer.Meta.fields, "paragraphs", "body", "figures", "version", "created_by_name",
                  "signed_by_name", "actions", "history", "read_count"]
        read_only_fields = fields

    def get_created_by_name(self, circular: Circular) -> str:
        return _name(circular.created_by)

    def get_signed_by_name(self, circular: Circular) -> str:
        return _name(circular.signed_by)

    def get_actions(self, circular: Circular) -> list[str]:
        return list(self.context.get("actions", []))

    def get_history(self, circular: Circular) -> list[dict[str, Any]]:
        return CircularHistorySerializer(self.context.get("history", []), many=True).data  # type: ignore[return-value]

    def get_read_count(self, circular: Circular) -> int | None:
        value = self.context.get("read_count")
        return int(value) if value is not None else None


class CircularGenerateSerializer(serializers.Serializer[Circular]):
    desk = VisibleRelatedField(queryset=Desk.objects.all(), visible=permissions.draft_desks,
                               missing="信息科室不存在。", help_text="本人所在信息科室的编号")
    period_kind = serializers.ChoiceField(choices=PeriodKind.choices, help_text=KIND_HELP)
    start = serializers.DateField(help_text="周期的第一天（某月1日；季度为1、4、7、10月1日；年度为1月1日）")


class CircularUpdateSerializer(serializers.Serializer[Circular]):
    version = serializers.IntegerField(min_value=1, max_value=MAX_INT, help_text="读取时的版本号（过期为 409）")
    title = serializers.CharField(max_length=200, help_text="标题")
    body = serializers.CharField(max_length=20000, help_text="正文（每段一行）")


class CircularSubmitSerializer(serializers.Serializer[Circular]):
    version = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False,
                                       help_text="读取时的版本号（给出时过期为 409）")


class CircularReturnSerializer(serializers.Serializer[Circular]):
    reason = serializers.CharField(max_length=300, help_text="退回理由")


class CircularReadSerializer(serializers.ModelSerializer[CircularRead]):
    user_name = serializers.SerializerMethodField()
    unit_name = serializers.SerializerMethodField()

    class Meta:
        model = CircularRead
        fields = ["user", "user_name", "unit_name", "first_at", "last_at", "times"]
        read_only_fields = fields

    def get_user_name(self, row: CircularRead) -> str:
        return _name(row.user)

    def get_unit_name(self, row: CircularRead) -> str:
        unit = row.user.unit
        return unit.name if unit is not None else ""


class CircularFilter(filters.FilterSet):
    desk = WholeNumberFilter(field_name="desk", label="信息科室编号")
    state = filters.ChoiceFilter(choices=CircularState.choices, label="状态")
    period_kind = filters.ChoiceFilter(choices=PeriodKind.choices, label="周期")

    class Meta:
        model = Circular
        fields = ["desk", "state", "period_kind"]


# --- views ---


@extend_schema_view(
    list=extend_schema(summary="通报",
                       description="本人所在信息科室的通报（各状态），以及印发给本单位的通报；周期新的在前。",
                       responses=documented({200: CircularSerializer(many=True)}, 400)),
)
class CircularViewSet(mixins.ListModelMixin, ServiceViewSet[Circular]):
    serializer_class = CircularSerializer
    filterset_class = CircularFilter

    def get_queryset(self) -> QuerySet[Circular]:
        user = self.request.user
        read = CircularRead.objects.filter(circular=OuterRef("pk"), user_id=getattr(user, "pk", None) or 0)
        return (
            permissions.visible_circulars(user)
            .select_related("desk", "desk__unit", "created_by", "signed_by")
            .annotate(read_by_me=Exists(read))
            .order_by("-start", "-id")
        )

    def _render(self, circular: Circular, code: int = status.HTTP_200_OK) -> Response:
        user = acting_user(self.request)
        circular = self.get_queryset().get(pk=circular.pk)
        staff = permissions.is_desk_staff(user, circular.desk_id)
        actions = set(workflow.allowed_actions(circular, user))
        if not permissions.can_draft(user, circular.desk_id):
            actions.discard("submit")
        if not permissions.can_sign(user, circular.desk_id):
            actions -= {"return", "sign", "issue"}
        context = {
            "actions": sorted(actions),
            "history": workflow.history(circular.events.select_related("actor")) if staff else [],
            "read_count": circular.reads.count() if staff else None,
        }
        return Response(CircularDetailSerializer(circular, context=context).data, status=code)

    @extend_schema(summary="通报详情（含正文和统计数据）",
                   description="读取不计为阅读：在线阅读时请调用 POST /circulars/{id}/read/。",
                   responses=documented({200: CircularDetailSerializer}, 404))
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return self._render(self.get_object())

    @extend_schema(summary="生成通报草稿（编辑、科长）",
                   description="按该周期的统计排名生成标题、情况说明和统计数据；已印发（已关账）的周期、"
                   "已有未印发通报的周期不能再生成（409）。",
                   request=CircularGenerateSerializer, responses=documented({201: CircularDetailSerializer}, 400, 409))
    def create(self, request: Request) -> Response:
        data = self.parse(CircularGenerateSerializer)
        circular = services.circular_generate(actor=acting_user(request), desk=data["desk"],
                                              kind=data["period_kind"], start=data["start"])
        return self._render(circular, status.HTTP_201_CREATED)

    @extend_schema(summary="修改通报草稿的标题和正文",
                   description="只有草稿可改；version 过期（他人已改）时返回 409，本次修改不保存。",
                   request=CircularUpdateSerializer,
                   responses=documented({200: CircularDetailSerializer}, 400, 404, 409))
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        circular = self.get_object()
        data = self.parse(CircularUpdateSerializer)
        services.circular_update(actor=acting_user(request), circular=circular, **data)
        return self._render(circular)

    @extend_schema(summary="送科长签发（编辑、科长）", request=CircularSubmitSerializer,
                   responses=documented({200: CircularDetailSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        circular = self.get_object()
        data = self.parse(CircularSubmitSerializer)
        services.circular_submit(actor=acting_user(request), circular=circular, version=data.get("version"))
        return self._render(circular)

    @extend_schema(summary="退回修改（科长）", request=CircularReturnSerializer,
                   responses=documented({200: CircularDetailSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        circular = self.get_object()
        data = self.parse(CircularReturnSerializer)
        services.circular_return(actor=acting_user(request), circular=circular, reason=data["reason"])
        return self._render(circular)

    @extend_schema(summary="签发（科长）", description="给出本科室本年度的下一个文号。",
                   request=None, responses=documented({200: CircularDetailSerializer}, 404, 409))
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        circular = services.circular_sign(actor=acting_user(request), circular=self.get_object())
        return self._render(circular)

    @extend_schema(summary="印发到信息网络（科长）",
                   description="通报送达本科室信息网络的各单位（在线阅读并收到通知），本周期关账：此后记入该周期的积分"
                   "更正计入下一个未关账的日期。",
                   request=None, responses=documented({200: CircularDetailSerializer}, 404, 409))
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str | None = None) -> Response:
        circular = services.circular_issue(actor=acting_user(request), circular=self.get_object())
        return self._render(circular)

    @extend_schema(summary="记录在线阅读", description="本人读过该通报（首次、最近一次和次数）；未印发的不记录。",
                   request=None, responses=documented({204: None}, 404))
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        services.circular_read(user=acting_user(request), circular=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="阅读记录（本科室人员）",
                   responses=documented({200: CircularReadSerializer(many=True)}, 404))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def reads(self, request: Request, pk: str | None = None) -> Response:
        user = acting_user(request)
        circular = self.get_object()
        if not permissions.is_desk_staff(user, circular.desk_id):
            raise PermissionDenied(services.NOT_ALLOWED)
        rows = circular.reads.select_related("user", "user__unit").order_by("-last_at", "-id")
        return Response(CircularReadSerializer(rows, many=True).data)

    @extend_schema(summary="下载 Word（DOCX）",
                   responses={(200, documents.DOCX_TYPE): DOCX_FILE, **documented({}, 404)})
    @action(detail=True, methods=["get"], url_path="export/docx", filter_backends=[], pagination_class=None,
            content_negotiation_class=AnyAccept)
    def export_docx(self, request: Request, pk: str | None = None) -> HttpResponse:
        circular = self.get_object()
        return download(circular, documents.circular_docx(circular), documents.DOCX_TYPE, "docx")

    @extend_schema(summary="下载 Excel（XLSX，完整数据）",
                   responses={(200, documents.XLSX_TYPE): XLSX_FILE, **documented({}, 404)})
    @action(detail=True, methods=["get"], url_path="export/xlsx", filter_backends=[], pagination_class=None,
            content_negotiation_class=AnyAccept)
    def export_xlsx(self, request: Request, pk: str | None = None) -> HttpResponse:
        circular = self.get_object()
        return download(circular, documents.circular_xlsx(circular), documents.XLSX_TYPE, "xlsx")


ROUTES: list[tuple[str, Any, str]] = [("circulars", CircularViewSet, "circular")]
PATHS: list[URLPattern] = []
