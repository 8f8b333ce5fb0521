"""The archive in a real browser: a reporter finds their item by a two-character term."""

import pytest

from xinxi.items.tests.factories import submitted

pytestmark = pytest.mark.browser

BODY = "全县召开信访工作推进会，部署信访积案化解攻坚，县司法局派员参加。排查矛盾纠纷126起，已化解98起。"


def test_reporter_finds_the_submitted_item_by_a_two_character_term(net, login_page, live_server):
    item = submitted(net.reporter, title="东城县推进信访积案化解", body=BODY)
    submitted(net.reporter, title="东城县安全生产大检查", body="全县排查企业126家，人民生活水平稳步提高。")
    page = login_page("reporter")
    page.click("nav >> text=资料库")
    page.wait_for_url(f"{live_server.url}/archive/")
    assert "双引号" in page.locator("#query-help").inner_text()  # the syntax is shown under the box
    page.fill("input[name=q]", "信访")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/archive/?q=*")
    results = page.locator("#search-results")
    # One result: the original and the city desk's entry are the same item.
    assert "共 1 条信息" in page.locator("#search-count").inner_text()
    assert results.locator("li.hit").count() == 1
    assert results.locator("mark").first.inner_text() == "信访"
    assert "安全生产" not in results.inner_text()
    link = results.get_by_role("link", name="东城县推进信访积案化解").first
    link.click()
    page.wait_for_url(f"{live_server.url}/items/{item.pk}/")
    # The term inside a longer word (司法局), and a filter.
    page.goto(f"{live_server.url}/archive/")
    page.fill("input[name=q]", "司法")
    page.click("summary:has-text('筛选')")
    page.select_option("select[name=kind]", label="原稿")
    page.click("#search-form details button[type=submit]")
    assert "共 1 条" in page.locator("#search-count").inner_text()
    assert "县<mark>司法</mark>局" in page.locator("#search-results").inner_html()


def test_an_editor_sees_only_what_reached_the_desk(net, login_page, live_server):
    submitted(net.reporter, title="东城县推进信访积案化解", body=BODY)
    submitted(net.outsider, title="西山县信访工作", body="西山县召开信访工作会议，化解信访积案。")
    page = login_page("editor")
    page.goto(f"{live_server.url}/archive/?q=信访")
    text = page.locator("#search-results").inner_text()
    assert "东城县推进信访积案化解" in text and "西山县" not in text
    assert "共 1 条" in page.locator("#search-count").inner_text()


def test_words_apart_and_a_quoted_phrase(net, login_page, live_server):
    apart = submitted(net.reporter, title="关于信息直报点的通报", body="连续三个月未报送的，取消其信息直报点资格。")
    submitted(net.reporter, title="直报点管理办法", body="直报点年度考核不合格的，取消资格。")
    page = login_page("reporter")
    page.goto(f"{live_server.url}/archive/")
    page.fill("input[name=q]", "直报点 取消资格")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/archive/?q=*")
    assert "共 2 条信息" in page.locator("#search-count").inner_text()
    page.fill("input[name=q]", '"取消其信息直报点资格"')
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/archive/?q=%22*")
    assert "共 1 条信息" in page.locator("#search-count").inner_text()
    assert page.locator("#search-results").get_by_role("link", name=apart.title).count() == 1
