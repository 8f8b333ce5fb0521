"""An e-mailed item is accepted from the intake queue and appears in the desk inbox, in a real browser."""

import pytest

from xinxi.intake import fetch
from xinxi.intake.tests.mails import mail

pytestmark = pytest.mark.browser


def test_an_emailed_item_is_accepted_from_the_queue_into_the_inbox(net, imap, mailbox, login_page, live_server):
    net.reporter.email = "reporter@county.example"
    net.reporter.save(update_fields=["email"])
    imap.append("citydesk", mail(subject="东城县邮寄来稿：冬季供暖保障有序推进"))
    imap.append("citydesk", mail(sender="stranger@example.org", subject="陌生人来信"))
    assert fetch.sweep() == 2

    page = login_page("editor")
    page.goto(f"{live_server.url}/desk/")
    assert "1 封待处理，1 封已隔离" in page.locator("#intake-panel").inner_text()
    page.click("#intake-panel a")
    page.wait_for_url(f"{live_server.url}/intake/")
    queue = page.locator("#intake-queue").inner_text()
    assert "陌生人来信" in queue and "不是本系统用户登记的邮箱" in queue
    page.click("#intake-queue >> text=东城县邮寄来稿：冬季供暖保障有序推进")
    assert page.locator("#id_unit option:checked").inner_text() == "东城县委办公室"
    page.fill("#id_title", "东城县冬季供暖保障有序推进")
    page.click("#accept")
    page.wait_for_url(f"{live_server.url}/intake/")
    assert "已采用" in page.locator(".messages").inner_text()
    page.goto(f"{live_server.url}/desk/")
    assert "东城县冬季供暖保障有序推进" in page.locator("#inbox").inner_text()
    assert "东城县委办公室" in page.locator("#inbox").inner_text()
