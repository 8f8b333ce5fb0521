"""An editor writes a remark on a received item; the sender sees it in 我的信息 and on the item, in a real browser."""

import pytest

from xinxi.assignments.tests.helpers_remarks import city_entry

pytestmark = pytest.mark.browser


def test_the_editor_remarks_and_the_sender_sees_it(net, login_page, live_server):
    entry = city_entry(net)
    page = login_page("editor")
    page.goto(f"{live_server.url}/desk/entries/{entry.pk}/")
    page.click("#remark-link")
    page.wait_for_url(f"{live_server.url}/assignments/remarks/entry/{entry.pk}/")
    page.click("#remark-save")  # no text: refused, nothing sent
    assert "请填写点评意见" in page.locator("#remark-form").inner_text()
    page.fill("#remark-form textarea", "标题具体、数字翔实；建议补充下一步措施。")
    page.select_option("#remark-form select[name=rating]", "excellent")
    page.check("#remark-form input[value=data]")
    page.click("#remark-save")
    page.wait_for_url(f"{live_server.url}/desk/entries/{entry.pk}/")
    assert "标题具体、数字翔实" in page.locator("#remark-panel").inner_text()

    page.context.clear_cookies()
    sender = login_page("reporter")
    sender.goto(f"{live_server.url}/items/")
    assert "已点评（优）" in sender.locator("#my-items").inner_text()
    sender.click("#my-items a.my-row-title")
    panel = sender.locator("#remark-panel").inner_text()
    assert "标题具体、数字翔实" in panel and "优" in panel and "数据" in panel
    assert sender.locator("#remark-link").count() == 0
