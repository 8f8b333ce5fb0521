"""统计排名: a desk's ranking for a period, as a page with charts and as an XLSX workbook.

Who: the desk's staff see their desk (``permissions.scoring_desks``); an admin chooses
the desk with ``?desk=``; another desk is missing (404). Parameters (all optional): the
period (``period=2026-11`` / ``2026-Q4`` / ``2026``, or ``start`` and ``end``; the page's
form sends ``kind`` with ``month``/``quarter``/``year`` or the dates), ``class`` (a unit
class), ``view=groups`` (the roll-up). A value that cannot be read is a 400 naming it,
with the page's default period shown beside the message.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from xinxi.lib.db import replica_reads
from xinxi.lib.http import AuthedRequest
from xinxi.network.models import Desk, UnitClass
from xinxi.scoring import charts_rankings, exports_rankings, figures, permissions
from xinxi.scoring.views_rules import chosen_desk

QUARTERS = ("Q1", "Q2", "Q3", "Q4")


class BadParameter(ValueError):
    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param
        self.message = message


def read_period(params: Any) -> figures.Period:
    """The period from the query: the form's ``kind`` and its field, or ``period``/``start``/``end``."""
    kind = params.get("kind", "")
    if kind:
        if kind not in figures.PERIOD_KINDS:
            raise figures.PeriodError("kind", "统计周期类型只能是 month、quarter、year 或 custom。")
        if kind == "custom":
            return figures.period_of(start=params.get("start", ""), end=params.get("end", ""))
        quarter = f"{params.get('year', '')}-{params.get('quarter', '')}"
        value = quarter if kind == "quarter" else params.get(kind, "")
        if not value.strip("-"):
            raise figures.PeriodError(kind, "请选择统计期。")
        try:
            return figures.parse_period(value)
        except figures.PeriodError as exc:
            raise figures.PeriodError(kind, exc.message) from None
    return figures.period_of(period=params.get("period", ""), start=params.get("start", ""),
                             end=params.get("end", ""))


def read_class(params: Any) -> UnitClass | None:
    raw = params.get("class", "")
    if not raw:
        return None
    try:
        return UnitClass.objects.get(pk=int(raw))
    except (ValueError, UnitClass.DoesNotExist):
        raise BadParameter("class", "没有这个单位类别。") from None


def ledger_base() -> str:
    """The ledger page (another area builds it): its URL by name when it exists."""
    try:
        return reverse("scoring:ledger")
    except NoReverseMatch:
        return "/scoring/ledger/"


def _query(desk: Desk, period: figures.Period, unit_class: UnitClass | None, **extra: str) -> str:
    params: dict[str, Any] = {"desk": desk.pk}
    if period.kind == "custom":
        params.update(start=period.start.isoformat(), end=period.end.isoformat())
    else:
        params["period"] = period.value
    if unit_class is not None:
        params["class"] = unit_class.pk
    params.update(extra)
    return urlencode(params)


def _years(today: dt.date) -> list[int]:
    return list(range(today.year, today.year - 5, -1))


@login_required
@replica_reads
def ranking_page(request: AuthedRequest) -> HttpResponse:
    desk = chosen_desk(request)
    status, error = 200, ""
    try:
        period = read_period(request.GET)
        unit_class = read_class(request.GET)
    except (figures.PeriodError, BadParameter) as exc:
        status, error = 400, f"参数 {exc.param} 有误：{exc.message}"
        period, unit_class = figures.period_of(), None
    view = "groups" if request.GET.get("view") == "groups" else "units"
    class_pk = unit_class.pk if unit_class else None
    ranking = figures.ranking(desk, period.start, period.end, unit_class=class_pk)
    trend = figures.trend(desk, period.end, 12, unit_class=class_pk)
    today = timezone.localdate()
    ledger = ledger_base()
    ledger_query = urlencode({"desk": desk.pk, "start": period.start.isoformat(), "end": period.end.isoformat()})
    context = {
        "desk": desk,
        "desks": permissions.scoring_desks(request.user).select_related("unit").order_by("unit__path", "pk"),
        "is_admin": request.user.is_admin,
        "period": period,
        "kinds": figures.PERIOD_KINDS,
        "years": _years(today),
        "quarters": QUARTERS,
        "chosen_quarter": QUARTERS[(period.start.month - 1) // 3],
        "classes": UnitClass.objects.order_by("sort_order", "name"),
        "unit_class": unit_class,
        "view": view,
        "ranking": ranking,
        "lists": [
            ("零分单位", "zero-units", ranking.zero(), "本期没有得分、也没有被采用的单位。"),
            ("下降明显", "declining", ranking.declining(), "报送条数比上期下降一半以上（上期至少3条）的单位。"),
            ("报喜不报忧", "no-problems", ranking.no_problems(), "本期报送了信息、但没有一条“忧”类信息的单位。"),
            ("不达标", "below-floor", ranking.below_floor(), "得分低于计分办法规定的本期达标分的单位。"),
            ("报送不足", "quota-short", ranking.quota_short(), "报送条数少于报送频次要求（按法定工作日计）的单位。"),
        ],
        "charts": charts_rankings.ranking_charts(ranking, trend),
        "ledger_url": f"{ledger}?{ledger_query}",
        "query": _query(desk, period, unit_class),
        "error": error,
    }
    return render(request, "scoring/rankings/page.html", context, status=status)


@login_required
@replica_reads
def ranking_xlsx(request: AuthedRequest) -> HttpResponse:
    desk = chosen_desk(request)
    try:
        period = read_period(request.GET)
        unit_class = read_class(request.GET)
    except (figures.PeriodError, BadParameter) as exc:
        text = f"参数 {exc.param} 有误：{exc.message}"
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    class_pk = unit_class.pk if unit_class else None
    ranking = figures.ranking(desk, period.start, period.end, unit_class=class_pk)
    trend = figures.trend(desk, period.end, 12, unit_class=class_pk)
    data = exports_rankings.ranking_xlsx(
        ranking, period, trend, user=request.user, class_name=unit_class.name if unit_class else ""
    )
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"ranking-{desk.pk}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
