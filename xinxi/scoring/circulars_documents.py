"""A circular as documents: DOCX in the GB/T 9704 layout of the issues, and XLSX with the full figures.

The DOCX reuses the page, styles, fonts, page numbers and 版记 of
``publications.documents`` (one layout for everything the office prints): the issuing
office's name in red 小标宋 with the 文号 under it and a red rule (版头), the title in
小标宋 2号, the addressees, the narrative in 仿宋 3号 with a two-character indent, the
ranking table, the group table, the two charts (``charts_circulars``) with their
captions, the office and date (落款), and the 版记. Both files are built from the
circular's figures snapshot: unit names and numbers, never an item, so nothing
classified can reach them.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from xinxi.publications import documents as layout
from xinxi.scoring.charts_circulars import circular_pictures
from xinxi.scoring.models import Circular

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE_PT = 10.5  # 五号
TABLE_LINE_PT = 16.0
ADDRESSEES = "各信息报送单位："
RANK_HEADERS = ["名次", "单位", "报送", "采用", "采用率", "得分", "占比", "比上期"]
CHART_WIDTH_MM = 150.0


def filename_stem(circular: Circular) -> str:
    """The 文号 and title (or 草稿), never the database id."""
    stem = f"{circular.doc_number}{circular.title}" if circular.number is not None else f"{circular.title}（草稿）"
    return re.sub(r'[\\/:*?"<>|]', "", stem)[:120]


def ascii_filename(circular: Circular, extension: str) -> str:
    if circular.number is None:
        return f"circular-draft-{circular.start:%Y-%m}.{extension}"
    return f"circular-{circular.year}-{circular.number}.{extension}"


def _points(value: Any) -> str:
    number = Decimal(str(value))
    return f"{number.normalize():f}" if number == number.to_integral() else f"{number:f}"


def _signed(value: Any) -> str:
    number = Decimal(str(value))
    return f"+{_points(number)}" if number > 0 else _points(number)


def rank_rows(data: dict[str, Any]) -> list[list[str]]:
    return [
        [
            str(r["rank"]),
            r["unit"],
            str(r["submitted"]),
            str(r["adopted"]),
            f"{r['rate']}%" if r.get("rate") is not None else "—",
            _points(r["points"]),
            f"{r['desk_share']}%",
            _signed(r["change"]),
        ]
        for r in data.get("rows", [])
    ]


def group_rows(data: dict[str, Any]) -> list[list[str]]:
    return [[str(g["rank"]), g["unit"], _points(g["points"]), f"{g['share']}%"] for g in data.get("groups", [])]


def _groups_worth_a_table(data: dict[str, Any]) -> bool:
    """A group table says something only when some group holds more than one unit."""
    return any(g.get("members", 1) > 1 for g in data.get("groups", []))


# --- DOCX ---


CELL_STYLE, HEAD_STYLE = "通报表格", "通报表头"
TWIPS_PER_MM = 1440 / 25.4


def _table_styles(doc: DocxDocument) -> None:
    """五号 仿宋 cells and 黑体 heads, centred, on a 16 pt line: set once on two styles, not per cell."""
    for name, font in ((CELL_STYLE, layout.FANGSONG), (HEAD_STYLE, layout.HEITI)):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.font.size = Pt(TABLE_PT)
        layout._set_fonts(style.element.get_or_add_rPr(), font, layout.HEITI if font == layout.HEITI else layout.LATIN)
        fmt = style.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(TABLE_LINE_PT)


def _cell_xml(text: str, width: int, style: str, left: bool) -> str:
    align = '<w:jc w:val="left"/>' if left else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{align}</w:pPr>'
        f'<w:r><w:t xml:space="preserve">{escape(layout._text(text))}</w:t></w:r></w:p></w:tc>'
    )


def _caption(doc: DocxDocument, text: str) -> None:
    p = layout._para(doc, "简报栏目", align=WD_ALIGN_PARAGRAPH.CENTER, before_pt=layout.LINE_PITCH_PT / 2)
    p.paragraph_format.keep_with_next = True
    layout._run(p, text, layout.HEITI, latin=layout.HEITI)


def _table(doc: DocxDocument, headers: list[str], rows: list[list[str]], widths_mm: list[float]) -> None:
    """A bordered table built as one piece of XML (python-docx's cell API costs ~2 ms a cell)."""
    widths = [round(w * TWIPS_PER_MM) for w in widths_mm]
    head = "".join(_cell_xml(h, w, HEAD_STYLE, False) for h, w in zip(headers, widths, strict=True))
    body = "".join(
        "<w:tr>"
        + "".join(_cell_xml(v, w, CELL_STYLE, i == 1) for i, (v, w) in enumerate(zip(row, widths, strict=True)))
        + "</w:tr>"
        for row in rows
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    table = parse_xml(
        f"<w:tbl {nsdecls('w')}><w:tblPr><w:tblStyle w:val=\"TableGrid\"/>"
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/></w:tblPr>'
        f'<w:tblGrid>{grid}</w:tblGrid><w:tr><w:trPr><w:tblHeader/></w:trPr>{head}</w:tr>{body}</w:tbl>'
    )
    doc.add_table(rows=0, cols=0)._tbl.addprevious(table)  # the right place before the section's properties
    empty = table.getnext()
    empty.getparent().remove(empty)


def _masthead(doc: DocxDocument, office: str, number: str) -> None:
    """版头: the issuing office in red 小标宋, the 文号 centred under it, a red rule."""
    size, spacing = layout._masthead_size(office)
    name = layout._para(doc, "简报报头", align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=size * 1.35,
                        before_pt=layout.LINE_PITCH_PT)
    layout._run(name, office, layout.XIAOBIAOSONG, size, latin=layout.XIAOBIAOSONG, color=layout.RED,
                spacing_pt=spacing)
    line = layout._para(doc, align=WD_ALIGN_PARAGRAPH.CENTER, before_pt=layout.LINE_PITCH_PT)
    layout._run(line, number or "（草稿，签发后编号）", layout.FANGSONG)
    layout._border(line, "bottom", 24, layout.RED, space=4)


def _picture(doc: DocxDocument, png: bytes) -> None:
    doc.add_picture(io.BytesIO(png), width=Mm(CHART_WIDTH_MM))
    p = doc.paragraphs[-1]
    p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # an exact line height would crop it


def _sheet_for_banji(circular: Circular, office: str, day: str) -> layout.Sheet:
    return layout.Sheet(
        name=office, name_pt=0, name_spacing_pt=0, number_line="", office=office, date_text=day, copy_no="",
        classification="", urgency="", editor_note=[], corrects="", blocks=[],
        distribution=[("发", "本科室信息网络各单位")], printer=office, copies_text=f"{day}印发", proof=False,
        filename_stem=filename_stem(circular),
    )


def circular_docx(circular: Circular) -> bytes:
    data = circular.figures
    office = layout._text(circular.desk.name or circular.desk.unit.name)
    day_value = circular.signed_at or circular.created_at or timezone.now()
    day = layout.chinese_date(timezone.localtime(day_value))
    doc = Document()
    layout._page_setup(doc)
    layout._styles(doc)
    layout._font_table(doc)
    layout._footers(doc)
    _table_styles(doc)
    doc.core_properties.title = circular.title
    doc.core_properties.author = office
    doc.core_properties.created = timezone.now()
    body = doc.element.body
    for p in list(body.iterchildren()):
        if p.tag.endswith("}p"):
            body.remove(p)
    _masthead(doc, office, circular.doc_number)
    title = layout._para(doc, "简报标题", align=WD_ALIGN_PARAGRAPH.CENTER, before_pt=layout.LINE_PITCH_PT)
    layout._run(title, layout._text(circular.title), layout.XIAOBIAOSONG, layout.TITLE_PT, latin=layout.XIAOBIAOSONG)
    layout._run(layout._para(doc, before_pt=layout.LINE_PITCH_PT), ADDRESSEES, layout.FANGSONG)
    for text in circular.paragraphs():
        p = layout._para(doc, indent=True)
        p.paragraph_format.widow_control = True
        layout._run(p, layout._text(text), layout.FANGSONG)
    _caption(doc, f"表1  {data.get('label', '')}各单位信息报送采用及得分情况")
    _table(doc, RANK_HEADERS, rank_rows(data), [12, 52, 14, 14, 18, 16, 16, 14])
    number = 2
    if _groups_worth_a_table(data):
        _caption(doc, f"表{number}  按地区（系统）汇总")
        _table(doc, ["名次", "地区（系统）", "得分", "占比"], group_rows(data), [16, 80, 30, 30])
        number += 1
    for index, picture in enumerate(circular_pictures(data), start=1):
        _caption(doc, f"图{index}  {picture.caption}")
        if picture.png is not None:
            _picture(doc, picture.png)
        else:
            layout._run(layout._para(doc, align=WD_ALIGN_PARAGRAPH.CENTER), f"（{picture.note}）", layout.FANGSONG)
    sign = layout._para(doc, align=WD_ALIGN_PARAGRAPH.RIGHT, before_pt=layout.LINE_PITCH_PT * 2)
    sign.paragraph_format.right_indent = Pt(4 * layout.CHAR_PITCH_PT)
    layout._run(sign, office, layout.FANGSONG)
    date = layout._para(doc, align=WD_ALIGN_PARAGRAPH.RIGHT)
    date.paragraph_format.right_indent = Pt(4 * layout.CHAR_PITCH_PT)
    layout._run(date, day, layout.FANGSONG)
    layout._banji(doc, _sheet_for_banji(circular, office, day))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- XLSX ---

UNIT_COLUMNS: list[tuple[str, str, int]] = [
    ("rank", "名次", 6), ("unit", "单位", 30), ("group", "所属地区（系统）", 24), ("submitted", "报送条数", 10),
    ("problems", "其中反映问题", 12), ("adopted", "本级采用", 10), ("adopted_upper", "上级采用", 10),
    ("rate", "采用率（%）", 11), ("instructions", "领导批示", 10), ("penalties", "扣分事项", 10),
    ("late", "迟报/逾期", 10), ("expected", "应报条数", 10), ("points", "得分", 10),
    ("previous_points", "上期得分", 10), ("change", "比上期", 10), ("change_pct", "增减（%）", 10),
    ("share", "占所属地区（%）", 14), ("desk_share", "占全部（%）", 12),
]
NUMERIC = {"points", "previous_points", "change", "change_pct", "share", "desk_share", "rate"}


def _text_cell(sheet: WriteOnlyWorksheet, value: str, *, bold: bool = False) -> WriteOnlyCell:
    """Always text: a unit called "=1+1" never becomes a formula in Excel."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _value(sheet: WriteOnlyWorksheet, name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in NUMERIC:
        return float(Decimal(str(value)))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return value
    return _text_cell(sheet, str(value))


def _widths(sheet: WriteOnlyWorksheet, widths: list[int]) -> None:
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width


def circular_xlsx(circular: Circular) -> bytes:
    """The circular's full figures: the text, every unit's row, the groups, the named lists, the trend."""
    data = circular.figures
    book = Workbook(write_only=True)
    about = book.create_sheet("通报")
    _widths(about, [14, 100])
    for label, value in (
        ("标题", circular.title),
        ("文号", circular.doc_number or "（未签发）"),
        ("科室", circular.desk.name),
        ("周期", f"{data.get('label', '')}（{circular.start:%Y-%m-%d} 至 {circular.end:%Y-%m-%d}）"),
        ("状态", circular.get_state_display()),
        ("报送条数", str(data.get("submitted", 0))),
        ("采用条数", str(data.get("adopted", 0))),
        ("总得分", _points(data.get("total", 0))),
        ("上期总得分", _points(data.get("previous_total", 0))),
    ):
        about.append([_text_cell(about, label, bold=True), _text_cell(about, value)])
    about.append([])
    for text in circular.paragraphs():
        about.append([None, _text_cell(about, text)])
    units = book.create_sheet("各单位")
    _widths(units, [w for _, _, w in UNIT_COLUMNS])
    units.freeze_panes = "C2"
    units.append([_text_cell(units, header, bold=True) for _, header, _ in UNIT_COLUMNS])
    for row in data.get("rows", []):
        units.append([_value(units, name, row.get(name)) for name, _, _ in UNIT_COLUMNS])
    groups = book.create_sheet("按地区汇总")
    _widths(groups, [6, 30, 12, 12, 10])
    groups.append([_text_cell(groups, h, bold=True) for h in ("名次", "地区（系统）", "得分", "占比（%）", "单位数")])
    for g in data.get("groups", []):
        groups.append([g["rank"], _text_cell(groups, g["unit"]), float(Decimal(g["points"])),
                       float(Decimal(g["share"])), g.get("members", 1)])
    named = book.create_sheet("点名单位")
    _widths(named, [28, 40])
    named.append([_text_cell(named, h, bold=True) for h in ("名单", "单位")])
    lists = [("得分为零", data.get("zero") or []), ("报送明显下降", data.get("declining") or []),
             ("报喜不报忧", data.get("no_problems") or []), ("未完成报送数量", data.get("quota_short") or [])]
    for label, names in lists:
        for name in names:
            named.append([_text_cell(named, label), _text_cell(named, name)])
    trend = book.create_sheet("逐月得分")
    _widths(trend, [12, 12])
    trend.append([_text_cell(trend, "月份", bold=True), _text_cell(trend, "得分", bold=True)])
    for month, points in data.get("trend", []):
        trend.append([_text_cell(trend, month), float(Decimal(points))])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
