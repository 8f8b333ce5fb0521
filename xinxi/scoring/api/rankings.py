"""API of scoring: rankings. ``ROUTES`` are registered on the API router, ``PATHS`` added under /api/v1/.

``GET /api/v1/rankings/``: a desk's figures for a period, as the page shows them
(``figures.ranking``): every unit's row, the roll-up groups with their members, the named
lists (unit ids) and the points per month. Who: the same as the page
(``permissions.scoring_desks``); another desk is 404, exactly like a missing one. A
parameter that cannot be read is a 400 naming it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.http import Http404
from django.urls import URLPattern, path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinxi.lib.api_views import acting_user, documented
from xinxi.lib.db import ReplicaReadsMixin
from xinxi.network.models import Desk
from xinxi.scoring import figures, permissions
from xinxi.scoring.views_rankings import ledger_base

PERIOD_HELP = "统计周期：月份 2026-11，季度 2026-Q4，年度 2026（1970—2099 年）；给出时不看 start/end；都不给为上一个月"
PERIOD_PATTERN = r"^(19[7-9][0-9]|20[0-9]{2})(-(0?[1-9]|1[0-2])|-[Qq][1-4])?$"
# A custom range is read leniently, so that every request the schema allows is answered:
# the order of start and end does not matter, a missing end is today, a missing start the
# first day of end's year, and the range is cut to FIRST_DAY..LAST_DAY and to its last three years.
FIRST_DAY, LAST_DAY = dt.date(1970, 1, 1), dt.date(2099, 12, 31)


def custom_range(start: dt.date | None, end: dt.date | None) -> figures.Period:
    today = timezone.localdate()
    if start is None and end is None:
        return figures.period_of()
    end = end or max(start or today, today)
    start = start or end.replace(day=1, month=1)
    start, end = sorted((min(max(start, FIRST_DAY), LAST_DAY), min(max(end, FIRST_DAY), LAST_DAY)))
    start = max(start, end - dt.timedelta(days=figures.MAX_DAYS - 1))
    return figures.custom_period(start, end)


def _points(help_text: str, **kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, help_text=help_text, read_only=True, **kwargs)


def _pct(help_text: str, **kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=6, decimal_places=1, help_text=help_text, read_only=True, **kwargs)


def _count(help_text: str, **kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(help_text=help_text, read_only=True, **kwargs)


class RankingQuerySerializer(serializers.Serializer[Any]):
    desk = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1,
                                    help_text="信息科室编号；不给为本人所在科室（管理员为第一个科室）")
    period = serializers.RegexField(PERIOD_PATTERN, required=False, max_length=7, help_text=PERIOD_HELP)
    start = serializers.DateField(required=False, help_text=(
        "自定义统计期起始日期（含），YYYY-MM-DD；不给为截止日期当年 1 月 1 日。起止日期先后不限，"
        "统计期限于 1970—2099 年、最长三年（超出部分从截止日期往前截取）"))
    end = serializers.DateField(required=False, help_text="自定义统计期截止日期（含），YYYY-MM-DD；不给为今天")
    unit_class = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1,
                                          help_text="只排名该单位类别的单位（没有这个类别时没有单位）")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            if attrs.get("period"):
                attrs["chosen"] = figures.parse_period(attrs["period"])
            else:
                attrs["chosen"] = custom_range(attrs.get("start"), attrs.get("end"))
        except figures.PeriodError as exc:
            raise serializers.ValidationError({exc.param: [exc.message]}, code="invalid") from None
        return attrs


class RankingUnitSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk", read_only=True)
    name = serializers.CharField(read_only=True)


class RankingRowSerializer(serializers.Serializer[Any]):
    unit = RankingUnitSerializer(read_only=True)
    group = serializers.IntegerField(source="group.pk", read_only=True, help_text="所属组（本科室的直接下级单位）编号")
    unit_class = serializers.IntegerField(source="unit.unit_class_id", read_only=True, allow_null=True)
    rank = _count("名次（并列同名次）")
    submitted = _count("报送条数")
    problems = _count("其中“忧”类信息条数")
    adopted = _count("本级采用条数")
    adopted_full = _count("本级单独（全文）采用")
    adopted_combined = _count("本级综合采用")
    adopted_brief = _count("本级摘编（简讯）采用")
    adopted_upper = _count("上级或系统外采用条数")
    adopted_upper_level = _count("其中上级（市、县科室）采用")
    adopted_province = _count("其中省办采用")
    adopted_guoban = _count("其中国办采用")
    adopted_zhongban = _count("其中中办采用")
    rate = _pct("采用率（%），未报送为 null", allow_null=True)
    instructions = _count("领导批示次数")
    penalties = _count("扣分事项次数")
    late = _count("约稿逾期报送与紧急信息迟报次数")
    missed = _count("约稿未报送与紧急信息漏报次数")
    expected = _count("报送频次要求的条数（工作日按法定工作日含调休计）；无要求为 null", allow_null=True)
    quota_met = serializers.BooleanField(read_only=True, allow_null=True, help_text="是否达到报送频次；无要求为 null")
    points = _points("得分")
    previous_points = _points("上期得分")
    change = _points("较上期增减")
    change_pct = _pct("较上期增减（%），上期为 0 时为 null", allow_null=True)
    share = _pct("占所属组得分（%），组内相加为 100")
    desk_share = _pct("占全科室得分（%）")
    below_floor = serializers.BooleanField(read_only=True, help_text="不达标：低于计分办法的本期达标分")
    ledger = serializers.SerializerMethodField(help_text="该单位本期的积分明细页面")

    def get_ledger(self, row: figures.Row) -> str:
        return f"{self.context['ledger']}&{urlencode({'unit': row.unit.pk})}"


class RankingGroupSerializer(serializers.Serializer[Any]):
    unit = RankingUnitSerializer(read_only=True)
    rank = _count("组名次")
    points = _points("组得分")
    previous_points = _points("组上期得分")
    change = _points("较上期增减")
    share = _pct("占全科室得分（%），各组相加为 100")
    members = serializers.SerializerMethodField(help_text="成员单位编号（按组内名次）")

    def get_members(self, group: figures.Group) -> list[int]:
        return [row.unit.pk for row in group.rows]


class NamedListsSerializer(serializers.Serializer[Any]):
    zero = serializers.ListField(child=serializers.IntegerField(), read_only=True, help_text="零分单位")
    declining = serializers.ListField(child=serializers.IntegerField(), read_only=True, help_text="下降明显")
    no_problems = serializers.ListField(child=serializers.IntegerField(), read_only=True, help_text="报喜不报忧")
    below_floor = serializers.ListField(child=serializers.IntegerField(), read_only=True, help_text="不达标")
    quota_short = serializers.ListField(child=serializers.IntegerField(), read_only=True, help_text="报送不足")


# Named in settings.ENUM_NAME_OVERRIDES: a circular's period kind has no "custom".
RANKING_PERIOD_KINDS = list(figures.PERIOD_KINDS.items())


class PeriodSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=RANKING_PERIOD_KINDS, read_only=True,
                                   help_text="month 月度；quarter 季度；year 年度；custom 自定义")
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]  # the field's name, not its label
    start = serializers.DateField(read_only=True)
    end = serializers.DateField(read_only=True)


class TrendSerializer(serializers.Serializer[Any]):
    month = serializers.CharField(read_only=True, help_text="YYYY-MM")
    points = _points("该月全科室得分")


class RankingSerializer(serializers.Serializer[Any]):
    desk = RankingUnitSerializer(read_only=True)
    period = PeriodSerializer(read_only=True)
    previous = PeriodSerializer(read_only=True, help_text="对比的上期")
    total = _points("总得分")
    previous_total = _points("上期总得分")
    submitted = _count("报送总条数")
    adopted = _count("本级采用总条数")
    floor = _points("本期达标分；未设或自定义统计期为 null", allow_null=True)
    quota_note = serializers.CharField(read_only=True, help_text="报送频次无法计算的原因（如该年度节假日安排未维护）")
    rows = RankingRowSerializer(many=True, read_only=True)
    groups = RankingGroupSerializer(many=True, read_only=True)
    lists = NamedListsSerializer(read_only=True)
    trend = TrendSerializer(many=True, read_only=True, help_text="截至统计期末的近 12 个月")


QUERY_PARAMS = ("desk", "period", "start", "end", "unit_class")
LISTS = ("zero", "declining", "no_problems", "below_floor", "quota_short")


def _desk(user: Any, raw: int | None) -> Desk:
    if raw is not None:
        return permissions.get_scoring_desk(user, raw)
    desk = permissions.scoring_desks(user).select_related("unit").order_by("unit__path", "pk").first()
    if desk is None:
        raise Http404
    return desk


class RankingView(ReplicaReadsMixin, APIView):
    """GET /api/v1/rankings/: 统计排名."""

    @extend_schema(
        summary="统计排名",
        description="一个信息科室在一个统计期的各单位报送、采用（按方式、按层级）、采用率、批示、报送频次、迟报、"
        "得分、名次（并列同名次）、占比（一位小数，按最大余数法使组内相加为 100%）、较上期变化、分组汇总与名单。"
        "其他科室与不存在同样返回 404；参数有误返回 400 并指明参数。",
        parameters=[RankingQuerySerializer],
        responses=documented({200: RankingSerializer}, 400, 404),
    )
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        errors = {name: ["不能为空：请给出一个值，或不带此参数。"]
                  for name in QUERY_PARAMS
                  if name in request.query_params and not request.query_params.get(name, "").strip()}
        if errors:
            raise ValidationError(errors)
        query = RankingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        desk = _desk(user, params.get("desk"))
        period: figures.Period = params["chosen"]
        unit_class = params.get("unit_class")
        ranking = figures.ranking(desk, period.start, period.end, unit_class=unit_class)
        trend = figures.trend(desk, period.end, 12, unit_class=unit_class)
        previous = figures.custom_period(*ranking.previous)
        ids = {name: [row.unit.pk for row in getattr(ranking, name)()] for name in LISTS}
        data = {
            "desk": desk,
            "period": period,
            "previous": previous,
            "total": ranking.total,
            "previous_total": ranking.previous_total,
            "submitted": ranking.submitted,
            "adopted": ranking.adopted,
            "floor": ranking.floor,
            "quota_note": ranking.quota_note,
            "rows": ranking.rows,
            "groups": ranking.groups,
            "lists": ids,
            "trend": [{"month": f"{month:%Y-%m}", "points": points} for month, points in trend],
        }
        ledger = f"{ledger_base()}?" + urlencode(
            {"desk": desk.pk, "start": period.start.isoformat(), "end": period.end.isoformat()}
        )
        return Response(RankingSerializer(data, context={"ledger": ledger}).data)


ROUTES: list[tuple[str, Any, str]] = []  # (prefix, viewset, basename)
PATHS: list[URLPattern] = [
    path("rankings/", RankingView.as_view(), name="scoring-rankings"),
]
