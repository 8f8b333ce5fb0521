"""The duty board in a real browser: a phone call opens an incident, its clock counts down,
time passes and it turns red, and the county files its 首报 and 续报.

time_machine moves the clock of this process, which is the live server's too (it runs in a
thread here); the board's countdown counts from the server's time, so a reload shows it."""

import re

import pytest
import time_machine
from playwright.sync_api import expect

from xinxi.urgent.models import Deadline, Incident, IncidentReport
from xinxi.urgent.tests.helpers import at

pytestmark = pytest.mark.browser


def test_phone_report_countdown_turns_red_and_the_unit_reports(net, login_page, live_server):
    page = login_page("duty_officer")
    page.click("#nav-urgent")
    page.wait_for_url(f"{live_server.url}/urgent/")
    expect(page.locator("#board-empty")).to_be_visible()

    # A call from the county: a fire at 09:30; the phone form opens a new incident.
    page.click("#open-phone")
    page.select_option("#id_phone-unit", label=net.county.name)
    page.fill("#id_phone-caller", "刘主任")
    page.fill("#id_phone-content", "东城镇工业园一厂房起火，一人受伤，火势已控制。")
    page.fill("#id_new-title", "东城镇工业园厂房火灾")
    page.select_option("#id_new-incident_class", label="事故灾难")
    # Only the class's subtypes are offered.
    expect(page.locator("#id_new-subtype option[data-class=natural]").first).to_be_disabled()
    page.select_option("#id_new-subtype", label="火灾")
    page.fill("#id_new-occurred_at", "2026-12-01T09:30")
    page.fill("#id_new-place", "东城镇工业园")
    page.fill("#id_new-injured", "1")
    expect(page.locator("#severity-suggestion")).to_contain_text("Ⅳ级（一般）")
    page.select_option("#id_new-severity", label="Ⅳ级（一般）")
    page.click("#save-phone")
    page.wait_for_url(re.compile(r"/urgent/#incident-\d+$"))
    expect(page.locator(".messages")).to_contain_text("电话报告已登记")

    incident = Incident.objects.get(title="东城镇工业园厂房火灾")
    # A second call about the same fire: choosing it hides the new incident's fields.
    page.locator("#phone-panel").evaluate("d => { d.open = true; }")
    expect(page.locator("#new-incident")).to_be_visible()
    page.select_option("#id_phone-incident", value=str(incident.pk))
    expect(page.locator("#new-incident")).to_be_hidden()
    page.select_option("#id_phone-incident", value="")
    expect(page.locator("#new-incident")).to_be_visible()
    page.locator("#phone-panel").evaluate("d => { d.open = false; }")
    card = page.locator(f"#incident-{incident.pk}")
    row = card.locator("tr.board-unit").filter(has_text=f"{net.county.name} → ")
    written = row.locator("td[data-label=书面报告] .uclock")
    # Written due 11:30 (120 minutes from 09:30); it is about 10:00: green, counting down.
    expect(written.locator(".countdown")).to_contain_text(re.compile(r"剩 1小时(29|30)分"))
    expect(written).to_have_class(re.compile("uclock-green"))
    first = written.locator(".countdown").inner_text()
    page.wait_for_timeout(1500)
    assert written.locator(".countdown").inner_text() != first  # it ticks
    expect(row.locator("td[data-label=电话报告]")).to_contain_text("按时")
    expect(row).to_contain_text("未书面报告")

    # Two hours later the written report is 10 minutes late: red after a reload (the idle
    # session has run out meanwhile, so the duty officer signs in again).
    with time_machine.travel(at(2026, 12, 1, 11, 40), tick=True):
        page = login_page("duty_officer")
        page.goto(f"{live_server.url}/urgent/")
        written = page.locator(f"#incident-{incident.pk} tr.board-unit").filter(
            has_text=f"{net.county.name} → "
        ).locator("td[data-label=书面报告] .uclock")
        expect(written).to_have_class(re.compile("uclock-red"))
        expect(written.locator(".countdown")).to_contain_text(re.compile(r"超时 1[01]分"))
        expect(page.locator(f"#incident-{incident.pk}")).to_have_class(re.compile("board-red"))
        page.click("text=退出")

        # The county's approver files the 首报, then the 续报.
        page = login_page("approver")
        page.click("#nav-urgent")
        page.click(f"text={incident.title}")
        page.select_option("#id_kind", label="首报")
        page.fill("#id_title", "东城县关于工业园厂房火灾的首报")
        page.fill("#id_body", "12月1日9时30分，东城镇工业园一厂房起火，一人轻伤，火势已于10时控制。")
        page.click("#file-report")
        expect(page.locator(".messages")).to_contain_text("首报已报送")
        expect(page.locator("#reports")).to_contain_text("首报")
        clock = page.locator("#clocks td[data-label=书面报告] .uclock").first
        expect(clock).to_contain_text("迟报")
        page.select_option("#id_kind", label="续报")
        page.fill("#id_title", "东城县关于工业园厂房火灾的续报")
        page.fill("#id_body", "火灾原因初步查明为电气线路老化，受伤人员已出院。")
        page.click("#file-report")
        expect(page.locator(".messages")).to_contain_text("续报一已报送")
        expect(page.locator("#reports")).to_contain_text("续报一")

    assert [r.label for r in IncidentReport.objects.filter(incident=incident).order_by("filed_at", "id")] == [
        "首报", "续报一",
    ]
    met = Deadline.objects.get(incident=incident, unit=net.county, desk=net.city.desk, channel="written")
    assert met.late_minutes is not None and met.late_minutes >= 10


def test_the_board_fits_a_phone_and_the_refresh_keeps_the_form(net, browser, live_server):
    from xinxi.network.testing import PASSWORD
    from xinxi.urgent.tests.helpers import record

    incident = record(net, title="东城镇煤矿透水事故")
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/?next=/urgent/")
        page.fill("input[name=username]", "duty_officer")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/urgent/")
        expect(page.locator(f"#incident-{incident.pk}")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # What the duty officer types survives the board's refresh.
        page.click("#open-phone")
        page.fill("#id_phone-caller", "刘主任")
        later = record(net, title="西城镇山体滑坡", incident_class="natural", subtype="geological")
        # The 30-second poll, without waiting 30 seconds: the same request htmx makes.
        page.evaluate("htmx.ajax('GET', '/urgent/board/data/', {target: '#board-data', swap: 'innerHTML'})")
        expect(page.locator(f"#incident-{later.pk}")).to_be_visible()
        expect(page.locator("#id_phone-caller")).to_have_value("刘主任")
        expect(page.locator("#phone-panel")).to_have_attribute("open", "")
    finally:
        context.close()


def test_recording_form_suggests_a_severity_and_limits_subtypes(net, login_page, live_server):
    page = login_page("duty_officer")
    page.goto(f"{live_server.url}/urgent/incidents/new/")
    page.select_option("#id_incident_class", label="社会安全事件")
    expect(page.locator("#id_subtype option[data-class=accident]").first).to_be_disabled()
    expect(page.locator("#id_subtype option[data-class=social]").first).to_be_enabled()
    page.select_option("#id_incident_class", label="事故灾难")
    page.fill("#id_deaths", "5")
    page.locator("#id_deaths").dispatch_event("change")
    expect(page.locator("#severity-suggestion")).to_contain_text("Ⅲ级（较大）")
    expect(page.locator("#severity-suggestion")).to_contain_text("死亡（含失踪）5 人")
