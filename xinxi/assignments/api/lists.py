"""The API of 舆论监督与群众意见建议 lists and 社情民意 quarterly reports.

- ``/api/v1/supervision-lists/``: the unit's own lists and the lists sent to the desk
  (list, retrieve with rows, create = start a month's draft), with ``{id}/rows/`` (add a
  row), ``{id}/upload/`` (XLSX/CSV, multipart, all or nothing: a file with errors is a 400
  naming each row and column, nothing saved), ``{id}/send/``, and ``overview/`` (the desk:
  who has not sent a month's list, open and overdue rows).
- ``/api/v1/supervision-rows/``: the rows the user sees (the desk's received rows, the
  unit's own rows, the rows routed to the unit), ``{id}/route/`` (the desk's editors),
  ``{id}/reply/`` (the concerned unit).
- ``/api/v1/sentiment-reports/``: the desk's compiled 社情民意 quarterly reports; create
  compiles one from the quarter's received 社情民意 entries (``entry_combine``).
The same permission functions as the pages (``permissions_lists``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from xinxi.assignments import lists_files, permissions_lists, selectors_lists
from xinxi.assignments import services_lists as services
from xinxi.assignments.models import ListState, RowKind, RowState, SentimentReport, SupervisionList, SupervisionRow
from xinxi.items import permissions as item_permissions
from xinxi.items.models import CombinedSource, DeskEntry
from xinxi.lib.api_filters import QuerySerializer
from xinxi.lib.api_views import ServiceViewSet, acting_user, documented
from xinxi.network.api.filters import WholeNumberFilter
from xinxi.network.api.serializers import visible_unit_field

MONTH_PATTERN = r"^20[0-9]{2}-(0[1-9]|1[0-2])$"
KIND_HELP = "media 舆论监督；suggestion 群众意见建议"
ROW_STATE_HELP = "new 待交办；routed 已交办；replied 已反馈"
LIST_STATE_HELP = "draft 草稿；sent 已报送"


class RowSerializer(serializers.ModelSerializer[SupervisionRow]):
    kind = serializers.CharField(read_only=True, help_text=KIND_HELP)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state = serializers.CharField(read_only=True, help_text=ROW_STATE_HELP)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    sender_unit = serializers.IntegerField(source="list.unit_id", read_only=True, help_text="报送单位编号")
    sender_unit_name = serializers.CharField(source="list.unit.name", read_only=True)
    routed_to_name = serializers.SerializerMethodField(help_text="承办单位；未交办为空")
    overdue = serializers.SerializerMethodField(help_text="已交办、过了反馈期限仍未反馈")

    class Meta:
        model = SupervisionRow
        fields = ["id", "list", "position", "kind", "kind_label", "source", "date", "summary", "concerned",
                  "suggestion", "state", "state_label", "sender_unit", "sender_unit_name", "routed_to",
                  "routed_to_name", "route_note", "routed_at", "due_on", "overdue", "result", "replied_at"]
        read_only_fields = fields

    def get_routed_to_name(self, row: SupervisionRow) -> str:
        return row.routed_to.name if row.routed_to else ""

    def get_overdue(self, row: SupervisionRow) -> bool:
        return selectors_lists.is_overdue(row)


class ListSerializer(serializers.ModelSerializer[SupervisionList]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    desk_name = serializers.CharField(source="desk.name", read_only=True)
    month = serializers.SerializerMethodField(help_text="月份 YYYY-MM")
    state = serializers.CharField(read_only=True, help_text=LIST_STATE_HELP)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    row_count = serializers.IntegerField(read_only=True, help_text="条目数")

    class Meta:
        model = SupervisionList
        fields = ["id", "unit", "unit_name", "desk", "desk_name", "month", "state", "state_label", "sent_at",
                  "row_count"]
        read_only_fields = fields

    def get_month(self, lst: SupervisionList) -> str:
        return f"{lst.month:%Y-%m}"


class ListDetailSerializer(ListSerializer):
    rows = RowSerializer(many=True, read_only=True)

    class Meta(ListSerializer.Meta):
        fields = [*ListSerializer.Meta.fields, "rows"]
        read_only_fields = fields


class ListCreateSerializer(serializers.Serializer[Any]):
    month = serializers.RegexField(MONTH_PATTERN, max_length=7, help_text="月份 YYYY-MM（不能晚于本月）",
                                   error_messages={"invalid": "月份应为 YYYY-MM。"})


class RowCreateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=RowKind.choices, help_text=KIND_HELP)
    source = serializers.CharField(  # type: ignore[assignment]  # a field named like Field.source (popped by the metaclass)
        max_length=lists_files.SOURCE_MAX, help_text="来源（媒体名称/渠道）")
    date = serializers.DateField(help_text="日期 YYYY-MM-DD（不能晚于今天）")
    summary = serializers.CharField(max_length=lists_files.SUMMARY_MAX, help_text="内容摘要")
    concerned = serializers.CharField(max_length=lists_files.CONCERNED_MAX, help_text="涉及单位（照录）")
    suggestion = serializers.CharField(max_length=lists_files.SUGGESTION_MAX, required=False, allow_blank=True,
                                       default="", help_text="意见建议")


class UploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text=f"清单文件：模板 XLSX，或同样表头的 CSV（UTF-8 或 GBK）；"
                                 f"不超过 {lists_files.MAX_BYTES // 1024 // 1024} MB、{lists_files.MAX_ROWS} 行")


class UploadResultSerializer(serializers.Serializer[Any]):
    imported = serializers.IntegerField(help_text="导入的行数")
    list = ListDetailSerializer()


class RouteSerializer(serializers.Serializer[Any]):
    unit = visible_unit_field("承办单位不存在。", help_text="承办单位编号（本科室可见的单位）")
    note = serializers.CharField(max_length=services.NOTE_MAX, required=False, allow_blank=True, default="",
                                 help_text="交办要求")
    due_on = serializers.DateField(required=False, allow_null=True, default=None,
                                   help_text=f"反馈期限 YYYY-MM-DD；不给为交办之日起 {services.REPLY_DAYS} 天")


class ReplySerializer(serializers.Serializer[Any]):
    result = serializers.CharField(max_length=services.RESULT_MAX, help_text="办理结果")


class OverviewQuerySerializer(QuerySerializer):
    month = serializers.RegexField(MONTH_PATTERN, max_length=7, required=False, help_text="月份 YYYY-MM；不给为本月",
                                   error_messages={"invalid": "月份应为 YYYY-MM。"})


class MissingUnitSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    drafted = serializers.BooleanField(help_text="已起草未报送")


class OverviewSerializer(serializers.Serializer[Any]):
    month = serializers.CharField(help_text="YYYY-MM")
    members = serializers.IntegerField(help_text="应报单位数（本科室信息网络内的单位）")
    missing = MissingUnitSerializer(many=True, help_text="未报送的单位")
    sent = serializers.ListField(child=serializers.IntegerField(), help_text="已报送清单的编号")
    unrouted = serializers.IntegerField(help_text="待交办条目数")
    overdue = serializers.IntegerField(help_text="逾期未反馈条目数")
    open_rows = RowSerializer(many=True, help_text="未办结条目（反馈期限在前，最多 200 条）")


class ListFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=ListState.choices, label=LIST_STATE_HELP)
    unit = WholeNumberFilter(field_name="unit", label="报送单位编号")

    class Meta:
        model = SupervisionList
        fields = ["state", "unit"]


class RowFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=RowState.choices, label=ROW_STATE_HELP)
    list = WholeNumberFilter(field_name="list", label="清单编号")
    routed_to = WholeNumberFilter(field_name="routed_to", label="承办单位编号")

    class Meta:
        model = SupervisionRow
        fields = ["state", "list", "routed_to"]


def _file_error(exc: services.ListFileError) -> ValidationError:
    return ValidationError({"file": [exc.messages[0], *(str(e) for e in exc.errors[:200])]})


@extend_schema_view(
    list=extend_schema(summary="舆论监督与群众意见建议清单",
                       description="本单位的清单（含草稿），以及报送到本科室的清单。",
                       responses=documented({200: ListSerializer(many=True)}, 400)),
)
class SupervisionListViewSet(mixins.ListModelMixin, ServiceViewSet[SupervisionList]):
    serializer_class = ListSerializer
    filterset_class = ListFilter

    def get_queryset(self) -> QuerySet[SupervisionList]:
        return (permissions_lists.visible_lists(self.request.user).select_related("unit", "desk")
                .annotate(row_count=Count("rows")).order_by("-month", "unit__path", "id"))

    def _detail(self, lst: SupervisionList, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().prefetch_related("rows__routed_to", "rows__list__unit").get(pk=lst.pk)
        return Response(ListDetailSerializer(fresh).data, status=code)

    @extend_schema(summary="清单详情（含条目）", responses=documented({200: ListDetailSerializer}, 404))
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return self._detail(self.get_object())

    @extend_schema(summary="新建某月清单（本单位信息员、签发人）",
                   description="报送给本单位的上级信息科室；每单位每月一份；不能晚于本月。",
                   request=ListCreateSerializer, responses=documented({201: ListDetailSerializer}, 400, 409))
    def create(self, request: Request) -> Response:
        data = self.parse(ListCreateSerializer)
        year, month = (int(p) for p in data["month"].split("-"))
        lst = services.list_create(actor=acting_user(request), month=timezone.localdate().replace(
            year=year, month=month, day=1))
        return self._detail(lst, status.HTTP_201_CREATED)

    @extend_schema(summary="添加一行（草稿清单）", request=RowCreateSerializer,
                   responses=documented({201: RowSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"])
    def rows(self, request: Request, pk: str | None = None) -> Response:
        lst = self.get_object()
        data = self.parse(RowCreateSerializer)
        row = services.list_add_row(actor=acting_user(request), lst=lst, fields=data)
        fresh = SupervisionRow.objects.select_related("list__unit", "routed_to").get(pk=row.pk)
        return Response(RowSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="从文件导入（草稿清单）",
                   description="multipart/form-data：file 为模板 XLSX 或 CSV。逐行检查；有任何错误时整个文件不导入，"
                   "返回 400，file 字段列出每处错误（第几行、哪一列、什么问题）。",
                   request={"multipart/form-data": UploadSerializer},
                   responses=documented({201: UploadResultSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser], pagination_class=None,
            filter_backends=[])
    def upload(self, request: Request, pk: str | None = None) -> Response:
        lst = self.get_object()
        data = self.parse(UploadSerializer)
        try:
            made = services.list_upload(actor=acting_user(request), lst=lst, upload=data["file"])
        except services.ListFileError as exc:
            raise _file_error(exc) from None
        fresh = self.get_queryset().prefetch_related("rows__routed_to", "rows__list__unit").get(pk=lst.pk)
        return Response({"imported": len(made), "list": ListDetailSerializer(fresh).data},
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="报送清单", description="没有条目时报送即表示本月无相关情况。科室编辑会收到通知。",
                   request=None, responses=documented({200: ListDetailSerializer}, 404, 409))
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str | None = None) -> Response:
        lst = self.get_object()
        services.list_send(actor=acting_user(request), lst=lst)
        return self._detail(lst)

    @extend_schema(summary="清单报送与办理情况（本科室人员）",
                   description="某月未报送清单的单位、已报送的清单、未办结和逾期的条目。",
                   parameters=[OverviewQuerySerializer], responses=documented({200: OverviewSerializer}, 400))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def overview(self, request: Request) -> Response:
        query = OverviewQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        desk = permissions_lists.desk_of(acting_user(request))
        if desk is None:
            raise PermissionDenied("只有科室人员可以查看报送情况。")
        month = selectors_lists.parse_month(query.validated_data.get("month", ""), timezone.localdate())
        assert month is not None
        o = selectors_lists.overview(desk, month)
        data = {
            "month": f"{month:%Y-%m}", "members": o.members,
            "missing": [{"id": u.pk, "name": u.name, "drafted": u.pk in o.drafts} for u in o.missing],
            "sent": [lst.pk for lst in o.sent], "unrouted": o.unrouted, "overdue": len(o.overdue),
            "open_rows": o.open_rows,
        }
        return Response(OverviewSerializer(data).data)


@extend_schema_view(
    list=extend_schema(summary="清单条目",
                       description="本科室收到的清单的条目、本单位清单的条目、交办给本单位的条目。",
                       responses=documented({200: RowSerializer(many=True)}, 400)),
)
class SupervisionRowViewSet(mixins.ListModelMixin, ServiceViewSet[SupervisionRow]):
    serializer_class = RowSerializer
    filterset_class = RowFilter

    def get_queryset(self) -> QuerySet[SupervisionRow]:
        return (permissions_lists.visible_rows(self.request.user).select_related("list__unit", "routed_to")
                .order_by("-list__month", "list_id", "position"))

    def _one(self, row: SupervisionRow) -> Response:
        return Response(RowSerializer(self.get_queryset().get(pk=row.pk)).data)

    @extend_schema(summary="条目详情", responses=documented({200: RowSerializer}, 404))
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return self._one(self.get_object())

    @extend_schema(summary="交办给涉及单位（本科室编辑、科长）",
                   description="未反馈的条目可改为交办其他单位；承办单位会收到通知。",
                   request=RouteSerializer, responses=documented({200: RowSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"])
    def route(self, request: Request, pk: str | None = None) -> Response:
        row = self.get_object()
        data = self.parse(RouteSerializer)
        services.row_route(actor=acting_user(request), row=row, unit=data["unit"], note=data["note"],
                           due_on=data["due_on"])
        return self._one(row)

    @extend_schema(summary="反馈办理结果（承办单位的信息员、签发人）",
                   description="报送单位和交办人会收到通知。",
                   request=ReplySerializer, responses=documented({200: RowSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str | None = None) -> Response:
        row = self.get_object()
        data = self.parse(ReplySerializer)
        services.row_reply(actor=acting_user(request), row=row, result=data["result"])
        return self._one(row)


# --- 社情民意 ---


class SourceSerializer(serializers.Serializer[Any]):
    entry = serializers.IntegerField(help_text="来源收稿编号")
    title = serializers.CharField()
    unit = serializers.CharField(help_text="原报单位")


class SentimentReportSerializer(serializers.ModelSerializer[SentimentReport]):
    title = serializers.CharField(source="entry.title", read_only=True)
    sources = serializers.SerializerMethodField(help_text="来源信息及其原报单位（按综合采用计入）")

    class Meta:
        model = SentimentReport
        fields = ["id", "year", "quarter", "entry", "title", "created_at", "sources"]
        read_only_fields = fields

    def get_sources(self, report: SentimentReport) -> list[dict[str, Any]]:
        rows = CombinedSource.objects.filter(combined_id=report.entry_id).select_related("source__origin_unit")
        return [{"entry": r.source_id, "title": r.source.title, "unit": r.source.origin_unit.name} for r in rows]


class SentimentCompileSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text="年度")
    quarter = serializers.IntegerField(min_value=1, max_value=4, help_text="季度 1–4")
    entries = serializers.PrimaryKeyRelatedField(
        queryset=DeskEntry.objects.all(), many=True, help_text="本科室该季度收到的社情民意收稿编号（至少两条）",
        error_messages={"does_not_exist": "信息不存在。", "incorrect_type": "编号应为整数。"})
    title = serializers.CharField(max_length=200, help_text="综合报告标题")
    body = serializers.CharField(max_length=50000, help_text="综合报告正文")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        self.fields["entries"].child_relation.queryset = item_permissions.desk_entries(user)  # type: ignore[attr-defined]


@extend_schema_view(
    list=extend_schema(summary="社情民意季度综合报告", description="本科室已汇编的季度报告及其来源。",
                       responses=documented({200: SentimentReportSerializer(many=True)}, 400)),
)
class SentimentReportViewSet(mixins.ListModelMixin, ServiceViewSet[SentimentReport]):
    serializer_class = SentimentReportSerializer

    def get_queryset(self) -> QuerySet[SentimentReport]:
        return permissions_lists.visible_reports(self.request.user).select_related("entry").order_by(
            "-year", "-quarter", "-id")

    @extend_schema(summary="汇编季度综合报告（本科室编辑、科长）",
                   description="把本科室该季度收到的社情民意信息综合为一条综合信息（各来源单位按综合采用计入），"
                   "并记下已汇编该季度；每季度一份。",
                   request=SentimentCompileSerializer, responses=documented({201: SentimentReportSerializer}, 400, 409))
    def create(self, request: Request) -> Response:
        data = self.parse(SentimentCompileSerializer)
        entries: list[DeskEntry] = list(dict.fromkeys(data["entries"]))
        report = services.sentiment_compile(actor=acting_user(request), year=data["year"], quarter=data["quarter"],
                                            entries=entries, title=data["title"], body=data["body"])
        return Response(SentimentReportSerializer(report).data, status=status.HTTP_201_CREATED)


ROUTES: list[tuple[str, Any, str]] = [
    ("supervision-lists", SupervisionListViewSet, "supervision-list"),
    ("supervision-rows", SupervisionRowViewSet, "supervision-row"),
    ("sentiment-reports", SentimentReportViewSet, "sentiment-report"),
]
