"""The desk chief edits a rule set (adds a line) and previews it, in a real browser."""

import pytest

from xinxi.scoring import services
from xinxi.scoring.models import RuleSet
from xinxi.scoring.tests.factories import ON, line

pytestmark = pytest.mark.browser


def test_desk_chief_adds_a_line_and_previews(net, login_page, live_server):
    draft = services.rule_set_create(actor=net.desk_chief, desk=net.city.desk, name="2027年计分办法",
                                     valid_from=ON, lines=[line("adoption", 5, label="一般采用")])
    page = login_page("desk_chief")
    page.goto(f"{live_server.url}/scoring/rules/")
    assert "2027年计分办法" in page.locator("#rule-sets").inner_text()
    page.click("#rule-sets a:has-text('修改')")
    page.wait_for_url(f"{live_server.url}/scoring/rules/{draft.pk}/edit/")
    page.click("button:has-text('增加一行')")
    page.select_option("select[name=lines-1-kind]", label="报上级（被转报）")
    page.fill("input[name=lines-1-label]", "报上级加分")
    page.fill("input[name=lines-1-points]", "2")
    page.click("button:has-text('保存草稿')")
    page.wait_for_url(f"{live_server.url}/scoring/rules/{draft.pk}/")
    assert "已保存" in page.locator(".messages").inner_text()
    assert "报上级加分" in page.locator("#lines").inner_text()
    assert RuleSet.objects.get(pk=draft.pk).lines.count() == 2

    page.click("a:has-text('预览')")
    page.wait_for_url(f"{live_server.url}/scoring/rules/{draft.pk}/preview/")
    page.select_option("select[name=events-0-unit]", label="东城县委办公室")
    page.select_option("select[name=events-0-kind]", label="本级采用")
    page.select_option("select[name=events-1-unit]", label="东城县委办公室")
    page.select_option("select[name=events-1-kind]", label="报上级（被转报）")
    page.click("button:has-text('计算')")
    rows = page.locator("#preview-rows").inner_text()
    assert "一般采用：5.00分" in rows and "报上级加分：2.00分" in rows
    totals = page.locator("#preview-totals").inner_text()
    assert "东城县委办公室" in totals and "7.00" in totals
