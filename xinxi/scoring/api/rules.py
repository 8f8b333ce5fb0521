"""API of scoring: rule sets (计分办法), their preview, penalties and the reversal of an entry.

``ROUTES`` are registered on the API router, ``PATHS`` added under /api/v1/. The same
permission functions as the pages: a desk's staff read its rule sets and penalties
(``permissions.scoring_desks``; another desk's are 404), its desk chief and admins change
them (a visible rule set someone may not change: 403). Input serializers parse types;
every business rule stays in ``scoring.services`` (409 with its Chinese message).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinxi.items.models import Adoption, AdoptionKind, Category, Item
from xinxi.lib.api_views import ServiceViewSet, acting_user, documented, json_type_errors
from xinxi.lib.errors import ServiceError
from xinxi.network.api.serializers import MAX_INT, VisibleRelatedField
from xinxi.network.models import Desk, Unit
from xinxi.scoring import permissions, preview_rules, services
from xinxi.scoring.models import (
    LINE_KINDS,
    MULTIPLIER_TARGETS,
    PENALTY_KINDS,
    BasePeriod,
    EventKind,
    IssueKind,
    JointPolicy,
    MultiAdoption,
    Penalty,
    ReachedLevel,
    RuleLine,
    RuleMultiplier,
    RuleSet,
    ScoreEntry,
    UpwardPolicy,
)

LINE_KIND_HELP = "；".join(f"{k.value} {k.label}" for k in LINE_KINDS)
PENALTY_KIND_HELP = "；".join(f"{k.value} {EventKind(k).label}" for k in PENALTY_KINDS)
MAX_LINES = 200
# Named in settings.ENUM_NAME_OVERRIDES: other endpoints have fields called "kind" and "level".
LINE_KIND_CHOICES = [(k.value, k.label) for k in LINE_KINDS]
PENALTY_KIND_CHOICES = [(k.value, EventKind(k).label) for k in PENALTY_KINDS]
LEVEL_HELP = "采用层级：own 本级；upper 上级；province 省办；guoban 国办；zhongban 中办"
MAX_EVENTS = 200


def _choice(choices: Any, help_text: str, *, blank: bool = False, **kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, allow_blank=blank, help_text=help_text, **kwargs)


def _decimal(help_text: str, max_digits: int = 7, **kwargs: Any) -> serializers.DecimalField:
    # The services' limits (±services.POINTS_LIMIT), stated in the schema's pattern (a 400, not a 409).
    kwargs.setdefault("min_value", -services.POINTS_LIMIT)
    kwargs.setdefault("max_value", services.POINTS_LIMIT)
    return serializers.DecimalField(max_digits=max_digits, decimal_places=2, help_text=help_text, **kwargs)


def _text(max_length: int, help_text: str, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, allow_blank=True, required=False, help_text=help_text,
                                 **kwargs)


# --- serializers ---


class RuleLineSerializer(serializers.ModelSerializer[RuleLine]):
    kind = serializers.CharField(read_only=True, help_text=LINE_KIND_HELP)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = RuleLine
        fields = ["id", "kind", "kind_label", "label", "periodical", "column", "adoption_kind", "issue_kind", "level",
                  "leader_level", "points", "sort_order"]
        read_only_fields = fields


class RuleLineInputSerializer(serializers.Serializer[RuleLine]):
    kind = _choice(LINE_KIND_CHOICES, LINE_KIND_HELP)
    label = _text(100, "说明")  # type: ignore[assignment]
    periodical = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False, allow_null=True,
                                          help_text="本科室刊物的编号（空为不限）")
    column = _text(30, "栏目名称（空为不限）")
    adoption_kind = _choice(AdoptionKind.choices, "采用方式（空为不限）", blank=True, required=False)
    issue_kind = _choice(IssueKind.choices, "regular 正刊；supplement 增刊（空为不限）", blank=True, required=False)
    level = _choice(ReachedLevel.choices, LEVEL_HELP + "（空为不限）", blank=True, required=False)
    leader_level = _text(20, "批示领导层级代码（领导层级表的 code，空为不限）")
    points = _decimal("分值（扣分事项为负数）")


class RuleMultiplierSerializer(serializers.ModelSerializer[RuleMultiplier]):
    target_label = serializers.CharField(source="get_target_display", read_only=True)

    class Meta:
        model = RuleMultiplier
        fields = ["target", "target_label", "factor"]
        read_only_fields = fields


class RuleMultiplierInputSerializer(serializers.Serializer[RuleMultiplier]):
    target = _choice(MULTIPLIER_TARGETS, "适用于：信息类别代码，或 commissioned 约稿信息")
    factor = _decimal("系数", max_digits=5, min_value=0, max_value=100)


POLICY_HELP = {
    "multi_adoption": "add 累加计分；highest 只计最高分",
    "joint": "split 各单位平分；full 各单位均得全分；fixed 各单位得固定分",
    "upward": "level_lines 按“上级或系统外采用”各条；upper_points 按采用科室的办法；times_k 本级分值×k（每高一级）",
    "base_period": "none 不设；month 每月；quarter 每季度",
}


class RuleSetSerializer(serializers.ModelSerializer[RuleSet]):
    desk_name = serializers.CharField(source="desk.name", read_only=True)
    state = serializers.CharField(read_only=True, help_text="draft 草稿；active 生效；superseded 已被更正版本取代")
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    multi_adoption = serializers.CharField(read_only=True, help_text=POLICY_HELP["multi_adoption"])
    joint = serializers.CharField(read_only=True, help_text=POLICY_HELP["joint"])
    upward = serializers.CharField(read_only=True, help_text=POLICY_HELP["upward"])
    base_period = serializers.CharField(read_only=True, help_text=POLICY_HELP["base_period"])
    published_by_name = serializers.SerializerMethodField(help_text="执行生效的人")
    posted = serializers.BooleanField(read_only=True, help_text="是否已按此版本记过积分")
    lines = RuleLineSerializer(many=True, read_only=True)
    multipliers = RuleMultiplierSerializer(many=True, read_only=True)

    class Meta:
        model = RuleSet
        fields = ["id", "desk", "desk_name", "name", "valid_from", "state", "state_label", "supersedes", "note",
                  "multi_adoption", "joint", "joint_fixed_points", "upward", "upward_k", "base_points", "base_period",
                  "threshold_items", "threshold_points", "zeroing_misses", "month_floor", "rate_floor",
                  "published_by_name", "published_at", "posted", "version", "lines", "multipliers"]
        read_only_fields = fields

    def get_published_by_name(self, rule_set: RuleSet) -> str:
        user = rule_set.published_by
        return (user.get_full_name() or user.username) if user is not None else ""


class _RuleSetFields(serializers.Serializer[RuleSet]):
    note = _text(2000, "说明")
    multi_adoption = _choice(MultiAdoption.choices, POLICY_HELP["multi_adoption"], required=False)
    joint = _choice(JointPolicy.choices, POLICY_HELP["joint"], required=False)
    joint_fixed_points = _decimal("综合采用每单位固定分", required=False)
    upward = _choice(UpwardPolicy.choices, POLICY_HELP["upward"], required=False)
    upward_k = _decimal("每高一级的系数 k", max_digits=5, min_value=0, required=False)
    base_points = _decimal("基础分", required=False)
    base_period = _choice(BasePeriod.choices, POLICY_HELP["base_period"], required=False)
    threshold_items = serializers.IntegerField(min_value=0, max_value=10000, required=False,
                                               help_text="年度达标：采用条数（0 为不设）")
    threshold_points = _decimal("年度达标分", required=False)
    zeroing_misses = serializers.IntegerField(min_value=0, max_value=10000, required=False,
                                              help_text="全年未报约稿达到几次清零（0 为不设）")
    month_floor = _decimal("每月达标分（0 为不设）", required=False)
    rate_floor = _decimal("季度采用率下限（%，0 为不设）", max_digits=5, min_value=0, max_value=100, required=False)


class RuleSetCreateSerializer(_RuleSetFields):
    desk = VisibleRelatedField(queryset=Desk.objects.all(), visible=permissions.scoring_desks,
                               missing="信息科室不存在。", help_text="信息科室编号")
    name = serializers.CharField(max_length=100, help_text="名称")
    valid_from = serializers.DateField(help_text="生效日期")
    lines = RuleLineInputSerializer(many=True, required=False, max_length=MAX_LINES, help_text="计分条目，按顺序")  # type: ignore[call-arg]
    multipliers = RuleMultiplierInputSerializer(many=True, required=False, max_length=20, help_text="计分系数")  # type: ignore[call-arg]


class RuleSetUpdateSerializer(_RuleSetFields):
    version = serializers.IntegerField(min_value=1, max_value=MAX_INT, help_text="读取时的版本号（过期为 409）")
    name = serializers.CharField(max_length=100, required=False, help_text="名称")
    valid_from = serializers.DateField(required=False, help_text="生效日期（更正版本不能改）")
    lines = RuleLineInputSerializer(many=True, required=False, max_length=MAX_LINES,  # type: ignore[call-arg]
                                    help_text="计分条目（给出时为完整列表，替换原有条目）")
    multipliers = RuleMultiplierInputSerializer(many=True, required=False, max_length=20,  # type: ignore[call-arg]
                                                help_text="计分系数（给出时为完整列表）")


class CopySerializer(serializers.Serializer[RuleSet]):
    valid_from = serializers.DateField(help_text="新版本的生效日期")


class PreviewEventSerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_INT, help_text="本科室信息网络中的单位编号")
    kind = _choice(LINE_KIND_CHOICES, LINE_KIND_HELP)
    periodical = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False, allow_null=True,
                                          help_text="刊物编号")
    column = _text(30, "栏目")
    adoption_kind = _choice(AdoptionKind.choices, "采用方式", blank=True, required=False)
    issue_kind = _choice(IssueKind.choices, "regular 正刊；supplement 增刊", blank=True, required=False)
    level = _choice(ReachedLevel.choices, "采用层级", blank=True, required=False)
    leader_level = _text(20, "批示领导层级代码")
    category = _choice(Category.choices, "信息类别", blank=True, required=False)
    commissioned = serializers.BooleanField(required=False, default=False, help_text="是否约稿信息")
    sources = serializers.IntegerField(min_value=1, max_value=50, required=False, help_text="联合报送的单位数")
    levels_up = serializers.IntegerField(min_value=1, max_value=5, required=False, help_text="上级采用：高出几级")
    count = serializers.IntegerField(min_value=1, max_value=1000, required=False, help_text="条数（按条计的事项）")


class PreviewRequestSerializer(serializers.Serializer[Any]):
    events = PreviewEventSerializer(many=True, required=False, max_length=MAX_EVENTS, help_text="手工输入的事项")  # type: ignore[call-arg]
    adoptions = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_INT), required=False, max_length=MAX_EVENTS,
        help_text="本科室采用记录的编号（按实际采用计算）",
    )


class PreviewRowSerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField(help_text="单位编号")
    unit_name = serializers.CharField()
    event = serializers.CharField(help_text="事项")
    line = serializers.CharField(help_text="适用的计分条目")
    steps = serializers.ListField(child=serializers.CharField(), help_text="计算过程")
    points = serializers.DecimalField(max_digits=9, decimal_places=2)


class PreviewTotalSerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    points = serializers.DecimalField(max_digits=11, decimal_places=2)


class PreviewSerializer(serializers.Serializer[Any]):
    rows = PreviewRowSerializer(many=True)
    totals = PreviewTotalSerializer(many=True, help_text="各单位合计，分高的在前")


class PenaltySerializer(serializers.ModelSerializer[Penalty]):
    kind = serializers.CharField(read_only=True, help_text=PENALTY_KIND_HELP)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    points = serializers.SerializerMethodField(help_text="所记分值（冲销后为 0）")
    recorded_by_name = serializers.SerializerMethodField(help_text="记录人（空为系统）")

    class Meta:
        model = Penalty
        fields = ["id", "desk", "unit", "unit_name", "kind", "kind_label", "on", "reason", "item", "points",
                  "recorded_by_name", "recorded_at"]
        read_only_fields = fields

    def get_points(self, penalty: Penalty) -> str:
        return str(sum((e.points for e in penalty.entries.all()), 0))

    def get_recorded_by_name(self, penalty: Penalty) -> str:
        user = penalty.recorded_by
        return (user.get_full_name() or user.username) if user is not None else ""


class PenaltyCreateSerializer(serializers.Serializer[Penalty]):
    desk = VisibleRelatedField(queryset=Desk.objects.all(), visible=permissions.scoring_desks,
                               missing="信息科室不存在。", help_text="信息科室编号")
    unit = serializers.IntegerField(min_value=1, max_value=MAX_INT, help_text="本科室信息网络中的单位编号")
    kind = _choice(PENALTY_KIND_CHOICES, PENALTY_KIND_HELP)
    on = serializers.DateField(help_text="发生日期")
    reason = serializers.CharField(max_length=500, help_text="事实和理由")
    item = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False, allow_null=True,
                                    help_text="涉及信息编号（本科室收到过的）")


class ReverseSerializer(serializers.Serializer[ScoreEntry]):
    reason = serializers.CharField(max_length=200, help_text="冲销理由")


class ScoreReversalSerializer(serializers.ModelSerializer[ScoreEntry]):
    kind = serializers.CharField(read_only=True, help_text="计分事项代码")

    class Meta:
        model = ScoreEntry
        fields = ["id", "desk", "unit", "on", "points", "kind", "reverses", "reason"]
        read_only_fields = fields


# --- helpers ---


def _refuse(name: str, text: str) -> ServiceError:
    return ServiceError({name: [text]})


def _unit_of(desk: Desk, unit_id: int, field: str = "unit") -> Unit:
    unit = preview_rules.desk_units(desk).filter(pk=unit_id).first()
    if unit is None:
        raise _refuse(field, "该单位不在本科室的信息网络中。")
    return unit


def rule_sets_of(user: Any) -> QuerySet[RuleSet]:
    return RuleSet.objects.filter(desk__in=permissions.scoring_desks(user))


# --- views ---


@extend_schema_view(
    list=extend_schema(summary="计分办法的各版本",
                       description="本人所在信息科室的计分办法（管理员：全部科室），新的在前；不是科室人员时为空列表。",
                       responses=documented({200: RuleSetSerializer(many=True)}, 400)),
    retrieve=extend_schema(summary="计分办法详情（含计分条目和系数）",
                           responses=documented({200: RuleSetSerializer}, 404)),
)
class RuleSetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet[RuleSet]):
    serializer_class = RuleSetSerializer

    def get_queryset(self) -> QuerySet[RuleSet]:
        return (
            rule_sets_of(self.request.user)
            .select_related("desk", "published_by")
            .prefetch_related(Prefetch("lines", queryset=RuleLine.objects.order_by("sort_order", "id")), "multipliers")
            .annotate(posted=Exists(ScoreEntry.objects.filter(rule_set=OuterRef("pk"))))
            .order_by("desk_id", "-valid_from", "-id")
        )

    def _render(self, rule_set: RuleSet, code: int = status.HTTP_200_OK) -> Response:
        return Response(RuleSetSerializer(self.get_queryset().get(pk=rule_set.pk)).data, status=code)

    @extend_schema(summary="新建计分办法草稿（科长、管理员）", request=RuleSetCreateSerializer,
                   responses=documented({201: RuleSetSerializer}, 400))
    def create(self, request: Request) -> Response:
        data = self.parse(RuleSetCreateSerializer)
        made = services.rule_set_create(actor=acting_user(request), **data)
        return self._render(made, status.HTTP_201_CREATED)

    @extend_schema(summary="修改计分办法草稿（部分字段）",
                   description="省略的字段不变；lines、multipliers 给出时为完整列表。已生效的版本不能修改（409）。",
                   request=RuleSetUpdateSerializer, responses=documented({200: RuleSetSerializer}, 400, 404))
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        rule_set = self.get_object()
        data = self.parse(RuleSetUpdateSerializer)
        services.rule_set_update(actor=acting_user(request), rule_set=rule_set, **data)
        return self._render(rule_set)

    @extend_schema(summary="生效",
                   description="草稿自生效日期起成为本科室的计分办法；更正版本生效时重新计分有变化的积分。",
                   request=None, responses=documented({200: RuleSetSerializer}, 404))
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        rule_set = services.rule_set_publish(actor=acting_user(request), rule_set=self.get_object())
        return self._render(rule_set)

    @extend_schema(summary="更正此版本", description="生成生效版本的更正稿（草稿），生效后取代原版本。",
                   request=None, responses=documented({201: RuleSetSerializer}, 404))
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str | None = None) -> Response:
        draft = services.rule_set_correct(actor=acting_user(request), rule_set=self.get_object())
        return self._render(draft, status.HTTP_201_CREATED)

    @extend_schema(summary="复制为新版本", request=CopySerializer,
                   responses=documented({201: RuleSetSerializer}, 400, 404))
    @action(detail=True, methods=["post"])
    def copy(self, request: Request, pk: str | None = None) -> Response:
        rule_set = self.get_object()
        data = self.parse(CopySerializer)
        made = services.rule_set_copy(actor=acting_user(request), rule_set=rule_set, valid_from=data["valid_from"])
        return self._render(made, status.HTTP_201_CREATED)

    @extend_schema(summary="预览：按此版本逐条计算几条事项的得分（不记分）",
                   description="events 为手工输入的事项，adoptions 为本科室的采用记录编号；"
                   "返回逐条的适用条目、计算过程和各单位合计。",
                   request=PreviewRequestSerializer, responses=documented({200: PreviewSerializer}, 400, 404))
    @action(detail=True, methods=["post"])
    def preview(self, request: Request, pk: str | None = None) -> Response:
        rule_set = self.get_object()
        data = self.parse(PreviewRequestSerializer)
        desk = rule_set.desk
        events = [preview_rules.hand_event(_unit_of(desk, e["unit"], "events"), e) for e in data.get("events", [])]
        wanted = data.get("adoptions", [])
        found = {a.pk: a for a in Adoption.objects.filter(
            desk=desk, external=False, withdrawn_at__isnull=True, pk__in=wanted).select_related("entry")}
        if len(found) != len(set(wanted)):
            raise _refuse("adoptions", "本科室没有该采用记录。")
        events += preview_rules.adoption_events([found[pk] for pk in wanted], acting_user(request))
        result = preview_rules.preview(rule_set, events)
        body = {
            "rows": [{"unit": r.event.unit.pk, "unit_name": r.event.unit.name, "event": r.event.label, "line": r.line,
                      "steps": r.steps, "points": r.points} for r in result.rows],
            "totals": [{"unit": u.pk, "unit_name": u.name, "points": p} for u, p in result.totals],
        }
        return Response(PreviewSerializer(body).data)


@extend_schema_view(
    list=extend_schema(summary="扣分记录", description="本人所在信息科室的扣分记录（管理员：全部科室），新的在前。",
                       responses=documented({200: PenaltySerializer(many=True)}, 400)),
)
class PenaltyViewSet(mixins.ListModelMixin, ServiceViewSet[Penalty]):
    serializer_class = PenaltySerializer

    def get_queryset(self) -> QuerySet[Penalty]:
        return (
            Penalty.objects.filter(desk__in=permissions.scoring_desks(self.request.user))
            .select_related("unit", "recorded_by")
            .prefetch_related("entries")
            .order_by("-on", "-id")
        )

    @extend_schema(summary="确认扣分（科长、管理员）", description="按该日期适用的计分办法的扣分条目记分。",
                   request=PenaltyCreateSerializer, responses=documented({201: PenaltySerializer}, 400))
    def create(self, request: Request) -> Response:
        actor = acting_user(request)
        data = self.parse(PenaltyCreateSerializer)
        desk: Desk = data["desk"]
        if not permissions.can_manage_rules(actor, desk):
            raise PermissionDenied(services.NOT_ALLOWED)
        unit = _unit_of(desk, data["unit"])
        item = None
        if data.get("item"):
            item = Item.objects.filter(pk=data["item"], entries__desk=desk).distinct().first()
            if item is None:
                raise _refuse("item", "本科室没有收到过该编号的信息。")
        penalty = services.penalty_record(actor=actor, desk=desk, unit=unit, kind=data["kind"], on=data["on"],
                                          reason=data["reason"], item=item)
        return Response(PenaltySerializer(self.get_queryset().get(pk=penalty.pk)).data, status=status.HTTP_201_CREATED)


class ScoreEntryReverseView(APIView):
    """POST /api/v1/score-entries/{id}/reverse/: 冲销 one entry of the desk's ledger."""

    @extend_schema(summary="冲销积分记录（科长、管理员）",
                   description="记一笔相反的分值，原记录保留；已冲销的或本身是冲销记录的不能再冲销（409）。",
                   request=ReverseSerializer, responses=documented({201: ScoreReversalSerializer}, 400, 404))
    def post(self, request: Request, pk: int) -> Response:
        actor = acting_user(request)
        entry = ScoreEntry.objects.filter(desk__in=permissions.scoring_desks(actor), pk=pk).select_related("desk")
        found = entry.first()
        if found is None:
            raise Http404
        serializer = ReverseSerializer(data=request.data)
        if isinstance(request.data, dict) and not hasattr(request.data, "getlist"):
            errors = json_type_errors(serializer, request.data)
            if errors:
                raise ValidationError(errors)
        serializer.is_valid(raise_exception=True)
        try:
            reason = serializer.validated_data["reason"]
            reversal = services.score_entry_reverse(actor=actor, entry=found, reason=reason)
        except ServiceError as exc:
            if exc.code == "forbidden":
                raise PermissionDenied(exc.messages[0]) from None
            raise
        return Response(ScoreReversalSerializer(reversal).data, status=status.HTTP_201_CREATED)


ROUTES: list[tuple[str, Any, str]] = [
    ("rule-sets", RuleSetViewSet, "rule-set"),
    ("penalties", PenaltyViewSet, "penalty"),
]
PATHS: list[URLPattern] = [
    path("score-entries/<int:pk>/reverse/", ScoreEntryReverseView.as_view(), name="score-entry-reverse"),
]
