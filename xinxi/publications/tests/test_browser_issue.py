"""An issue in a real browser: the editor composes it from a pre-adopted entry and sends it,
the desk chief signs it off and sees its number, the county reporter sees the adoption."""

import pytest
from django.utils import timezone

from xinxi.items import desk_services
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.publications.tests.factories import periodical

pytestmark = pytest.mark.browser

TITLE = "东城县农村饮水安全工程全面完工惠及群众12万人"


def test_compose_send_sign_off_and_feedback(net, login_page, live_server):
    periodical(net)
    item = submitted(net.reporter, title=TITLE)
    entry = entry_at(item, net.city.desk)
    desk_services.entry_preadopt(actor=net.editor, entry=entry)
    other = entry_at(submitted(net.reporter, title="东城县召开冬季安全生产会议"), net.city.desk)
    number = f"{timezone.localdate().year}年第1期"

    # The editor starts a new issue and adds the pre-adopted entry, listed first.
    page = login_page("editor")
    page.click("nav >> text=刊物")
    page.click("#desk-periodicals >> text=编新一期")
    assert "已新建《临江信息》" in page.locator(".messages").inner_text()
    candidates = page.locator("#candidates li")
    assert TITLE in candidates.nth(0).inner_text() and "预采用" in candidates.nth(0).inner_text()
    assert other.title in candidates.nth(1).inner_text()

    # Sending an empty issue is refused in Chinese.
    page.click("#send-for-signoff")
    assert "本期还没有编入任何信息，不能送签" in page.locator("#compose-error").inner_text()

    page.check(f"#candidates input[value='{entry.pk}']")
    page.click("#add-selected")
    assert "已编入 1 条信息" in page.locator(".messages").inner_text()
    assert TITLE in page.locator("#issue-items").inner_text()
    assert TITLE not in page.locator("#candidates").inner_text()

    # A sharper title for the issue, then send it for sign-off.
    page.click("#issue-items summary")
    page.fill("#issue-items input[name$=-title]", "东城县农村饮水安全工程全面完工")
    page.click("#issue-items >> text=保存本条")
    assert "东城县农村饮水安全工程全面完工" in page.locator("#issue-items").inner_text()
    page.click("#send-for-signoff")
    assert page.locator("#issue-state").inner_text() == "待签发"
    assert "（未编号）" in page.locator("#issue-number").inner_text()
    assert page.locator("#sign-off").count() == 0  # editors do not sign
    page.click("text=退出")

    # The desk chief signs it off and sees the number it got.
    page = login_page("desk_chief")
    page.click("nav >> text=刊物")
    page.click("#working >> text=查看 / 签发")
    page.click("#sign-off")
    assert f"已签发：《临江信息》{number}" in page.locator(".messages").inner_text()
    assert page.locator("#issue-state").inner_text() == "已印发"
    assert page.locator("#issue-number").inner_text() == number
    bulletin = page.locator("#bulletin").inner_text()
    assert "东城县农村饮水安全工程全面完工" in bulletin and "（东城县委办公室）" in bulletin
    page.click("text=退出")

    # The county reporter finds the adoption on the item's feedback page, and can read the issue.
    page = login_page("reporter")
    page.goto(f"{live_server.url}/items/{item.pk}/")
    adoptions = page.locator("#adoptions").inner_text()
    assert "临江信息" in adoptions and number in adoptions
    page.click("nav >> text=刊物")
    page.click(f"#issue-archive >> text={number}")
    assert "东城县农村饮水安全工程全面完工" in page.locator("#bulletin").inner_text()
    assert page.locator("#reads").count() == 0
