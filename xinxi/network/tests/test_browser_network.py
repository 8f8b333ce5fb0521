"""Browsing the network and managing direct points in a real browser."""

import pytest

from xinxi.network.models import DirectPoint, StaffMember
from xinxi.network.testing import make_user

pytestmark = pytest.mark.browser


def test_browse_tree_and_open_unit_card(net, login_page, live_server):
    StaffMember.objects.create(unit=net.county, name="陈主任", role="leader", phone="0531-88881234")
    page = login_page("desk_chief")
    page.click("nav >> text=信息网络")
    page.get_by_role("button", name="展开东海省委办公厅").click()
    page.get_by_role("button", name="展开临江市委办公室").click()
    page.get_by_role("link", name="东城县委办公室").click()
    page.wait_for_url(f"{live_server.url}/network/units/{net.county.pk}/")
    assert page.locator("h1").inner_text().startswith("东城县委办公室")
    assert "陈主任" in page.locator("#staff").inner_text()
    # Search finds a unit by name and shows where it sits.
    page.goto(f"{live_server.url}/network/")
    page.fill("input[name=q]", "东城镇")
    page.press("input[name=q]", "Enter")
    results = page.locator("#search-results").inner_text()
    assert "东城镇" in results and "东城县委办公室" in results


def test_admit_and_revoke_direct_point(net, page, live_server):
    make_user("sheng_kz", net.province, "desk_chief", "editor")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "sheng_kz")
    page.fill("input[name=password]", "Xinxi@Test2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/network/points/")
    page.select_option("select[name=unit]", label="东城县委办公室")
    page.fill("input[name=admitted_on]", "2026-03-02")
    page.fill("textarea[name=reason]", "县域经济动态信息质量高")
    page.click("text=确定为直报点")
    assert "已确定“东城县委办公室”为直报点" in page.locator(".messages").inner_text()
    assert "县域经济动态信息质量高" in page.locator("#points").inner_text()
    page.click("#points a:has-text('撤销')")
    page.fill("textarea[name=reason]", "全年积分低于12分")
    page.click("button:has-text('撤销')")
    assert "已撤销" in page.locator(".messages").inner_text()
    point = DirectPoint.objects.get(unit=net.county)
    assert point.revoked_on is not None and point.revoked_reason == "全年积分低于12分"
    page.goto(f"{live_server.url}/network/units/{net.county.pk}/")
    assert "全年积分低于12分" in page.locator("#points").inner_text()
