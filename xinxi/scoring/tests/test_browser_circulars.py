"""A monthly circular is generated, edited, signed, issued and downloaded as DOCX and XLSX, in a real browser."""

import io
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from xinxi.scoring.models import Circular, CircularState, PeriodClose
from xinxi.scoring.tests.circular_factories import scored

pytestmark = pytest.mark.browser


def test_monthly_circular_from_draft_to_download(net, login_page, live_server):
    scored(net)
    page = login_page("editor")
    page.goto(f"{live_server.url}/scoring/circulars/")
    page.click("#generate")
    page.select_option("select[name=kind]", "month")
    page.fill("input[name=year]", "2026")
    page.fill("input[name=index]", "12")
    page.click("#do-generate")
    circular = Circular.objects.get()
    page.wait_for_url(f"{live_server.url}/scoring/circulars/{circular.pk}/")
    assert "得分为零的单位是" in page.locator("#circular-body").inner_text()
    assert "东城县委办公室" in page.locator("#ranking").inner_text()

    page.click("#edit")
    body = page.locator("textarea[name=body]")
    body.fill(body.input_value() + "\n请各单位对照检查，于12月10日前报送整改情况。")
    page.click("#save")
    page.wait_for_url(f"{live_server.url}/scoring/circulars/{circular.pk}/")
    assert "于12月10日前报送整改情况" in page.locator("#circular-body").inner_text()
    page.click("#submit")
    assert page.locator("#circular-state").inner_text() == "待签发"

    page.context.clear_cookies()
    page = login_page("desk_chief")
    page.goto(f"{live_server.url}/scoring/circulars/{circular.pk}/")
    page.click("#sign")
    assert page.locator("#doc-number").inner_text() == "信通〔2026〕1号"
    page.click("#issue")
    assert page.locator("#circular-state").inner_text() == "已印发"
    circular.refresh_from_db()
    assert circular.state == CircularState.ISSUED
    assert PeriodClose.objects.filter(desk=net.city.desk, start=circular.start).exists()

    with page.expect_download() as got:
        page.click("#export-docx")
    docx = got.value
    assert docx.suggested_filename.endswith(".docx")
    doc = Document(io.BytesIO(Path(docx.path()).read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "信通〔2026〕1号" in text and "于12月10日前报送整改情况" in text and net.town.name in text
    assert len(doc.tables) >= 1 and len(doc.inline_shapes) == 2

    with page.expect_download() as got:
        page.click("#export-xlsx")
    assert got.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(got.value.path()).read_bytes()))
    units = [row[1] for row in book["各单位"].iter_rows(min_row=2, values_only=True)]
    assert "东城县委办公室" in units and net.town.name in units
