"""A reporter sees 我的得分 with traces; an editor withdraws an adoption and the ledger shows the reversal."""

import datetime as dt

import pytest

from xinxi.scoring import services
from xinxi.scoring.models import ScoreEntry
from xinxi.scoring.tests.factories import adopt, at_city, line, rules

pytestmark = pytest.mark.browser


def test_reporter_sees_my_scores_and_opens_a_trace(net, login_page, live_server):
    rules(net, net.city.desk, [line("adoption", 5, label="一般采用"), line("false_item", -3)])
    adopt(net.editor, at_city(net, title="东城县秋粮收购进度过半"))
    services.penalty_record(actor=net.desk_chief, desk=net.city.desk, unit=net.county, kind="false_item",
                            on=dt.date(2026, 11, 15), reason="数字失实")
    page = login_page("reporter")
    page.goto(f"{live_server.url}/items/")
    page.click("#my-scores-link")
    page.wait_for_url(f"{live_server.url}/scoring/mine/")
    months = page.locator("#mine-months").inner_text()
    assert "临江市委办公室信息科" in months and "2.00" in months
    assert page.locator("#mine-chart svg.chart").is_visible()
    entries = page.locator("#mine-entries").inner_text()
    assert "东城县秋粮收购进度过半" in entries and "一般采用" in entries
    adoption = ScoreEntry.objects.get(kind="adoption")
    page.click(f"#mine-entries a[href='/scoring/entries/{adoption.pk}/']")
    page.wait_for_url(f"{live_server.url}/scoring/entries/{adoption.pk}/")
    assert "5.00" in page.locator("#trace-points").inner_text()
    assert "一般采用" in page.locator("#trace-line").inner_text()
    assert "东城县秋粮收购进度过半" in page.locator("#trace-item").inner_text()
    assert "临江信息" in page.locator("#trace-adoption").inner_text()
    page.click("text=我的得分")
    page.wait_for_url(f"{live_server.url}/scoring/mine/")


def test_editor_withdraws_an_adoption_and_the_ledger_shows_the_reversal(net, login_page, live_server):
    rules(net, net.city.desk, [line("adoption", 5)])
    entry = at_city(net, title="东城县新建污水处理厂")
    adopt(net.editor, entry)
    page = login_page("editor")
    page.goto(f"{live_server.url}/desk/entries/{entry.pk}/")
    page.click("#act-withdraw-adoption summary")
    page.fill("textarea[name=withdraw-reason]", "期号录错")
    page.click("#action-withdraw-adoption")
    page.wait_for_url(f"{live_server.url}/desk/entries/{entry.pk}/")
    assert "已撤销采用" in page.locator(".messages").inner_text()
    assert "已撤销" in page.locator("#adoptions").inner_text()
    page.goto(f"{live_server.url}/scoring/ledger/")
    assert page.locator("#total-points").inner_text() == "0.00"
    ledger = page.locator("#ledger").inner_text()
    assert "冲销记录" in ledger and "已冲销" in ledger
