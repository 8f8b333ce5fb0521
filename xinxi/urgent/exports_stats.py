"""The urgent-information statistics as XLSX: one row per unit, the total, and a note on the definitions.

Names are text cells (a unit named "=1+1" never becomes a formula); numbers are numbers.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from xinxi.urgent.models import FindingKind
from xinxi.urgent.stats import UnitStats

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["单位", "事件数", "按时报告", "迟报", "迟报合计（分钟）", "迟报平均（分钟）", "逾期未报",
           "首报平均用时（分钟）", *[f"认定{k.label}" for k in FindingKind], "待认定"]


def _text(sheet: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def row_values(row: UnitStats) -> list[Any]:
    return [row.incident_count, row.on_time, row.late, row.late_minutes, row.late_avg, row.missed, row.first_avg,
            *[row.finding(k) for k in FindingKind.values], row.proposed]


def stats_xlsx(rows: list[UnitStats], total: UnitStats, label: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("各单位")
    for index, width in enumerate([30] + [12] * (len(HEADERS) - 1)):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.append([_text(sheet, f"紧急信息报送统计（{label}）")])
    sheet.append([_text(sheet, h) for h in HEADERS])
    for row in rows:
        sheet.append([_text(sheet, row.unit), *row_values(row)])
    sheet.append([_text(sheet, "合计"), *row_values(total)])
    note = book.create_sheet("说明")
    for text in (
        "统计期按事件发生时间计；按时、迟报、逾期未报按电话和书面报告时限逐项计数。",
        "迟报：晚于时限 1 分钟及以上报告；逾期未报：时限已过仍未报告。",
        "首报平均用时：事件发生至书面报告送达本科室的平均分钟数。",
        "认定问题：科长已认定的迟报、漏报、瞒报、谎报；待认定为尚未认定的问题。",
    ):
        note.append([_text(note, text)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
