"""An issue as a document: DOCX (python-docx) and PDF (WeasyPrint) in the 简报 / GB/T 9704-2012 layout.

Both builders start from one ``Sheet`` (what is printed, already in Chinese), so the
Word file offices exchange and the PDF people read say the same thing:

- A4, top margin 37 mm, binding (left) margin 28 mm, text block 156 × 225 mm;
- body 仿宋 3号 (16 pt) on a 22-line × 28-character grid;
- 版头: 份号 (the copy number, see ``Copies``), 密级 and 紧急程度 at the top left, the periodical's
  name in red 小标宋, the number line, the compiling office at left and the date at
  right, a red rule;
- 编者按 in 楷体, 栏目 headings in 黑体, each item's title centred in 小标宋, its body
  with a two-character first-line indent and its source in brackets at the end;
- 版记 between thick and thin rules: 报 / 送 / 发 and 共印N份; page numbers "— 1 —",
  odd pages right, even pages left.

The DOCX names the standard fonts (仿宋_GB2312 etc., with 仿宋 etc. as alternates in its
font table). The PDF uses the CJK fonts this machine has (Debian's fonts-noto-cjk: Noto
Serif CJK SC for 仿宋/宋/楷/小标宋, Noto Sans CJK SC for 黑体); without any Chinese
font it refuses instead of printing empty boxes. See docs/documents.md.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml import etree

from xinxi.lib import fonts
from xinxi.lib.choices import Classification, Urgency
from xinxi.lib.errors import ServiceError
from xinxi.publications.models import Issue

# --- the page (GB/T 9704-2012, 5.2) ---
PAGE_MM = (210.0, 297.0)
TOP_MM, LEFT_MM, RIGHT_MM, BOTTOM_MM = 37.0, 28.0, 26.0, 35.0
TEXT_WIDTH_MM, TEXT_HEIGHT_MM = 156.0, 225.0
LINES, CHARS = 22, 28
BODY_PT = 16.0  # 3号
BANJI_PT = 14.0  # 4号: 版记 and page numbers
TITLE_PT = 22.0  # 2号: item titles
PT_PER_MM = 72 / 25.4
# Whole twips, rounded down so 22 lines always fit in 225 mm: 579 twips = 28.95 pt.
LINE_PITCH_PT = math.floor(TEXT_HEIGHT_MM * PT_PER_MM / LINES * 20) / 20
CHAR_PITCH_PT = TEXT_WIDTH_MM * PT_PER_MM / CHARS  # ≈ 15.79 pt
RED = "C00000"

# --- fonts: the names offices' Word/WPS have, with the usual alternates ---
FANGSONG, FANGSONG_ALT = "仿宋_GB2312", "仿宋"
XIAOBIAOSONG, XIAOBIAOSONG_ALT = "方正小标宋简体", "小标宋"
HEITI = "黑体"
KAITI, KAITI_ALT = "楷体_GB2312", "楷体"
LATIN = "Times New Roman"
FONT_ALTERNATES = {FANGSONG: FANGSONG_ALT, XIAOBIAOSONG: XIAOBIAOSONG_ALT, KAITI: KAITI_ALT, HEITI: "SimHei"}

# Debian's fonts-noto-cjk: what the PDF embeds when the GB fonts are not installed.
NOTO_CJK_FILES = (
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)
PRINT_CSS = Path(__file__).resolve().parent / "print" / "issue_print.css"
FONTS_MISSING = (
    "服务器上没有安装中文字体，无法生成 PDF（否则文字会显示为空白方框）。"
    "请系统管理员安装中文字体（Debian/Ubuntu：apt-get install fonts-noto-cjk）后重试；"
    "Word 版（DOCX）不受影响，可先下载 Word 版。"
)


class FontsMissing(ServiceError):
    """No Chinese font on this machine: a PDF would show empty boxes."""

    def __init__(self) -> None:
        super().__init__(FONTS_MISSING, code="fonts_missing")


# --- copy numbers (份号) ---

MAX_COPIES_PER_FILE = 100
COPY_PARAM = "copy"
COPY_FORMAT = re.compile(r"^\s*(\d{1,6})\s*(?:[-－—~～至]\s*(\d{1,6}))?\s*$")


@dataclass(frozen=True)
class Copies:
    """The printed copies an export holds: 份号 ``first``…``last`` of the issue's print run.

    An issue printed in N copies (``Issue.copies``) numbers them 000001…N; each printed copy
    carries its own number, so an export names one copy or a range, and a range comes as one
    file with one complete copy after the other (each starting on an odd page, its pages
    numbered from 1), ready to print.
    """

    first: int
    last: int

    @property
    def numbers(self) -> range:
        return range(self.first, self.last + 1)

    @property
    def label(self) -> str:
        """"000003" or "000001-000030"."""
        if self.first == self.last:
            return f"{self.first:06d}"
        return f"{self.first:06d}-{self.last:06d}"


def copy_error(message: str) -> ServiceError:
    return ServiceError({COPY_PARAM: [message]}, code="copy")


def parse_copies(issue: Issue, raw: str | None) -> Copies | None:
    """The copies named by the ``copy`` parameter ("3", "000003", "1-30"), checked against the print run.

    Without a value an export of an issue below 秘密 prints no 份号; a 秘密/机密 issue must name
    its copies, since every paper copy of a classified document carries its own number.
    """
    run = f"本期共印{issue.copies}份，份号为 {1:06d}～{issue.copies:06d}"
    if raw is None or not raw.strip():
        if issue.classification >= Classification.SECRET:
            raise copy_error(f"秘密及以上的期须注明导出哪一份或哪几份（份号，如 1 或 1-{issue.copies}）；{run}。")
        return None
    match = COPY_FORMAT.match(raw)
    if match is None:
        raise copy_error(f"份号应为一个数字（如 3）或一个范围（如 1-{issue.copies}）。")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if not 1 <= first <= last <= issue.copies:
        raise copy_error(f"份号超出范围：{run}，范围的起号不能大于止号。")
    if last - first + 1 > MAX_COPIES_PER_FILE:
        raise copy_error(f"一个文件最多含 {MAX_COPIES_PER_FILE} 份，请分批导出。")
    return Copies(first, last)


_found: dict[str, bool] = {}


def _probe_cjk_fonts() -> bool:
    """Asks ``lib.fonts`` (fontconfig, then these files): one font search for the PDF and the charts."""
    return fonts.cjk_font_available(known_files=NOTO_CJK_FILES)


def cjk_font_available() -> bool:
    """True when fontconfig knows a Chinese font (or Debian's Noto CJK files are there).

    A positive answer is remembered for the process; a negative one is checked again, so
    installing the fonts needs no restart.
    """
    if not _found.get("cjk"):
        _found["cjk"] = _probe_cjk_fonts()
    return _found["cjk"]


# --- what is printed ---


@dataclass
class Block:
    """One item as printed, preceded by its column's heading when the column changes."""

    title: str
    paragraphs: list[str]
    source: str
    note: str = ""
    column: str = ""


@dataclass
class Sheet:
    name: str
    name_pt: float
    name_spacing_pt: float
    number_line: str
    office: str
    date_text: str
    copy_no: str
    classification: str
    urgency: str
    editor_note: list[str]
    corrects: str
    blocks: list[Block]
    distribution: list[tuple[str, str]]
    printer: str
    copies_text: str
    proof: bool
    filename_stem: str
    meta: dict[str, Any] = field(default_factory=dict)


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    """Plain text safe for XML (a title is printed as typed, never as markup)."""
    return _XML_ILLEGAL.sub("", value or "").strip()


def _paragraphs(value: str) -> list[str]:
    return [line for line in (_text(x) for x in (value or "").split("\n")) if line]


def chinese_date(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _masthead_size(name: str) -> tuple[float, float]:
    """Font size and letter spacing so the name sits large but inside the text block."""
    n = max(len(name), 1)
    width = TEXT_WIDTH_MM * PT_PER_MM * 0.9
    size = min(52.0, width / n)
    spacing = size * 0.25 if n <= 6 and size * 1.25 * n <= width else 0.0
    return round(size, 1), round(spacing, 1)


def number_line(issue: Issue) -> str:
    if issue.number is None:
        return "（校样，签发后编号）"
    line = issue.label
    if issue.total_number:
        line += f"（总第{issue.total_number}期）"
    return line


def filename_stem(issue: Issue, copies: Copies | None = None) -> str:
    """The periodical and number (or 校样 for a draft), and the copies it holds: never the database id."""
    name = issue.periodical.name
    stem = f"{name}{issue.label}" if issue.number is not None else f"{name}（校样）"
    if copies is not None:
        stem += f"（第{copies.label}份）"
    return re.sub(r'[\\/:*?"<>|]', "", stem)


def ascii_filename(issue: Issue, copies: Copies | None = None) -> str:
    """The ASCII fallback name for old clients: year and number, never the database id."""
    stem = f"issue-{issue.year}-{issue.number}" if issue.number is not None else "issue-proof"
    if issue.supplement and issue.number is not None:
        stem += "-supplement"
    return stem + (f"-copy-{copies.label}" if copies is not None else "")


def issue_sheet(issue: Issue, copy_no: int | None = None) -> Sheet:
    """Everything the two builders print, from the issue and its items (two queries).

    ``copy_no`` is the 份号 of the printed copy (000001…N of the issue's print run); without
    one the document carries no 份号 (only allowed below 秘密, see ``parse_copies``).
    """
    periodical = issue.periodical
    desk = periodical.desk
    unit = desk.unit
    blocks: list[Block] = []
    last_column: int | None = None
    for item in issue.items.select_related("column").order_by("sort_order", "id"):
        column = ""
        if item.column_id is not None and item.column_id != last_column and item.column is not None:
            column = _text(item.column.name)
        last_column = item.column_id
        source = _text(item.source_label)
        blocks.append(
            Block(
                title=_text(item.title),
                paragraphs=_paragraphs(item.body),
                source=f"（{source}）" if source else "",
                note=" ".join(_paragraphs(item.editor_note)),
                column=column,
            )
        )
    distribution = [
        (label, " ".join(_paragraphs(value)))
        for label, value in (("报", issue.to_leaders), ("送", issue.to_units), ("发", issue.distribute))
        if _paragraphs(value)
    ]
    name_pt, name_spacing = _masthead_size(periodical.name)
    corrects = ""
    if issue.corrects_id is not None and issue.corrects is not None:
        corrects = f"本期系对{issue.corrects}的更正。"
    return Sheet(
        name=_text(periodical.name),
        name_pt=name_pt,
        name_spacing_pt=name_spacing,
        number_line=number_line(issue),
        office=f"{_text(unit.name)}编",
        date_text=chinese_date(issue.signed_on) if issue.signed_on else "（未签发）",
        copy_no=f"{copy_no:06d}" if copy_no is not None else "",
        classification=issue.get_classification_display() if issue.classification >= Classification.INTERNAL else "",
        urgency=issue.get_urgency_display() if issue.urgency >= Urgency.URGENT else "",
        editor_note=_paragraphs(issue.editor_note),
        corrects=corrects,
        blocks=blocks,
        distribution=distribution,
        printer=_text(desk.name) or _text(unit.name),
        copies_text=f"共印{issue.copies}份",
        proof=issue.number is None,
        filename_stem=filename_stem(issue, Copies(copy_no, copy_no) if copy_no is not None else None),
        meta={"title": f"{periodical.name} {number_line(issue)}", "author": _text(unit.name)},
    )


# --- DOCX ---


def _fonts_xml(east_asia: str, latin: str) -> str:
    return (
        f'<w:rFonts {nsdecls("w")} w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asia}" '
        f'w:cs="{latin}" w:hint="eastAsia"/>'
    )


def _set_fonts(rpr: Any, east_asia: str, latin: str) -> None:
    """Name the fonts on a run or style (w:eastAsia is what Word/WPS use for Chinese)."""
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    rpr.insert(0, parse_xml(_fonts_xml(east_asia, latin)))


def _run(
    paragraph: Paragraph,
    text: str,
    font: str,
    size: float = BODY_PT,
    *,
    latin: str = LATIN,
    color: str | None = None,
    spacing_pt: float = 0.0,
) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    _set_fonts(run._r.get_or_add_rPr(), font, latin)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    if spacing_pt:
        run._r.get_or_add_rPr().append(parse_xml(f'<w:spacing {nsdecls("w")} w:val="{round(spacing_pt * 20)}"/>'))


def _para(
    doc: DocxDocument,
    style: str = "Normal",
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
    line_pt: float = LINE_PITCH_PT,
    before_pt: float = 0.0,
) -> Paragraph:
    p = doc.add_paragraph()
    if style != "Normal":
        # Our styles' ids are their names; setting the id skips python-docx's slow lookup by name.
        p._p.get_or_add_pPr().style = style
    fmt = p.paragraph_format
    if align is not None:
        fmt.alignment = align
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line_pt)
    if before_pt:
        fmt.space_before = Pt(before_pt)
    if indent:
        # Two characters of the grid: firstLineChars for Word/WPS, a length for the others.
        fmt.first_line_indent = Pt(2 * CHAR_PITCH_PT)
        p._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")
    return p


def _border(paragraph: Paragraph, side: str, size_eighths: int, color: str, space: int = 1) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    bdr = ppr.find(qn("w:pBdr"))
    if bdr is None:
        bdr = parse_xml(f"<w:pBdr {nsdecls('w')}/>")
        ppr.append(bdr)
    bdr.append(
        parse_xml(
            f'<w:{side} {nsdecls("w")} w:val="single" w:sz="{size_eighths}" w:space="{space}" w:color="{color}"/>'
        )
    )


def _page_setup(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
    section.header_distance, section.footer_distance = Mm(15), Mm(21)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = parse_xml(f"<w:docGrid {nsdecls('w')}/>")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))
    grid.set(qn("w:charSpace"), str(round((CHAR_PITCH_PT - BODY_PT) * 4096)))


