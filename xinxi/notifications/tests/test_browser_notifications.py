"""The top bar's drop-down in a browser: one's newest notifications, worded for the reader."""

import pytest
from playwright.sync_api import expect

from xinxi.items import desk_services
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.lib.choices import Classification

pytestmark = pytest.mark.browser

TITLE = "东城县涉密专项排查发现隐患43处"


def test_the_drop_down_shows_the_title_to_the_cleared_and_nothing_to_the_others(net, login_page, live_server):
    for user in (net.reporter, net.desk_chief):
        user.clearance = Classification.CONFIDENTIAL
        user.save(update_fields=["clearance"])
    item = submitted(net.reporter, title=TITLE, classification=Classification.CONFIDENTIAL)
    desk_services.entry_return(actor=net.desk_chief, entry=entry_at(item, net.city.desk), reason="请补充整改时限")

    page = login_page("reporter")
    page.locator("#notif-popover summary").click()
    drop_down = page.locator("#notif-popover-list")
    expect(drop_down).to_contain_text(f"退回修改：{TITLE}（请补充整改时限）")
    drop_down.get_by_role("button", name=f"临江市委办公室信息科退回修改：{TITLE}（请补充整改时限）").click()
    page.wait_for_url(f"{live_server.url}/items/{item.pk}/")
    expect(page.locator("#nav-notifications .badge")).to_have_count(0)

    # The 秘密-cleared editor of the receiving desk was never told.
    page.context.clear_cookies()
    page = login_page("editor")
    expect(page.locator("#notif-popover")).to_have_count(0)
    page.click("#nav-notifications")
    expect(page.locator("#notifications")).to_contain_text("还没有通知")
    expect(page.locator("body")).not_to_contain_text(TITLE)
