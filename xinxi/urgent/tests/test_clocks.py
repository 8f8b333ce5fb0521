"""Clocks run from occurred-at, around the clock: arithmetic, the chain, reports, corrections."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.http import Http404

from xinxi.items.models import Category, ItemState
from xinxi.lib.choices import Urgency
from xinxi.lib.errors import ConflictError, ServiceError
from xinxi.network.models import Desk
from xinxi.urgent import clocks, permissions, services
from xinxi.urgent.models import (
    Channel,
    ClockLimit,
    Deadline,
    IncidentDesk,
    IncidentState,
    ReportKind,
    Severity,
    UrgentSettings,
)
from xinxi.urgent.tests.helpers import at, city_desk, facts, record


def _deadline(incident, unit, desk, channel):
    return Deadline.objects.get(incident=incident, unit=unit, desk=desk, channel=channel, cancelled=False)


def test_suggested_severity_follows_the_production_accident_thresholds() -> None:
    assert clocks.suggest_severity(deaths=30, injured=0, missing=0, loss=0).severity == Severity.I
    assert clocks.suggest_severity(deaths=8, injured=0, missing=2, loss=0).severity == Severity.II
    assert clocks.suggest_severity(deaths=0, injured=10, missing=0, loss=0).severity == Severity.III
    assert clocks.suggest_severity(deaths=0, injured=0, missing=0, loss=5000).severity == Severity.II
    assert clocks.suggest_severity(deaths=2, injured=9, missing=0, loss=999).severity == Severity.IV


def test_night_on_a_public_holiday_counts_every_minute(net) -> None:
    # 22:30 on 1 October (National Day): the limits run through the night and the holiday.
    with time_machine.travel(at(2026, 10, 1, 23, 0), tick=False):
        incident = record(net, occurred_at=at(2026, 10, 1, 22, 30), severity=Severity.II)
    desk = city_desk(net)
    assert _deadline(incident, net.county, desk, Channel.PHONE).due_at == at(2026, 10, 1, 23, 0)
    assert _deadline(incident, net.county, desk, Channel.WRITTEN).due_at == at(2026, 10, 2, 0, 30)


def test_crossing_midnight_and_a_month_end(net) -> None:
    desk = city_desk(net)
    ClockLimit.objects.create(desk=desk, severity=Severity.III, channel=Channel.WRITTEN, minutes=300)
    with time_machine.travel(at(2026, 12, 1, 0, 30), tick=False):
        incident = record(net, occurred_at=at(2026, 11, 30, 21, 45))
    assert _deadline(incident, net.county, desk, Channel.WRITTEN).due_at == at(2026, 12, 1, 2, 45)
    assert _deadline(incident, net.county, desk, Channel.PHONE).due_at == at(2026, 11, 30, 22, 15)


def test_each_level_has_its_own_limit_from_occurred_at(net) -> None:
    city = city_desk(net)
    province = Desk.objects.get(unit=net.province)
    ClockLimit.objects.create(desk=city, severity=Severity.III, channel=Channel.WRITTEN, minutes=120)
    ClockLimit.objects.create(desk=province, severity=Severity.III, channel=Channel.WRITTEN, minutes=300)
    incident = record(net, occurred_at=at(2026, 12, 1, 8, 0))
    # The county owes the city 2 h; the city owes the province 5 h, both from 08:00.
    assert _deadline(incident, net.county, city, Channel.WRITTEN).due_at == at(2026, 12, 1, 10, 0)
    assert _deadline(incident, net.city, province, Channel.WRITTEN).due_at == at(2026, 12, 1, 13, 0)
    # The incident has reached the city desk, not yet the province.
    assert set(IncidentDesk.objects.filter(incident=incident).values_list("desk", flat=True)) == {city.pk}


def test_a_desk_that_does_not_receive_a_severity_has_no_clock_for_it(net) -> None:
    province = Desk.objects.get(unit=net.province)
    UrgentSettings.objects.create(desk=province, receive_max_severity=Severity.III)
    incident = record(net, severity=Severity.IV)
    assert not Deadline.objects.filter(incident=incident, desk=province).exists()


def test_first_report_stops_both_clocks_and_a_follow_up_does_not_reset_them(net) -> None:
    desk = city_desk(net)
    incident = record(net, occurred_at=at(2026, 12, 1, 8, 0), severity=Severity.III)
    with time_machine.travel(at(2026, 12, 1, 9, 10), tick=False):
        first = services.report_file(
            actor=net.reporter, incident=incident, kind=ReportKind.FIRST, title="红星煤矿透水事故首报",
            body="12月1日8时许，东城镇红星煤矿发生透水事故，3人遇难。",
        )
    assert first.item.category == Category.URGENT and first.item.urgency == Urgency.EXTRA
    assert first.item.state == ItemState.SUBMITTED
    phone = _deadline(incident, net.county, desk, Channel.PHONE)
    written = _deadline(incident, net.county, desk, Channel.WRITTEN)
    assert phone.met_at == at(2026, 12, 1, 9, 10) and phone.late_minutes == 40  # phone limit 30 min
    assert written.met_at == at(2026, 12, 1, 9, 10) and written.late_minutes == 0
    # 较大 and above: a 续报 is due at the next daily time point (17:00).
    slot = Deadline.objects.get(incident=incident, unit=net.county, desk=desk, channel=Channel.FOLLOWUP)
    assert slot.due_at == at(2026, 12, 1, 17, 0) and slot.met_at is None
    with time_machine.travel(at(2026, 12, 1, 16, 0), tick=False):
        follow = services.report_file(
            actor=net.reporter, incident=incident, kind=ReportKind.FOLLOWUP, title="续报", body="救援进展。"
        )
    assert follow.label == "续报一"
    written.refresh_from_db()
    assert written.due_at == at(2026, 12, 1, 10, 0) and written.met_at == at(2026, 12, 1, 9, 10)
    slot.refresh_from_db()
    assert slot.met_by_report == follow
    nxt = Deadline.objects.filter(
        incident=incident, unit=net.county, desk=desk, channel=Channel.FOLLOWUP, met_at__isnull=True
    ).get()
    assert nxt.due_at == at(2026, 12, 2, 8, 0)
    with time_machine.travel(at(2026, 12, 1, 16, 30), tick=False):
        second = services.report_file(
            actor=net.reporter, incident=incident, kind=ReportKind.FOLLOWUP, title="续报", body="又有进展。"
        )
    assert second.label == "续报二"


def test_pre_report_stops_the_phone_clock_only(net) -> None:
    desk = city_desk(net)
    incident = record(net)
    services.report_file(actor=net.reporter, incident=incident, kind=ReportKind.PRE, title="预报", body="发生透水。")
    assert _deadline(incident, net.county, desk, Channel.PHONE).met_at is not None
    assert _deadline(incident, net.county, desk, Channel.WRITTEN).met_at is None


def test_severity_corrected_upward_shortens_the_remaining_time(net) -> None:
    desk = city_desk(net)
    ClockLimit.objects.create(desk=desk, severity=Severity.IV, channel=Channel.WRITTEN, minutes=240)
    ClockLimit.objects.create(desk=desk, severity=Severity.II, channel=Channel.WRITTEN, minutes=60)
    incident = record(net, severity=Severity.IV, occurred_at=at(2026, 12, 1, 9, 0))
    before = _deadline(incident, net.county, desk, Channel.WRITTEN).due_at
    services.incident_correct(
        actor=net.duty_officer, incident=incident, version=incident.version, severity=Severity.II,
        reason="死亡人数上升至 12 人",
    )
    after = _deadline(incident, net.county, desk, Channel.WRITTEN).due_at
    assert before == at(2026, 12, 1, 13, 0) and after == at(2026, 12, 1, 10, 0)
    event = incident.events.get(action="correct")
    assert event.detail["before"]["severity"] == Severity.IV and event.detail["deadlines"]
    with pytest.raises(ConflictError):
        services.incident_correct(
            actor=net.duty_officer, incident=incident, version=1, severity=Severity.I, reason="再改"
        )


def test_phone_report_meets_the_phone_clock_at_the_time_received(net) -> None:
    desk = city_desk(net)
    incident = record(net, occurred_at=at(2026, 12, 1, 8, 0))
    services.phone_report_record(
        actor=net.duty_officer, desk=desk, unit=net.county, caller="县委办值班室 刘某",
        received_at=at(2026, 12, 1, 8, 20), content="红星煤矿透水，3 人被困。", incident=incident,
    )
    phone = _deadline(incident, net.county, desk, Channel.PHONE)
    assert phone.met_at == at(2026, 12, 1, 8, 20) and phone.late_minutes == 0


def test_phone_report_can_open_a_new_incident(net) -> None:
    report = services.phone_report_record(
        actor=net.duty_officer, desk=city_desk(net), unit=net.county, caller="刘某",
        received_at=at(2026, 12, 1, 9, 0), content="镇上发生火灾。",
        new_incident=facts(title="东城镇仓库火灾", subtype="fire", occurred_at=at(2026, 12, 1, 8, 40)),
    )
    assert report.incident.title == "东城镇仓库火灾"
    assert _deadline(report.incident, net.county, city_desk(net), Channel.PHONE).met_at == at(2026, 12, 1, 9, 0)


def test_final_report_needs_the_leaders_sign_off_and_closes_the_incident(net) -> None:
    incident = record(net)
    services.report_file(actor=net.reporter, incident=incident, kind=ReportKind.FIRST, title="首报", body="情况。")
    final = services.report_file(
        actor=net.reporter, incident=incident, kind=ReportKind.FINAL, title="终报", body="处置完毕。"
    )
    # Filed by a reporter it waits for the approver.
    assert final.submitted_at is None and final.item.state == ItemState.PENDING_SIGNOFF
    incident.refresh_from_db()
    assert incident.state == IncidentState.OPEN
    from xinxi.items import services as item_services

    item_services.item_submit(actor=net.approver, item=final.item)
    final.refresh_from_db()
    incident.refresh_from_db()
    assert final.submitted_at is not None and final.signed_off_by == net.approver
    assert incident.state == IncidentState.CLOSED
    assert not Deadline.objects.filter(
        incident=incident, channel=Channel.FOLLOWUP, met_at__isnull=True, cancelled=False
    ).exists()
    with pytest.raises(ServiceError, match="已终报"):
        services.report_file(actor=net.reporter, incident=incident, kind=ReportKind.FOLLOWUP, title="x", body="y")


def test_forwarding_a_report_reaches_the_desk_above_and_meets_the_citys_clock(net) -> None:
    from xinxi.items import desk_services

    city = city_desk(net)
    province = Desk.objects.get(unit=net.province)
    incident = record(net, occurred_at=at(2026, 12, 1, 8, 0))
    first = services.report_file(
        actor=net.reporter, incident=incident, kind=ReportKind.FIRST, title="首报", body="情况。"
    )
    entry = first.item.entries.get(desk=city)
    desk_services.entry_open(actor=net.editor, entry=entry)
    entry.refresh_from_db()
    desk_services.entry_forward(actor=net.editor, entry=entry)
    assert IncidentDesk.objects.filter(incident=incident, desk=province, via=city).exists()
    written = _deadline(incident, net.city, province, Channel.WRITTEN)
    assert written.met_at is not None and written.met_by_report == first


# --- bad input and access ---


def test_occurred_at_in_the_future_is_refused(net) -> None:
    with pytest.raises(ServiceError, match="不能晚于现在"):
        record(net, occurred_at=at(2026, 12, 2, 8, 0))


def test_a_follow_up_without_a_first_report_is_refused(net) -> None:
    incident = record(net)
    with pytest.raises(ServiceError, match="请先报送首报"):
        services.report_file(actor=net.reporter, incident=incident, kind=ReportKind.FOLLOWUP, title="续报", body="x")


def test_a_final_without_sign_off_is_refused(net) -> None:
    incident = record(net)
    services.report_file(actor=net.reporter, incident=incident, kind=ReportKind.FIRST, title="首报", body="情况。")
    report = services.report_file(actor=net.reporter, incident=incident, kind=ReportKind.FINAL, title="终报", body="x")
    # The reporter cannot send it past the leader: the item waits for sign-off.
    from xinxi.items import services as item_services

    with pytest.raises(ServiceError):
        item_services.item_submit(actor=net.reporter, item=report.item)
    report.refresh_from_db()
    assert report.submitted_at is None


def test_only_the_desks_staff_record_and_only_its_network_can_be_responsible(net) -> None:
    with pytest.raises(ServiceError):
        record(net, actor=net.reporter)
    with pytest.raises(ServiceError, match="不在本科室的信息网络内"):
        record(net, units=[net.other_county])


def test_another_units_incident_is_missing_not_forbidden(net) -> None:
    incident = record(net)
    assert permissions.get_incident(net.reporter, incident.pk).pk == incident.pk
    assert permissions.get_incident(net.duty_officer, incident.pk).pk == incident.pk
    for persona in ("outsider", "admin"):
        with pytest.raises(Http404):
            permissions.get_incident(getattr(net, persona), incident.pk)
    with pytest.raises(ServiceError):
        services.report_file(actor=net.outsider, incident=incident, kind=ReportKind.FIRST, title="首报", body="x")


def test_classified_incident_is_hidden_above_clearance(net) -> None:
    incident = record(net, actor=net.desk_chief, classification=2)
    assert not permissions.visible_incidents(net.no_clearance).filter(pk=incident.pk).exists()
    assert not permissions.visible_incidents(net.reporter).filter(pk=incident.pk).exists()
    assert permissions.visible_incidents(net.editor).filter(pk=incident.pk).exists()


def test_next_slot_wraps_to_the_next_day() -> None:
    times = clocks.parse_times("17:00，08:00")
    assert clocks.next_slot(at(2026, 12, 31, 17, 0), times) == at(2027, 1, 1, 8, 0)
    assert clocks.next_slot(at(2026, 12, 31, 7, 59), times) == at(2026, 12, 31, 8, 0)
    with pytest.raises(ServiceError):
        clocks.parse_times("8点")
    assert clocks.parse_minutes("10, 30") == [30, 10]
    assert clocks.remaining(at(2026, 12, 1, 10, 0), at(2026, 12, 1, 9, 0)) == dt.timedelta(hours=1)
