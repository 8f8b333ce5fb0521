"""The desk in a real browser: screen, return, edit with a diff, combine, forward; the parent desk sees the chain."""

import pytest

from xinxi.items import services
from xinxi.items.models import DeskEntry, EntryState
from xinxi.items.tests.factories import BODY, submitted
from xinxi.network.testing import make_user

pytestmark = pytest.mark.browser

TITLE_A = "东城县排查企业126家整改隐患38处"
TITLE_B = "市应急局部署冬季安全生产检查"


def test_screen_return_edit_combine_and_forward(net, login_page, live_server):
    item = submitted(net.reporter, title=TITLE_A)
    dept_reporter = make_user("dept_r", net.city_dept, "reporter")
    submitted(dept_reporter, title=TITLE_B, body="全市开展冬季安全生产检查，检查企业500家，发现隐患120处。")
    page = login_page("editor")

    # The inbox: both items, unread.
    page.click("nav >> text=收稿")
    page.wait_for_url(f"{live_server.url}/desk/")
    inbox = page.locator("#inbox")
    assert TITLE_A in inbox.inner_text() and TITLE_B in inbox.inner_text()
    assert inbox.locator(".unread-mark").count() == 2

    # Open the county's item and return it with a reason.
    page.get_by_role("link", name=TITLE_A).click()
    assert page.locator("#entry-state").inner_text() == "处理中"
    page.click("#act-return summary")
    page.click("#act-return button[type=submit]")
    assert "“退回修改”须填写理由" in page.locator("#action-error").inner_text()
    page.fill("textarea[name=return-reason]", "请补充整改完成时限")
    page.click("#act-return button[type=submit]")
    assert "已退回修改" in page.locator(".messages").inner_text()
    assert page.locator("#entry-state").inner_text() == "退回修改"
    assert "请补充整改完成时限" in page.locator("#history").inner_text()

    # The reporter revises and resubmits (through the services).
    item.refresh_from_db()
    services.item_update(actor=net.reporter, item=item, version=item.version, body=BODY + "12月31日前全部整改完毕。")
    services.item_submit(actor=net.reporter, item=item)

    # The editor opens the new round and edits it; the diff shows the change against the original.
    page.goto(f"{live_server.url}/desk/")
    page.get_by_role("link", name=TITLE_A).click()
    assert "第 2 轮" in page.locator("#original").inner_text()
    page.click("#action-edit")
    page.fill("input[name=title]", "东城县冬季排查企业126家整改隐患38处")
    page.fill("input[name=note]", "标题点明冬季")
    page.click("text=保存新版本")
    # The resubmitted round moved the entry's version counter on, so this save is version 2.
    assert "已保存第 2 版" in page.locator(".messages").inner_text()
    diff = page.locator("#diff")
    assert diff.locator("ins").first.inner_text() == "冬季"
    assert "标题点明冬季" in page.locator("#versions").inner_text()

    # Combine the two entries from the inbox's selection.
    page.goto(f"{live_server.url}/desk/")
    entry_a = DeskEntry.objects.get(item=item, desk=net.city.desk)
    entry_b = DeskEntry.objects.get(item__title=TITLE_B)
    page.check(f"input[name=ids][value='{entry_a.pk}']")
    page.check(f"input[name=ids][value='{entry_b.pk}']")
    assert "已选 2 条" in page.locator("#bulk-count").inner_text()
    page.click("#bulk-combine")
    sources = page.locator("#combine-sources").inner_text()
    assert "东城县委办公室" in sources and "临江市应急管理局" in sources
    page.fill("input[name=title]", "我市扎实开展冬季安全生产大检查")
    page.click("text=生成综合信息")
    assert "已综合 2 条信息" in page.locator(".messages").inner_text()
    credited = page.locator("#sources").inner_text()
    assert "东城县委办公室" in credited and "临江市应急管理局" in credited

    # Forward the combined item to the province.
    page.click("#act-forward summary")
    page.click("#action-forward")
    assert "已转报东海省委办公厅信息科" in page.locator(".messages").inner_text()
    combined = DeskEntry.objects.get(source="combined")
    assert combined.forwarded_at is not None and "act-forward" not in page.content()
    entry_a.refresh_from_db()
    assert entry_a.state == EntryState.COMBINED

    # The province editor sees the forwarded entry with its chain.
    make_user("sheng_bj", net.province, "editor")
    page.click("text=退出")
    page = login_page("sheng_bj")
    page.goto(f"{live_server.url}/desk/")
    page.get_by_role("link", name="我市扎实开展冬季安全生产大检查").click()
    chain = page.locator("#chain").inner_text()
    assert "临江市委办公室信息科" in chain and "东海省委办公厅信息科" in chain
    assert "本科室综合" in chain and "下级转报" in chain
    sources = page.locator("#sources").inner_text()
    assert TITLE_B in sources and "东城县委办公室" in sources and "临江市应急管理局" in sources


def test_inbox_and_entry_fit_a_phone(net, page, login_page, live_server):
    entry = DeskEntry.objects.get(item=submitted(net.reporter), desk=net.city.desk)
    login_page("editor")
    page.set_viewport_size({"width": 390, "height": 800})
    for url in ("/desk/", f"/desk/entries/{entry.pk}/", f"/desk/entries/{entry.pk}/edit/"):
        page.goto(f"{live_server.url}{url}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{url} is {overflow}px wider than the phone"