def _styles(doc: DocxDocument) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal.element.get_or_add_rPr(), FANGSONG, LATIN)
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PITCH_PT)
    fmt.widow_control = False
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for rpr in defaults.iter(qn("w:rPr")):
            _set_fonts(rpr, FANGSONG, LATIN)
    for name, font in (
        ("简报报头", XIAOBIAOSONG),
        ("简报标题", XIAOBIAOSONG),
        ("简报栏目", HEITI),
        ("简报编者按", KAITI),
        ("简报版记", FANGSONG),
    ):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        _set_fonts(style.element.get_or_add_rPr(), font, LATIN)


def _font_table(doc: DocxDocument) -> None:
    """Declare each standard font with its alternate (仿宋_GB2312 → 仿宋) and the GB2312 charset."""
    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = parse_xml(part.blob)
    for name, alt in FONT_ALTERNATES.items():
        root.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/>'
                '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
            )
        )
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_number(paragraph: Paragraph, *, right: bool) -> None:
    """ "— N —" in 4号 宋体, a character in from the outer edge (GB/T 9704, 7.5)."""
    fmt = paragraph.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT
    if right:
        fmt.right_indent = Pt(BANJI_PT)
    else:
        fmt.left_indent = Pt(BANJI_PT)
    _run(paragraph, "— ", "宋体", BANJI_PT)
    size = round(BANJI_PT * 2)
    for inner in (
        '<w:fldChar w:fldCharType="begin"/>',
        '<w:instrText xml:space="preserve"> PAGE </w:instrText>',
        '<w:fldChar w:fldCharType="separate"/>',
        "<w:t>1</w:t>",
        '<w:fldChar w:fldCharType="end"/>',
    ):
        paragraph._p.append(
            parse_xml(
                f"<w:r {nsdecls('w')}><w:rPr>{_fonts_xml('宋体', LATIN).replace(nsdecls('w'), '')}"
                f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>{inner}</w:r>'
            )
        )
    _run(paragraph, " —", "宋体", BANJI_PT)


