"""紧急信息统计 (/urgent/stats/): per unit and period, a chart and an XLSX download.

The period is chosen as on the scoring rankings (``kind`` month/quarter/year/custom with
its field, or ``period=2026-12`` / ``2026-Q4`` / ``2026``, or ``start`` and ``end``); the
default is the current month. A value that cannot be read is a 400 naming it. Desk staff
see their desk's network; a unit's people their own unit (``stats.scope``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from xinxi.lib.charts import BarChart, Series
from xinxi.lib.http import AuthedRequest
from xinxi.scoring import figures
from xinxi.scoring.views_rankings import QUARTERS, read_period
from xinxi.urgent import exports_stats, stats

MAX_BARS = 20
PERIOD_KINDS = {"month": "月度", "quarter": "季度", "year": "年度", "custom": "自定义"}


def period_from(params: Any) -> figures.Period:
    if not any(params.get(k) for k in ("kind", "period", "start", "end")):
        return figures.parse_period(f"{timezone.localdate():%Y-%m}")
    return read_period(params)


def chart(rows: list[stats.UnitStats]) -> BarChart:
    top = rows[:MAX_BARS]
    return BarChart(
        "各单位紧急信息报告情况", [r.unit for r in top],
        [Series("按时", [r.on_time for r in top]), Series("迟报", [r.late for r in top]),
         Series("逾期未报", [r.missed for r in top])],
        unit="次", horizontal=True,
    )


def _query(period: figures.Period) -> str:
    if period.kind == "custom":
        return urlencode({"start": period.start.isoformat(), "end": period.end.isoformat()})
    return urlencode({"period": period.value})


@login_required
def stats_page(request: AuthedRequest) -> HttpResponse:
    status, error = 200, ""
    try:
        period = period_from(request.GET)
    except figures.PeriodError as exc:
        period, status, error = period_from({}), 400, f"{exc.param}：{exc.message}"
    rows = stats.unit_stats(request.user, period.start, period.end)
    total = stats.totals(rows)
    today = timezone.localdate()
    context = {
        "period": period, "rows": rows, "total": total, "error": error,
        "chart": chart(rows) if rows else None, "period_kinds": PERIOD_KINDS,
        "headers": exports_stats.HEADERS,
        "table": [(r, exports_stats.row_values(r)) for r in rows], "total_values": exports_stats.row_values(total),
        "query": _query(period), "years": list(range(today.year, today.year - 5, -1)), "quarters": QUARTERS,
        "chosen_quarter": QUARTERS[(period.start.month - 1) // 3],
    }
    return render(request, "urgent/stats.html", context, status=status)


@login_required
def stats_xlsx(request: AuthedRequest) -> HttpResponse:
    try:
        period = period_from(request.GET)
    except figures.PeriodError as exc:
        return HttpResponse(f"{exc.param}：{exc.message}", status=400, content_type="text/plain; charset=utf-8")
    rows = stats.unit_stats(request.user, period.start, period.end)
    data = exports_stats.stats_xlsx(rows, stats.totals(rows), period.label)
    response = HttpResponse(data, content_type=exports_stats.XLSX_TYPE)
    name = f"urgent-stats-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
