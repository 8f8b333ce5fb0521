"""A reporter tags an item with a priority while writing, and the desk's coverage chart counts it."""

import pytest

from xinxi.assignments.models.priorities import ItemPriority
from xinxi.assignments.tests.helpers_priorities import make_list
from xinxi.network.testing import PASSWORD

pytestmark = pytest.mark.browser

TITLE = "东城县开展冬季安全生产隐患大排查"
BODY = "近日，东城县组织对全县企业开展安全生产隐患大排查，发现并整改隐患120处。" * 2


def test_a_reporter_tags_an_item_and_the_coverage_chart_counts_it(net, browser, login_page, live_server):
    plist = make_list(net)
    page = login_page("reporter")
    page.goto(f"{live_server.url}/items/new/")
    page.fill("#id_title", TITLE)
    page.fill("#id_body", BODY)
    page.click("button[value=save] >> nth=1")
    page.wait_for_url(f"{live_server.url}/items/*/edit/")
    safety = page.locator("#priority-topics li", has_text="安全生产")
    assert "推荐" in safety.inner_text()  # suggested from the title and body
    safety.locator("input[type=checkbox]").check()
    page.click("button[value=submit]")
    page.wait_for_url(f"{live_server.url}/items/*/")
    assert "安全生产" in page.locator("#priority-link").inner_text()
    assert ItemPriority.objects.get().topic.title == "安全生产"

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    editor = context.new_page()
    try:
        editor.goto(f"{live_server.url}/accounts/login/")
        editor.fill("input[name=username]", "editor")
        editor.fill("input[name=password]", PASSWORD)
        editor.click("button[type=submit]")
        editor.wait_for_url(f"{live_server.url}/")
        editor.goto(f"{live_server.url}/assignments/priorities/")
        editor.click("#priority-lists >> text=覆盖情况")
        editor.wait_for_url(f"{live_server.url}/assignments/priorities/{plist.pk}/coverage/")
        row = editor.locator("#topic-table tbody tr", has_text="安全生产")
        assert row.locator("td").nth(2).inner_text() == "1"
        assert "东城县委办公室" in editor.locator("#unit-table").inner_text()
        chart = editor.locator("#topic-chart svg")
        assert "安全生产" in chart.inner_html() and "标注报送" in chart.inner_html()
    finally:
        context.close()
