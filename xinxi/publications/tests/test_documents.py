"""Issue documents: the DOCX and PDF re-opened and read as a user would, and who may download them."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import RGBColor
from pypdf import PdfReader

from xinxi.audit.models import AuditEvent
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.lib import fonts
from xinxi.lib.choices import Classification, Urgency
from xinxi.publications import documents, services
from xinxi.publications.models import Column, Issue
from xinxi.publications.tests.factories import periodical

SIGN_DAY = dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.UTC)
TITLES = ["东城县排查企业126家整改隐患38处", "东城县冬季供暖保障有力群众满意", "<script>alert(1)</script>东城县标题"]
BODY = "11月20日，东城县召开安全生产专题会议。\n全县共排查企业126家，发现隐患43处，已整改38处。"


def compose(
    net: Any, *, classification: int | None = None, urgency: int | None = None, sign: bool = True,
    name: str = "临江信息",
) -> Issue:
    """An issue of 《临江信息》 with a column, notes and three items (one with markup in its title)."""
    p = periodical(net, name, running_total=True, total_offset=417, default_distribute="各乡镇（街道）党（工）委办公室")
    column = Column.objects.create(periodical=p, name="工作动态")
    issue = services.issue_create(actor=net.editor, periodical=p)
    entries = [
        entry_at(submitted(net.reporter, title=f"东城县第{i}条信息标题写得具体"), net.city.desk) for i in range(3)
    ]
    services.issue_add_entries(actor=net.editor, issue=issue, entries=entries)
    for item, title in zip(issue.items.order_by("sort_order"), TITLES, strict=True):
        services.issue_item_update(
            actor=net.editor,
            item=item,
            title=title,
            body=BODY,
            column=column if item.sort_order < 3 else None,
            editor_note="此条经验值得借鉴。" if item.sort_order == 1 else "",
        )
    fields: dict[str, Any] = {"editor_note": "本期集中反映冬季安全生产情况。"}
    if classification is not None:
        fields["classification"] = classification
    if urgency is not None:
        fields["urgency"] = urgency
    services.issue_update(actor=net.editor, issue=issue, version=None, **fields)
    if sign:
        services.issue_send_for_signoff(actor=net.editor, issue=issue)
        with time_machine.travel(SIGN_DAY):
            issue = services.issue_sign_off(actor=net.desk_chief, issue=issue)
    return Issue.objects.select_related("periodical__desk__unit").get(pk=issue.pk)


def docx_of(issue: Issue) -> Any:
    return Document(io.BytesIO(documents.issue_docx(issue)))


def paragraph(doc: Any, text: str) -> Any:
    found = [p for p in doc.paragraphs if p.text == text]
    assert found, f"没有段落：{text}"
    return found[0]


def east_asia(run: Any) -> str:
    return run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def page_texts(data: bytes) -> list[str]:
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


# --- DOCX ---


def test_docx_page_setup_is_gb_9704(net):
    doc = docx_of(compose(net))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    for value, wanted in ((section.top_margin, 37), (section.left_margin, 28), (section.right_margin, 26),
                          (section.bottom_margin, 35)):
        assert abs(value.mm - wanted) <= 0.5
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars" and grid.get(qn("w:linePitch")) == "579"  # 22 lines
    assert -900 < int(grid.get(qn("w:charSpace"))) < -800  # 28 characters of 3号 in 156 mm
    assert doc.styles["Normal"].font.size.pt == 16


def test_docx_masthead_number_office_and_date(net):
    doc = docx_of(compose(net))
    name = paragraph(doc, "临江信息")
    assert name.runs[0].font.color.rgb == RGBColor(0xC0, 0x00, 0x00) and name.runs[0].font.size.pt >= 36
    assert name.alignment == 1  # centred
    assert east_asia(name.runs[0]) == "方正小标宋简体"
    paragraph(doc, "2026年第1期（总第418期）")
    office = paragraph(doc, "临江市委办公室编\t2026年11月21日")
    border = office._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert border.get(qn("w:color")) == "C00000"
    assert doc.paragraphs[0].text == "内部"  # classification at the top left; no 份号 below 秘密


def test_docx_items_columns_notes_and_sources(net):
    doc = docx_of(compose(net))
    texts = [p.text for p in doc.paragraphs]
    assert texts.index("【工作动态】") < texts.index(TITLES[0]) < texts.index(TITLES[1]) < texts.index(TITLES[2])
    assert texts.count("【工作动态】") == 1  # one heading for consecutive items of the column
    assert "编者按：本期集中反映冬季安全生产情况。" in texts and "编者按：此条经验值得借鉴。" in texts
    assert texts.count("（东城县委办公室）") == 3
    title = paragraph(doc, TITLES[2])  # markup printed as typed
    assert title.alignment == 1 and east_asia(title.runs[0]) == "方正小标宋简体"
    body = paragraph(doc, "全县共排查企业126家，发现隐患43处，已整改38处。")
    assert east_asia(body.runs[0]) == "仿宋_GB2312" and body.paragraph_format.first_line_indent.pt > 30
    note = paragraph(doc, "编者按：此条经验值得借鉴。")
    assert [east_asia(r) for r in note.runs] == ["黑体", "楷体_GB2312"]
    source = paragraph(doc, "（东城县委办公室）")
    assert source.alignment == 2  # right


def test_docx_closing_block_fonts_and_page_numbers(net):
    doc = docx_of(compose(net))
    table = doc.tables[-1]
    rows = [row.cells[0].text for row in table.rows]
    assert rows == ["报：市委、市政府领导同志", "送：各县（市、区）委办公室", "发：各乡镇（街道）党（工）委办公室",
                    "临江市委办公室信息科\t共印30份"]
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert int(borders.find(qn("w:top")).get(qn("w:sz"))) > int(borders.find(qn("w:insideH")).get(qn("w:sz")))
    normal_fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal_fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert doc.styles["简报编者按"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "楷体_GB2312"
    font_table = doc.part.part_related_by(RT.FONT_TABLE).blob.decode()
    assert 'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in font_table
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    for footer, alignment in ((section.footer, 2), (section.even_page_footer, 0)):
        p = footer.paragraphs[0]
        assert p.text == "— 1 —" and p.alignment == alignment and "PAGE" in p._p.xml


def test_docx_of_a_classified_urgent_issue_has_copy_number_and_marks(net):
    issue = compose(net, classification=Classification.SECRET, urgency=Urgency.EXTRA)
    doc = Document(io.BytesIO(documents.issue_docx(issue, documents.Copies(7, 7))))
    assert [p.text for p in doc.paragraphs[:3]] == ["000007", "秘密", "特急"]


def test_docx_of_a_draft_is_a_proof_without_number(net):
    doc = docx_of(compose(net, sign=False))
    paragraph(doc, "（校样，签发后编号）")
    paragraph(doc, "临江市委办公室编\t（未签发）")


# --- PDF ---


def test_pdf_text_and_page(net):
    reader, text = pdf_text(documents.issue_pdf(compose(net)))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    for wanted in ("临江信息", "2026年第1期（总第418期）", "临江市委办公室编", "2026年11月21日", "【工作动态】",
                   *TITLES, "（东城县委办公室）", "编者按：", "报：市委、市政府领导同志", "共印30份", "—1—"):
        assert wanted.replace(" ", "") in text, wanted
    assert text.index(TITLES[0]) < text.index(TITLES[1]) < text.index(TITLES[2])
    fonts = {str(f) for page in reader.pages for f in _font_names(page)}
    assert any("Noto-Serif-CJK-SC" in f for f in fonts), fonts  # Chinese glyphs come from an embedded CJK font


def _font_names(page: Any) -> list[str]:
    fonts = page["/Resources"].get("/Font", {})
    return [fonts[k].get_object()["/BaseFont"] for k in fonts]


def test_pdf_refuses_without_chinese_fonts(net, monkeypatch, client_for):
    issue = compose(net)
    monkeypatch.setattr(documents, "cjk_font_available", lambda: False)
    with pytest.raises(documents.FontsMissing, match="没有安装中文字体"):
        documents.issue_pdf(issue)
    response = client_for("editor").get(f"/publications/issues/{issue.pk}/export.pdf")
    assert response.status_code == 503
    assert "没有安装中文字体" in response.content.decode() and "fonts-noto-cjk" in response.content.decode()
    assert client_for("editor").get(f"/publications/issues/{issue.pk}/export.docx").status_code == 200


def test_font_check_finds_the_noto_fonts_when_fontconfig_is_missing(monkeypatch):
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)
    monkeypatch.setattr(documents, "NOTO_CJK_FILES", (documents.Path("/nonexistent/NotoSerifCJK.ttc"),))
    assert documents._probe_cjk_fonts() is False


# --- downloads and who may make them ---


def test_download_names_and_types(net, client_for):
    issue = compose(net)
    response = client_for("reporter").get(f"/publications/issues/{issue.pk}/export.docx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert f"filename*=UTF-8''{quote('临江信息2026年第1期.docx')}" in response["Content-Disposition"]
    pdf = client_for("reporter").get(f"/publications/issues/{issue.pk}/export.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert quote("临江信息2026年第1期.pdf") in pdf["Content-Disposition"]


ISSUED_ACCESS = {
    "reporter": 200,  # 东城县 is on the reading list
    "approver": 200,
    "editor": 200,
    "desk_chief": 200,
    "duty_officer": 200,
    "leader": 200,
    "admin": 404,  # admins keep the system; they are on no periodical's distribution
    "outsider": 404,
    "no_clearance": 404,  # 内部 above 公开 clearance
}
DRAFT_ACCESS = {**dict.fromkeys(ISSUED_ACCESS, 404), "editor": 200, "desk_chief": 200}


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_export_access_issued(net, client_for, fmt):
    issue = compose(net)
    got = {name: client_for(name).get(f"/publications/issues/{issue.pk}/export.{fmt}").status_code
           for name in ISSUED_ACCESS}
    assert got == ISSUED_ACCESS


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_export_access_draft(net, client_for, fmt):
    issue = compose(net, sign=False)
    got = {name: client_for(name).get(f"/publications/issues/{issue.pk}/export.{fmt}").status_code
           for name in DRAFT_ACCESS}
    assert got == DRAFT_ACCESS


def test_export_needs_login_and_get(net, client, client_for):
    issue = compose(net)
    response = client.get(f"/publications/issues/{issue.pk}/export.docx")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_for("editor").post(f"/publications/issues/{issue.pk}/export.docx").status_code == 405
    assert client_for("editor").get("/publications/issues/999999/export.pdf").status_code == 404


def test_classified_exports_are_audited(net, client_for):
    internal = compose(net)
    client_for("editor").get(f"/publications/issues/{internal.pk}/export.docx")
    assert not AuditEvent.objects.filter(action="issue_export").exists()
    secret = compose(net, classification=Classification.SECRET, sign=False, name="内参")
    assert client_for("editor").get(f"/publications/issues/{secret.pk}/export.docx?copy=3-5").status_code == 200
    event = AuditEvent.objects.get(action="issue_export")
    assert event.actor == net.editor and event.object_id == str(secret.pk)
    assert event.detail == {"what": "docx 份号000003-000005"}


def _two_items(net: Any, *, first_body: str, second_body: str) -> Issue:
    """An issued issue whose first item has ``first_body`` and whose second has ``second_body``."""
    p = periodical(net, "临江快报")
    issue = services.issue_create(actor=net.editor, periodical=p)
    entries = [entry_at(submitted(net.reporter, title=f"东城县第{i}条信息"), net.city.desk) for i in range(2)]
    services.issue_add_entries(actor=net.editor, issue=issue, entries=entries)
    first, second = issue.items.order_by("sort_order")
    services.issue_item_update(actor=net.editor, item=first, title="东城县防汛演练", body=first_body)
    services.issue_item_update(actor=net.editor, item=second, title="东城县推进乡村振兴", body=second_body)
    services.issue_send_for_signoff(actor=net.editor, issue=issue)
    return services.issue_sign_off(actor=net.desk_chief, issue=issue)


LONG_BODY = "\n".join(f"第{n}段：全县今年新建高标准农田{n}万亩，改造提升农村公路{n}十公里，带动群众就近就业。"
                      for n in range(1, 31))


def test_pdf_bodies_break_across_pages_and_a_title_keeps_its_first_lines(net):
    issue = _two_items(net, first_body="5月10日，东城县开展防汛应急演练。", second_body=LONG_BODY)
    pages = page_texts(documents.issue_pdf(issue))
    assert len(pages) >= 3
    # Page 1 is filled: the second item starts under the first instead of moving whole to page 2.
    assert "东城县推进乡村振兴" in pages[0] and "第1段" in pages[0] and "第2段" in pages[0]
    assert "第30段" not in pages[0] and "第30段" in pages[-1]
    for text in pages[1:]:  # later pages go on with the body: no title, no empty page
        assert "东城县推进乡村振兴" not in text and "段：" in text


@pytest.mark.parametrize("lines", range(6, 13))
def test_pdf_never_strands_a_title_at_the_foot_of_a_page(net, lines):
    # First items of growing length push the second title down page 1 and past its foot:
    # wherever it lands, the title and the first lines of its body share a page.
    first = "\n".join(f"首项第{n}段：检查堤防{n}处。" for n in range(lines))  # a line each
    issue = _two_items(net, first_body=first, second_body=LONG_BODY)
    pages = page_texts(documents.issue_pdf(issue))
    holding = [n for n, text in enumerate(pages) if "东城县推进乡村振兴" in text]
    assert len(holding) == 1
    assert "高标准农田1万亩" in pages[holding[0]]  # the first lines of its own body


def test_docx_titles_keep_with_their_text_and_bodies_may_break(net):
    doc = docx_of(_two_items(net, first_body="5月10日，东城县开展防汛应急演练。", second_body=LONG_BODY))
    assert paragraph(doc, "东城县推进乡村振兴").paragraph_format.keep_with_next is True
    body = [p for p in doc.paragraphs if "段：" in p.text]
    assert len(body) == 30
    assert all(p.paragraph_format.widow_control is True and not p.paragraph_format.keep_together for p in body)


# --- 份号: the copy number of each printed copy ---


def copy_marks(doc: Any) -> list[str]:
    """The 6-digit 份号 lines of a DOCX, in order."""
    return [p.text for p in doc.paragraphs if re.fullmatch(r"\d{6}", p.text)]


def test_an_issue_below_secret_prints_a_copy_number_only_when_asked(net):
    issue = compose(net)  # 内部, 30 copies
    assert copy_marks(docx_of(issue)) == []
    doc = Document(io.BytesIO(documents.issue_docx(issue, documents.parse_copies(issue, "12"))))
    assert copy_marks(doc) == ["000012"] and len(doc.sections) == 1


def test_a_range_of_copies_is_one_docx_with_each_copy_in_its_own_section(net):
    issue = compose(net, classification=Classification.SECRET)
    doc = Document(io.BytesIO(documents.issue_docx(issue, documents.parse_copies(issue, "28-30"))))
    assert copy_marks(doc) == ["000028", "000029", "000030"]  # never the database id
    texts = [p.text for p in doc.paragraphs]
    assert texts.count(TITLES[0]) == 3 and texts.count("秘密") == 3  # three complete copies
    assert len(doc.tables) == 3  # each with its 版记
    assert len(doc.sections) == 3
    for section in doc.sections:
        assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"  # pages of each copy from 1
    assert [s.start_type for s in doc.sections[1:]] == [WD_SECTION_START.ODD_PAGE] * 2  # a new sheet each


def test_a_range_of_copies_is_one_pdf_each_copy_starting_on_a_new_sheet(net):
    issue = _two_items(net, first_body="5月10日，东城县开展防汛应急演练。", second_body="全县出动300人。")
    Issue.objects.filter(pk=issue.pk).update(classification=Classification.SECRET, copies=12)
    issue = Issue.objects.get(pk=issue.pk)
    pages = page_texts(documents.issue_pdf(issue, documents.parse_copies(issue, "10-12")))
    # One page a copy, a blank back after each but the last: 000010, -, 000011, -, 000012.
    assert len(pages) == 5 and pages[1] == pages[3] == ""
    for page, number in zip(pages[::2], ("000010", "000011", "000012"), strict=True):
        assert page.startswith(number + "秘密") and "东城县推进乡村振兴" in page and page.endswith("—1—")


@pytest.mark.parametrize(
    ("raw", "wanted"),
    [("3", (3, 3)), ("000003", (3, 3)), (" 1-30 ", (1, 30)), ("5～6", (5, 6)), ("30", (30, 30))],
)
def test_copy_numbers_read_as_offices_write_them(net, raw, wanted):
    copies = documents.parse_copies(compose(net, sign=False), raw)
    assert copies is not None and (copies.first, copies.last) == wanted


@pytest.mark.parametrize("raw", ["0", "31", "5-3", "abc", "1-2-3", "-1"])
def test_copy_numbers_outside_the_print_run_are_refused(net, raw):
    issue = compose(net, sign=False)  # 30 copies
    with pytest.raises(documents.ServiceError) as refused:
        documents.parse_copies(issue, raw)
    assert list(refused.value.message_dict) == ["copy"] and "份号" in refused.value.message_dict["copy"][0]


def test_at_most_a_hundred_copies_in_one_file(net):
    issue = compose(net, sign=False)
    Issue.objects.filter(pk=issue.pk).update(copies=500)
    issue = Issue.objects.get(pk=issue.pk)
    assert documents.parse_copies(issue, "101-200") == documents.Copies(101, 200)
    with pytest.raises(documents.ServiceError, match="最多含 100 份"):
        documents.parse_copies(issue, "101-201")


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_classified_issue_is_exported_only_with_its_copy_numbers(net, client_for, fmt):
    issue = compose(net, classification=Classification.SECRET)
    editor = client_for("editor")
    page = editor.get(f"/publications/issues/{issue.pk}/")
    html = page.content.decode()
    assert 'id="export-copies"' in html and 'name="copy"' in html and 'id="export-docx"' not in html
    refused = editor.get(f"/publications/issues/{issue.pk}/export.{fmt}")
    assert refused.status_code == 400
    assert "须注明" in refused.content.decode() and 'name="copy"' in refused.content.decode()  # the form again
    beyond = editor.get(f"/publications/issues/{issue.pk}/export.{fmt}?copy=31")
    assert beyond.status_code == 400 and "本期共印30份" in beyond.content.decode()
    assert not AuditEvent.objects.filter(action="issue_export").exists()  # nothing was exported
    assert client_for("outsider").get(f"/publications/issues/{issue.pk}/export.{fmt}").status_code == 404
    response = editor.get(f"/publications/issues/{issue.pk}/export.{fmt}?copy=2-3")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert f"filename*=UTF-8''{quote(f'临江信息2026年第1期（第000002-000003份）.{fmt}')}" in disposition
    assert f'filename="issue-2026-1-copy-000002-000003.{fmt}"' in disposition
    event = AuditEvent.objects.get(action="issue_export")
    assert event.detail == {"what": f"{fmt} 份号000002-000003"}


def test_a_proof_is_named_without_the_database_id(net, client_for):
    issue = compose(net, sign=False)
    response = client_for("editor").get(f"/publications/issues/{issue.pk}/export.docx")
    disposition = response["Content-Disposition"]
    assert f"filename*=UTF-8''{quote('临江信息（校样）.docx')}" in disposition
    assert 'filename="issue-proof.docx"' in disposition and str(issue.pk) not in disposition.split(";")[1]