def _footers(doc: DocxDocument) -> None:
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    _page_number(section.footer.paragraphs[0], right=True)
    _page_number(section.even_page_footer.paragraphs[0], right=False)


def _masthead(doc: DocxDocument, sheet: Sheet) -> None:
    for mark in (sheet.copy_no, sheet.classification, sheet.urgency):
        if mark:
            _run(_para(doc), mark, HEITI, latin=HEITI if not mark.isdigit() else LATIN)
    name = _para(
        doc, "简报报头", align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=sheet.name_pt * 1.35, before_pt=LINE_PITCH_PT
    )
    _run(name, sheet.name, XIAOBIAOSONG, sheet.name_pt, latin=XIAOBIAOSONG, color=RED, spacing_pt=sheet.name_spacing_pt)
    number = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER, before_pt=LINE_PITCH_PT / 2)
    _run(number, sheet.number_line, FANGSONG)
    office = _para(doc)
    office.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
    _run(office, f"{sheet.office}\t{sheet.date_text}", FANGSONG)
    _border(office, "bottom", 24, RED, space=4)  # 3 pt


def _body(doc: DocxDocument, sheet: Sheet) -> None:
    if sheet.corrects:
        _run(_para(doc, indent=True, before_pt=LINE_PITCH_PT / 2), sheet.corrects, HEITI, latin=HEITI)
    if sheet.editor_note:
        for i, text in enumerate(sheet.editor_note):
            p = _para(doc, "简报编者按", indent=True, before_pt=LINE_PITCH_PT / 2 if i == 0 else 0)
            if i == 0:
                _run(p, "编者按：", HEITI, latin=HEITI)
            _run(p, text, KAITI)
    for block in sheet.blocks:
        # Bodies break across pages; a heading or title keeps with what follows, and no
        # paragraph leaves a single line alone at a page's foot or head (as in the PDF).
        if block.column:
            column = _para(doc, "简报栏目", before_pt=LINE_PITCH_PT)
            column.paragraph_format.keep_with_next = True
            _run(column, f"【{block.column}】", HEITI, latin=HEITI)
        title = _para(doc, "简报标题", align=WD_ALIGN_PARAGRAPH.CENTER, before_pt=LINE_PITCH_PT)
        title.paragraph_format.keep_with_next = True
        _run(title, block.title, XIAOBIAOSONG, TITLE_PT, latin=XIAOBIAOSONG)
        if block.note:
            p = _para(doc, "简报编者按", indent=True)
            p.paragraph_format.keep_with_next = True
            _run(p, "编者按：", HEITI, latin=HEITI)
            _run(p, block.note, KAITI)
        for text in block.paragraphs:
            p = _para(doc, indent=True)
            p.paragraph_format.widow_control = True
            _run(p, text, FANGSONG)
        if block.source:
            _run(_para(doc, align=WD_ALIGN_PARAGRAPH.RIGHT), block.source, FANGSONG)


