"""The e-mail intake API under /api/v1/intake/.

- ``intake/messages/`` (list, retrieve): the desk's mails, for its editors and desk chief
  (anyone else sees an empty list, and 404 for one message); ``{id}/accept/`` (an item of the
  chosen unit is made and submitted to the desk, the editor acting for the unit),
  ``{id}/reject/`` (with a reason; a known sender is told by e-mail), ``{id}/discard/`` (a
  quarantined mail). A refusal by the data as it stands (already decided, stale version, a unit
  that does not send to this desk) is 409 with its Chinese message.
- ``intake/mailbox/`` (GET, PUT): the desk's mailbox settings, for the desk chief or an
  administrator (``?desk=``); the password is write-only and never returned.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinxi.intake import permissions, services
from xinxi.intake.models import IntakeMessage, IntakeState, Mailbox, Security
from xinxi.lib.api_filters import QuerySerializer
from xinxi.lib.api_views import ServiceViewSet, acting_user, documented, json_type_errors
from xinxi.lib.errors import ServiceError
from xinxi.network.api.filters import MAX_ID
from xinxi.network.api.serializers import MAX_INT
from xinxi.network.models import Desk, Unit
from xinxi.network.permissions import user_desk

STATE_HELP = "queued 待处理；quarantined 已隔离；accepted 已采用；rejected 已退回；discarded 已丢弃"


class AttachmentInfoSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True, help_text="字节")
    ok = serializers.BooleanField(read_only=True, help_text="是否通过附件检查（采用时随信息保存）")
    reason = serializers.CharField(read_only=True, help_text="不能保存的原因；通过时为空")


class MessageSerializer(serializers.ModelSerializer[IntakeMessage]):
    state = serializers.CharField(read_only=True, help_text=STATE_HELP)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    unit_name = serializers.SerializerMethodField(help_text="报送单位名称；未确定为空")
    reason = serializers.CharField(read_only=True, help_text="隔离原因；未隔离为空")

    class Meta:
        model = IntakeMessage
        fields = ["id", "desk", "sender", "sender_name", "unit", "unit_name", "subject", "state", "state_label",
                  "reason", "received_at", "sent_at", "decided_at", "item", "version"]
        read_only_fields = fields

    def get_unit_name(self, message: IntakeMessage) -> str:
        return message.unit.name if message.unit is not None else ""


class MessageDetailSerializer(MessageSerializer):
    attachments = AttachmentInfoSerializer(many=True, read_only=True)
    body_from = serializers.CharField(read_only=True, help_text="正文来源：邮件正文，或某个 DOCX 附件")
    decision_reason = serializers.CharField(read_only=True, help_text="退回理由")
    actions = serializers.SerializerMethodField(help_text="现在可进行的操作：accept、reject、discard")

    class Meta(MessageSerializer.Meta):
        fields = [*MessageSerializer.Meta.fields, "body", "body_from", "attachments", "decision_reason", "actions"]
        read_only_fields = fields

    def get_actions(self, message: IntakeMessage) -> list[str]:
        if message.state == IntakeState.QUEUED:
            return ["accept", "reject"]
        if message.state == IntakeState.QUARANTINED:
            return ["accept", "reject", "discard"]
        return []


class AcceptSerializer(serializers.Serializer[Any]):
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(active=True), help_text="报送单位编号（须向本科室报送：下级单位或直报点）",
        error_messages={"does_not_exist": "单位不存在。", "incorrect_type": "编号应为整数。"})
    title = serializers.CharField(max_length=200, required=False, help_text="标题；不给则用邮件标题")
    body = serializers.CharField(max_length=20_000, required=False, help_text="正文；不给则用邮件正文")
    version = serializers.IntegerField(min_value=1, max_value=MAX_INT, help_text="读取时的版本号（过期为 409）")


class RejectSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=300, help_text="退回理由（必填）；已知发件人会收到邮件")
    version = serializers.IntegerField(min_value=1, max_value=MAX_INT, help_text="读取时的版本号（过期为 409）")


class DiscardSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, max_value=MAX_INT, help_text="读取时的版本号（过期为 409）")


class MessageFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=IntakeState.choices, label=STATE_HELP)

    class Meta:
        model = IntakeMessage
        fields = ["state"]


@extend_schema_view(
    list=extend_schema(summary="来稿邮件", description="本科室收稿邮箱收到的邮件（编辑、科长）；新收的在前。",
                       responses=documented({200: MessageSerializer(many=True)}, 400)),
)
class MessageViewSet(mixins.ListModelMixin, ServiceViewSet[IntakeMessage]):
    serializer_class = MessageSerializer
    filterset_class = MessageFilter

    def get_queryset(self) -> QuerySet[IntakeMessage]:
        return permissions.visible_messages(self.request.user).select_related("unit").defer("raw")

    def _render(self, message: IntakeMessage) -> Response:
        fresh = self.get_queryset().get(pk=message.pk)
        return Response(MessageDetailSerializer(fresh).data)

    @extend_schema(summary="来稿邮件详情", responses=documented({200: MessageDetailSerializer}, 404))
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return self._render(self.get_object())

    @extend_schema(summary="采用（编辑、科长）",
                   description="以所选单位的名义（由本人代为录入）生成信息并报送本科室；已处理、版本过期、"
                   "单位不向本科室报送时 409。", request=AcceptSerializer,
                   responses=documented({200: MessageDetailSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        message = self.get_object()
        data = self.parse(AcceptSerializer)
        services.intake_accept(actor=acting_user(request), message=message, unit=data["unit"],
                               title=data.get("title"), body=data.get("body"), version=data["version"])
        return self._render(message)

    @extend_schema(summary="退回（编辑、科长）", request=RejectSerializer,
                   responses=documented({200: MessageDetailSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        message = self.get_object()
        data = self.parse(RejectSerializer)
        services.intake_reject(actor=acting_user(request), message=message, reason=data["reason"],
                               version=data["version"])
        return self._render(message)

    @extend_schema(summary="丢弃隔离邮件（编辑、科长）", request=DiscardSerializer,
                   responses=documented({200: MessageDetailSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"])
    def discard(self, request: Request, pk: str | None = None) -> Response:
        message = self.get_object()
        data = self.parse(DiscardSerializer)
        services.intake_discard(actor=acting_user(request), message=message, version=data["version"])
        return self._render(message)


class MailboxSerializer(serializers.Serializer[Any]):
    desk = serializers.IntegerField(read_only=True, help_text="科室编号")
    host = serializers.CharField(max_length=200, help_text="IMAP 服务器")
    port = serializers.IntegerField(min_value=1, max_value=65535, help_text="端口")
    security = serializers.ChoiceField(choices=Security.choices, help_text="ssl；starttls；plain（仅限内网测试）")
    username = serializers.CharField(max_length=200, help_text="用户名")
    password = serializers.CharField(max_length=200, write_only=True, required=False, allow_blank=True,
                                     help_text="密码（只写；不给或为空则保留原密码，新建时必填）")
    has_password = serializers.BooleanField(read_only=True, help_text="是否已保存密码")
    folder = serializers.CharField(max_length=200, required=False, default="INBOX", help_text="文件夹，默认 INBOX")
    active = serializers.BooleanField(required=False, default=True, help_text="是否自动收取")
    checked_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="上次收取时间")
    last_error = serializers.CharField(read_only=True, help_text="上次收取错误；成功为空")


class MailboxQuerySerializer(QuerySerializer):
    desk = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                    help_text="科室编号：系统管理员用它选择科室；科长只能是本科室（省略即本科室）")


def _data(mailbox: Mailbox) -> dict[str, Any]:
    return {"desk": mailbox.desk_id, "host": mailbox.host, "port": mailbox.port, "security": mailbox.security,
            "username": mailbox.username, "has_password": bool(mailbox.password), "folder": mailbox.folder,
            "active": mailbox.active, "checked_at": mailbox.checked_at, "last_error": mailbox.last_error}


class MailboxView(APIView):
    """GET/PUT /api/v1/intake/mailbox/: the desk's mailbox settings (the desk chief, an administrator)."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ServiceError) and getattr(exc, "code", None) == "forbidden":
            exc = PermissionDenied(exc.messages[0])
        return super().handle_exception(exc)

    def _desk(self, request: Request) -> Desk:
        user = acting_user(request)
        query = MailboxQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        wanted = query.validated_data.get("desk")
        own = user_desk(user)
        if user.is_admin:
            if wanted is None:
                if own is not None:
                    return own
                raise ValidationError({"desk": ["请用 desk 参数指定科室。"]})
            return get_object_or_404(Desk.objects.select_related("unit"), pk=wanted)
        if own is None or (wanted is not None and wanted != own.pk) or not permissions.can_edit_mailbox(user, own):
            raise Http404
        return own

    @extend_schema(summary="收稿邮箱设置（科长、系统管理员）", description="不返回密码；尚未设置时 404。",
                   parameters=[MailboxQuerySerializer], responses=documented({200: MailboxSerializer}, 400, 404))
    def get(self, request: Request) -> Response:
        mailbox = Mailbox.objects.filter(desk=self._desk(request)).first()
        if mailbox is None:
            raise Http404
        return Response(MailboxSerializer(_data(mailbox)).data)

    @extend_schema(summary="设置收稿邮箱（科长、系统管理员）", parameters=[MailboxQuerySerializer],
                   description="新建或修改；密码不给或为空则保留原密码。规则不允许（如新建时没有密码）为 409。",
                   request=MailboxSerializer, responses=documented({200: MailboxSerializer}, 400, 404, 409))
    def put(self, request: Request) -> Response:
        desk = self._desk(request)
        serializer = MailboxSerializer(data=request.data)
        if isinstance(request.data, dict) and not hasattr(request.data, "getlist"):  # a JSON body
            errors = json_type_errors(serializer, request.data)
            if errors:
                raise ValidationError(errors)
        serializer.is_valid(raise_exception=True)
        mailbox = services.mailbox_save(actor=acting_user(request), desk=desk, values=dict(serializer.validated_data))
        return Response(MailboxSerializer(_data(mailbox)).data)


ROUTES: list[tuple[str, Any, str]] = [("intake/messages", MessageViewSet, "intake-message")]
PATHS: list[URLPattern] = [path("intake/mailbox/", MailboxView.as_view(), name="intake-mailbox")]
