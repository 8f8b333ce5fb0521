"""Instructions and supervision: recording, tasking, reporting, review, closing, permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from xinxi.audit.models import AuditEvent
from xinxi.instructions import permissions, services
from xinxi.instructions.models import HandlingReport, ReportState, SupervisionTask, TaskState
from xinxi.instructions.tests.factories import instruction_on_item, task_for
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.lib.choices import Classification
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.notifications.testing import texts as texts_for
from xinxi.publications import services as pub
from xinxi.publications.tests.factories import pending_issue, periodical

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% test\n"


def texts(user):
    return texts_for(user)


def test_instruction_on_item_is_recorded_audited_and_told_to_the_sender(net):
    instruction = instruction_on_item(net)
    assert instruction.desk == net.city.desk
    assert instruction.recorded_by == net.editor
    assert instruction.classification == instruction.entry.classification
    assert AuditEvent.objects.filter(action="instruction_record", object_id=str(instruction.pk)).exists()
    assert any("王市长" in t for t in texts(net.reporter))
    assert instruction in permissions.visible_instructions(net.reporter)
    assert instruction in permissions.visible_instructions(net.leader)
    assert instruction not in permissions.visible_instructions(net.outsider)


def test_instruction_on_issued_issue_reaches_every_contributing_unit(net):
    p = periodical(net)
    issue = pending_issue(net, p, n_items=2)
    with pytest.raises(ServiceError, match="已印发"):
        services.instruction_record(
            actor=net.editor,
            issue=issue,
            leader_name="李书记",
            leader_title="市委书记",
            level="city",
            text="很好",
            instructed_on=timezone.localdate(),
        )
    pub.issue_sign_off(actor=net.desk_chief, issue=issue)
    issue.refresh_from_db()
    instruction = services.instruction_record(
        actor=net.leader,
        issue=issue,
        leader_name="李书记",
        leader_title="市委书记",
        level="city",
        text="此期所反映情况很好，请各地借鉴。",
        instructed_on=timezone.localdate(),
    )
    assert instruction.issue == issue
    assert instruction in permissions.visible_instructions(net.reporter)
    assert any("李书记" in t for t in texts(net.reporter))


@pytest.mark.parametrize("who", ["reporter", "duty_officer", "outsider", "admin", "no_clearance"])
def test_only_desk_editors_chiefs_and_leaders_record(net, who):
    entry = entry_at(submitted(net.reporter), net.city.desk)
    with pytest.raises(ServiceError) as err:
        services.instruction_record(
            actor=getattr(net, who),
            entry=entry,
            leader_name="王市长",
            leader_title="市长",
            level="city",
            text="阅。",
            instructed_on=timezone.localdate(),
        )
    assert err.value.code == "forbidden"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"text": "   "}, "请填写批示内容"),
        ({"text": "批" * 2001}, "不能超过 2000 字"),
        ({"leader_name": ""}, "请填写批示领导姓名"),
        ({"level": "king"}, "层级"),
        ({"instructed_on": dt.date(2999, 1, 1)}, "不能晚于今天"),
        ({"classification": Classification.CONFIDENTIAL}, "高于您的涉密等级"),
    ],
)
def test_bad_instruction_input_is_refused_in_chinese(net, change, message):
    with pytest.raises(ServiceError, match=message):
        instruction_on_item(net, **change)


def test_html_in_instruction_is_kept_as_text(net):
    instruction = instruction_on_item(net, text="<script>alert(1)</script>请落实")
    assert instruction.text == "<script>alert(1)</script>请落实"


def test_tasks_are_created_per_unit_and_units_are_told(net):
    instruction = instruction_on_item(net)
    due = timezone.localdate() + dt.timedelta(days=7)
    tasks = services.tasks_create(
        actor=net.editor, instruction=instruction, units=[net.county, net.city_dept], due_on=due, requirement="落实"
    )
    assert {t.unit for t in tasks} == {net.county, net.city_dept}
    assert all(t.state == TaskState.OPEN and t.events.count() == 1 for t in tasks)
    assert any("督办" in t for t in texts(net.approver))
    with pytest.raises(ServiceError, match="已向以下单位交办过"):
        services.tasks_create(actor=net.editor, instruction=instruction, units=[net.county], due_on=due)


def test_tasks_only_for_units_below_the_desk_and_future_dates(net):
    instruction = instruction_on_item(net)
    due = timezone.localdate() + dt.timedelta(days=7)
    with pytest.raises(ServiceError, match="本级以外"):
        services.tasks_create(actor=net.editor, instruction=instruction, units=[net.other_county], due_on=due)
    with pytest.raises(ServiceError, match="不能早于今天"):
        services.tasks_create(
            actor=net.editor, instruction=instruction, units=[net.county], due_on=timezone.localdate() - dt.timedelta(1)
        )
    with pytest.raises(ServiceError, match="请选择承办单位"):
        services.tasks_create(actor=net.editor, instruction=instruction, units=[], due_on=due)
    with pytest.raises(ServiceError) as err:
        services.tasks_create(actor=net.leader, instruction=instruction, units=[net.county], due_on=due)
    assert err.value.code == "forbidden"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_full_cycle_report_return_report_accept_close(net):
    task = task_for(net)
    services.report_submit(
        actor=net.reporter,
        task=task,
        text="已完成 30 处整改。",
        files=[SimpleUploadedFile("整改清单.pdf", PDF, content_type="application/pdf")],
    )
    assert task.state == TaskState.REPORTED and task.first_reported_at is not None
    assert task.reports.get().attachments.get().name == "整改清单.pdf"
    assert any("报送了办理情况" in t for t in texts(net.editor))
    services.report_return(actor=net.editor, task=task, reason="请补充剩余隐患的整改时限。")
    assert task.state == TaskState.RETURNED
    assert task.reports.get().state == ReportState.RETURNED
    services.report_submit(actor=net.approver, task=task, text="剩余 5 处将于 12 月前整改完毕。")
    services.report_accept(actor=net.desk_chief, task=task, note="同意")
    assert task.state == TaskState.ACCEPTED
    services.task_close(actor=net.editor, task=task, note="办结")
    task.refresh_from_db()
    assert task.state == TaskState.CLOSED and task.closed_at is not None
    assert [e.action for e in task.events.all()] == ["create", "report", "return", "report", "accept", "close"]
    assert any("已办结" in t for t in texts(net.reporter))
    with pytest.raises(ServiceError, match="已办结"):
        services.report_submit(actor=net.reporter, task=task, text="再报一次")


def test_handling_report_from_a_unit_not_tasked_is_forbidden(net):
    task = task_for(net)
    for who in ("outsider", "editor", "leader"):
        with pytest.raises(ServiceError) as err:
            services.report_submit(actor=getattr(net, who), task=task, text="我们也办了")
        assert err.value.code == "forbidden"
    assert task not in permissions.visible_tasks(net.outsider)
    assert not HandlingReport.objects.exists()


def test_bad_attachment_loses_nothing_and_says_why(net):
    task = task_for(net)
    with pytest.raises(ServiceError, match="不符"):
        services.report_submit(
            actor=net.reporter,
            task=task,
            text="办理情况",
            files=[SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", b"MZ not a pdf")],
        )
    task.refresh_from_db()
    assert task.state == TaskState.OPEN and not HandlingReport.objects.exists()
    with pytest.raises(ServiceError, match="不支持"):
        services.report_submit(
            actor=net.reporter, task=task, text="办理情况", files=[SimpleUploadedFile("a.exe", b"x")]
        )


def test_stale_version_is_a_conflict_and_double_submit_changes_nothing(net):
    task = task_for(net)
    version = task.version
    services.report_submit(actor=net.reporter, task=task, text="第一次", version=version)
    stale = SupervisionTask.objects.get(pk=task.pk)
    stale.state, stale.version = TaskState.OPEN, version
    with pytest.raises((ConflictError, ServiceError)):
        services.report_submit(actor=net.reporter, task=stale, text="第二次", version=version)
    assert HandlingReport.objects.count() == 1


def test_desk_review_needs_the_desk_roles(net):
    task = task_for(net)
    services.report_submit(actor=net.reporter, task=task, text="已办理")
    for who in ("reporter", "duty_officer", "outsider", "leader"):
        with pytest.raises(ServiceError) as err:
            services.report_accept(actor=getattr(net, who), task=task)
        assert err.value.code == "forbidden"
    with pytest.raises(ServiceError, match="请填写退回理由"):
        services.report_return(actor=net.editor, task=task, reason=" ")
    with pytest.raises(ServiceError, match="不能办结"):
        services.task_close(actor=net.editor, task=task)


def test_extend_moves_the_due_date_with_a_reason(net):
    task = task_for(net)
    new = task.due_on + dt.timedelta(days=3)
    services.task_extend(actor=net.editor, task=task, due_on=new, reason="涉及多个部门，延期三天")
    task.refresh_from_db()
    assert task.due_on == new and task.events.last().action == "extend"
    with pytest.raises(ServiceError, match="相同"):
        services.task_extend(actor=net.editor, task=task, due_on=new, reason="再延")


def test_classified_instruction_is_invisible_without_clearance(net):
    instruction = instruction_on_item(net, classification=Classification.SECRET)
    services.tasks_create(
        actor=net.editor, instruction=instruction, units=[net.county], due_on=timezone.localdate() + dt.timedelta(3)
    )
    assert instruction not in permissions.visible_instructions(net.reporter)  # reporter: 内部
    assert not permissions.visible_tasks(net.reporter).exists()
    assert not any("督办" in t for t in texts(net.reporter))
    assert instruction in permissions.visible_instructions(net.editor)


def test_reported_late_is_counted(net):
    task = task_for(net, days=0)
    SupervisionTask.objects.filter(pk=task.pk).update(due_on=timezone.localdate() - dt.timedelta(days=2))
    task.refresh_from_db()
    services.report_submit(actor=net.reporter, task=task, text="迟到的办理情况")
    assert task.reported_late


def test_the_same_unit_twice_is_tasked_once(net):
    instruction = instruction_on_item(net)
    due = timezone.localdate() + dt.timedelta(days=3)
    tasks = services.tasks_create(actor=net.editor, instruction=instruction, units=[net.county, net.county], due_on=due)
    assert len(tasks) == 1
