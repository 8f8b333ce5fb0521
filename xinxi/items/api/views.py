"""API views of items: a unit's items, a desk's entries, adoption records.

Parse the request, call the service, render. Every queryset starts from
``xinxi.items.permissions``, so an item of another unit, an entry at another desk or
a record above the user's clearance answers 404 exactly like a missing one and is
absent from lists and counts. A service's refusal for lack of rights on a visible
record is 403, its other refusals 400 with the Chinese message, a stale ``version`` 409.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinxi.archive import search
from xinxi.instructions import selectors as instruction_selectors
from xinxi.items import desk_services, permissions, services
from xinxi.items.api.filters import AdoptionFilter, EntryFilter, ItemFilter
from xinxi.items.api.serializers import (
    AdoptionCreateSerializer,
    AdoptionSerializer,
    AssignSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    CombineSerializer,
    DuplicateSerializer,
    EditSerializer,
    EntryDetailSerializer,
    EntrySerializer,
    EntryVersionSerializer,
    FeedbackSerializer,
    ItemDetailSerializer,
    ItemFieldsSerializer,
    ItemSerializer,
    ItemSubmitNewSerializer,
    ItemUpdateSerializer,
    MajorEventSerializer,
    NoteSerializer,
    ReasonSerializer,
    ReceiptSerializer,
    SearchQuerySerializer,
    SearchResultSerializer,
    SubmitSerializer,
    VerificationCloseSerializer,
    VerificationCreateSerializer,
    VerificationSerializer,
    VersionSerializer,
    WithdrawAdoptionSerializer,
)
from xinxi.items.desk_views import _chain as entry_chain
from xinxi.items.filters import with_read_mark
from xinxi.items.models import (
    Adoption,
    Attachment,
    CombinedSource,
    DeskEntry,
    EntryEvent,
    EntryVersion,
    Item,
    ItemEvent,
    Submission,
    Verification,
)
from xinxi.items.views import _feedback_entries as feedback_entries
from xinxi.items.workflow import ITEM_TRANSITIONS
from xinxi.lib.api_views import ServiceViewSet, acting_user, documented
from xinxi.lib.db import ReplicaReadsMixin
from xinxi.lib.errors import ServiceError

IDEMPOTENCY_KEY_MAX = 80
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "maxLength": IDEMPOTENCY_KEY_MAX},
    OpenApiParameter.HEADER,
    required=False,
    description="幂等键（最长 80 个字符）：网络中断后用同一个键重试，返回首次的同一报送记录（同一回执号），"
    "不会重复报送。",
)
SUBMIT_RESPONSE = (
    "已报送并提交入库：回执号即确认。用同一幂等键重试时，返回首次报送的同一记录，状态码同为 201，不会新建任何记录。"
)


def _path_id(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.INT, OpenApiParameter.PATH, description=description)


# --- items (the unit's side) ---


@extend_schema_view(
    list=extend_schema(summary="本单位的信息（含草稿）", description="只含本单位、且不高于本人涉密等级的信息。",
                       responses=documented({200: ItemSerializer(many=True)}, 400)),
    retrieve=extend_schema(summary="信息详情（含附件、每轮报送原稿、标签）",
                           responses=documented({200: ItemDetailSerializer}, 404)),
)
class ItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet[Item]):
    filterset_class = ItemFilter

    def get_queryset(self) -> QuerySet[Item]:
        rows = (
            permissions.visible_items(self.request.user)
            .select_related("unit", "created_by")
            .prefetch_related("tags")
        )
        if self.action not in {"list", "submit", "signoff"}:  # sending reads none of these
            rows = rows.prefetch_related(
                Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
                Prefetch(
                    "submissions",
                    queryset=Submission.objects.select_related("submitted_by", "signed_off_by").order_by("round"),
                ),
            )
        return rows

    def get_serializer_class(self) -> type[ItemSerializer]:
        return ItemSerializer if self.action == "list" else ItemDetailSerializer

    def _detail(self, item: Item, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=item.pk)
        return Response(ItemDetailSerializer(fresh).data, status=code)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        item = permissions.item_for_reading(acting_user(request), pk, what="api", rows=self.get_queryset())
        return Response(ItemDetailSerializer(item).data)

    @extend_schema(summary="新建草稿", description="所有字段均可省略；密级不能高于本人涉密等级。",
                   request=ItemFieldsSerializer, responses=documented({201: ItemDetailSerializer}, 400))
    def create(self, request: Request) -> Response:
        item = services.item_create(actor=acting_user(request), **self.parse(ItemFieldsSerializer))
        # Answered from the row just written: a new draft has no attachments, no rounds and no history.
        prefetch_related_objects([item], "tags")
        item._prefetched_objects_cache.update(  # type: ignore[attr-defined]
            attachments=Attachment.objects.none(), submissions=Submission.objects.none(),
            events=ItemEvent.objects.none(),
        )
        return Response(ItemDetailSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="items_create_and_submit", summary="新建并报送",
                   description="新建一条信息并立即报送，一个请求完成，要么都成，要么都不成"
                   "（报送被拒绝时不留草稿）。" + SUBMIT_RESPONSE,
                   parameters=[IDEMPOTENCY_HEADER], request=ItemSubmitNewSerializer,
                   responses=documented({201: ReceiptSerializer}, 400, 409))
    @action(detail=False, methods=["post"], url_path="submit")
    def create_and_submit(self, request: Request) -> Response:
        actor = acting_user(request)
        data = self.parse(ItemSubmitNewSerializer)
        key = _idempotency_key(request, data)
        data.pop("idempotency_key", None)
        submission = services.item_create_and_submit(actor=actor, idempotency_key=key, **data)
        return self._receipt(actor, submission)

    @extend_schema(summary="修改草稿（部分字段，version 必填）",
                   description="草稿、签发退回、退回修改的信息可改；"
                   "version 过期（他人已改）时返回 409，本次修改不保存。",
                   request=ItemUpdateSerializer, responses=documented({200: ItemDetailSerializer}, 400, 404, 409))
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        data = self.parse(ItemUpdateSerializer, partial=True)
        services.item_update(actor=acting_user(request), item=item, version=data.pop("version"), **data)
        return self._detail(item)

    @extend_schema(summary="删除草稿", description="只有从未报送过的草稿可以删除。",
                   responses=documented({204: None}, 400, 404))
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.item_discard(actor=acting_user(request), item=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="报送", description="报送到上级信息科室及本单位作为直报点的科室。" + SUBMIT_RESPONSE,
                   parameters=[IDEMPOTENCY_HEADER], request=SubmitSerializer,
                   responses=documented({201: ReceiptSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._submit(request, signing=False)

    @extend_schema(summary="签发（签发人）", description="签发人签发待签发的信息，信息随即报送。" + SUBMIT_RESPONSE,
                   parameters=[IDEMPOTENCY_HEADER], request=SubmitSerializer,
                   responses=documented({201: ReceiptSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"])
    def signoff(self, request: Request, pk: str | None = None) -> Response:
        return self._submit(request, signing=True)

    def _submit(self, request: Request, *, signing: bool) -> Response:
        item = self.get_object()
        data = self.parse(SubmitSerializer)
        actor = acting_user(request)
        key = _idempotency_key(request, data)
        sign = ITEM_TRANSITIONS["sign"]
        if signing and item.state not in sign.sources:
            earlier = services.earlier_submission(actor, key)  # a retry of a sign-off that went through
            if earlier is None or earlier.item_id != item.pk:
                raise ServiceError(sign.refused)
        submission = services.item_submit(actor=actor, item=item, version=data.get("version"), idempotency_key=key)
        if submission.item_id != item.pk:
            # The service answered a retry of another item's submission: nothing was sent.
            raise ServiceError({"idempotency_key": ["这个幂等键已用于另一条信息的报送，每次报送请使用新的键。"]})
        return self._receipt(actor, submission)

    def _receipt(self, actor: Any, submission: Submission) -> Response:
        if submission.reached_desks is not None:  # just sent: the desks it went to, in the same order
            reached = sorted(submission.reached_desks, key=lambda d: (-d.unit.depth, d.unit.name))
            desks = [d.name for d in reached]
        else:  # a retry's earlier receipt
            desks = list(
                permissions.visible_entries(actor)
                .filter(submission=submission)
                .order_by("-desk__unit__depth", "desk__unit__name")
                .values_list("desk__name", flat=True)
            )
        body = ReceiptSerializer(submission, context={"desks": desks}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(summary="送签", description="送本单位签发人签发；签发人会收到通知。",
                   request=VersionSerializer, responses=documented({200: ItemDetailSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"], url_path="request-signoff")
    def request_signoff(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        data = self.parse(VersionSerializer)
        services.item_request_signoff(actor=acting_user(request), item=item, version=data.get("version"))
        return self._detail(item)

    @extend_schema(summary="签发退回（签发人）", description="须写明理由；执笔人会收到通知。",
                   request=ReasonSerializer, responses=documented({200: ItemDetailSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"], url_path="return-signoff")
    def return_signoff(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        data = self.parse(ReasonSerializer)
        services.item_return_signoff(actor=acting_user(request), item=item, reason=data["reason"])
        return self._detail(item)

    @extend_schema(summary="上传附件", description="DOCX、PDF、JPG、PNG，按文件内容识别；大小和数量有上限。",
                   request={"multipart/form-data": AttachmentUploadSerializer},
                   responses=documented({201: AttachmentSerializer}, 400, 404))
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        data = self.parse(AttachmentUploadSerializer)
        attachment = services.attachment_add(actor=acting_user(request), item=item, upload=data["file"])
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="删除附件", parameters=[_path_id("attachment_id", "附件编号")],
                   responses=documented({204: None}, 400, 404))
    @action(detail=True, methods=["delete"], url_path=r"attachments/(?P<attachment_id>[0-9]{1,18})")
    def remove_attachment(self, request: Request, pk: str | None = None, attachment_id: str = "") -> Response:
        item = self.get_object()
        attachment = get_object_or_404(item.attachments.all(), pk=int(attachment_id))
        services.attachment_remove(actor=acting_user(request), attachment=attachment)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="反馈：信息在每一级科室的情况",
                   description="每一级科室的处理状态、改后的稿子、采用记录，以及退回、不采用等的理由（与“我的信息”页相同）。",
                   responses=documented({200: FeedbackSerializer}, 404))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def feedback(self, request: Request, pk: str | None = None) -> Response:
        # The same data as the 我的信息 page: its selector, then the adoptions on what it shows.
        user = acting_user(request)
        item = permissions.item_for_reading(user, pk, what="api feedback", rows=self.get_queryset())
        entries = feedback_entries(user, item) if item.submissions.exists() else []
        adoptions = list(
            permissions.visible_adoptions(user)
            .filter(item=item, entry_id__in=[e.pk for e in entries])
            .select_related("entry", "item", "unit", "desk")
        )
        submissions = item.submissions.select_related("submitted_by", "signed_off_by").order_by("round")
        instructions = instruction_selectors.instructions_for_entries(user, [e.pk for e in entries])
        data = {
            "item": item,
            "submissions": submissions,
            "desks": entries,
            "adoptions": adoptions,
            "instructions": instructions,
        }
        return Response(FeedbackSerializer(data, context={"adoptions": adoptions}).data)


def _idempotency_key(request: Request, data: dict[str, Any]) -> str | None:
    header = (request.headers.get("Idempotency-Key") or "").strip()
    body = (data.get("idempotency_key") or "").strip()
    if header and body and header != body:
        # Each part matches the schema; together they contradict each other (409, nothing sent).
        raise ServiceError({"idempotency_key": ["请求头 Idempotency-Key 与请求体中的 idempotency_key 不一致。"]})
    key = header or body
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise ValidationError({"idempotency_key": [f"幂等键不能超过 {IDEMPOTENCY_KEY_MAX} 个字符。"]})
    return key or None


# --- desk entries (the desk's side) ---


@extend_schema_view(
    list=extend_schema(
        summary="本科室收稿（收件箱）",
        description="本人所在信息科室收到的信息，不含高于本人涉密等级的；默认按收到时间从新到旧。",
        responses=documented({200: EntrySerializer(many=True)}, 400),
    ),
)
class EntryViewSet(mixins.ListModelMixin, ServiceViewSet[DeskEntry]):
    filterset_class = EntryFilter

    def get_queryset(self) -> QuerySet[DeskEntry]:
        user = self.request.user
        listing = self.action == "list"
        if permissions.desk_of(user) is None:
            # Like the desk pages, entries are for desk staff; a unit follows its items
            # through /items/{id}/feedback/ (which leaves out the desk's internal work).
            return DeskEntry.objects.none()
        rows = permissions.desk_entries(user) if listing else permissions.visible_entries(user)
        rows = rows.select_related("desk", "origin_unit", "assignee", "item", "submission").prefetch_related(
            "item__tags"
        )
        if getattr(user, "is_authenticated", False):
            rows = with_read_mark(rows, user)
        if listing:
            return rows
        visible = permissions.visible_entries(user)
        return rows.prefetch_related(
            Prefetch("events", queryset=EntryEvent.objects.select_related("actor").order_by("at", "pk")),
            Prefetch("versions", queryset=EntryVersion.objects.select_related("created_by").order_by("number")),
            Prefetch(
                "verifications",
                queryset=Verification.objects.select_related("related_unit", "requested_by", "closed_by"),
            ),
            Prefetch(
                "adoptions",
                queryset=permissions.visible_adoptions(user).select_related("entry", "item", "unit", "desk"),
            ),
            Prefetch(
                "sources",
                queryset=CombinedSource.objects.filter(source__in=visible).select_related("source__origin_unit"),
            ),
            Prefetch(
                "combined_into",
                queryset=CombinedSource.objects.filter(combined__in=visible).select_related("combined"),
            ),
        )

    def get_serializer_class(self) -> type[EntrySerializer]:
        return EntrySerializer if self.action == "list" else EntryDetailSerializer

    def _render(self, entry: DeskEntry, code: int = status.HTTP_200_OK) -> Response:
        # The journey the desk page shows (first desk first), without records above the user's clearance.
        user = acting_user(self.request)
        chain = [e for e in entry_chain(entry) if e.classification <= user.clearance]
        return Response(EntryDetailSerializer(entry, context={"chain": chain}).data, status=code)

    def _detail(self, entry: DeskEntry, code: int = status.HTTP_200_OK) -> Response:
        return self._render(self.get_queryset().get(pk=entry.pk), code)

    @extend_schema(
        summary="收稿详情",
        description="科室人员可见的收稿：本科室的，及本科室转报上去的；含处理记录、编辑版本、核实、采用记录和转报链。"
        "秘密及以上的收稿每次读取都记入审计日志。报送单位请用 /items/{id}/feedback/。",
        responses=documented({200: EntryDetailSerializer}, 404),
    )
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        user = acting_user(request)
        return self._render(permissions.entry_for_reading(user, pk, what="api", rows=self.get_queryset()))

    @extend_schema(summary="打开（标记已读；待处理的变为处理中）", request=None,
                   responses=documented({200: EntryDetailSerializer}, 404, 409))
    @action(detail=True, methods=["post"])
    def open(self, request: Request, pk: str | None = None) -> Response:
        entry = desk_services.entry_open(actor=acting_user(request), entry=self.get_object())
        return self._detail(entry)

    @extend_schema(summary="分配责任编辑", request=AssignSerializer,
                   responses=documented({200: EntryDetailSerializer}, 400, 404))
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        data = self.parse(AssignSerializer)
        desk_services.entry_assign(actor=acting_user(request), entry=entry, editor=data["editor"])
        return self._detail(entry)

    @extend_schema(summary="退回修改", description="须写明理由；报送单位修改后重新报送，每一轮都保留。",
                   request=ReasonSerializer, responses=documented({200: EntryDetailSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        data = self.parse(ReasonSerializer)
        desk_services.entry_return(actor=acting_user(request), entry=entry, reason=data["reason"])
        return self._detail(entry)

    @extend_schema(summary="预采用", request=None, responses=documented({200: EntryDetailSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"])
    def preadopt(self, request: Request, pk: str | None = None) -> Response:
        entry = desk_services.entry_preadopt(actor=acting_user(request), entry=self.get_object())
        return self._detail(entry)

    @extend_schema(summary="不采用", description="须写明理由。", request=ReasonSerializer,
                   responses=documented({200: EntryDetailSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"], url_path="not-adopt")
    def not_adopt(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        data = self.parse(ReasonSerializer)
        desk_services.entry_not_adopt(actor=acting_user(request), entry=entry, reason=data["reason"])
        return self._detail(entry)

    @extend_schema(summary="标记为重复", request=DuplicateSerializer,
                   responses=documented({200: EntryDetailSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"])
    def duplicate(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        data = self.parse(DuplicateSerializer)
        desk_services.entry_mark_duplicate(actor=acting_user(request), entry=entry, of=data["of"],
                                           reason=data["reason"])
        return self._detail(entry)

    @extend_schema(summary="重新处理（撤销不采用、重复或预采用）", request=None,
                   responses=documented({200: EntryDetailSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"])
    def reconsider(self, request: Request, pk: str | None = None) -> Response:
        entry = desk_services.entry_reconsider(actor=acting_user(request), entry=self.get_object())
        return self._detail(entry)

    @extend_schema(summary="标记（或取消）涉及重大事件", request=MajorEventSerializer,
                   responses=documented({200: EntryDetailSerializer}, 400, 404))
    @action(detail=True, methods=["post"], url_path="major-event")
    def major_event(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        data = self.parse(MajorEventSerializer)
        desk_services.entry_set_major_event(actor=acting_user(request), entry=entry, major=data["major"])
        return self._detail(entry)

    @extend_schema(
        summary="编辑加工（保存新版本）",
        description="原稿不变，每次保存一个新版本；version 不是最新（他人已保存新版本）时返回 409，本次修改不保存。",
        request=EditSerializer,
        responses=documented({200: EntryDetailSerializer}, 400, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def edit(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        data = self.parse(EditSerializer)
        desk_services.entry_edit(actor=acting_user(request), entry=entry, version=data["version"],
                                 title=data["title"], body=data["body"], note=data["note"])
        return self._detail(entry)

    @extend_schema(summary="编辑版本", description="本科室保存的每个版本，第 1 版在前（原稿见收稿详情）。",
                   responses=documented({200: EntryVersionSerializer(many=True)}, 404))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def versions(self, request: Request, pk: str | None = None) -> Response:
        entry = permissions.entry_for_reading(acting_user(request), pk, what="api versions", rows=self.get_queryset())
        return Response(EntryVersionSerializer(entry.versions.all(), many=True).data)

    @extend_schema(summary="转报上级科室", description="把本科室的当前版本转报给上级信息科室；返回上级科室的新收稿。",
                   request=NoteSerializer, responses=documented({201: EntryDetailSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"])
    def forward(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        data = self.parse(NoteSerializer)
        upper = desk_services.entry_forward(actor=acting_user(request), entry=entry, note=data["note"])
        return self._detail(upper, status.HTTP_201_CREATED)

    @extend_schema(
        summary="登记采用",
        description="本科室刊物采用，或系统外采用（国办/中办/省办等，填 external_level）；"
        "每个计分单位一条记录（综合信息按来源单位各记一条综合采用）。",
        request=AdoptionCreateSerializer,
        responses=documented({201: AdoptionSerializer(many=True)}, 400, 404, 409),
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def adoptions(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        data = self.parse(AdoptionCreateSerializer)
        records = desk_services.adoption_record(actor=acting_user(request), entry=entry, **data)
        return Response(AdoptionSerializer(records, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="撤销采用",
        description="本科室编辑、科长：撤销本条收稿的一次采用（同一刊物期号的各计分单位记录一并撤销），须写明理由；"
        "采用记录保留并标明撤销，所计积分以冲销记录抵消。已撤销的、不属于本条收稿的采用记录为 409。",
        request=WithdrawAdoptionSerializer,
        responses=documented({200: AdoptionSerializer(many=True)}, 400, 404, 409),
    )
    @action(detail=True, methods=["post"], url_path="withdraw-adoption", pagination_class=None, filter_backends=[])
    def withdraw_adoption(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        data = self.parse(WithdrawAdoptionSerializer)
        adoption = Adoption.objects.filter(pk=data["adoption"], entry=entry).first()
        if adoption is None:
            raise ServiceError({"adoption": ["该采用记录不属于这条收稿。"]})
        group = desk_services.adoption_withdraw(actor=acting_user(request), entry=entry, adoption=adoption,
                                                reason=data["reason"])
        rows = Adoption.objects.filter(pk__in=[a.pk for a in group]).select_related("entry", "item", "unit", "desk")
        return Response(AdoptionSerializer(rows.order_by("pk"), many=True).data)

    @extend_schema(summary="请求核实", request=VerificationCreateSerializer,
                   responses=documented({201: VerificationSerializer}, 400, 404))
    @action(detail=True, methods=["post"])
    def verifications(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        data = self.parse(VerificationCreateSerializer)
        verification = desk_services.verification_request(
            actor=acting_user(request), entry=entry, method=data["method"], question=data["question"],
            related_unit=data["related_unit"],
        )
        return Response(VerificationSerializer(verification).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="核实办结（记录结果）", parameters=[_path_id("verification_id", "核实编号")],
                   request=VerificationCloseSerializer, responses=documented({200: VerificationSerializer}, 400, 404))
    @action(detail=True, methods=["post"], url_path=r"verifications/(?P<verification_id>[0-9]{1,18})/close")
    def close_verification(self, request: Request, pk: str | None = None, verification_id: str = "") -> Response:
        entry = self.get_object()
        verification = get_object_or_404(entry.verifications.select_related("entry__desk"), pk=int(verification_id))
        data = self.parse(VerificationCloseSerializer)
        desk_services.verification_close(actor=acting_user(request), verification=verification,
                                         outcome=data["outcome"], note=data["note"])
        verification.refresh_from_db()
        return Response(VerificationSerializer(verification).data)

    @extend_schema(summary="综合（多条合成一条综合信息）", description="每条来源保持关联，来源单位各记综合采用。",
                   request=CombineSerializer, responses=documented({201: EntryDetailSerializer}, 400, 409))
    @action(detail=False, methods=["post"])
    def combine(self, request: Request) -> Response:
        data = self.parse(CombineSerializer)
        entries: list[DeskEntry] = list(dict.fromkeys(data["entries"]))
        combined = desk_services.entry_combine(actor=acting_user(request), entries=entries, title=data["title"],
                                               body=data["body"])
        return self._detail(combined, status.HTTP_201_CREATED)


# --- adoption records ---


@extend_schema_view(
    list=extend_schema(summary="可见的采用记录",
                       description="本单位信息的采用记录，或本科室（及其转报上去的收稿）的采用记录。",
                       responses=documented({200: AdoptionSerializer(many=True)}, 400)),
    retrieve=extend_schema(summary="采用记录详情", responses=documented({200: AdoptionSerializer}, 404)),
)
class AdoptionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet[Adoption]):
    serializer_class = AdoptionSerializer
    filterset_class = AdoptionFilter

    def get_queryset(self) -> QuerySet[Adoption]:
        return (
            permissions.visible_adoptions(self.request.user)
            .select_related("entry", "item", "unit", "desk")
            .order_by("-adopted_on", "-id")
        )



# --- the archive (资料信息库) ---


class SearchView(ReplicaReadsMixin, APIView):
    """Full-text search over what the user may read: ``xinxi.archive.search``, as the archive page uses it."""

    @extend_schema(
        summary="检索资料信息库",
        description="原稿和各级科室稿的全文检索（中文分词，两字词可检出），只含本人可见且不高于涉密等级的；"
        "结果按条信息计：同一条信息的原稿和各科室稿只列一次（最新的或最相关的一篇）；"
        f"检索语法：{search.QUERY_HELP}"
        "每页 20 条，结果数 1000 以内精确，超过时显示“1000+”。检索词和筛选条件都为空时不返回结果。"
        "每条结果列出刊用过它、本人可阅读的已印发的期（issues）；periodical / issue_year 只留下这些期所刊用的信息；"
        "另列出刊用文字含有检索词、本人可阅读的已印发的期（issues 块）。",
        parameters=[SearchQuerySerializer],
        responses=documented({200: SearchResultSerializer}, 400),
    )
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        readable = search.readable_ids(user)
        form = SearchQuerySerializer(data=request.query_params, context={"readable": readable})
        form.is_valid(raise_exception=True)
        data = form.validated_data
        query = search.SearchQuery(
            text=data["q"],
            units=(data["unit"],) if "unit" in data else (),
            desk_id=data.get("desk"),
            category=data.get("category", ""),
            tone=data.get("tone", ""),
            kind=data.get("kind", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            periodical_id=data.get("periodical"),
            issue_year=data.get("issue_year"),
            order=data["order"],
            page=data["page"],
        )
        result = search.search(user, query, readable=readable)
        body = SearchResultSerializer(result).data
        return Response(body)
