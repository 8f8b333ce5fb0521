"""Drafting a circular (通报) from a desk's figures: the snapshot, the title and the narrative.

``snapshot`` turns ``figures.ranking`` (and the monthly trend) into plain JSON: unit
names and numbers only, never an item or its title, so nothing classified can reach a
circular, its document or its workbook. ``draft_text`` words the paragraphs an editor
then edits in the browser: totals and change, the leading units, the units named at
zero, declining and 报喜不报忧, and quota compliance when the figures count it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

from xinxi.network.models import Desk
from xinxi.scoring import figures
from xinxi.scoring.models import PeriodKind

LEADERS = 3  # units named as leading
WORDS = {
    PeriodKind.MONTH: ("本月", "上月"),
    PeriodKind.QUARTER: ("本季度", "上季度"),
    PeriodKind.YEAR: ("本年度", "上年度"),
}


def period_end(kind: str, start: dt.date) -> dt.date:
    """The last day of the month, quarter or year that starts on ``start``; ValueError if it does not start one."""
    if start.day != 1:
        raise ValueError("周期应从某月1日开始。")
    if kind == PeriodKind.MONTH:
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if kind == PeriodKind.QUARTER:
        if start.month not in (1, 4, 7, 10):
            raise ValueError("季度应从1月、4月、7月或10月开始。")
        last = start.month + 2
        return dt.date(start.year, last, calendar.monthrange(start.year, last)[1])
    if kind == PeriodKind.YEAR:
        if start.month != 1:
            raise ValueError("年度应从1月1日开始。")
        return dt.date(start.year, 12, 31)
    raise ValueError("周期应为月度、季度或年度。")


def period_label(kind: str, start: dt.date) -> str:
    if kind == PeriodKind.MONTH:
        return f"{start.year}年{start.month}月"
    if kind == PeriodKind.QUARTER:
        return f"{start.year}年第{'一二三四'[(start.month - 1) // 3]}季度"
    return f"{start.year}年度"


def _num(value: Decimal | int | None) -> str | None:
    return None if value is None else str(value)


def _pct(value: Decimal) -> str:
    """A share with one decimal ("100.0"), as printed."""
    return str(Decimal(value).quantize(Decimal("0.1")))


def _pts(value: Decimal | int) -> str:
    """Points as text with two decimals, the same on both databases."""
    return str(Decimal(value).quantize(Decimal("0.01")))


def _row(row: figures.Row) -> dict[str, Any]:
    found: dict[str, Any] = {
        "unit_id": row.unit.pk,
        "unit": row.unit.name,
        "group": row.group.name,
        "rank": row.rank,
        "submitted": row.submitted,
        "problems": row.problems,
        "adopted": row.adopted,
        "adopted_upper": row.adopted_upper,
        "rate": _num(row.rate),
        "instructions": row.instructions,
        "penalties": row.penalties,
        "points": _pts(row.points),
        "previous_points": _pts(row.previous_points),
        "change": _pts(row.change),
        "change_pct": _num(row.change_pct),
        "share": _pct(row.share),
        "desk_share": _pct(row.desk_share),
    }
    # Counted by the ranking when it knows the desk's quotas (报送数量) and lateness.
    for name in ("expected", "late"):
        value = getattr(row, name, None)
        if value is not None:
            found[name] = value
    met = getattr(row, "quota_met", None)
    if met is not None:
        found["quota_met"] = bool(met)
    return found


def snapshot(desk: Desk, kind: str, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The figures of the period as JSON, as the circular keeps them."""
    ranking = figures.ranking(desk, start, end)
    trend_from = dt.date(end.year, 1, 1) if kind != PeriodKind.YEAR else dt.date(end.year - 2, 1, 1)
    trend = figures.monthly_points(desk, min(trend_from, start), end)
    rows = [_row(r) for r in ranking.rows]
    quota_rows = [r for r in rows if "expected" in r]
    return {
        "desk": desk.name,
        "office": desk.unit.name,
        "kind": kind,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "label": period_label(kind, start),
        "previous": [d.isoformat() for d in ranking.previous],
        "total": _pts(ranking.total),
        "previous_total": _pts(ranking.previous_total),
        "submitted": ranking.submitted,
        "previous_submitted": sum(r.previous_submitted for r in ranking.rows),
        "adopted": ranking.adopted,
        "rows": rows,
        "groups": [
            {"unit": g.unit.name, "points": _pts(g.points), "share": _pct(g.share), "rank": g.rank,
             "members": len(g.rows)}
            for g in ranking.groups
        ],
        "zero": [r.unit.name for r in ranking.zero()],
        "declining": [r.unit.name for r in ranking.declining()],
        "no_problems": [r.unit.name for r in ranking.no_problems()],
        "quota_short": [r["unit"] for r in quota_rows if r.get("quota_met") is False] if quota_rows else None,
        "trend": [[month.strftime("%Y-%m"), _pts(points)] for month, points in trend],
    }


def _names(names: list[str]) -> str:
    return "、".join(names)


def _points(value: str | Decimal) -> str:
    number = Decimal(value)
    return f"{number.normalize():f}" if number == number.to_integral() else f"{number:f}"


def title_for(data: dict[str, Any]) -> str:
    return f"关于{data['label']}信息报送采用情况的通报"


def draft_text(data: dict[str, Any]) -> list[str]:
    """The narrative paragraphs of a new draft."""
    now, before = WORDS.get(data["kind"], ("本期", "上期"))
    total, previous = Decimal(data["total"]), Decimal(data["previous_total"])
    submitted, adopted = data["submitted"], data["adopted"]
    rate = f"{Decimal(adopted) * 100 / submitted:.1f}%" if submitted else "—"
    change = total - previous
    if previous:
        moved = "增加" if change >= 0 else "减少"
        trend = f"比{before}{moved}{_points(abs(change))}分（{abs(change) * 100 / abs(previous):.1f}%）"
    else:
        trend = f"{before}无得分"
    paragraphs = [
        f"现将{data['label']}各单位向{data['office']}报送和采用信息的情况通报如下。",
        f"{now}，各单位共报送信息{submitted}条，被采用{adopted}条，采用率{rate}；"
        f"共计得分{_points(total)}分，{trend}。",
    ]
    leading = [r for r in data["rows"] if Decimal(r["points"]) > 0][:LEADERS]
    if leading:
        named = _names([f"{r['unit']}（{_points(r['points'])}分）" for r in leading])
        paragraphs.append(f"得分居前的单位是：{named}。")
    if data["zero"]:
        paragraphs.append(
            f"{now}没有信息被采用、得分为零的单位是：{_names(data['zero'])}。请上述单位高度重视，"
            "认真查找原因，切实加强信息报送工作。"
        )
    else:
        paragraphs.append(f"{now}各单位均有信息被采用或得分。")
    if data["declining"]:
        paragraphs.append(f"报送数量比{before}明显下降的单位是：{_names(data['declining'])}。")
    if data["no_problems"]:
        paragraphs.append(
            f"{now}报送的信息中没有反映问题、困难和风险隐患的单位是：{_names(data['no_problems'])}。"
            "各单位要坚持报喜又报忧，及时如实反映工作中遇到的问题。"
        )
    if data.get("quota_short") is not None:
        if data["quota_short"]:
            paragraphs.append(f"未完成报送数量要求的单位是：{_names(data['quota_short'])}。")
        else:
            paragraphs.append("各单位均完成了报送数量要求。")
    paragraphs.append("希望各单位进一步提高认识，突出重点，注重时效，不断提高信息报送的质量和水平。")
    return paragraphs
