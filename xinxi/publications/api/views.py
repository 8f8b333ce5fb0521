"""API views of periodicals and issues: compose, send for sign-off, sign off (= issue), read, export.

Parse the request, call the service, render. Every queryset starts from
``xinxi.publications.permissions``: an issue the user may not open (a draft of another
desk's composers, an issue above the user's clearance or outside its reading list)
answers 404 exactly like a missing one and is absent from lists and counts. A service's
refusal for lack of rights on a visible record is 403 (an editor signing, a leader
composing), its other refusals 400 with the Chinese message (editing an issued issue,
sending an empty one), a stale ``version`` 409.
"""

from __future__ import annotations

from django.db.models import Count, F, Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from xinxi.lib.api import Pagination
from xinxi.lib.api_views import AnyAccept, ErrorSerializer, ServiceViewSet, acting_user, documented
from xinxi.lib.db import ReplicaReadsMixin
from xinxi.network.models import Unit
from xinxi.network.permissions import user_desk
from xinxi.publications import documents, permissions, services, workflow
from xinxi.publications.api.filters import IssueFilter
from xinxi.publications.api.serializers import (
    AddEntriesSerializer,
    IssueCreateSerializer,
    IssueDetailSerializer,
    IssueItemUpdateSerializer,
    IssueReadSerializer,
    IssueSerializer,
    IssueUpdateSerializer,
    MoveSerializer,
    PeriodicalSerializer,
    PeriodicalWriteSerializer,
    ReturnReasonSerializer,
)
from xinxi.publications.exports import DOCX_TYPE, PDF_TYPE, issue_for_export
from xinxi.publications.exports import _download as download
from xinxi.publications.models import Issue, IssueItem, IssueRead, Periodical
from xinxi.publications.views import _is_desk_staff as is_desk_staff

ITEM_PATH = r"items/(?P<item_id>[0-9]{1,18})"
ITEM_ID = OpenApiParameter(
    "item_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="本期信息的编号（items[].id）"
)
DOCX_FILE = OpenApiResponse(OpenApiTypes.BINARY, "Word 文件（作为附件下载，文件名为刊物名称和期号，未签发的为校样）。")
PDF_FILE = OpenApiResponse(OpenApiTypes.BINARY, "PDF 文件（作为附件下载，文件名为刊物名称和期号，未签发的为校样）。")
FONTS_MISSING = OpenApiResponse(
    ErrorSerializer, "服务器上没有中文字体，无法生成 PDF（否则文字会是空白方框）；Word 版不受影响。"
)
COPY = OpenApiParameter(
    documents.COPY_PARAM,
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    pattern=documents.API_COPY_PATTERN,
    description="份号：导出哪一份（如 3）或哪几份（如 1-30，合在一个文件里，每份各印份号、页码各自从 1 起，"
    f"一次最多 {documents.MAX_COPIES_PER_FILE} 份），须在本期印数之内。秘密及以上的期必须注明；"
    "其他期不注明时不印份号。",
)
COPY_REFUSED_BODY = inline_serializer(
    "CopyRefused", {"copy": serializers.ListField(child=serializers.CharField(), help_text="中文说明")}
)
COPY_MALFORMED = OpenApiResponse(
    COPY_REFUSED_BODY, description="份号不是一个数字或一个范围（含给出空值）：{\"copy\": [\"说明\"]}。"
)
COPY_REFUSED = OpenApiResponse(
    COPY_REFUSED_BODY,
    description="份号缺少（秘密及以上的期）、超出本期印数或一次超过最多份数：{\"copy\": [\"说明\"]}。",
)


# --- periodicals ---


