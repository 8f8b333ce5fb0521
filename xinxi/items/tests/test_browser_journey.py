"""The whole journey, ending where the reporter looks: every step in 我的信息, and search.

The desk steps themselves are driven in a browser by test_browser_desk.py; here they
run through the same services, and the reporter follows the result in the browser.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from xinxi.items import desk_services, services
from xinxi.items.tests.factories import BODY, entry_at, submitted
from xinxi.network.testing import make_user

pytestmark = pytest.mark.browser

TITLE = "东城县信访积案化解率达到92%"


def test_reporter_sees_every_step_and_finds_the_item(net, login_page, live_server):
    item = submitted(net.reporter, title=TITLE, body="东城县开展信访积案集中化解行动。" + BODY)
    city = entry_at(item, net.city.desk)
    desk_services.entry_return(actor=net.editor, entry=city, reason="请写明化解积案的件数")
    item.refresh_from_db()
    services.item_update(actor=net.reporter, item=item, version=item.version,
                         body="东城县开展信访积案集中化解行动，化解积案46件。" + BODY)
    services.item_submit(actor=net.reporter, item=item)
    city.refresh_from_db()
    desk_services.entry_edit(actor=net.editor, entry=city, version=city.version,
                             title="东城县集中化解信访积案46件", body=city.body, note="标题写明件数")
    other = submitted(make_user("dept_r", net.city_dept, "reporter"), title="市应急局化解安全生产信访件12件",
                      body="市应急管理局化解安全生产领域信访件12件。")
    combined = desk_services.entry_combine(actor=net.editor, entries=[city, entry_at(other, net.city.desk)],
                                           title="我市集中化解信访积案", body="全市集中化解信访积案58件。")
    make_user("sheng_bj", net.province, "editor")
    upper = desk_services.entry_forward(actor=net.editor, entry=combined)
    province_editor = type(net.editor).objects.get(username="sheng_bj")
    desk_services.adoption_record(actor=province_editor, entry=upper, publication="东海信息", issue_no="2026年第50期",
                                  adopted_on=dt.date(2026, 11, 20), kind="full")

    page = login_page("reporter")
    expect(page.locator("#nav-notifications .badge")).to_be_visible()
    page.click("nav >> text=我的信息")
    page.locator("#my-items li").filter(has_text=TITLE).locator("a", has_text="反馈详情").click()
    chain = page.locator("#chain")
    expect(chain).to_contain_text("临江市委办公室信息科")
    expect(chain).to_contain_text("请写明化解积案的件数")  # the return, with its reason
    expect(chain).to_contain_text("东城县集中化解信访积案46件")  # the desk's edited text
    expect(chain).to_contain_text("我市集中化解信访积案")  # combined into
    expect(chain).to_contain_text("东海省委办公厅信息科")  # forwarded up
    expect(page.locator("#adoptions")).to_contain_text("东海信息")
    expect(page.locator("#adoptions")).to_contain_text("2026年第50期")
    expect(page.locator("#rounds")).to_contain_text("化解积案46件")  # both rounds kept
    chain.get_by_role("link", name="查看修改").first.click()
    expect(page.locator("ins").first).to_be_visible()

    # The archive finds it by a two-character term.
    page.click("nav >> text=资料库")
    page.fill("#search-form input[name=q]", "信访")
    page.press("#search-form input[name=q]", "Enter")
    # One result per item: the reporter's item appears once, linking to its page.
    expect(page.locator(f'#search-results a[href="/items/{item.pk}/"]')).to_have_count(1)
    expect(page.locator("#search-results mark").first).to_have_text("信访")
