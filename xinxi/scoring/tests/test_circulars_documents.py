"""A circular's DOCX (GB/T 9704 layout, tables, chart pictures) and XLSX (full figures), re-opened."""

from __future__ import annotations

import io

from docx import Document
from openpyxl import load_workbook

from xinxi.publications.documents import RED
from xinxi.scoring import circulars_documents as documents
from xinxi.scoring.tests.circular_factories import draft, issued, scored


def _docx(data: bytes):
    return Document(io.BytesIO(data))


def _all_text(doc) -> str:
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def test_the_issued_circular_as_word(net):
    scored(net)
    circular = issued(net)
    doc = _docx(documents.circular_docx(circular))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == net.city.desk.name  # 版头: the office in red
    assert doc.paragraphs[0].runs[0].font.color.rgb is not None and str(doc.paragraphs[0].runs[0].font.color.rgb) == RED
    assert texts[1] == "信通〔2026〕1号"
    assert circular.title in texts and "各信息报送单位：" in texts
    assert doc.core_properties.title == circular.title
    ranking = doc.tables[0]
    assert [c.text for c in ranking.rows[0].cells] == documents.RANK_HEADERS
    first = [c.text for c in ranking.rows[1].cells]
    assert first[:2] == ["1", net.county.name] and first[5] == "10" and first[6] == "100.0%"
    text = _all_text(doc)
    assert net.town.name in text and net.city_dept.name in text  # the zero units are named
    assert "得分为零的单位是：" in text
    assert "秘密排查" not in text  # never an item title
    pictures = [r for r in doc.part.rels.values() if "image" in r.reltype]
    assert len(pictures) == 2 and all(r.target_part.blob[:8] == b"\x89PNG\r\n\x1a\n" for r in pictures)
    assert "图1" in text and "图2" in text
    section = doc.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28  # GB/T 9704 page


def test_a_draft_says_it_has_no_number_yet(net):
    circular = draft(net)
    doc = _docx(documents.circular_docx(circular))
    assert doc.paragraphs[1].text == "（草稿，签发后编号）"
    assert documents.filename_stem(circular).endswith("（草稿）")


def test_the_workbook_holds_every_unit_and_the_named_lists(net):
    scored(net)
    circular = issued(net)
    book = load_workbook(io.BytesIO(documents.circular_xlsx(circular)))
    assert book.sheetnames == ["通报", "各单位", "按地区汇总", "点名单位", "逐月得分"]
    about = {row[0]: row[1] for row in book["通报"].iter_rows(values_only=True) if row and row[0]}
    assert about["文号"] == "信通〔2026〕1号" and about["标题"] == circular.title
    units = list(book["各单位"].iter_rows(values_only=True))
    header = units[0]
    rows = {r[header.index("单位")]: r for r in units[1:]}
    assert set(rows) == {r["unit"] for r in circular.figures["rows"]}
    assert rows[net.county.name][header.index("得分")] == 10
    named = list(book["点名单位"].iter_rows(values_only=True))[1:]
    assert ("得分为零", net.town.name) in named
    assert list(book["逐月得分"].iter_rows(values_only=True))[-1] == ("2026-12", 10)


def test_a_unit_name_is_never_a_formula(net):
    circular = draft(net)
    circular.figures["rows"][0]["unit"] = "=1+1"
    book = load_workbook(io.BytesIO(documents.circular_xlsx(circular)))
    cell = book["各单位"]["B2"]
    assert cell.value == "=1+1" and cell.data_type == "s"
