"""The sharing API (共享): ``/api/v1/shares/``.

The same permission functions as the pages: a user sees the shares their unit received
(within clearance) and, at a desk, those their desk sent; anything else is a 404.
``POST /shares/{id}/read/`` writes the caller's read record (recipients only; the sharer
and others are answered the share unchanged). The detail carries the recipients and the
read records for the sharing desk only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from xinxi.assignments import permissions_remarks as permissions
from xinxi.assignments import services_sharing as services
from xinxi.assignments.models import Share, ShareRead
from xinxi.items.models import DeskEntry
from xinxi.items.permissions import desk_entries
from xinxi.lib.api_views import ServiceViewSet, acting_user, documented
from xinxi.network.api.serializers import VisibleRelatedField
from xinxi.network.models import Unit

BOX_HELP = "received 共享给本单位的；sent 本科室共享的；不给为两者"


class ShareSerializer(serializers.ModelSerializer[Share]):
    desk_name = serializers.CharField(source="desk.name", read_only=True)
    origin_unit_name = serializers.CharField(source="origin_unit.name", read_only=True, help_text="原报单位")
    classification_label = serializers.CharField(source="get_classification_display", read_only=True)
    read = serializers.BooleanField(read_only=True, help_text="本人是否已阅读")

    class Meta:
        model = Share
        fields = ["id", "title", "desk", "desk_name", "origin_unit", "origin_unit_name", "classification",
                  "classification_label", "note", "shared_at", "read"]
        read_only_fields = fields


class RecipientSerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField(source="unit_id", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)


class ReadSerializer(serializers.Serializer[Any]):
    user = serializers.IntegerField(source="user_id", read_only=True)
    user_name = serializers.SerializerMethodField()
    unit_name = serializers.SerializerMethodField()
    at = serializers.DateTimeField(read_only=True)

    def get_user_name(self, row: ShareRead) -> str:
        return row.user.full_name or row.user.username

    def get_unit_name(self, row: ShareRead) -> str:
        return row.user.unit.name if row.user.unit is not None else ""


class ShareDetailSerializer(ShareSerializer):
    body = serializers.CharField(read_only=True)
    recipients = serializers.SerializerMethodField(help_text="接收单位（只给共享科室）")
    reads = serializers.SerializerMethodField(help_text="阅读记录（只给共享科室）")

    class Meta(ShareSerializer.Meta):
        fields = [*ShareSerializer.Meta.fields, "body", "recipients", "reads"]
        read_only_fields = fields

    @extend_schema_field(RecipientSerializer(many=True))
    def get_recipients(self, share: Share) -> list[dict[str, Any]]:
        if not permissions.is_sharer(self.context["user"], share):
            return []
        return RecipientSerializer(share.recipients.select_related("unit"), many=True).data  # type: ignore[return-value]

    @extend_schema_field(ReadSerializer(many=True))
    def get_reads(self, share: Share) -> list[dict[str, Any]]:
        if not permissions.is_sharer(self.context["user"], share):
            return []
        rows = share.reads.select_related("user", "user__unit")
        return ReadSerializer(rows, many=True).data  # type: ignore[return-value]


class ShareCreateSerializer(serializers.Serializer[Any]):
    entry = VisibleRelatedField(queryset=DeskEntry.objects.all(), visible=desk_entries, missing="信息不存在。",
                                help_text="本科室收稿编号（共享本科室的当前版本）")
    units = VisibleRelatedField(queryset=Unit.objects.all(), visible=permissions.share_targets, many=True,
                                allow_empty=False,
                                missing="单位不存在，或不在可共享范围（本科室下级或同级）内。",
                                help_text="接收单位编号（本科室下级或同级单位）")
    note = serializers.CharField(max_length=services.NOTE_MAX, required=False, allow_blank=True, help_text="共享说明")


class ShareFilter(filters.FilterSet):
    box = filters.ChoiceFilter(choices=[("received", "共享给本单位的"), ("sent", "本科室共享的")], method="filter_box",
                               label=BOX_HELP)

    class Meta:
        model = Share
        fields = ["box"]

    def filter_box(self, rows: QuerySet[Share], name: str, value: str) -> QuerySet[Share]:
        user = self.request.user if self.request is not None else None
        chosen = permissions.received_shares(user) if value == "received" else permissions.sent_shares(user)
        return rows.filter(pk__in=chosen.values("pk"))


@extend_schema_view(
    list=extend_schema(summary="共享信息", description="共享给本单位的（不高于本人涉密等级）和本科室共享的；新的在前。",
                       responses=documented({200: ShareSerializer(many=True)}, 400)),
)
class ShareViewSet(mixins.ListModelMixin, ServiceViewSet[Share]):
    serializer_class = ShareSerializer
    filterset_class = ShareFilter

    def get_queryset(self) -> QuerySet[Share]:
        user = self.request.user
        read = ShareRead.objects.filter(share=OuterRef("pk"), user_id=getattr(user, "pk", 0) or 0)
        return (permissions.visible_shares(user).select_related("desk", "origin_unit", "shared_by")
                .annotate(read=Exists(read)).order_by("-shared_at", "-id"))

    def _render(self, share: Share, code: int = status.HTTP_200_OK) -> Response:
        user = acting_user(self.request)
        fresh = self.get_queryset().get(pk=share.pk)
        return Response(ShareDetailSerializer(fresh, context={"user": user}).data, status=code)

    @extend_schema(summary="共享信息详情（原报单位署名）", responses=documented({200: ShareDetailSerializer}, 404))
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        user = acting_user(request)
        share = permissions.share_for_reading(user, pk, what="api", rows=self.get_queryset())
        return Response(ShareDetailSerializer(share, context={"user": user}).data)

    @extend_schema(summary="共享本科室收稿（本科室编辑、科长）",
                   description="把本科室当前版本共享给下级或同级单位，附说明；接收单位中密级够的人员收到通知。"
                   "某接收单位没有可阅读该密级的人员时 409，什么也不共享。",
                   request=ShareCreateSerializer, responses=documented({201: ShareDetailSerializer}, 400, 409))
    def create(self, request: Request) -> Response:
        data = self.parse(ShareCreateSerializer)
        share = services.share_create(actor=acting_user(request), entry=data["entry"], units=data["units"],
                                      note=data.get("note", ""))
        return self._render(share, status.HTTP_201_CREATED)

    @extend_schema(summary="记为已读（接收单位人员）",
                   description="写入本人的阅读记录（每人一条）；其他人调用不改变什么。",
                   request=None, responses=documented({200: ShareDetailSerializer}, 404))
    @action(detail=True, methods=["post"], filter_backends=[])
    def read(self, request: Request, pk: str | None = None) -> Response:
        user = acting_user(request)
        share = permissions.share_for_reading(user, pk, what="api", rows=self.get_queryset())
        services.share_mark_read(actor=user, share=share)
        return self._render(share)


ROUTES: list[tuple[str, Any, str]] = [("shares", ShareViewSet, "share")]
