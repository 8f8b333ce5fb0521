"""A commission's life with the clock moving: answered, late, missed, declined; reminders once; the ledger."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
import time_machine

from xinxi.assignments import services_commissions as services
from xinxi.assignments.models import TargetStatus
from xinxi.assignments.tests.helpers_commissions import DUE, answer, at, commission, dept_reporter, target
from xinxi.items.tests.factories import draft, entry_at
from xinxi.lib.errors import ServiceError
from xinxi.notifications.models import Notification
from xinxi.notifications.models import NotificationKind as K
from xinxi.scoring.models import EventKind, ScoreEntry
from xinxi.scoring.tests.factories import adopt, line, points, rules

LINES = [line("commission_on_time", 3), line("commission_late", 1), line("commission_missed", -3), line("adoption", 5)]


@pytest.fixture
def city_rules(net):
    return rules(net, net.city.desk, LINES, multipliers=[{"target": "commissioned", "factor": "2"}])


def kinds(net):
    return list(ScoreEntry.objects.filter(desk=net.city.desk, unit=net.county).order_by("pk")
                .values_list("kind", "points"))


def test_issuing_notifies_the_targets_only(net):
    c = commission(net, units=[net.county])
    assert [t.unit for t in c.targets.all()] == [net.county]
    told = set(Notification.objects.filter(kind=K.COMMISSION_ISSUED).values_list("user__username", flat=True))
    assert told == {"reporter", "approver", "no_clearance"}
    assert dept_reporter(net).notifications.count() == 0


def test_answered_on_time_posts_on_time_points_and_the_adoption_is_multiplied(net, city_rules):
    c = commission(net)
    with time_machine.travel(at(2026, 12, 2, 9, 0), tick=False):
        item = answer(net, c)
    t = target(c, net.county)
    assert t.status == TargetStatus.ANSWERED and t.item == item and t.answered_at == at(2026, 12, 2, 9, 0)
    assert kinds(net) == [(EventKind.COMMISSION_ON_TIME, D(3))]
    adopt(net.editor, entry_at(item, net.city.desk))
    adoption = ScoreEntry.objects.get(kind=EventKind.ADOPTION)
    assert adoption.points == D(10) and adoption.facts["commissioned"] is True  # 5 × 2 (约稿)
    assert points(net.city.desk, net.county) == D(13)


def test_a_draft_linked_before_the_due_time_but_sent_after_it_is_late(net, city_rules):
    c = commission(net)
    item = draft(net.reporter)
    with time_machine.travel(at(2026, 12, 3, 12, 0), tick=False):
        services.commission_link(actor=net.reporter, commission=c, item=item)
    assert target(c, net.county).status == TargetStatus.PENDING  # a draft does not count yet
    with time_machine.travel(at(2026, 12, 3, 19, 30), tick=False):
        from xinxi.items import services as item_services

        item_services.item_submit(actor=net.reporter, item=item)
    t = target(c, net.county)
    assert t.status == TargetStatus.LATE and services.describe_delay(t.late_by) == "2小时30分钟"
    assert kinds(net) == [(EventKind.COMMISSION_LATE, D(1))]


def test_missed_then_answered_late_reverses_the_miss(net, city_rules):
    c = commission(net)
    with time_machine.travel(at(2026, 12, 3, 17, 5), tick=False):
        assert services.commission_sweep().missed == 1
        assert services.commission_sweep() == services.SweepResult()  # a second run does nothing
    assert target(c, net.county).status == TargetStatus.MISSED
    assert kinds(net) == [(EventKind.COMMISSION_MISSED, D(-3))]
    with time_machine.travel(at(2026, 12, 5, 10, 0), tick=False):
        answer(net, c)
    t = target(c, net.county)
    assert t.status == TargetStatus.LATE and services.describe_delay(t.late_by) == "1天17小时"
    assert kinds(net) == [
        (EventKind.COMMISSION_MISSED, D(-3)), (EventKind.COMMISSION_MISSED, D(3)), (EventKind.COMMISSION_LATE, D(1)),
    ]
    assert points(net.city.desk, net.county) == D(1)
    late = ScoreEntry.objects.get(kind=EventKind.COMMISSION_LATE)
    assert "逾期1天17小时" in late.reason


def test_reminders_go_once_before_the_due_time(net):
    c = commission(net)
    with time_machine.travel(at(2026, 12, 2, 16, 0), tick=False):
        assert services.commission_sweep().reminded == 0  # 25 hours before: not yet
    with time_machine.travel(at(2026, 12, 2, 17, 30), tick=False):
        assert services.commission_sweep().reminded == 1
        assert services.commission_sweep().reminded == 0
    reminders = Notification.objects.filter(kind=K.COMMISSION_REMINDER, object_id=c.pk)
    assert sorted(reminders.values_list("user__username", flat=True)) == ["approver", "no_clearance", "reporter"]
    assert target(c, net.county).reminded_at == at(2026, 12, 2, 17, 30)


def test_an_answered_or_declined_target_is_neither_reminded_nor_missed(net, city_rules):
    c = commission(net, units=[net.county, net.city_dept])
    dept = dept_reporter(net)
    services.commission_decline(actor=dept, commission=c, reason="本单位本月无相关工作。")
    answer(net, c)
    with time_machine.travel(at(2026, 12, 4, 9, 0), tick=False):
        assert services.commission_sweep() == services.SweepResult()
    assert target(c, net.city_dept).status == TargetStatus.DECLINED
    assert not ScoreEntry.objects.filter(unit=net.city_dept).exists()
    told = Notification.objects.get(kind=K.COMMISSION_DECLINED)
    assert told.user == net.editor and told.detail["reason"] == "本单位本月无相关工作。"


def test_a_worker_stopped_past_the_due_time_records_the_miss_and_sends_no_stale_reminder(net, city_rules):
    c = commission(net)
    with time_machine.travel(at(2026, 12, 8, 9, 0), tick=False):
        assert services.commission_sweep() == services.SweepResult(reminded=0, missed=1)
    assert not Notification.objects.filter(kind=K.COMMISSION_REMINDER).exists()
    missed = ScoreEntry.objects.get(kind=EventKind.COMMISSION_MISSED)
    assert missed.on == DUE.date()
    assert target(c, net.county).missed_at == at(2026, 12, 8, 9, 0)


def test_an_unscored_commission_posts_nothing(net, city_rules):
    c = commission(net, scored=False)
    answer(net, c)
    with time_machine.travel(at(2026, 12, 4, 9, 0), tick=False):
        services.commission_sweep()
    assert kinds(net) == []
    assert target(c, net.county).status == TargetStatus.ANSWERED


def test_the_worker_task_is_quiet_when_nothing_is_due(net):
    from xinxi.assignments.tasks_commissions import commission_sweep

    commission(net)
    assert commission_sweep.call("2026-12-01T10:00") == ""
    with time_machine.travel(at(2026, 12, 3, 18, 0), tick=False):
        assert commission_sweep.call("2026-12-03T18:00") == "约稿提醒 0 个单位，记为未报送 1 个单位"


def test_an_untargeted_unit_cannot_answer(net):
    c = commission(net)
    dept = dept_reporter(net)
    with pytest.raises(ServiceError, match="本单位不在该约稿的约稿对象中"):
        services.commission_link(actor=dept, commission=c, item=draft(dept))
    with pytest.raises(ServiceError, match="本单位不在该约稿的约稿对象中"):
        services.commission_decline(actor=dept, commission=c, reason="无")


def test_one_item_answers_once(net):
    first, second = commission(net), commission(net)
    item = answer(net, first)
    with pytest.raises(ServiceError, match="一条信息只能答复一次"):
        services.commission_link(actor=net.reporter, commission=second, item=item)
    with pytest.raises(ServiceError, match="本单位已答复该约稿"):
        services.commission_link(actor=net.reporter, commission=first, item=draft(net.reporter))


def test_issuing_refuses_bad_input(net):
    with pytest.raises(ServiceError, match="晚于现在"):
        commission(net, due=at(2026, 11, 30, 9, 0))
    with pytest.raises(ServiceError, match="不在本科室的信息网络中"):
        commission(net, units=[net.other_county])
    with pytest.raises(ServiceError, match="请选择约稿对象"):
        commission(net, units=[])
    with pytest.raises(ServiceError, match="没有权限"):
        services.commission_create(actor=net.duty_officer, topic="x", due_at=DUE, units=[net.county])
