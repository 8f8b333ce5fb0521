"""Warnings before a deadline, the passed notice, escalation: once each, in order, caught up after downtime."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from xinxi.lib.choices import Classification
from xinxi.network.models import Desk
from xinxi.network.testing import Net, make_user
from xinxi.notifications.models import Notification, NotificationKind
from xinxi.notifications.testing import texts
from xinxi.urgent import services, warnings
from xinxi.urgent.models import Channel, Deadline, DeadlineWarning, Incident, IncidentState, ReportKind, UrgentSettings
from xinxi.urgent.tests.helpers import at, city_desk, record

K = NotificationKind
URGENT = (K.URGENT_WARNING, K.URGENT_OVERDUE, K.URGENT_ESCALATION)
TITLE = "东城镇煤矿透水事故"
# occurred 09:50, recorded 10:00; city desk defaults: phone 30 min (10:20), written 120 min (11:50)
WRITTEN_DUE = at(2026, 12, 1, 11, 50)


def incident(net: Net, **overrides: Any) -> Incident:
    """The mine flood at 09:50; the county has phoned in (its phone clock is met)."""
    made = record(net, occurred_at=at(2026, 12, 1, 9, 50), **overrides)
    services.phone_report_record(
        actor=net.desk_chief, desk=city_desk(net), unit=net.county, caller="刘某", received_at=at(2026, 12, 1, 9, 55),
        content="透水，正在抢险。", incident=made,
    )
    return made


def county_written(made: Incident, net: Net) -> Deadline:
    return Deadline.objects.get(incident=made, unit=net.county, channel=Channel.WRITTEN)


def told(user: Any, *kinds: str) -> list[str]:
    """What the user reads in their centre about clocks (oldest first)."""
    rows = Notification.objects.filter(user=user, kind__in=kinds or URGENT).order_by("id")
    from xinxi.notifications.render import texts_for

    return texts_for(user, list(rows))


def stages(deadline: Deadline) -> dict[str, bool]:
    return dict(DeadlineWarning.objects.filter(deadline=deadline).values_list("stage", "skipped"))


def test_recording_tells_the_responsible_unit_its_limits(net: Net) -> None:
    record(net, occurred_at=at(2026, 12, 1, 9, 50))
    expected = (
        f"紧急信息报告：“{TITLE}”，请于 12月1日 10:20 前电话报告、12月1日 11:50 前书面报告临江市委办公室信息科"
    )
    assert told(net.reporter, K.URGENT_INCIDENT) == [expected]
    assert told(net.approver, K.URGENT_INCIDENT) == [expected]
    assert told(net.outsider, K.URGENT_INCIDENT) == [] and told(net.editor, K.URGENT_INCIDENT) == []
    assert Notification.objects.get(user=net.reporter, kind=K.URGENT_INCIDENT).url.startswith("/urgent/incidents/")


def test_a_unit_added_later_is_told_too(net: Net) -> None:
    made = record(net, occurred_at=at(2026, 12, 1, 9, 50))
    town_reporter = make_user("town_reporter", net.town, "reporter")
    services.incident_add_unit(actor=net.duty_officer, incident=made, unit=net.town)
    [text] = told(town_reporter, K.URGENT_INCIDENT)
    assert "11:50 前书面报告临江市委办公室信息科" in text
    assert len(told(net.reporter, K.URGENT_INCIDENT)) == 1  # the county is not told twice


def test_t30_t10_passed_and_escalation_in_order_each_once(net: Net) -> None:
    made = incident(net)
    deadline = county_written(made, net)
    times = [at(2026, 12, 1, 11, 19), at(2026, 12, 1, 11, 20), at(2026, 12, 1, 11, 20, 40), at(2026, 12, 1, 11, 40),
             at(2026, 12, 1, 11, 50), at(2026, 12, 1, 12, 19), at(2026, 12, 1, 12, 20), at(2026, 12, 1, 12, 21)]
    seen: list[dict[str, bool]] = []
    for moment in times:
        with time_machine.travel(moment, tick=False):
            warnings.sweep()
            warnings.sweep()  # a second run (or a second worker) sends nothing twice
        seen.append(stages(deadline))
    assert [list(s) for s in seen] == [
        [], ["before:30"], ["before:30"], ["before:30", "before:10"], ["before:30", "before:10", "passed"],
        ["before:30", "before:10", "passed"], ["before:30", "before:10", "passed", "escalate"],
        ["before:30", "before:10", "passed", "escalate"],
    ]
    assert not any(seen[-1].values())  # none skipped: each was sent on time
    clock = "书面报告截止（12月1日 11:50，报临江市委办公室信息科）"
    assert told(net.reporter) == [
        f"紧急信息提醒：距“{TITLE}”{clock}还有 30 分钟",
        f"紧急信息提醒：距“{TITLE}”{clock}还有 10 分钟",
        f"紧急信息超时：东城县委办公室“{TITLE}”的书面报告已过时限（12月1日 11:50，报临江市委办公室信息科），尚未报告",
    ]
    escalation = (
        f"紧急信息超时升级：东城县委办公室“{TITLE}”的书面报告已超时 30 分钟仍未报告"
        "（时限 12月1日 11:50，报临江市委办公室信息科）"
    )
    # the unit's leader (its approver) and the desk chief hear of the escalation; the reporter does not
    assert told(net.approver)[-1] == escalation
    assert escalation in told(net.desk_chief)
    assert all("升级" not in text for text in told(net.reporter))
    # the desk's duty officers hear when it passed (the county's clock), not before
    duty = [t for t in told(net.duty_officer) if "东城县委办公室" in t]
    assert duty == [told(net.reporter)[-1]]
    assert DeadlineWarning.objects.get(deadline=deadline, stage="escalate").recipients == 2


def test_after_an_hour_of_downtime_one_message_per_deadline_not_four(net: Net) -> None:
    made = incident(net)
    with time_machine.travel(at(2026, 12, 1, 12, 50), tick=False):  # the worker was down 11:15–12:50
        result = warnings.sweep()
        assert warnings.sweep().sent == 0
    deadline = county_written(made, net)
    assert stages(deadline) == {"before:30": True, "before:10": True, "passed": True, "escalate": False}
    # every open clock of the incident: exactly one stage sent, the earlier ones recorded as skipped
    open_clocks = Deadline.objects.filter(incident=made, met_at__isnull=True)
    assert open_clocks.count() == result.sent == 3  # county written; city → province phone and written
    for clock in open_clocks:
        assert DeadlineWarning.objects.filter(deadline=clock, skipped=False).count() == 1
    assert told(net.reporter) == []  # no stale "还有 10 分钟" an hour later
    assert told(net.duty_officer) == []
    [escalation] = told(net.approver)  # the unit's leader: one escalation, an hour late
    assert "书面报告已超时 60 分钟仍未报告" in escalation


def test_catch_up_sends_only_the_latest_stage_due(net: Net) -> None:
    made = incident(net)
    deadline = county_written(made, net)
    with time_machine.travel(at(2026, 12, 1, 11, 45), tick=False):  # T−30 missed, T−10 due now
        warnings.sweep()
    assert stages(deadline) == {"before:30": True, "before:10": False}
    assert told(net.reporter) == [
        f"紧急信息提醒：距“{TITLE}”书面报告截止（12月1日 11:50，报临江市委办公室信息科）还有 5 分钟"
    ]


def test_a_stage_another_worker_just_sent_is_not_sent_again(net: Net, monkeypatch: Any) -> None:
    """A race: the other worker records a stage between our read and our insert; the rest still go out."""
    made = incident(net)
    deadline = county_written(made, net)
    DeadlineWarning.objects.create(deadline=deadline, stage="before:30", sent_at=at(2026, 12, 1, 11, 19, 59))
    unseen = warnings.due_now
    monkeypatch.setattr(warnings, "due_now", lambda timed, recorded, now: unseen(timed, set(), now))
    with time_machine.travel(at(2026, 12, 1, 11, 20), tick=False):
        result = warnings.sweep()
    assert told(net.reporter) == []  # the other worker's warning; ours was not sent
    assert result.sent == 2  # the city's written T−30 and its phone escalation went out all the same
    assert any("东海省委办公厅信息科）还有 30 分钟" in t for t in told(net.duty_officer))
    assert DeadlineWarning.objects.filter(deadline=deadline).count() == 1


def test_a_met_deadline_gets_no_warning(net: Net) -> None:
    made = incident(net)
    services.report_file(actor=net.approver, incident=made, kind=ReportKind.FIRST, title="首报", body="透水情况。")
    assert county_written(made, net).met_at is not None
    for moment in (at(2026, 12, 1, 11, 20), at(2026, 12, 1, 11, 50), at(2026, 12, 1, 13, 0)):
        with time_machine.travel(moment, tick=False):
            warnings.sweep()
    assert not DeadlineWarning.objects.filter(deadline__unit=net.county).exists()
    assert told(net.reporter) == [] and told(net.approver) == []


def test_a_closed_incident_gets_none(net: Net) -> None:
    made = incident(net)
    Incident.objects.filter(pk=made.pk).update(state=IncidentState.CLOSED)
    with time_machine.travel(at(2026, 12, 1, 12, 30), tick=False):
        assert warnings.sweep().sent == 0
    assert not DeadlineWarning.objects.exists()


def test_a_recipient_above_whose_clearance_the_incident_is_gets_nothing(net: Net) -> None:
    net.approver.clearance = Classification.SECRET
    net.approver.save(update_fields=["clearance"])
    made = incident(net, actor=net.desk_chief, classification=Classification.SECRET)
    with time_machine.travel(at(2026, 12, 1, 11, 20), tick=False):
        warnings.sweep()
    assert told(net.reporter) == [] and TITLE not in " ".join(texts(net.reporter))
    assert [t for t in told(net.approver) if "书面报告截止" in t]
    assert DeadlineWarning.objects.get(deadline=county_written(made, net), stage="before:30").recipients == 1


def test_a_desk_owing_its_parent_warns_its_duty_officers_and_chief(net: Net) -> None:
    made = incident(net)
    province = Desk.objects.get(unit=net.province)
    owed = Deadline.objects.get(incident=made, unit=net.city, desk=province, channel=Channel.WRITTEN)
    with time_machine.travel(at(2026, 12, 1, 11, 20), tick=False):
        warnings.sweep()
    text = f"紧急信息提醒：距“{TITLE}”书面报告截止（12月1日 11:50，报东海省委办公厅信息科）还有 30 分钟"
    assert text in told(net.duty_officer) and text in told(net.desk_chief)
    assert text not in told(net.editor) and text not in told(net.reporter)
    with time_machine.travel(at(2026, 12, 1, 12, 20), tick=False):
        warnings.sweep()
    assert stages(owed)["escalate"] is False
    # the city's leaders hear of its own escalation (the province has not seen the incident yet)
    assert any("东海省委办公厅信息科" in t and "升级" in t for t in told(net.leader))
    assert any("东海省委办公厅信息科" in t and "升级" in t for t in told(net.desk_chief))


def test_a_quiet_minute_selects_no_clock(net: Net) -> None:
    """The selection itself skips clocks whose stages due are handled: the sweep reads nothing then."""
    incident(net)
    offsets = warnings._settings_by_desk()[1]
    assert warnings.open_deadlines(at(2026, 12, 1, 11, 19), offsets).count() == 1  # the city's phone clock
    with time_machine.travel(at(2026, 12, 1, 11, 20), tick=False):
        warnings.sweep()
    assert warnings.open_deadlines(at(2026, 12, 1, 11, 21), offsets).count() == 0
    assert warnings.open_deadlines(at(2026, 12, 1, 11, 39), offsets).count() == 0
    assert warnings.open_deadlines(at(2026, 12, 1, 11, 40), offsets).count() == 2  # both written clocks: T−10


def test_an_escalated_clock_is_never_selected_again(net: Net) -> None:
    """Even when another desk escalates later (the offsets are the union of every desk's)."""
    UrgentSettings.objects.create(desk=city_desk(net), escalate_after=10)
    made = incident(net)
    with time_machine.travel(at(2026, 12, 1, 12, 0), tick=False):
        warnings.sweep()
    assert stages(county_written(made, net))["escalate"] is False
    offsets = warnings._settings_by_desk()[1]
    assert offsets == [-30, -10, 0, 10, 30]
    later = warnings.open_deadlines(at(2026, 12, 1, 14, 0), offsets)
    assert not later.filter(pk=county_written(made, net).pk).exists()


def test_the_receiving_desks_settings_decide_the_stages(net: Net) -> None:
    UrgentSettings.objects.create(desk=city_desk(net), warn_before="45", escalate_after=60)
    made = incident(net)
    deadline = county_written(made, net)
    for moment in (at(2026, 12, 1, 11, 5), at(2026, 12, 1, 11, 40), at(2026, 12, 1, 12, 49), at(2026, 12, 1, 12, 50)):
        with time_machine.travel(moment, tick=False):
            warnings.sweep()
    # 11:05 T−45; 11:40 nothing (no T−10 here); 12:49 passed; 12:50 escalated (60 minutes after)
    assert stages(deadline) == {"before:45": False, "passed": False, "escalate": False}
    assert "还有 45 分钟" in told(net.reporter)[0]


def test_the_command_runs_one_sweep(net: Net) -> None:
    incident(net)
    out = StringIO()
    with time_machine.travel(at(2026, 12, 1, 11, 20), tick=False):
        call_command("urgent_sweep", stdout=out)
        call_command("urgent_sweep", stdout=out)
    assert out.getvalue().splitlines() == [
        # county written T−30, city → province written T−30, city → province phone escalated (its 3 earlier skipped)
        "发送提醒 3 次（通知 6 人次），跳过过时提醒 3 次",
        "发送提醒 0 次（通知 0 人次），跳过过时提醒 0 次",
    ]


def test_stage_arithmetic() -> None:
    rules = UrgentSettings(warn_before="10,30", escalate_after=0)
    due = at(2026, 12, 1, 12, 0)
    timed = warnings.stages(due, rules)
    assert [s.name for s in timed] == ["before:30", "before:10", "passed", "escalate"]
    send, skip = warnings.due_now(timed, set(), due)
    # escalate_after 0: passed and escalate are due together and both go out
    assert [s.name for s in send] == ["passed", "escalate"] and [s.name for s in skip] == ["before:30", "before:10"]
    # passed already sent: escalate, due at the same time, still goes out
    send, skip = warnings.due_now(timed, {"passed"}, due)
    assert [s.name for s in send] == ["escalate"] and [s.name for s in skip] == ["before:30", "before:10"]
    # a stage before one already recorded is skipped, never sent late (the settings changed since)
    send, skip = warnings.due_now(timed, {"before:30", "passed", "escalate"}, due + dt.timedelta(minutes=5))
    assert send == [] and [s.name for s in skip] == ["before:10"]
    assert warnings.warn_minutes(UrgentSettings(warn_before="x")) == [30, 10]


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_them_every_half_minute(net: Net) -> None:
    incident(net)
    for moment, expected in ((at(2026, 12, 1, 11, 19, 30), 0), (at(2026, 12, 1, 11, 20, 1), 1)):
        with time_machine.travel(moment, tick=False):
            out = StringIO()
            call_command("worker", once=True, stdout=out)
        assert len(told(net.reporter)) == expected
    # 11:19:30 escalated the city's phone clock to the province; 11:20:01 the two T−30 warnings
    assert "完成：紧急信息到时提醒与超时升级：发送提醒 2 次（通知 4 人次）" in out.getvalue()
    assert "触发" not in out.getvalue()  # the half-minute sweep is quiet about itself


def test_the_bulk_visibility_rule_equals_the_pages_rule_for_every_persona(net: Net) -> None:
    """``visible_incidents_of`` (the sweep's recipients at once) answers what ``visible_incidents`` does."""
    from xinxi.accounts.models import User
    from xinxi.urgent.permissions import visible_incidents, visible_incidents_of

    plain = incident(net)
    secret = incident(net, actor=net.desk_chief, classification=Classification.SECRET)
    elsewhere = record(net, units=[net.city_dept], occurred_at=at(2026, 12, 1, 9, 0))
    net.leader.is_active = False
    net.leader.save(update_fields=["is_active"])
    ids = {plain.pk, secret.pk, elsewhere.pk}
    users = list(User.objects.all())
    bulk = visible_incidents_of(users, ids)
    for user in User.objects.all():  # fresh objects: nothing primed by the bulk call
        expected = set(visible_incidents(user).filter(pk__in=ids).values_list("pk", flat=True))
        assert bulk.get(user.pk, set()) == expected, user.username
    assert bulk[net.editor.pk] == ids and bulk[net.outsider.pk] == set()  # a case of each kind is covered
    assert bulk[net.reporter.pk] == {plain.pk} and net.leader.pk not in bulk


def test_a_sweep_asks_visibility_once_per_kind_not_per_recipient(net: Net) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xinxi.accounts.models import Role

    for i in range(5):
        make_user(f"reporter{i}", net.county, Role.REPORTER)
    for _ in range(3):
        incident(net)
    with time_machine.travel(at(2026, 12, 1, 11, 20), tick=False), CaptureQueriesContext(connection) as seen:
        result = warnings.sweep()
    assert result.notified > 3 * 7  # at least T−30 of the county's written clocks: its 6 reporters and its approver
    incidents_read = [q for q in seen.captured_queries if 'FROM "urgent_incident"' in q["sql"]]
    assert len(incidents_read) <= 3, [q["sql"][:120] for q in incidents_read]


def test_a_correction_that_moves_a_clock_warns_again_for_the_new_time(net: Net) -> None:
    made = incident(net)
    deadline = county_written(made, net)
    with time_machine.travel(at(2026, 12, 1, 11, 20), tick=False):
        warnings.sweep()
    assert list(stages(deadline)) == ["before:30"]
    with time_machine.travel(at(2026, 12, 1, 11, 25), tick=False):
        made.refresh_from_db()
        services.incident_correct(actor=net.duty_officer, incident=made, version=made.version,
                                  reason="核实后发生时间为10:50", occurred_at=at(2026, 12, 1, 10, 50))
        warnings.sweep()
    assert stages(deadline) == {}  # the new written clock (12:50) has nothing due yet
    with time_machine.travel(at(2026, 12, 1, 12, 20), tick=False):
        warnings.sweep()
    assert list(stages(deadline)) == ["before:30"]
    assert [t for t in told(net.reporter) if "还有 30 分钟" in t] == [
        f"紧急信息提醒：距“{TITLE}”书面报告截止（12月1日 11:50，报临江市委办公室信息科）还有 30 分钟",
        f"紧急信息提醒：距“{TITLE}”书面报告截止（12月1日 12:50，报临江市委办公室信息科）还有 30 分钟",
    ]