def _banji(doc: DocxDocument, sheet: Sheet) -> None:
    """版记: a one-column table, thick rules first and last, thin ones between (GB/T 9704, 7.4)."""
    _para(doc, before_pt=LINE_PITCH_PT)
    rows = [f"{label}：{text}" for label, text in sheet.distribution] + [""]
    table = doc.add_table(rows=len(rows), cols=1)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl_pr = table._tbl.tblPr
    tbl_pr.append(
        parse_xml(
            f"<w:tblBorders {nsdecls('w')}>"
            '<w:top w:val="single" w:sz="8" w:color="000000"/><w:left w:val="nil"/>'
            '<w:bottom w:val="single" w:sz="8" w:color="000000"/><w:right w:val="nil"/>'
            '<w:insideH w:val="single" w:sz="4" w:color="000000"/><w:insideV w:val="nil"/>'
            "</w:tblBorders>"
        )
    )
    tbl_pr.append(parse_xml(f'<w:tblW {nsdecls("w")} w:w="{round(TEXT_WIDTH_MM / 25.4 * 1440)}" w:type="dxa"/>'))
    for row, text in zip(table.rows, rows, strict=True):
        cell = row.cells[0]
        cell.width = Mm(TEXT_WIDTH_MM)
        p = cell.paragraphs[0]
        p.style = doc.styles["简报版记"]
        fmt = p.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PITCH_PT)
        fmt.left_indent = fmt.right_indent = Pt(BANJI_PT)
        if text:
            fmt.first_line_indent = None
            # A hanging indent so a long list lines up after "报：".
            fmt.left_indent = Pt(BANJI_PT * 3)
            fmt.first_line_indent = Pt(-BANJI_PT * 2)
            _run(p, text, FANGSONG, BANJI_PT)
        else:
            fmt.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM) - Pt(BANJI_PT * 2), WD_TAB_ALIGNMENT.RIGHT)
            _run(p, f"{sheet.printer}\t{sheet.copies_text}", FANGSONG, BANJI_PT)


