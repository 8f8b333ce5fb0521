"""The commissions API (约稿): ``/api/v1/commissions/``.

list / create (the desk's editors and chief), retrieve (with the targets the user may see),
``{id}/targets/``, ``{id}/answer/`` (a target unit links an item: a draft counts when it is
submitted, a sent item at once), ``{id}/decline/`` (a target unit, with a reason). The same
permission functions as the pages (``permissions_commissions``): a commission the user does
not see is 404; an action outside the persona's role is 403; a rule refusal (not targeted,
already answered, the item answers another commission) is 409 with its Chinese message.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import URLPattern
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from xinxi.assignments import permissions_commissions as permissions
from xinxi.assignments import services_commissions as services
from xinxi.assignments.models import Commission, CommissionTarget, TargetStatus
from xinxi.assignments.views_commissions import with_counts
from xinxi.items.models import Item
from xinxi.items.permissions import desk_entries, visible_items
from xinxi.lib.api_views import ServiceViewSet, acting_user, documented
from xinxi.network.api.serializers import VisibleRelatedField
from xinxi.network.models import Unit, UnitClass

STATUS_HELP = "pending 待报送；answered 已报送；late 逾期报送；missed 未报送；declined 不能报送"


class TargetSerializer(serializers.ModelSerializer[CommissionTarget]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    item = serializers.SerializerMethodField(help_text="答复信息编号（已报送时；本单位人员也可见已关联的草稿）")
    entry = serializers.SerializerMethodField(
        help_text="答复在约稿科室的收稿编号（只对本科室人员、在其涉密等级内给出）")
    late_minutes = serializers.SerializerMethodField(help_text="逾期分钟数；按时或未报送为 null")

    class Meta:
        model = CommissionTarget
        fields = ["id", "unit", "unit_name", "status", "status_label", "item", "entry", "answered_at", "late_minutes",
                  "declined_reason", "declined_at", "reminded_at", "missed_at"]
        read_only_fields = fields

    def get_item(self, target: CommissionTarget) -> int | None:
        if target.answered_at is not None or self.context.get("own"):
            return target.item_id
        return None

    def get_entry(self, target: CommissionTarget) -> int | None:
        entries: dict[int, int] = self.context.get("entries", {})
        return entries.get(target.item_id or 0) if target.answered_at is not None else None

    def get_late_minutes(self, target: CommissionTarget) -> int | None:
        late = target.late_by
        return int(late.total_seconds() // 60) if late is not None else None


class CommissionCountsSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    pending = serializers.IntegerField()
    answered = serializers.IntegerField()
    late = serializers.IntegerField()
    missed = serializers.IntegerField()
    declined = serializers.IntegerField()


class CommissionSerializer(serializers.ModelSerializer[Commission]):
    desk_name = serializers.CharField(source="desk.name", read_only=True)
    created_by_name = serializers.SerializerMethodField()
    unit_classes = serializers.PrimaryKeyRelatedField[UnitClass](many=True, read_only=True, help_text="所选单位类别")
    counts = serializers.SerializerMethodField(help_text="各状态的约稿对象数（只对约稿科室人员给出，否则为 null）")
    own_status = serializers.SerializerMethodField(help_text="本单位的状态（约稿对象单位的人员；否则为 null）。"
                                                   + STATUS_HELP)

    class Meta:
        model = Commission
        fields = ["id", "desk", "desk_name", "topic", "requirements", "due_at", "remind_hours", "scored",
                  "unit_classes", "created_by", "created_by_name", "created_at", "counts", "own_status"]
        read_only_fields = fields

    def get_created_by_name(self, c: Commission) -> str:
        return c.created_by.full_name or c.created_by.username

    @extend_schema_field(CommissionCountsSerializer(allow_null=True))
    def get_counts(self, c: Commission) -> dict[str, int] | None:
        if c.desk_id != self.context.get("desk_id"):
            return None
        return {"total": c.n_targets, **{s: getattr(c, f"n_{s}") for s in TargetStatus.values}}  # type: ignore[attr-defined]

    def get_own_status(self, c: Commission) -> str | None:
        own: dict[int, str] = self.context.get("own_status", {})
        return own.get(c.pk)


class CommissionDetailSerializer(CommissionSerializer):
    targets = serializers.SerializerMethodField(help_text="约稿对象：科室人员为全部，约稿对象单位的人员为本单位")

    class Meta(CommissionSerializer.Meta):
        fields = [*CommissionSerializer.Meta.fields, "targets"]
        read_only_fields = fields

    @extend_schema_field(TargetSerializer(many=True))
    def get_targets(self, c: Commission) -> list[dict[str, Any]]:
        return self.context["targets"]  # type: ignore[no-any-return]


class CommissionCreateSerializer(serializers.Serializer[Any]):
    topic = serializers.CharField(max_length=services.TOPIC_MAX, help_text="约稿主题")
    requirements = serializers.CharField(max_length=services.REQUIREMENTS_MAX, required=False, allow_blank=True,
                                         default="", help_text="约稿要求")
    due_at = serializers.DateTimeField(help_text="报送截止时间（须晚于现在）")
    remind_hours = serializers.IntegerField(min_value=0, max_value=services.REMIND_MAX, default=24,
                                            help_text="截止前多少小时提醒尚未报送的单位；0 为不提醒")
    scored = serializers.BooleanField(default=True, help_text="是否按本科室计分办法计分")
    unit_classes = serializers.PrimaryKeyRelatedField(
        many=True, queryset=UnitClass.objects.all(), required=False, default=list,
        help_text="单位类别编号：本科室信息网络中这些类别的全部单位",
        error_messages={"does_not_exist": "单位类别不存在。", "incorrect_type": "编号应为整数。"},
    )
    units = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Unit.objects.filter(active=True), required=False, default=list,
        help_text="具体单位编号（本科室信息网络内）；与单位类别至少给出一项",
        error_messages={"does_not_exist": "单位不存在。", "incorrect_type": "编号应为整数。"},
    )


class AnswerSerializer(serializers.Serializer[Any]):
    item = VisibleRelatedField(queryset=Item.objects.all(), visible=visible_items, missing="信息不存在。",
                               help_text="本单位的信息编号：草稿报送时作为答复，已报送的信息即时作为答复")


class DeclineSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=services.REASON_MAX, help_text="不能报送的理由")


@extend_schema_view(
    list=extend_schema(summary="约稿列表",
                       description="科室人员为本科室发起的约稿（含各状态计数），信息员和签发人为本单位收到的约稿。",
                       responses=documented({200: CommissionSerializer(many=True)})),
)
class CommissionViewSet(mixins.ListModelMixin, ServiceViewSet[Commission]):
    serializer_class = CommissionSerializer

    def get_queryset(self) -> QuerySet[Commission]:
        rows = permissions.visible_commissions(self.request.user)
        return with_counts(rows).select_related("desk", "created_by").prefetch_related("unit_classes").order_by(  # type: ignore[no-any-return]
            "-due_at", "-id")

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        user = acting_user(self.request)
        desk = permissions.staff_desk(user)
        context["desk_id"] = desk.pk if desk is not None else None
        if permissions.can_write_items(user):
            context["own_status"] = dict(
                CommissionTarget.objects.filter(unit_id=user.unit_id or 0).values_list("commission_id", "status"))
        return context

    def _targets(self, c: Commission) -> list[dict[str, Any]]:
        user = acting_user(self.request)
        if permissions.is_desk_staff(user, c):
            rows = list(c.targets.select_related("unit").order_by("unit__path"))
            ids = [t.item_id for t in rows if t.item_id and t.answered_at]
            entries = dict(desk_entries(user).filter(desk_id=c.desk_id, item_id__in=ids).values_list("item_id", "pk"))
            return TargetSerializer(rows, many=True, context={"entries": entries}).data  # type: ignore[return-value]
        own = permissions.own_target(user, c)
        return [TargetSerializer(own, context={"own": True}).data] if own is not None else []

    def _unit_only(self) -> None:
        if not permissions.can_write_items(self.request.user):
            raise PermissionDenied("只有约稿对象单位的信息员和签发人可以答复或说明。")

    def _render(self, c: Commission, code: int = status.HTTP_200_OK) -> Response:
        c = self.get_queryset().get(pk=c.pk)
        context = {**self.get_serializer_context(), "targets": self._targets(c)}
        return Response(CommissionDetailSerializer(c, context=context).data, status=code)

    @extend_schema(summary="约稿详情（含约稿对象及答复情况）",
                   responses=documented({200: CommissionDetailSerializer}, 404))
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return self._render(self.get_object())

    @extend_schema(summary="发起约稿（本科室编辑、科长）",
                   description="约稿对象为本科室信息网络中所选类别的全部单位和所选单位；发起后通知各约稿对象单位。"
                   "单位不在本科室信息网络中、截止时间已过时 409。",
                   request=CommissionCreateSerializer,
                   responses=documented({201: CommissionDetailSerializer}, 400, 409))
    def create(self, request: Request) -> Response:
        data = self.parse(CommissionCreateSerializer)
        c = services.commission_create(
            actor=acting_user(request), topic=data["topic"], requirements=data["requirements"], due_at=data["due_at"],
            remind_hours=data["remind_hours"], scored=data["scored"], unit_classes=data["unit_classes"],
            units=data["units"],
        )
        return self._render(c, status.HTTP_201_CREATED)

    @extend_schema(summary="约稿对象及答复情况", responses=documented({200: TargetSerializer(many=True)}, 404))
    @action(detail=True, methods=["get"], pagination_class=None)
    def targets(self, request: Request, pk: str | None = None) -> Response:
        return Response(self._targets(self.get_object()))

    @extend_schema(summary="以信息答复约稿（约稿对象单位的信息员、签发人）",
                   description="草稿在报送时作为答复（截止时间后报送记为逾期）；已报送的信息即时作为答复。"
                   "本单位不是约稿对象、已答复、该信息已答复其他约稿时 409。",
                   request=AnswerSerializer, responses=documented({200: CommissionDetailSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        c = self.get_object()
        self._unit_only()
        data = self.parse(AnswerSerializer)
        services.commission_link(actor=acting_user(request), commission=c, item=data["item"])
        return self._render(c)

    @extend_schema(summary="说明不能报送（约稿对象单位的信息员、签发人）",
                   description="截止前、尚未答复时可说明；已答复、已说明、已记为未报送时 409。",
                   request=DeclineSerializer, responses=documented({200: CommissionDetailSerializer}, 400, 404, 409))
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        c = self.get_object()
        self._unit_only()
        data = self.parse(DeclineSerializer)
        services.commission_decline(actor=acting_user(request), commission=c, reason=data["reason"])
        return self._render(c)


ROUTES: list[tuple[str, Any, str]] = [("commissions", CommissionViewSet, "commission")]
PATHS: list[URLPattern] = []
