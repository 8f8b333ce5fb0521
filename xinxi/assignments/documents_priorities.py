"""The notice of a published 报送要点 list as DOCX: red masthead with its 文号, the numbered topics."""

from __future__ import annotations

import io

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from xinxi.assignments.models.priorities import PriorityList
from xinxi.publications import documents as layout
from xinxi.scoring.circulars_documents import _masthead

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ADDRESSEES = "各县（市、区）委办公室，市直各部门，各信息直报点："
CHINESE_NUMBERS = "一二三四五六七八九十"


def _ordinal(n: int) -> str:
    if n <= 10:
        return CHINESE_NUMBERS[n - 1]
    if n < 20:
        return "十" + CHINESE_NUMBERS[n - 11]
    tens, ones = divmod(n, 10)
    return CHINESE_NUMBERS[tens - 1] + "十" + (CHINESE_NUMBERS[ones - 1] if ones else "")


def filename_stem(plist: PriorityList) -> str:
    return f"{plist.doc_number or '报送要点（草稿）'}{plist.title}".replace("/", "／")


def priorities_docx(plist: PriorityList) -> bytes:
    office = layout._text(plist.desk.name or plist.desk.unit.name)
    day = layout.chinese_date(timezone.localtime(plist.published_at or timezone.now()))
    doc = Document()
    layout._page_setup(doc)
    layout._styles(doc)
    layout._font_table(doc)
    layout._footers(doc)
    doc.core_properties.title = plist.title
    doc.core_properties.author = office
    body = doc.element.body
    for p in list(body.iterchildren()):
        if p.tag.endswith("}p"):
            body.remove(p)
    _masthead(doc, office, plist.doc_number)
    title = layout._para(doc, "简报标题", align=WD_ALIGN_PARAGRAPH.CENTER, before_pt=layout.LINE_PITCH_PT)
    layout._run(title, layout._text(plist.title), layout.XIAOBIAOSONG, layout.TITLE_PT, latin=layout.XIAOBIAOSONG)
    layout._run(layout._para(doc, before_pt=layout.LINE_PITCH_PT), ADDRESSEES, layout.FANGSONG)
    intro = layout._para(doc, indent=True)
    layout._run(intro, layout._text(
        f"现将{plist.starts_on:%Y年%m月%d日}至{plist.ends_on:%Y年%m月%d日}信息报送要点印发给你们，"
        "请围绕以下题目及时报送信息，报送时在系统中标注对应题目。"
    ), layout.FANGSONG)
    for topic in plist.topics.all():
        head = layout._para(doc, indent=True)
        layout._run(head, f"{_ordinal(topic.number)}、{layout._text(topic.title)}", layout.HEITI)
        if topic.description:
            layout._run(layout._para(doc, indent=True), layout._text(topic.description), layout.FANGSONG)
        if topic.keywords:
            layout._run(layout._para(doc, indent=True), f"关键词：{layout._text(topic.keywords)}", layout.KAITI)
    sign = layout._para(doc, align=WD_ALIGN_PARAGRAPH.RIGHT, before_pt=layout.LINE_PITCH_PT * 2)
    sign.paragraph_format.right_indent = Pt(4 * layout.CHAR_PITCH_PT)
    layout._run(sign, office, layout.FANGSONG)
    date = layout._para(doc, align=WD_ALIGN_PARAGRAPH.RIGHT)
    date.paragraph_format.right_indent = Pt(4 * layout.CHAR_PITCH_PT)
    layout._run(date, day, layout.FANGSONG)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
