"""考评 as files: XLSX (every list with its figures) and DOCX (the same lists as a document).

The DOCX uses the page, styles, fonts and page numbers of the issues' GB/T 9704 layout
(``publications.documents``), so the appraisal prints like the office's other papers.
Both files come from one ``AppraisalView``: a classified item's title is already hidden
there above the viewer's clearance. Taking a copy is audited (``appraisal_export``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from xinxi.audit.services import audit_record
from xinxi.publications import documents as layout
from xinxi.scoring.appraisal import AppraisalView, PointRow, points_text

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TABLE_PT = 12.0  # 小四 in tables

POINT_HEADERS = ["名次", "直报点", "确定日期", "年度积分", "采用", "报送", "采用率（%）", "批示", "建议"]
UNIT_HEADERS = ["名次", "单位", "积分", "采用", "报送", "采用率（%）", "批示"]
STAFF_HEADERS = ["名次", "姓名", "单位", "报送条数", "被采用条数", "积分"]
ITEM_HEADERS = ["名次", "标题", "报送单位", "执笔人", "最高采用层级", "批示", "采用次数", "积分"]


def title(view: AppraisalView) -> str:
    return f"{view.desk.name}{view.year}年度信息工作考评"


def state_text(view: AppraisalView) -> str:
    if view.confirmed is None:
        return "建议名单（尚未确认）"
    who = str(view.confirmed.confirmed_by)
    return f"已由{who}于{timezone.localtime(view.confirmed.confirmed_at):%Y-%m-%d %H:%M}确认"


def decision(view: AppraisalView, row: PointRow) -> str:
    if view.confirmed is not None:
        done = {(x.point_id, x.decision) for x in view.confirmed.lines.all()}
        if (row.point.pk, "commend") in done:
            return "表扬（已确认）"
        if (row.point.pk, "revoke") in done:
            return "撤销直报点资格（已撤销）"
        return ""
    return "建议表扬" if row.commend else "建议撤销直报点资格" if row.revoke else ""


def _rate(value: Decimal | None) -> str:
    return "" if value is None else f"{value}"


def tables(view: AppraisalView) -> list[tuple[str, list[str], list[list[Any]]]]:
    """(heading, headers, rows) of every list, numbers kept as numbers."""
    ex = view.excellence
    points = [
        [r.rank, r.unit.name, f"{r.point.admitted_on:%Y-%m-%d}", r.points, r.figures.adopted, r.figures.submitted,
         _rate(r.figures.rate), r.figures.instructions, decision(view, r)]
        for r in view.points.rows
    ]
    units = [
        [r.rank, r.unit.name, r.figures.points, r.figures.adopted, r.figures.submitted, _rate(r.figures.rate),
         r.figures.instructions]
        for r in ex.units
    ]
    staff = [[r.rank, r.name, r.unit.name, r.items, r.adopted, r.points] for r in ex.staff]
    items = [[r.rank, r.title, r.unit.name, r.writer, r.level, r.instructions, r.adoptions, r.points] for r in ex.items]
    span = f"{ex.start.year}—{ex.end.year}年度"
    return [
        (f"{view.year}年度直报点考评（表扬前 {view.points.top_n} 名；年度积分低于 "
         f"{points_text(view.points.threshold)} 分的撤销直报点资格）", POINT_HEADERS, points),
        (f"{span}优秀信息单位（建议）", UNIT_HEADERS, units),
        (f"{span}优秀信息工作者（建议）", STAFF_HEADERS, staff),
        (f"{span}优秀信息（建议）", ITEM_HEADERS, items),
    ]


# --- XLSX ---


def _cell(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, Decimal):
        cell.value = float(value)
        cell.number_format = "0.##"
    elif isinstance(value, int):
        cell.value = value
    else:
        cell.value = str(value)
        cell.data_type = "s"  # a title like "=1+1" never becomes a formula
    return cell


def appraisal_xlsx(view: AppraisalView, *, user: Any) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    names = ["直报点考评", "优秀信息单位", "优秀信息工作者", "优秀信息"]
    for name, (heading, headers, rows) in zip(names, tables(view), strict=True):
        sheet = workbook.create_sheet(name)
        _cell(sheet, 1, 1, heading).font = Font(bold=True)
        for column, header in enumerate(headers, start=1):
            _cell(sheet, 2, column, header).font = Font(bold=True)
            wide = header in {"标题", "直报点", "单位"}
            sheet.column_dimensions[chr(ord("A") + column - 1)].width = 40 if wide else 12
        for r, values in enumerate(rows, start=3):
            for column, value in enumerate(values, start=1):
                _cell(sheet, r, column, value)
        sheet.freeze_panes = "A3"
    about = workbook.create_sheet("说明")
    for r, (label, value) in enumerate(
        [
            ("信息科室", view.desk.name),
            ("考评年度", f"{view.year}年"),
            ("表扬名额", str(view.points.top_n)),
            ("撤销门槛", f"年度积分低于 {points_text(view.points.threshold)} 分"),
            ("两年期评选期间", f"{view.excellence.start:%Y-%m-%d} 至 {view.excellence.end:%Y-%m-%d}"),
            ("状态", state_text(view)),
            ("导出时间", f"{timezone.localtime():%Y-%m-%d %H:%M:%S}"),
            ("导出人", user.get_username()),
        ],
        start=1,
    ):
        _cell(about, r, 1, label)
        _cell(about, r, 2, value)
    about.column_dimensions["A"].width, about.column_dimensions["B"].width = 18, 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    _audit(view, user, "xlsx")
    return buffer.getvalue()


# --- DOCX ---


def _table(doc: Any, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    table = doc.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate([list(headers), *rows]):
        for c, value in enumerate(values):
            p = table.rows[r].cells[c].paragraphs[0]
            p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER if c != 1 or r == 0 else None
            p.paragraph_format.line_spacing = None
            text = points_text(value) if isinstance(value, Decimal) else str(value)
            layout._run(p, text, layout.HEITI if r == 0 else layout.FANGSONG, TABLE_PT)


def appraisal_docx(view: AppraisalView, *, user: Any) -> bytes:
    doc = Document()
    layout._page_setup(doc)
    layout._styles(doc)
    layout._font_table(doc)
    layout._footers(doc)
    doc.core_properties.title = title(view)
    doc.core_properties.author = view.desk.name
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):  # the template's empty first paragraph
        body.remove(p)
    head = layout._para(doc, "简报标题", align=WD_ALIGN_PARAGRAPH.CENTER)
    layout._run(head, title(view), layout.XIAOBIAOSONG, layout.TITLE_PT, latin=layout.XIAOBIAOSONG)
    layout._run(layout._para(doc, align=WD_ALIGN_PARAGRAPH.CENTER), state_text(view), layout.KAITI)
    numbers = ["一", "二", "三", "四"]
    for number, (heading, headers, rows) in zip(numbers, tables(view), strict=True):
        p = layout._para(doc, "简报栏目", before_pt=layout.LINE_PITCH_PT / 2)
        p.paragraph_format.keep_with_next = True
        layout._run(p, f"{number}、{heading}", layout.HEITI, latin=layout.HEITI)
        if rows:
            _table(doc, headers, rows)
        else:
            layout._run(layout._para(doc, indent=True), "无。", layout.FANGSONG)
    date = layout._para(doc, align=WD_ALIGN_PARAGRAPH.RIGHT, before_pt=layout.LINE_PITCH_PT)
    layout._run(date, f"{view.desk.name}　{layout.chinese_date(timezone.localdate())}", layout.FANGSONG)
    out = io.BytesIO()
    doc.save(out)
    _audit(view, user, "docx")
    return out.getvalue()


def _audit(view: AppraisalView, user: Any, fmt: str) -> None:
    audit_record(actor=user, action="appraisal_export", obj=view.desk,
                 detail={"year": view.year, "format": fmt, "confirmed": view.confirmed is not None})


def download(view: AppraisalView, data: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    fallback = f"appraisal-{view.desk.pk}-{view.year}.{extension}"
    name = quote(f"{title(view)}.{extension}")
    response["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{name}"
    response["Cache-Control"] = "private, no-store"
    return response
