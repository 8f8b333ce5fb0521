"""The desk chief confirms a proposed 迟报 and downloads the 一事一通报, in a real browser."""

import io
from pathlib import Path

import pytest
from docx import Document

from xinxi.scoring.tests.factories import points
from xinxi.urgent.models import FindingState
from xinxi.urgent.tests.helpers import city_desk
from xinxi.urgent.tests.helpers_findings import city_rules, proposed_late

pytestmark = pytest.mark.browser


def test_the_desk_chief_confirms_a_late_report_and_downloads_the_circular(net, login_page, live_server):
    city_rules(net)
    finding = proposed_late(net)
    page = login_page("desk_chief")
    page.goto(f"{live_server.url}/urgent/findings/")
    row = page.locator("#findings tbody tr").first
    assert "待认定" in row.inner_text()
    page.click(f"#findings a[href='/urgent/findings/{finding.pk}/']")
    page.wait_for_url(f"{live_server.url}/urgent/findings/{finding.pk}/")
    assert "超时 40 分钟" in page.locator("#finding-evidence").inner_text()
    page.click("#confirm")  # no reason: refused, nothing changes
    assert "请填写认定意见" in page.locator("#confirm-form").inner_text()
    page.fill("#confirm-form textarea", "书面报告超过时限40分钟，情况属实，予以通报。")
    page.click("#confirm")
    page.wait_for_url(f"{live_server.url}/urgent/findings/{finding.pk}/")
    assert page.locator("#finding-state").inner_text() == "已认定"
    assert "-2.00" in page.locator("#finding-penalty").inner_text()
    finding.refresh_from_db()
    assert finding.state == FindingState.CONFIRMED and points(city_desk(net), net.county) == -2

    with page.expect_download() as got:
        page.click("#download-circular")
    download = got.value
    assert download.suggested_filename.endswith(".docx")
    doc = Document(io.BytesIO(Path(download.path()).read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于东城县委办公室迟报东城镇煤矿透水事故的通报" in text
    assert "超过时限40分钟" in text and "情况属实，予以通报。" in text and "扣2分" in text
