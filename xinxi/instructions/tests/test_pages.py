"""Pages of instructions and supervision: the whole cycle, access by persona, bad input, bounded lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from xinxi.instructions import services
from xinxi.instructions.models import HandlingReport, Instruction, SupervisionTask, TaskState
from xinxi.instructions.tests.factories import instruction_on_item, task_for
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.lib.choices import Classification
from xinxi.publications import services as pub
from xinxi.publications.tests.factories import pending_issue, periodical

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% test\n"


def instruction_data(**extra):
    return {
        "leader_name": "王市长",
        "leader_title": "市长",
        "level": "city",
        "instructed_on": timezone.localdate().isoformat(),
        "text": "请抓好落实。",
        **extra,
    }


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_reading_a_classified_task_is_audited(net, client_for):
    from xinxi.audit.models import AuditEvent

    task = task_for(net, classification=Classification.SECRET)
    assert client_for("editor").get(f"/supervision/tasks/{task.pk}/").status_code == 200
    assert client_for("editor").get(f"/supervision/instructions/{task.instruction_id}/").status_code == 200
    assert AuditEvent.objects.filter(action="supervision_read", object_id=str(task.pk)).count() == 1
    assert AuditEvent.objects.filter(action="instruction_read").count() == 1


def test_record_task_report_accept_close_through_the_pages(net, client_for):
    entry = entry_at(submitted(net.reporter), net.city.desk)
    editor = client_for("editor")
    page = editor.get(f"/desk/entries/{entry.pk}/").content.decode()
    assert f"/supervision/record/entry/{entry.pk}/" in page
    response = editor.post(f"/supervision/record/entry/{entry.pk}/", instruction_data())
    instruction = Instruction.objects.get()
    assert response.status_code == 302 and response.url == f"/supervision/instructions/{instruction.pk}/"
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    response = editor.post(
        f"/supervision/instructions/{instruction.pk}/tasks/",
        {"units": [net.county.pk], "due_on": due, "requirement": "按期报送"},
    )
    assert response.status_code == 302
    task = SupervisionTask.objects.get()

    reporter = client_for("reporter")
    assert "请抓好落实" in reporter.get(f"/items/{entry.item_id}/").content.decode()  # the sender's feedback
    assert "剩 5 天" in reporter.get("/supervision/").content.decode()
    response = reporter.post(
        f"/supervision/tasks/{task.pk}/report/",
        {"version": task.version, "text": "已完成整改。", "attachments": [SimpleUploadedFile("清单.pdf", PDF)]},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    attachment = task.reports.get().attachments.get()
    assert reporter.get(f"/supervision/tasks/{task.pk}/attachments/{attachment.pk}/").status_code == 200

    assert net.county.name in editor.get("/supervision/?due=review").content.decode()
    assert (
        editor.post(f"/supervision/tasks/{task.pk}/accept/", {"version": task.version, "note": "好"}).status_code == 302
    )
    task.refresh_from_db()
    assert editor.post(f"/supervision/tasks/{task.pk}/close/", {"version": task.version}).status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.CLOSED
    page = editor.get(f"/supervision/tasks/{task.pk}/").content.decode()
    assert "已办结" in page and "报送办理情况" in page


def test_instruction_on_an_issue_from_the_issue_page(net, client_for):
    p = periodical(net)
    issue = pending_issue(net, p)
    pub.issue_sign_off(actor=net.desk_chief, issue=issue)
    chief = client_for("desk_chief")
    assert f"/supervision/record/issue/{issue.pk}/" in chief.get(f"/publications/issues/{issue.pk}/").content.decode()
    assert chief.post(f"/supervision/record/issue/{issue.pk}/", instruction_data(text="此期很好")).status_code == 302
    assert "此期很好" in client_for("reporter").get(f"/publications/issues/{issue.pk}/").content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("reporter", 404),
        ("approver", 404),
        ("duty_officer", 404),
        ("outsider", 404),
        ("admin", 404),
        ("editor", 200),
        ("desk_chief", 200),
        ("leader", 200),
    ],
)
def test_who_may_open_the_record_form(net, client_for, who, status):
    entry = entry_at(submitted(net.reporter), net.city.desk)
    assert client_for(who).get(f"/supervision/record/entry/{entry.pk}/").status_code == status


@pytest.mark.parametrize(
    ("who", "instruction_status", "task_status"),
    [
        ("reporter", 200, 200),
        ("approver", 200, 200),
        ("editor", 200, 200),
        ("desk_chief", 200, 200),
        ("leader", 200, 200),
        ("duty_officer", 200, 200),
        ("outsider", 404, 404),
        ("admin", 404, 404),
        ("no_clearance", 200, 200),
    ],
)
def test_who_may_see_instructions_and_tasks(net, client_for, who, instruction_status, task_status):
    task = task_for(net)
    client = client_for(who)
    assert client.get(f"/supervision/instructions/{task.instruction_id}/").status_code == instruction_status
    assert client.get(f"/supervision/tasks/{task.pk}/").status_code == task_status
    assert client.get("/supervision/").status_code == 200


def test_classified_instruction_is_absent_from_every_page_of_an_uncleared_user(net, client_for):
    task = task_for(net, classification=Classification.SECRET)
    reporter = client_for("reporter")
    assert reporter.get(f"/supervision/instructions/{task.instruction_id}/").status_code == 404
    assert reporter.get(f"/supervision/tasks/{task.pk}/").status_code == 404
    page = reporter.get("/supervision/?due=open").content.decode()
    assert "请应急管理局" not in page and 'tab-count">0<' in page.replace(" ", "")
    assert "请应急管理局" not in reporter.get(f"/items/{task.instruction.entry.item_id}/").content.decode()


def test_only_the_tasked_unit_reports_and_only_the_desk_reviews(net, client_for):
    task = task_for(net)
    assert (
        client_for("outsider").post(f"/supervision/tasks/{task.pk}/report/", {"version": 1, "text": "x"}).status_code
        == 404
    )
    response = client_for("editor").post(f"/supervision/tasks/{task.pk}/report/", {"version": 1, "text": "x"})
    assert response.status_code == 403 and "承办单位" in response.content.decode()
    services.report_submit(actor=net.reporter, task=task, text="已办理")
    task.refresh_from_db()
    for who, status in (("reporter", 403), ("leader", 403), ("outsider", 404)):
        assert (
            client_for(who).post(f"/supervision/tasks/{task.pk}/accept/", {"version": task.version}).status_code
            == status
        )
    assert not HandlingReport.objects.filter(state="accepted").exists()


def test_bad_input_is_refused_in_chinese_and_keeps_what_was_typed(net, client_for):
    task = task_for(net)
    reporter = client_for("reporter")
    long = "很长的办理情况" * 2000
    response = reporter.post(f"/supervision/tasks/{task.pk}/report/", {"version": task.version, "text": long})
    assert response.status_code == 400 and "10000" in response.content.decode()
    response = reporter.post(
        f"/supervision/tasks/{task.pk}/report/",
        {"version": task.version, "text": "办理情况<b>加粗</b>", "attachments": [SimpleUploadedFile("a.pdf", b"MZ")]},
    )
    body = response.content.decode()
    assert response.status_code == 400 and "不符" in body and "办理情况&lt;b&gt;加粗&lt;/b&gt;" in body
    assert not HandlingReport.objects.exists()
    editor = client_for("editor")
    response = editor.post(
        f"/supervision/instructions/{task.instruction_id}/tasks/",
        {"units": [net.other_county.pk], "due_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400 and "可交办范围" in response.content.decode()
    entry = entry_at(submitted(net.reporter, title="另一条信息的标题写得具体一些"), net.city.desk)
    response = editor.post(
        f"/supervision/record/entry/{entry.pk}/",
        instruction_data(text="<script>x</script>", instructed_on="2999-01-01"),
    )
    assert response.status_code == 400 and "不能晚于今天" in response.content.decode()
    assert "&lt;script&gt;" in response.content.decode()


def test_stale_form_and_double_click_change_nothing(net, client_for):
    task = task_for(net)
    reporter = client_for("reporter")
    data = {"version": task.version, "text": "第一次报送"}
    assert reporter.post(f"/supervision/tasks/{task.pk}/report/", data).status_code == 302
    response = reporter.post(f"/supervision/tasks/{task.pk}/report/", data)  # the second click
    assert response.status_code in (400, 409)
    assert HandlingReport.objects.count() == 1
    task.refresh_from_db()
    editor = client_for("editor")
    response = editor.post(f"/supervision/tasks/{task.pk}/return/", {"version": task.version - 1, "reason": "补充"})
    assert response.status_code == 409 and "刷新" in response.content.decode()


def test_task_list_is_bounded_in_queries(net, client_for, django_assert_max_num_queries):
    instruction = instruction_on_item(net)
    units = []
    from xinxi.network.testing import make_unit

    for i in range(15):
        units.append(make_unit(f"测试部门{i}", net.city, kind="department", region_code="370100"))
    services.tasks_create(
        actor=net.editor, instruction=instruction, units=units, due_on=timezone.localdate() + dt.timedelta(days=1)
    )
    editor = client_for("editor")
    with django_assert_max_num_queries(20):
        assert editor.get("/supervision/?due=open").status_code == 200
    with django_assert_max_num_queries(20):
        assert editor.get(f"/supervision/instructions/{instruction.pk}/").status_code == 200


def test_overdue_handling_is_counted_per_unit(net, client_for):
    from xinxi.instructions import selectors

    late = task_for(net)
    SupervisionTask.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=3))
    late.refresh_from_db()
    services.report_submit(actor=net.reporter, task=late, text="迟报的办理情况")
    overdue = task_for(net)
    SupervisionTask.objects.filter(pk=overdue.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    task_for(net, unit=net.city_dept)
    rows = {r["unit__name"]: r for r in selectors.unit_tally(SupervisionTask.objects.all(), today=timezone.localdate())}
    assert (rows[net.county.name]["total"], rows[net.county.name]["overdue"], rows[net.county.name]["late"]) == (
        2,
        1,
        1,
    )
    assert (rows[net.city_dept.name]["overdue"], rows[net.city_dept.name]["late"]) == (0, 0)
    page = client_for("editor").get("/supervision/").content.decode()
    assert "各单位办理情况" in page
    assert "各单位办理情况" not in client_for("reporter").get("/supervision/").content.decode()


def test_home_shows_the_supervision_counts(net, client_for):
    task_for(net, days=1)
    page = client_for("reporter").get("/").content.decode()
    assert 'id="supervision-panel"' in page and "临近期限" in page
    assert 'id="supervision-panel"' in client_for("editor").get("/").content.decode()
    assert 'id="supervision-panel"' not in client_for("outsider").get("/").content.decode()


@pytest.mark.parametrize("persona", ["reporter", "approver", "duty_officer", "leader", "admin", "outsider",
                                     "no_clearance"])
def test_desk_writes_are_refused_to_everyone_but_editors_and_chiefs(net, client_for, persona):
    task = task_for(net)
    client = client_for(persona)
    due = (timezone.localdate() + dt.timedelta(days=9)).isoformat()
    posts = {
        f"/supervision/instructions/{task.instruction_id}/tasks/": {"units": [net.town.pk], "due_on": due},
        f"/supervision/tasks/{task.pk}/accept/": {"version": task.version},
        f"/supervision/tasks/{task.pk}/return/": {"version": task.version, "reason": "补充"},
        f"/supervision/tasks/{task.pk}/close/": {"version": task.version},
        f"/supervision/tasks/{task.pk}/extend/": {"version": task.version, "due_on": due, "reason": "延期"},
    }
    # Tasking units is a desk page (404 for everyone else); the task's review actions are
    # refused with 403 to those who see the task, and 404 to those who do not.
    sees_task = persona not in ("admin", "outsider")
    for url, data in posts.items():
        expected = 403 if sees_task and not url.endswith("/tasks/") else 404
        assert client.post(url, data).status_code == expected, f"{persona} {url}"
    task.refresh_from_db()
    assert task.state == TaskState.OPEN and task.version == 1 and SupervisionTask.objects.count() == 1


def test_instructions_on_entries_ask_the_visibility_filter_only_for_those_found(net):
    """An item page asks which instructions its entries carry first: none, one query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xinxi.instructions.selectors import instructions_for_entries

    bare = entry_at(submitted(net.reporter, title="东城县没有批示的信息"), net.city.desk)
    with CaptureQueriesContext(connection) as queries:
        assert instructions_for_entries(net.reporter, [bare.pk]) == []
    assert len(queries) == 1 and "instructions_supervisiontask" not in queries[0]["sql"]
    instruction = instruction_on_item(net)
    assert [i.pk for i in instructions_for_entries(net.reporter, [instruction.entry_id])] == [instruction.pk]
    Instruction.objects.filter(pk=instruction.pk).update(classification=Classification.SECRET)
    assert instructions_for_entries(net.no_clearance, [instruction.entry_id]) == []
    assert instructions_for_entries(net.outsider, [instruction.entry_id]) == []