@extend_schema_view(
    list=extend_schema(
        summary="本科室的刊物",
        description="本人所在信息科室主办的刊物（含停刊的），含栏目和可在线阅读的单位；不是科室人员时为空列表。"
        "读者按 /issues/ 的 periodical 筛选阅读。",
        responses=documented({200: PeriodicalSerializer(many=True)}, 400),
    ),
    retrieve=extend_schema(summary="刊物详情（设置）", responses=documented({200: PeriodicalSerializer}, 404)),
)
class PeriodicalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet[Periodical]):
    serializer_class = PeriodicalSerializer

    def get_queryset(self) -> QuerySet[Periodical]:
        return (
            permissions.desk_periodicals(self.request.user)
            .select_related("desk")
            .prefetch_related("columns", Prefetch("readers", queryset=Unit.objects.only("pk")))
            .order_by("name", "id")
        )

    def _render(self, periodical: Periodical, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=periodical.pk)
        return Response(PeriodicalSerializer(fresh).data, status=code)

    @extend_schema(
        summary="新建刊物（科长）",
        description="在本人所在科室新建刊物，可同时给出栏目和可在线阅读的单位。",
        request=PeriodicalWriteSerializer,
        responses=documented({201: PeriodicalSerializer}, 400),
    )
    def create(self, request: Request) -> Response:
        actor = acting_user(request)
        desk = user_desk(actor)
        if desk is None:  # not desk staff: no desk to hold a periodical
            raise PermissionDenied(services.NOT_ALLOWED)
        data = self.parse(PeriodicalWriteSerializer)
        columns, readers = data.pop("columns", []), data.pop("readers", [])
        periodical = services.periodical_save(actor=actor, desk=desk, columns=columns, readers=readers, **data)
        return self._render(periodical, status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改刊物设置（科长，部分字段）",
        description="省略的字段不变；栏目（columns）和阅读单位（readers）给出时为完整列表。"
        "已用于已印发期的栏目不能删除。",
        request=PeriodicalWriteSerializer,
        responses=documented({200: PeriodicalSerializer}, 400, 404),
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        periodical = self.get_object()
        data = self.parse(PeriodicalWriteSerializer, partial=True)
        columns = data.pop("columns", None)
        readers = data.pop("readers", None)
        services.periodical_save(
            actor=acting_user(request),
            desk=periodical.desk,
            periodical=periodical,
            columns=[c.name for c in periodical.columns.all()] if columns is None else columns,
            readers=list(periodical.readers.all()) if readers is None else readers,
            **data,
        )
        return self._render(periodical)


# --- issues ---


@extend_schema_view(
    list=extend_schema(
        summary="可见的期",
        description="编辑和科长：本科室刊物的全部期（含编辑中、待签发）；本科室其他人员和阅读单位的用户：已印发的期。"
        "高于本人涉密等级的期不列出、不计数。未签发的在前，其余按年份、期号从新到旧。",
        responses=documented({200: IssueSerializer(many=True)}, 400),
    ),
)
class IssueViewSet(ReplicaReadsMixin, mixins.ListModelMixin, ServiceViewSet[Issue]):
    filterset_class = IssueFilter

    def get_queryset(self) -> QuerySet[Issue]:
        rows = permissions.visible_issues(self.request.user).select_related("periodical", "editor", "signer")
        if self.action == "list":
            return rows.annotate(n_items=Count("items")).order_by(
                F("year").desc(nulls_first=True), F("number").desc(nulls_first=True), "-id"
            )
        return rows.select_related("periodical__desk__unit", "corrects__periodical").prefetch_related(
            Prefetch("items", queryset=IssueItem.objects.select_related("column").order_by("sort_order", "id"))
        )

    def get_serializer_class(self) -> type[IssueSerializer]:
        return IssueSerializer if self.action == "list" else IssueDetailSerializer

    def _render(self, issue: Issue, code: int = status.HTTP_200_OK) -> Response:
        user = acting_user(self.request)
        periodical = issue.periodical
        corrections = (
            permissions.visible_issues(user).filter(corrects=issue).order_by("id").values_list("pk", flat=True)
        )
        context = {
            "corrections": list(corrections),
            "read_count": issue.reads.count() if is_desk_staff(user, periodical) else None,
            "can_compose": permissions.can_compose(user, periodical),
            "can_sign": permissions.can_sign(user, periodical),
            "history": workflow.machine.history(issue.events.select_related("actor"))
            if is_desk_staff(user, periodical)
            else [],
        }
        return Response(IssueDetailSerializer(issue, context=context).data, status=code)

    def _export(self, request: Request, pk: str | None, fmt: str) -> tuple[Issue, documents.Copies | None]:
        raw = request.query_params.get(documents.COPY_PARAM)
        try:
            return issue_for_export(
                acting_user(request), pk, fmt=f"api {fmt}", raw_copies=raw, rows=self.get_queryset(), strict=True
            )
        except documents.CopyFormatError as exc:  # not what the schema says: 400 (the print run's refusals: 409)
            raise ValidationError(exc.message_dict) from None

    def _detail(self, issue: Issue, code: int = status.HTTP_200_OK) -> Response:
        return self._render(self.get_queryset().get(pk=issue.pk), code)

    def _item(self, issue: Issue, item_id: str) -> IssueItem:
        return get_object_or_404(IssueItem.objects.select_related("issue__periodical"), issue=issue, pk=int(item_id))

    @extend_schema(
        summary="期的详情（含本期信息）",
        description="本期信息按刊出顺序；read_count 只对本刊科室人员给出。秘密及以上的期每次读取都记入审计日志。"
        "读取不计为阅读：在线阅读时请调用 POST /issues/{id}/read/。",
        responses=documented({200: IssueDetailSerializer}, 404),
    )
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        issue = permissions.issue_for_reading(acting_user(request), pk, what="api", rows=self.get_queryset())
        return self._render(issue)

    @extend_schema(
        summary="新建一期（编辑、科长）",
        description="密级、紧急程度、报/送/发和印数取刊物的默认值；增刊单独编号。"
        "更正期：corrects 给出被更正的已印发期（同一刊物）。",
        request=IssueCreateSerializer,
        responses=documented({201: IssueDetailSerializer}, 400),
    )
    def create(self, request: Request) -> Response:
        data = self.parse(IssueCreateSerializer)
        issue = services.issue_create(
            actor=acting_user(request),
            periodical=data["periodical"],
            supplement=data["supplement"],
            corrects=data["corrects"],
        )
        return self._detail(issue, status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改本期设置（部分字段，version 必填）",
        description="密级、紧急程度、编者按、报/送/发、印数；只有编辑中的期可改。"
        "version 过期（他人已改）时返回 409，本次修改不保存。",
        request=IssueUpdateSerializer,
        responses=documented({200: IssueDetailSerializer}, 400, 404, 409),
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        issue = self.get_object()
        data = self.parse(IssueUpdateSerializer, partial=True)
        services.issue_update(actor=acting_user(request), issue=issue, version=data.pop("version"), **data)
        return self._detail(issue)

    @extend_schema(
        summary="编入信息",
        description="把本科室的收稿（待处理、处理中、预采用、已采用的）按给出的顺序编入本期末尾；"
        "本期密级随之提高到所编信息的最高密级。",
        request=AddEntriesSerializer,
        responses=documented({201: IssueDetailSerializer}, 400, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def entries(self, request: Request, pk: str | None = None) -> Response:
        issue = self.get_object()
        data = self.parse(AddEntriesSerializer)
        entries = list(dict.fromkeys(data["entries"]))
        services.issue_add_entries(actor=acting_user(request), issue=issue, entries=entries, kind=data["kind"])
        return self._detail(issue, status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改本期的一条信息",
        description="刊用标题、正文、编者按、采用方式、栏目；省略的字段不变。",
        parameters=[ITEM_ID],
        request=IssueItemUpdateSerializer,
        responses=documented({200: IssueDetailSerializer}, 400, 404, 409),
    )
    @action(detail=True, methods=["patch"], url_path=ITEM_PATH)
    def item(self, request: Request, pk: str | None = None, item_id: str = "") -> Response:
        issue = self.get_object()
        item = self._item(issue, item_id)
        data = self.parse(IssueItemUpdateSerializer, partial=True)
        current = {
            "title": item.title,
            "body": item.body,
            "editor_note": item.editor_note,
            "kind": item.kind,
            "column": item.column,
        }
        services.issue_item_update(actor=acting_user(request), item=item, **{**current, **data})
        return self._detail(issue)

    @extend_schema(
        summary="从本期移除一条信息",
        parameters=[ITEM_ID],
        request=None,
        responses=documented({204: None}, 400, 404, 409),
    )
    @item.mapping.delete
    def remove_item(self, request: Request, pk: str | None = None, item_id: str = "") -> Response:
        issue = self.get_object()
        services.issue_item_remove(actor=acting_user(request), item=self._item(issue, item_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="调整顺序（上移或下移一位）",
        description="已在最前（最后）时上移（下移）不改变顺序。",
        parameters=[ITEM_ID],
        request=MoveSerializer,
        responses=documented({200: IssueDetailSerializer}, 400, 404, 409),
    )
    @action(detail=True, methods=["post"], url_path=f"{ITEM_PATH}/move")
    def move_item(self, request: Request, pk: str | None = None, item_id: str = "") -> Response:
        issue = self.get_object()
        item = self._item(issue, item_id)
        data = self.parse(MoveSerializer)
        step = -1 if data["direction"] == "up" else 1
        services.issue_item_move(actor=acting_user(request), item=item, step=step)
        return self._detail(issue)

    @extend_schema(
        summary="送签（编辑中 → 待签发）",
        description="至少编入一条信息；本科室科长会收到待签发通知。",
        request=None,
        responses=documented({200: IssueDetailSerializer}, 400, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str | None = None) -> Response:
        issue = services.issue_send_for_signoff(actor=acting_user(request), issue=self.get_object())
        return self._detail(issue)

    @extend_schema(
        summary="签发退回（科长，待签发 → 编辑中）",
        description="须写明理由；编辑会收到通知。",
        request=ReturnReasonSerializer,
        responses=documented({200: IssueDetailSerializer}, 400, 404, 409),
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        issue = self.get_object()
        data = self.parse(ReturnReasonSerializer)
        services.issue_return(actor=acting_user(request), issue=issue, reason=data["reason"])
        return self._detail(issue)

    @extend_schema(
        summary="签发（科长）：编号并印发",
        description="签发日期为本期日期；在同一事务中取本刊本年（增刊另计）的下一个期号，不重号、不跳号，"
        "本期随即冻结，并为所刊每条信息登记采用（综合信息按来源单位各记一条）、通知报送单位。",
        request=None,
        responses=documented({200: IssueDetailSerializer}, 400, 404),
    )
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        issue = services.issue_sign_off(actor=acting_user(request), issue=self.get_object())
        return self._detail(issue)

    @extend_schema(
        summary="记录在线阅读",
        description="本人读过本期（首次、最近一次和次数记入阅读记录，科室可见）；未印发的期不记录。"
        "秘密及以上的期记入审计日志。",
        request=None,
        responses=documented({204: None}, 404),
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        services.issue_mark_read(user=acting_user(request), issue=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="阅读记录（本刊科室人员）",
        description="谁在线读过本期、首次和最近一次的时间、次数；最近读的在前。",
        responses=documented({200: IssueReadSerializer(many=True)}, 404),
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=Pagination)
    def reads(self, request: Request, pk: str | None = None) -> Response:
        user = acting_user(request)
        issue = self.get_object()
        if not is_desk_staff(user, issue.periodical):
            raise PermissionDenied(services.NOT_ALLOWED)
        rows = IssueRead.objects.filter(issue=issue).select_related("user", "user__unit").order_by("-last_at", "-id")
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(IssueReadSerializer(page, many=True).data)

    @extend_schema(
        summary="导出 Word（DOCX）",
        description="GB/T 9704 简报版式；未签发的期为校样（编辑、科长可导出校对）。"
        "份号由 copy 参数给出；秘密及以上的期每次导出都记入审计日志（含导出的份号）。",
        parameters=[COPY],
        responses={(200, DOCX_TYPE): DOCX_FILE, **documented({400: COPY_MALFORMED, 409: COPY_REFUSED}, 404)},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="export/docx",
        filter_backends=[],
        pagination_class=None,
        content_negotiation_class=AnyAccept,
    )
    def export_docx(self, request: Request, pk: str | None = None) -> HttpResponse:
        issue, copies = self._export(request, pk, "docx")
        data = documents.issue_docx(issue, copies)
        return download(issue, data, DOCX_TYPE, "docx", copies)

    @extend_schema(
        summary="导出 PDF",
        description="与 Word 版同一版式，嵌入中文字体；服务器上没有中文字体时返回 503 和说明（不会输出空白方框）。"
        "份号与 Word 版相同，由 copy 参数给出；一份页数为奇数时后接一张空白页，双面打印时每份各自成册。",
        parameters=[COPY],
        responses={
            (200, PDF_TYPE): PDF_FILE,
            **documented({400: COPY_MALFORMED, 409: COPY_REFUSED, 503: FONTS_MISSING}, 404),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="export/pdf",
        filter_backends=[],
        pagination_class=None,
        content_negotiation_class=AnyAccept,
    )
    def export_pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        issue, copies = self._export(request, pk, "pdf")
        try:
            data = documents.issue_pdf(issue, copies)
        except documents.FontsMissing as exc:
            return Response({"detail": exc.messages[0]}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return download(issue, data, PDF_TYPE, "pdf", copies)
