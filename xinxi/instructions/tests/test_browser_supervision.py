"""Supervision in a real browser: the editor records a leader's instruction on an issued issue
and tasks the county with it, the county reports with an attachment, the desk accepts and
closes the task, and the reporter finds the instruction and the closure."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from xinxi.instructions.models import SupervisionTask, TaskState
from xinxi.instructions.tests.factories import task_for
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.publications import services as pub
from xinxi.publications.tests.factories import periodical

pytestmark = pytest.mark.browser

TITLE = "东城县冬季供暖保障工作存在短板"
TEXT = "请东城县抓紧补齐供暖短板，确保群众温暖过冬，办理情况按期报送。"
REPORT = "已完成12处老旧管网改造，供暖覆盖率达到98%。"


def test_instruction_task_report_accept_and_close(net, login_page, live_server, tmp_path):
    item = submitted(net.reporter, title=TITLE)
    issue = pub.issue_create(actor=net.editor, periodical=periodical(net))
    pub.issue_add_entries(actor=net.editor, issue=issue, entries=[entry_at(item, net.city.desk)])
    pub.issue_send_for_signoff(actor=net.editor, issue=issue)
    pub.issue_sign_off(actor=net.desk_chief, issue=issue)
    today = timezone.localdate()

    # The editor records the mayor's instruction from the issued issue's page.
    page = login_page("editor")
    page.goto(f"{live_server.url}/publications/issues/{issue.pk}/")
    page.click("#record-instruction")
    page.fill("#id_leader_name", "王明")
    page.fill("#id_leader_title", "市长")
    page.select_option("#id_level", label="市领导")
    page.fill("#id_instructed_on", today.isoformat())
    page.fill("#id_text", TEXT)
    page.click("#save-instruction")
    page.wait_for_url(re.compile(r"/supervision/instructions/\d+/$"))
    expect(page.locator(".messages")).to_contain_text("批示已录入")
    expect(page.locator("#instruction-text")).to_have_text(TEXT)

    # ... and tasks the county with it, due in a week.
    page.select_option("#id_units", label=net.county.name)
    page.fill("#id_due_on", (today + dt.timedelta(days=7)).isoformat())
    page.click("#create-tasks")
    expect(page.locator(".messages")).to_contain_text("已向 1 个单位交办")
    expect(page.locator("#instruction-tasks tbody")).to_contain_text(net.county.name)
    expect(page.locator("#instruction-tasks tbody")).to_contain_text("待办理")
    page.click("text=退出")

    # The county reporter finds it under 督办 and reports, with a PDF attached.
    page = login_page("reporter")
    page.click("nav >> text=督办")
    row = page.locator("#tasks tbody tr").filter(has_text="市长王明")
    expect(row).to_contain_text("剩 7 天")
    row.locator("a").click()
    expect(page.locator("#task-state")).to_have_text("待办理")
    pdf = tmp_path / "供暖管网改造清单.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% supervision report\n%%EOF\n")
    page.fill("#report-form textarea[name=text]", REPORT)
    page.set_input_files("#report-form input[name=attachments]", str(pdf))
    page.click("#submit-report")
    expect(page.locator(".messages")).to_contain_text("办理情况已报送")
    expect(page.locator("#task-state")).to_have_text("已报办理情况")
    expect(page.locator("#reports")).to_contain_text(REPORT)
    expect(page.locator("#reports .attachment-list")).to_contain_text("供暖管网改造清单.pdf")
    expect(page.locator("#report-form")).to_have_count(0)
    page.click("text=退出")

    # The editor finds it among the reports to review, accepts it and closes the task.
    page = login_page("editor")
    page.goto(f"{live_server.url}/supervision/?due=review")
    page.locator("#tasks tbody tr").filter(has_text=net.county.name).locator("a").click()
    expect(page.locator("#task-state")).to_have_text("已报办理情况")
    page.locator("#review").get_by_label("意见").fill("改造到位，同意。")
    page.click("#accept-report")
    expect(page.locator(".messages")).to_contain_text("已认可办理情况")
    expect(page.locator("#task-state")).to_have_text("已认可")
    expect(page.locator("#reports")).to_contain_text("改造到位，同意。")
    page.click("#close-task")
    expect(page.locator(".messages")).to_contain_text("督办事项已办结")
    expect(page.locator("#task-state")).to_have_text("已办结")
    expect(page.locator("#review #close-task")).to_have_count(0)
    page.click("text=退出")
    assert SupervisionTask.objects.get().state == TaskState.CLOSED

    # The reporter sees the instruction on the item and the closure in the notifications.
    page = login_page("reporter")
    page.goto(f"{live_server.url}/items/{item.pk}/")
    instructions = page.locator("#instructions")
    expect(instructions).to_contain_text("领导批示")
    expect(instructions).to_contain_text(TEXT)
    expect(instructions).to_contain_text(f"{net.county.name}（已办结）")
    page.click("#nav-notifications")
    expect(page.get_by_text(re.compile("督办事项已办结")).first).to_be_visible()


def test_empty_report_is_refused_in_chinese(net, login_page, live_server):
    task = task_for(net)

    page = login_page("reporter")
    page.goto(f"{live_server.url}/supervision/tasks/{task.pk}/")
    page.click("#submit-report")
    expect(page.locator("#report-form .field-error")).to_have_text("请填写办理情况。")
    expect(page.locator("#task-state")).to_have_text("待办理")
    task.refresh_from_db()
    assert task.state == TaskState.OPEN and not task.reports.exists()