def _restart_page_numbers(section: Any) -> None:
    """Each copy's pages are numbered from 1."""
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:pgNumType")):
        sect_pr.remove(old)
    sect_pr.append(parse_xml(f'<w:pgNumType {nsdecls("w")} w:start="1"/>'))


def issue_docx(issue: Issue, copies: Copies | None = None) -> bytes:
    """The issue as a Word document (what offices exchange): one copy, or each copy of a range in turn.

    Every copy after the first is a new section starting on an odd page (printed two-sided,
    copies do not share a sheet), with its own 份号 and page numbers from 1.
    """
    numbers: list[int | None] = list(copies.numbers) if copies is not None else [None]
    sheets = [issue_sheet(issue, n) for n in numbers]
    doc = Document()
    _page_setup(doc)
    _styles(doc)
    _font_table(doc)
    _footers(doc)
    doc.core_properties.title = sheets[0].meta["title"]
    doc.core_properties.author = sheets[0].meta["author"]
    doc.core_properties.created = timezone.now()
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):  # the template's empty first paragraph
        body.remove(p)
    for i, sheet in enumerate(sheets):
        if i:
            _restart_page_numbers(doc.add_section(WD_SECTION_START.ODD_PAGE))
        _masthead(doc, sheet)
        _body(doc, sheet)
        _banji(doc, sheet)
    if len(sheets) > 1:
        _restart_page_numbers(doc.sections[0])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- PDF ---


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    """The print template loads nothing from outside the file system."""
    from weasyprint.urls import default_url_fetcher

    if not url.startswith("file:"):
        raise ValueError(f"打印版式不加载外部资源：{url}")
    return default_url_fetcher(url, *args, **kwargs)


