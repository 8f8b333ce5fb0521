"""A county reporter drafts and submits in a real browser; with sign-off, the approver signs."""

import re

import pytest
from playwright.sync_api import expect

from xinxi.items import services
from xinxi.items.models import DeskEntry, Item, ItemState, Submission
from xinxi.network.testing import PASSWORD

pytestmark = pytest.mark.browser

TITLE = "东城县排查企业126家整改隐患38处"
BODY = (
    "11月20日，东城县召开安全生产专题会议，部署冬季安全生产大检查。全县共排查企业126家，"
    "发现隐患43处，已整改38处，其余5处限期12月前完成整改。"
)
PHONE = {"width": 375, "height": 740}


def watch_console(page):
    """Collect CSP violations and script errors: the pages must run under the strict policy."""
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_reporter_drafts_with_hints_and_autosave_then_submits(net, login_page, live_server):
    page = login_page("reporter")
    problems = watch_console(page)
    page.click("nav >> text=我的信息")
    page.click("text=写信息")
    page.wait_for_url(f"{live_server.url}/items/new/")
    # Hints follow the typing without blocking it.
    page.fill("#id_title", "开会")
    page.press("#id_title", "End")
    expect(page.locator("#hints")).to_contain_text("标题只有 2 个字")
    page.fill("#id_title", TITLE)
    page.fill("#id_body", BODY)
    page.press("#id_body", "End")
    expect(page.locator("#hints")).to_contain_text(f"标题 {len(TITLE)} 个字")
    expect(page.locator("#hints")).to_contain_text("偏短")
    # Autosave creates the draft and the page moves onto it.
    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"已自动保存 \d\d:\d\d:\d\d"), timeout=15_000)
    item = Item.objects.get()
    assert item.title == TITLE and item.state == ItemState.DRAFT
    assert page.url == f"{live_server.url}/items/{item.pk}/edit/"
    # A change after the autosave is saved again against the new version, then 报送.
    page.fill("#id_body", BODY + "下一步将开展“回头看”。")
    page.click("button[value=submit]")
    page.wait_for_url(f"{live_server.url}/items/{item.pk}/")
    submission = Submission.objects.get()
    assert submission.body.endswith("回头看”。")
    expect(page.locator(".messages")).to_contain_text(
        f"已报送，回执号 {submission.receipt_no}，报送至：临江市委办公室信息科。"
    )
    expect(page.locator("#chain")).to_contain_text("临江市委办公室信息科")
    assert DeskEntry.objects.filter(item=item).count() == 1
    assert problems == []


def test_signoff_then_the_reporter_sees_the_item_at_the_city_desk(net, browser, login_page, live_server):
    net.county.requires_signoff = True
    net.county.save()
    page = login_page("reporter")
    problems = watch_console(page)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/items/new/")
    assert fits_the_screen(page)
    page.fill("#id_title", TITLE)
    page.fill("#id_body", BODY)
    page.select_option("#id_category", label="经验")
    page.fill("#id_tags", "安全生产、冬季")
    expect(page.locator("button[value=submit]")).to_have_count(0)
    page.click("button[value=signoff]")
    expect(page.locator(".messages")).to_contain_text("已送签")
    item = Item.objects.get()
    assert item.state == ItemState.PENDING_SIGNOFF

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
    try:
        approver = context.new_page()
        approver_problems = watch_console(approver)
        login(approver, live_server, "approver")
        approver.goto(f"{live_server.url}/items/")
        approver.click("#signoff-link")
        approver.wait_for_url(f"{live_server.url}/items/signoff/")
        assert fits_the_screen(approver)
        card = approver.locator(f"#signoff-{item.pk}")
        expect(card).to_contain_text(TITLE)
        card.locator("button[value=approve]").click()
        expect(approver.locator(".messages")).to_contain_text("已签发并报送，回执号")
        expect(approver.locator("#signoff-queue")).to_contain_text("没有待签发的信息")
        assert approver_problems == []
    finally:
        context.close()

    submission = Submission.objects.get()
    assert submission.signed_off_by == net.approver
    page.goto(f"{live_server.url}/items/")
    row = page.locator("#my-items li").filter(has_text=TITLE)
    expect(row).to_contain_text("已报送")
    expect(row).to_contain_text("临江市委办公室信息科 待处理")
    assert fits_the_screen(page)
    row.locator("a", has_text="反馈详情").click()
    expect(page.locator("#signoff-record")).to_contain_text("签发人 李签发")
    expect(page.locator("#rounds")).to_contain_text(submission.receipt_no)
    assert fits_the_screen(page)
    assert problems == []


def test_autosave_never_overwrites_a_newer_version(net, login_page, live_server):
    item = services.item_create(actor=net.reporter, title=TITLE, body=BODY)
    page = login_page("reporter")
    page.goto(f"{live_server.url}/items/{item.pk}/edit/")
    services.item_update(actor=net.approver, item=item, version=item.version, body="签发人在别处改过的正文")
    page.fill("#id_body", "这一页上的新写法")
    expect(page.locator("#autosave-status")).to_contain_text("已在别处修改", timeout=15_000)
    expect(page.locator("#autosave-status")).to_contain_text("本页内容尚未保存")
    item.refresh_from_db()
    assert item.body == "签发人在别处改过的正文"
    assert page.input_value("#id_body") == "这一页上的新写法"
