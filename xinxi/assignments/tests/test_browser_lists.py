"""A county uploads its monthly list (a bad file first), sends it, and the city editor routes a row, in a browser."""

from __future__ import annotations

from typing import Any

import pytest

from xinxi.assignments.models import RowState, SupervisionRow
from xinxi.assignments.tests.test_lists import GOOD, xlsx_from_template

pytestmark = pytest.mark.browser


def test_upload_a_list_send_it_and_route_a_row(net: Any, login_page: Any, live_server: Any, tmp_path: Any) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx_from_template([GOOD, ["投诉", "临江日报", "2026-11-30", "摘要", "某局", ""]]))
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx_from_template([GOOD]))

    page = login_page("reporter")
    page.goto(f"{live_server.url}/assignments/lists/")
    page.click("#new-list button")
    page.wait_for_url(f"{live_server.url}/assignments/lists/*/")
    page.set_input_files("#upload input[type=file]", str(bad))
    page.click("#upload button")
    errors = page.locator("#file-errors").inner_text()
    assert "第 3 行" in errors and "类型" in errors and "整个文件未导入" in page.locator("#list-error").inner_text()
    assert not SupervisionRow.objects.exists()
    page.set_input_files("#upload input[type=file]", str(good))
    page.click("#upload button")
    assert "老旧小区改造" in page.locator("#rows").inner_text()
    page.click("#send-list button")
    assert page.locator("#list-state").inner_text() == "已报送"
    url = page.url

    page.context.clear_cookies()
    editor = login_page("editor")
    editor.goto(url)
    row = SupervisionRow.objects.get()
    editor.select_option(f"#unit-{row.pk}", str(net.county.pk))
    editor.fill(f"#note-{row.pk}", "请核实")
    editor.click(f"#row-{row.pk} .route-form button")
    assert "承办：东城县委办公室" in editor.locator(f"#row-{row.pk}").inner_text()
    row.refresh_from_db()
    assert row.state == RowState.ROUTED and row.route_note == "请核实"