def issue_html(issue: Issue, copy_no: int | None = None) -> str:
    return render_to_string("publications/issue_print.html", {"sheet": issue_sheet(issue, copy_no)})


BLANK_PAGE = "<!DOCTYPE html><html><head><style>@page { size: A4; margin: 0 }</style></head><body></body></html>"


def issue_pdf(issue: Issue, copies: Copies | None = None) -> bytes:
    """The issue as a PDF with embedded Chinese fonts; refuses when the machine has none.

    A range of copies is one file: each copy laid out with its own 份号 and page numbers,
    and a copy with an odd number of pages followed by a blank page, so that printed
    two-sided every copy starts on a sheet of its own.
    """
    if not cjk_font_available():
        raise FontsMissing()
    from weasyprint import CSS, HTML

    stylesheet = CSS(filename=str(PRINT_CSS), url_fetcher=_no_fetch)
    numbers: list[int | None] = list(copies.numbers) if copies is not None else [None]
    rendered = [
        HTML(string=issue_html(issue, n), base_url=str(PRINT_CSS.parent), url_fetcher=_no_fetch).render(
            stylesheets=[stylesheet]
        )
        for n in numbers
    ]
    pages = []
    for i, document in enumerate(rendered):
        pages.extend(document.pages)
        if len(document.pages) % 2 and i < len(rendered) - 1:
            pages.extend(HTML(string=BLANK_PAGE, url_fetcher=_no_fetch).render().pages)
    pdf = rendered[0].copy(pages).write_pdf()
    return bytes(pdf or b"")
