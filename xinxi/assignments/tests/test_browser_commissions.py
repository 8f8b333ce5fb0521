"""The desk issues a commission, the county answers it with an item, the desk sees the answer table: in a browser."""

import pytest

from xinxi.assignments.models import Commission, TargetStatus
from xinxi.items.tests.factories import BODY
from xinxi.network.testing import PASSWORD

pytestmark = pytest.mark.browser
TITLE = "东城县冬季安全生产大检查排查企业126家"


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_the_desk_commissions_the_county_answers_and_the_desk_sees_the_table(net, browser, login_page, live_server):
    desk = login_page("editor")
    desk.goto(f"{live_server.url}/assignments/commissions/")
    desk.click("#commission-new")
    desk.fill("#id_topic", "冬季安全生产大检查进展")
    desk.fill("#id_requirements", "请报送排查整改的做法和数据。")
    desk.fill("#id_due_at", "2026-12-03T17:00")
    desk.click("#commission-form button[type=submit]")  # no target chosen: refused in Chinese
    assert "请选择约稿对象" in desk.locator("#commission-form").inner_text()
    desk.check(f"#commission-form input[name=units][value='{net.county.pk}']")
    desk.click("#commission-form button[type=submit]")
    commission = Commission.objects.get()
    desk.wait_for_url(f"{live_server.url}/assignments/commissions/{commission.pk}/")
    assert "待报送" in desk.locator("#answer-table").inner_text()

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    unit = context.new_page()
    try:
        login(unit, live_server, "reporter")
        assert "冬季安全生产大检查进展" in unit.locator("#commission-panel").inner_text()
        unit.click("#commission-panel a.button")
        unit.wait_for_url(f"{live_server.url}/items/new/?commission={commission.pk}")
        assert unit.locator("#id_commission").input_value() == str(commission.pk)
        unit.fill("#id_title", TITLE)
        unit.fill("#id_body", BODY)
        unit.click("button[value=submit]")
        unit.wait_for_url(f"{live_server.url}/items/*/")
        assert "冬季安全生产大检查进展" in unit.locator("#commission-link").inner_text()
    finally:
        context.close()

    assert commission.targets.get().status == TargetStatus.ANSWERED
    desk.reload()
    row = desk.locator("#answer-table tbody tr").first
    assert "东城县委办公室" in row.inner_text() and "已报送" in row.inner_text()
    desk.click(f"#answer-table a:has-text('{TITLE}')")
    desk.wait_for_url(f"{live_server.url}/desk/entries/*/")
    assert "约稿" in desk.locator("#commission-link").inner_text()
    desk.goto(f"{live_server.url}/desk/")
    assert "约稿" in desk.locator("#inbox").inner_text()
