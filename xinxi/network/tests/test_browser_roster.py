"""The roster import page, used the way a desk chief uses it: in a browser."""

from __future__ import annotations

import pytest

from xinxi.network.models import StaffMember, Unit
from xinxi.network.tests.test_roster import make_xlsx, unit_row

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.browser
def test_desk_chief_uploads_a_file_with_a_bad_row_and_nothing_is_imported(net, live_server, login_page):
    units_before, staff_before = Unit.objects.count(), StaffMember.objects.count()
    content = make_xlsx(
        units=[
            unit_row("南城县委办公室", "临江市委办公室"),
            unit_row("北城县委办公室", "临江市委办公室", level="区级"),
        ],
        staff=[["南城县委办公室", "陈信息", "兼职信息员", "", "", "13900001111"]],
    )
    page = login_page("desk_chief")
    page.goto(f"{live_server.url}/network/import/")
    assert page.locator("h1").inner_text() == "导入单位与人员"
    page.set_input_files("input[name=file]", files=[{"name": "花名册.xlsx", "mimeType": XLSX_TYPE, "buffer": content}])
    page.click("button[type=submit]:has-text('导入')")

    report = page.locator("table.report-errors")
    report.wait_for()
    assert "未导入任何数据" in page.locator("#import-report").inner_text()
    rows = report.locator("tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("td").all_inner_texts() == [
        "单位", "3", "层级", "层级“区级”不正确，应为：省级、市级、县级、乡级。"
    ]
    assert (Unit.objects.count(), StaffMember.objects.count()) == (units_before, staff_before)
    assert not Unit.objects.filter(name="南城县委办公室").exists()


@pytest.mark.browser
def test_desk_chief_imports_a_good_file_and_sees_the_counts(net, live_server, login_page):
    content = make_xlsx(
        units=[unit_row("南城县委办公室", "临江市委办公室")],
        staff=[["南城县委办公室", "陈信息", "兼职信息员", "", "", "13900001111"]],
    )
    page = login_page("desk_chief")
    page.goto(f"{live_server.url}/network/import/")
    page.set_input_files("input[name=file]", files=[{"name": "花名册.xlsx", "mimeType": XLSX_TYPE, "buffer": content}])
    page.click("button[type=submit]:has-text('导入')")

    page.locator(".messages").wait_for()
    assert "新建单位 1、更新单位 0、新增人员 1、更新人员 0" in page.locator(".messages").inner_text()
    assert page.locator("table.report-errors").count() == 0
    assert Unit.objects.get(name="南城县委办公室").parent == net.city
