"""A ranking as an XLSX workbook: every table of the page, one sheet each.

Sheets: 单位排名 (every unit's figures), 分组汇总 (each group, then its members with their
share of the group), 名单 (零分单位, 下降明显, 报喜不报忧, 不达标, 报送不足), 月度趋势, 说明.
Names are always written as text cells (a unit named "=1+1" never becomes a formula), as
in ``audit/exports.py``; numbers are numbers, so the clerk can sum them in Excel.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from xinxi.scoring.figures import Period, Ranking, Row

UNIT_HEADERS = [
    "排名", "单位", "所属", "单位类别", "报送", "其中忧", "本级采用", "单独采用", "综合采用", "摘编采用",
    "上级采用", "其中上级", "省办", "国办", "中办", "采用率(%)", "领导批示", "扣分事项", "逾期/迟报", "未报/漏报",
    "应报", "报送达标", "得分", "组内占比(%)", "全科室占比(%)", "上期得分", "较上期", "较上期(%)", "不达标",
]
GROUP_HEADERS = ["组排名", "组（单位）", "成员", "得分", "占比(%)", "上期得分", "较上期", "组内排名", "组内占比(%)"]
LIST_NAMES = [
    ("零分单位", "zero"),
    ("下降明显", "declining"),
    ("报喜不报忧", "no_problems"),
    ("不达标", "below_floor"),
    ("报送不足", "quota_short"),
]


def _text(sheet: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _n(value: Decimal | int | None) -> float | int | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def _yes(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def unit_values(row: Row) -> list[Any]:
    """One unit's line in the order of ``UNIT_HEADERS`` (names as str, figures as numbers)."""
    return [
        row.rank, row.unit.name, row.group.name, row.unit.unit_class.name if row.unit.unit_class else "",
        row.submitted, row.problems, row.adopted, row.adopted_full, row.adopted_combined, row.adopted_brief,
        row.adopted_upper, row.adopted_upper_level, row.adopted_province, row.adopted_guoban, row.adopted_zhongban,
        _n(row.rate), row.instructions, row.penalties, row.late, row.missed,
        row.expected, _yes(row.quota_met), _n(row.points), _n(row.share), _n(row.desk_share),
        _n(row.previous_points), _n(row.change), _n(row.change_pct), "是" if row.below_floor else "",
    ]


def _append(sheet: WriteOnlyWorksheet, values: Sequence[Any]) -> None:
    sheet.append([_text(sheet, v) if isinstance(v, str) else v for v in values])


def _sheet(workbook: Workbook, title: str, headers: Sequence[str], widths: Sequence[int]) -> WriteOnlyWorksheet:
    sheet = workbook.create_sheet(title)
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    _append(sheet, headers)
    return sheet


def ranking_xlsx(
    ranking: Ranking, period: Period, trend: Sequence[tuple[dt.date, Decimal]], *, user: Any, class_name: str = ""
) -> bytes:
    workbook = Workbook(write_only=True)
    units = _sheet(workbook, "单位排名", UNIT_HEADERS, [6, 24, 20, 12, *([9] * (len(UNIT_HEADERS) - 4))])
    for row in ranking.rows:
        _append(units, unit_values(row))
    _append(units, ["合计", "", "", "", ranking.submitted, None, ranking.adopted, *([None] * 15),
                    _n(ranking.total), None, 100 if ranking.total > 0 else 0, _n(ranking.previous_total),
                    _n(ranking.change)])

    groups = _sheet(workbook, "分组汇总", GROUP_HEADERS, [8, 24, 24, 10, 10, 10, 10, 10, 12])
    for group in ranking.groups:
        _append(groups, [group.rank, group.unit.name, "", _n(group.points), _n(group.share),
                         _n(group.previous_points), _n(group.change), None, None])
        for row in group.rows:
            _append(groups, [None, group.unit.name, row.unit.name, _n(row.points), None, _n(row.previous_points),
                             _n(row.change), row.rank, _n(row.share)])

    lists = _sheet(workbook, "名单", ["名单", "单位", "报送", "采用", "得分", "上期报送", "应报"],
                   [14, 24, 8, 8, 10, 10, 8])
    for label, name in LIST_NAMES:
        for row in getattr(ranking, name)():
            _append(lists, [label, row.unit.name, row.submitted, row.adopted, _n(row.points),
                            row.previous_submitted, row.expected])

    months = _sheet(workbook, "月度趋势", ["月份", "得分"], [12, 12])
    for month, total in trend:
        _append(months, [f"{month:%Y-%m}", _n(total)])

    about = workbook.create_sheet("说明")
    _append(about, ["信息科室", ranking.desk.name])
    _append(about, ["统计期", f"{period.label}（{ranking.start:%Y-%m-%d}至{ranking.end:%Y-%m-%d}）"])
    _append(about, ["对比期", f"{ranking.previous[0]:%Y-%m-%d}至{ranking.previous[1]:%Y-%m-%d}"])
    _append(about, ["单位类别", class_name or "全部"])
    _append(about, ["不达标分数线", "未设" if ranking.floor is None else _n(ranking.floor)])
    if ranking.quota_note:
        _append(about, ["报送频次", ranking.quota_note])
    _append(about, ["导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")])
    _append(about, ["导出人", user.get_username()])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
