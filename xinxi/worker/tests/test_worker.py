"""The worker: sweeps enqueue once per period, reminders go out once, a restarted worker misses nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from xinxi.instructions import services
from xinxi.instructions.models import Reminder, SupervisionTask
from xinxi.instructions.tests.factories import task_for
from xinxi.notifications.testing import texts
from xinxi.worker.models import SweepRun
from xinxi.worker.sweeps import SWEEPS, enqueue_due, every_5_minutes, pause

pytestmark = pytest.mark.django_db(transaction=True)

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def reminders(user):
    return [text for text in texts(user) if text.startswith("督办")]


def run_worker():
    out = StringIO()
    call_command("worker", once=True, stdout=out)
    return out.getvalue()


def test_a_period_is_enqueued_once_however_often_workers_tick(net):
    now = dt.datetime(2026, 11, 20, 9, 5, tzinfo=SHANGHAI)
    assert set(enqueue_due(now)) == {s.name for s in SWEEPS}
    assert enqueue_due(now) == []
    assert enqueue_due(now + dt.timedelta(seconds=20)) == []  # same half minute, five minutes, hour, day
    assert enqueue_due(now + dt.timedelta(seconds=50)) == ["urgent_warnings"]  # a new half minute
    assert enqueue_due(now + dt.timedelta(minutes=4)) == ["urgent_warnings"]  # a new minute, same five minutes
    five = {s.name for s in SWEEPS if s.period is every_5_minutes}  # urgent_late_findings, intake_mail, ...
    assert set(enqueue_due(now + dt.timedelta(minutes=50))) == {"urgent_warnings", *five}
    assert set(enqueue_due(now + dt.timedelta(hours=1))) == {"urgent_warnings", *five, "supervision_reminders"}
    assert SweepRun.objects.filter(name="supervision_reminders").count() == 2
    assert SweepRun.objects.filter(name="urgent_warnings").count() == 5
    assert SweepRun.objects.filter(name="urgent_late_findings").count() == 3
    assert SweepRun.objects.filter(name="commission_sweep").count() == 3
    # four more half minutes of warnings, an hour's reminders, two more runs of each five-minute sweep
    assert DBTaskResult.objects.count() == SweepRun.objects.count() == len(SWEEPS) + 4 + 1 + 2 * len(five)


def test_the_worker_wakes_at_each_half_minute_so_the_warning_sweep_is_not_late():
    assert pause(30, dt.datetime(2026, 12, 1, 10, 0, 10, tzinfo=SHANGHAI)) == pytest.approx(20.2)
    assert pause(30, dt.datetime(2026, 12, 1, 10, 0, 45, tzinfo=SHANGHAI)) == pytest.approx(15.2)
    assert pause(300, dt.datetime(2026, 12, 1, 10, 0, 0, 500_000, tzinfo=SHANGHAI)) == pytest.approx(29.7)
    assert pause(5, dt.datetime(2026, 12, 1, 10, 0, 0, 500_000, tzinfo=SHANGHAI)) == 5


def test_reminders_before_and_after_the_due_date_go_out_once_each(net):
    task = task_for(net, days=5)  # desk settings: 2 days before, then every 3 days when overdue
    start = dt.datetime.combine(timezone.localdate(), dt.time(9), tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False):
        run_worker()
        assert not any("督办提醒" in t for t in reminders(net.reporter))  # 5 days ahead: too early
    with time_machine.travel(start + dt.timedelta(days=3), tick=False):
        out = run_worker()
        assert "督办到期与逾期提醒" in out
        assert sum("督办提醒" in t for t in reminders(net.reporter)) == 1
        run_worker()  # same hour: nothing enqueued, nothing sent
        services.send_reminders()  # and the sweep itself run again sends nothing twice
        assert sum("督办提醒" in t for t in reminders(net.reporter)) == 1
    with time_machine.travel(start + dt.timedelta(days=6), tick=False):
        run_worker()
        overdue = [t for t in reminders(net.reporter) if "逾期" in t]
        assert len(overdue) == 1
        assert any("逾期" in t for t in reminders(net.editor))  # the desk hears about it too
    with time_machine.travel(start + dt.timedelta(days=7, hours=2), tick=False):
        run_worker()
        assert len([t for t in reminders(net.reporter) if "逾期" in t]) == 1  # next round only after 3 days
    with time_machine.travel(start + dt.timedelta(days=9), tick=False):
        run_worker()
        assert len([t for t in reminders(net.reporter) if "逾期" in t]) == 2
    assert Reminder.objects.filter(task=task).count() == 3


def test_a_worker_stopped_for_days_catches_up_on_restart(net):
    task = task_for(net, days=1)
    start = dt.datetime.combine(timezone.localdate(), dt.time(10), tzinfo=SHANGHAI)
    with time_machine.travel(start + dt.timedelta(days=4), tick=False):  # nobody ran the worker meanwhile
        run_worker()
    keys = set(Reminder.objects.filter(task=task).values_list("key", flat=True))
    assert keys == {f"overdue:{task.due_on}:0"}
    assert len([t for t in reminders(net.reporter) if "逾期" in t]) == 1


def test_reported_or_closed_tasks_are_not_reminded(net):
    task = task_for(net, days=1)
    services.report_submit(actor=net.reporter, task=task, text="已办理完毕")
    start = dt.datetime.combine(timezone.localdate(), dt.time(10), tzinfo=SHANGHAI)
    with time_machine.travel(start + dt.timedelta(days=5), tick=False):
        assert services.send_reminders() == 0
    assert not Reminder.objects.exists()


def test_extending_the_due_date_restarts_the_reminders(net):
    task = task_for(net, days=1)
    start = dt.datetime.combine(timezone.localdate(), dt.time(10), tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False):
        assert services.send_reminders() == 1  # due tomorrow: "before" reminder
        services.task_extend(actor=net.editor, task=task, due_on=task.due_on + dt.timedelta(days=10), reason="延期")
        assert services.send_reminders() == 0
    with time_machine.travel(start + dt.timedelta(days=9), tick=False):
        assert services.send_reminders() == 1
    task = SupervisionTask.objects.get(pk=task.pk)
    assert Reminder.objects.filter(task=task, key=f"before:{task.due_on}").exists()


def test_worker_command_runs_queued_tasks_and_records_results(net):
    run_worker()
    results = DBTaskResult.objects.all()
    assert results.count() == len(SWEEPS)
    assert {r.status for r in results} == {"SUCCESSFUL"}


def test_the_worker_says_what_it_ran(net):
    task_for(net, days=1)
    out = run_worker()
    assert "触发：督办到期与逾期提醒" in out
    assert "完成：督办到期与逾期提醒：发送提醒 1 条" in out


def test_old_task_results_and_sweep_records_are_pruned(net):
    old = dt.datetime(2026, 9, 1, 9, tzinfo=SHANGHAI)
    with time_machine.travel(old, tick=False):
        run_worker()
    with time_machine.travel(old + dt.timedelta(days=45), tick=False):
        out = run_worker()
    # a result and a sweep record of each September sweep
    assert f"清理 30 天前的后台任务记录：删除记录 {2 * len(SWEEPS)} 条" in out
    assert SweepRun.objects.filter(enqueued_at__lt=old + dt.timedelta(days=1)).count() == 0
