"""Logging in with a real browser."""

import pytest

from xinxi.network.testing import PASSWORD

pytestmark = pytest.mark.browser


def test_login_and_failed_login(net, page, live_server):
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "desk_chief")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert page.locator(".error-box").inner_text().strip() == "用户名或密码不正确。"
    page.fill("input[name=username]", "desk_chief")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "您好，赵科长"
    assert page.locator("#desk-panel").is_visible()
    page.click("text=退出")
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert "您已安全退出" in page.content()
