"""API of scoring: ledger. ``ROUTES`` are registered on the API router, ``PATHS`` added under /api/v1/.

- ``/api/v1/score-entries/`` (list, retrieve): a desk's ledger for its staff and admins
  (``selectors_ledger.visible_entries``; another desk's entry is 404), filtered with
  validated filters (a bad value is 400 naming the parameter), each row with its trace.
- ``/api/v1/my-scores/``: 我的得分 of the user's unit (reporters and approvers): per desk
  the month totals of a year, and the year's entries with their traces — titles of the
  unit's own items only, within clearance; no rule internals beyond the line's name.
The reversal of an entry is ``score-entries/{id}/reverse/`` in ``api/rules.py``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import URLPattern, path
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinxi.lib.api_views import ServiceViewSet, acting_user, documented
from xinxi.network.api.filters import WholeNumberFilter
from xinxi.network.api.serializers import MAX_INT
from xinxi.scoring import selectors_ledger as selectors
from xinxi.scoring.models import ScoreEntry
from xinxi.scoring.preview_rules import SECRET_TITLE

KIND_HELP = "计分事项代码：" + "；".join(f"{v} {label}" for v, label in selectors.KIND_CHOICES)
STATUS_HELP = "live 有效；reversed 已被冲销；reversal 冲销记录"
MAX_MY_ENTRIES = 1000


class ScoreEntryFilter(filters.FilterSet):
    desk = WholeNumberFilter(field_name="desk", label="信息科室编号（管理员可看各科室；其他人只有本科室）")
    unit = WholeNumberFilter(field_name="unit", label="单位编号")
    kind = filters.ChoiceFilter(choices=selectors.KIND_CHOICES, label=KIND_HELP)
    on_from = filters.DateFilter(field_name="on", lookup_expr="gte", label="计入日期自（含），YYYY-MM-DD")
    on_to = filters.DateFilter(field_name="on", lookup_expr="lte", label="计入日期至（含），YYYY-MM-DD")
    status = filters.ChoiceFilter(choices=selectors.Status.CHOICES, method="filter_status", label=STATUS_HELP)
    rule_set = WholeNumberFilter(field_name="rule_set", label="计分办法版本编号")

    class Meta:
        model = ScoreEntry
        fields = ["desk", "unit", "kind", "on_from", "on_to", "status", "rule_set"]

    def filter_status(self, rows: QuerySet[ScoreEntry], name: str, value: str) -> QuerySet[ScoreEntry]:
        return selectors.filtered(rows, selectors.LedgerFilter(status=value))


def _user(serializer: serializers.Serializer[Any]) -> Any:
    return serializer.context["user"]


class _TraceFields(serializers.ModelSerializer[ScoreEntry]):
    kind = serializers.CharField(read_only=True, help_text=KIND_HELP)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    desk_name = serializers.CharField(source="desk.name", read_only=True)
    rule_line_label = serializers.SerializerMethodField(help_text="计分条目名称（空为按办法的规定，如基础分）")
    rule_set_name = serializers.SerializerMethodField(help_text="计分办法名称")
    item_title = serializers.SerializerMethodField(
        help_text=f"涉及信息的标题；超出本人密级时为“{SECRET_TITLE}”，无涉及信息时为空"
    )
    reversed_by = serializers.SerializerMethodField(help_text="冲销本记录的积分记录编号（未冲销为空）")
    trace_url = serializers.SerializerMethodField(help_text="该记录来源页面的地址")

    def get_rule_line_label(self, entry: ScoreEntry) -> str:
        return str(entry.rule_line) if entry.rule_line is not None else ""

    def get_rule_set_name(self, entry: ScoreEntry) -> str:
        return entry.rule_set.name if entry.rule_set is not None else ""

    def get_reversed_by(self, entry: ScoreEntry) -> int | None:
        try:
            return entry.reversal.pk
        except ScoreEntry.DoesNotExist:
            return None

    def get_trace_url(self, entry: ScoreEntry) -> str:
        return f"/scoring/entries/{entry.pk}/"


class ScoreEntrySerializer(_TraceFields):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    rule_set_valid_from = serializers.DateField(source="rule_set.valid_from", read_only=True, allow_null=True,
                                                help_text="计分办法版本的生效日期")
    rule_line_points = serializers.DecimalField(source="rule_line.points", max_digits=7, decimal_places=2,
                                                read_only=True, allow_null=True, help_text="计分条目的分值")
    posted_by_name = serializers.SerializerMethodField(help_text="记账人（空为系统自动记分）")
    reason = serializers.SerializerMethodField(help_text="说明（计算过程或冲销理由）；超出本人密级时不显示")
    facts = serializers.SerializerMethodField(help_text="记分时的事实（计分依据）；超出本人密级时为空")

    class Meta:
        model = ScoreEntry
        fields = ["id", "desk", "desk_name", "unit", "unit_name", "on", "points", "kind", "kind_label", "rule_set",
                  "rule_set_name", "rule_set_valid_from", "rule_line", "rule_line_label", "rule_line_points", "reason",
                  "facts", "posted_by", "posted_by_name", "posted_at", "reverses", "reversed_by", "item", "item_title",
                  "entry", "adoption", "instruction", "penalty", "classification", "trace_url"]
        read_only_fields = fields

    def get_item_title(self, entry: ScoreEntry) -> str:
        return selectors.item_label(entry, _user(self))

    def get_posted_by_name(self, entry: ScoreEntry) -> str:
        return str(entry.posted_by) if entry.posted_by is not None else ""

    def get_reason(self, entry: ScoreEntry) -> str:
        return entry.reason if selectors.readable(entry, _user(self)) else SECRET_TITLE

    @extend_schema_field({"type": "object", "additionalProperties": True})
    def get_facts(self, entry: ScoreEntry) -> dict[str, Any]:
        return dict(entry.facts) if selectors.readable(entry, _user(self)) else {}


class MyScoreEntrySerializer(_TraceFields):
    reason = serializers.SerializerMethodField(help_text="冲销理由或扣分事实（其他记录为空）")

    class Meta:
        model = ScoreEntry
        fields = ["id", "desk", "desk_name", "on", "points", "kind", "kind_label", "rule_set_name", "rule_line_label",
                  "reason", "reverses", "reversed_by", "item", "item_title", "trace_url"]
        read_only_fields = fields

    def get_item_title(self, entry: ScoreEntry) -> str:
        user = _user(self)
        return selectors.item_label(entry, user, unit=user.unit)

    def get_reason(self, entry: ScoreEntry) -> str:
        shown = entry.reverses_id is not None or entry.penalty_id is not None
        return entry.reason if shown and selectors.readable(entry, _user(self)) else ""


class DeskYearSerializer(serializers.Serializer[Any]):
    desk = serializers.IntegerField(source="desk.pk", help_text="信息科室编号")
    desk_name = serializers.CharField(source="desk.name")
    months = serializers.ListField(child=serializers.DecimalField(max_digits=11, decimal_places=2),
                                   help_text="1 至 12 月各月得分")
    total = serializers.DecimalField(max_digits=11, decimal_places=2, help_text="全年得分")


class MyScoresSerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField(help_text="本单位编号")
    unit_name = serializers.CharField()
    year = serializers.IntegerField()
    desks = DeskYearSerializer(many=True, help_text="本单位报送的各信息科室：各月和全年得分")
    entries = MyScoreEntrySerializer(many=True, help_text=f"该年度的积分记录，新的在前（至多 {MAX_MY_ENTRIES} 条）")
    entries_truncated = serializers.BooleanField(help_text=f"记录超过 {MAX_MY_ENTRIES} 条、未全部列出时为 true")


class MyScoresQuerySerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False, help_text="年度（默认今年）")
    desk = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False,
                                    help_text="只看这个信息科室的记录（月度合计仍列出各科室）")


@extend_schema_view(
    list=extend_schema(summary="积分台账",
                       description="本人所在信息科室的积分记录（管理员：全部科室，可用 desk 筛选），新的在前；"
                       "不是科室人员时为空列表。每条带来源：计分办法和条目、涉及信息（超出密级不显示标题）、"
                       "采用、批示、扣分、记账人、冲销关系。",
                       responses=documented({200: ScoreEntrySerializer(many=True)}, 400)),
    retrieve=extend_schema(summary="积分记录及其来源", responses=documented({200: ScoreEntrySerializer}, 404)),
)
class ScoreEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet[ScoreEntry]):
    serializer_class = ScoreEntrySerializer
    filterset_class = ScoreEntryFilter

    def get_queryset(self) -> QuerySet[ScoreEntry]:
        return (
            selectors.visible_entries(self.request.user)
            .select_related("desk", "unit", "rule_set", "rule_line", "item", "posted_by", "reversal")
            .order_by("-on", "-id")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "user": self.request.user}


class MyScoresView(APIView):
    """GET /api/v1/my-scores/: the user's unit's points (我的得分)."""

    @extend_schema(summary="我的得分（本单位得分）",
                   description="报送单位的信息员和签发人：本单位在所报送的各信息科室的各月得分和积分记录，每条带来源。"
                   "只显示本单位信息的标题（不超出本人密级）；其他人为 403。",
                   parameters=[MyScoresQuerySerializer],
                   responses=documented({200: MyScoresSerializer}, 400))
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        unit = selectors.scored_unit(user)
        if unit is None:
            raise PermissionDenied("“我的得分”供报送单位的信息员和签发人查看本单位的得分。")
        query = MyScoresQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year", timezone.localdate().year)
        rows = selectors.unit_entries(user).filter(on__year=year)
        if "desk" in query.validated_data:
            rows = rows.filter(desk_id=query.validated_data["desk"])
        rows = rows.select_related("desk", "rule_set", "rule_line", "item", "reversal").order_by("-on", "-id")
        entries = list(rows[: MAX_MY_ENTRIES + 1])
        desks = list(selectors.unit_desks(unit))
        body = {
            "unit": unit.pk,
            "unit_name": unit.name,
            "year": year,
            "desks": selectors.monthly(unit, year, desks),
            "entries": entries[:MAX_MY_ENTRIES],
            "entries_truncated": len(entries) > MAX_MY_ENTRIES,
        }
        return Response(MyScoresSerializer(body, context={"user": user}).data)


ROUTES: list[tuple[str, Any, str]] = [("score-entries", ScoreEntryViewSet, "score-entry")]
PATHS: list[URLPattern] = [path("my-scores/", MyScoresView.as_view(), name="my-scores")]
