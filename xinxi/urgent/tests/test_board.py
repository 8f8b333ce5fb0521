"""The duty board: open incidents with their clocks, the refreshed region, the phone-report form."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from xinxi.accounts.models import Role
from xinxi.lib.choices import Classification
from xinxi.network.testing import make_user
from xinxi.urgent import services
from xinxi.urgent.models import Incident, PhoneReport, ReportKind
from xinxi.urgent.tests.helpers import at, record

PHONE = {
    "phone-incident": "",
    "phone-caller": "刘主任",
    "phone-caller_phone": "0531-1234567",
    "phone-received_at": "2026-12-01T09:50",
    "phone-content": "东城镇工业园一厂房起火，一人受伤。",
    "new-title": "东城镇厂房火灾",
    "new-incident_class": "accident",
    "new-subtype": "fire",
    "new-occurred_at": "2026-12-01T09:30",
    "new-place": "东城镇工业园",
    "new-deaths": "0",
    "new-injured": "1",
    "new-missing": "0",
    "new-loss": "",
    "new-severity": "4",
    "new-source": "phone",
    "new-classification": "1",
}


def _phone(net, **overrides):
    data = dict(PHONE, **{"phone-unit": str(net.county.pk)})
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("persona", "status"),
    [("duty_officer", 200), ("editor", 200), ("desk_chief", 200), ("leader", 200),
     ("reporter", 302), ("approver", 302), ("outsider", 302), ("no_clearance", 302), ("admin", 302)],
)
def test_who_sees_the_board(net, client_for, persona, status):
    record(net, title="东城镇煤矿透水事故")
    response = client_for(persona).get("/urgent/")
    assert response.status_code == status
    if status == 302:  # a unit's users land on their incidents
        assert response["Location"] == "/urgent/incidents/"
        assert client_for(persona).get("/urgent/board/data/").status_code == 404
    else:
        assert "东城镇煤矿透水事故" in response.content.decode()


def test_the_board_shows_each_clock_with_its_colour_and_who_reported(net, client_for):
    incident = record(net, occurred_at=at(2026, 12, 1, 9, 0))  # phone due 09:30 (passed), written 11:00
    services.report_file(actor=net.approver, incident=incident, kind=ReportKind.PRE, title="预报", body="先报")
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        page = client_for("duty_officer").get("/urgent/").content.decode()
    assert f'id="incident-{incident.pk}"' in page
    assert "uclock-red" in page  # the phone clock was met late by the 预报
    assert "迟报 30 分钟" in page
    assert 'data-due="2026-12-01T11:00:00+08:00"' in page  # the written clock is still running
    assert "剩 1小时00分00秒" in page
    assert "未书面报告" in page
    assert "预报" in page


def test_the_board_turns_amber_then_red(net, client_for):
    record(net, occurred_at=at(2026, 12, 1, 9, 45))  # phone due 10:15, written 11:45
    client = client_for("duty_officer")
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        assert "uclock-amber" in client.get("/urgent/board/data/").content.decode()
    with time_machine.travel(at(2026, 12, 1, 10, 20), tick=False):
        data = client.get("/urgent/board/data/").content.decode()
    assert "uclock-red" in data and "超时 5分00秒" in data
    assert 'data-now="2026-12-01T10:20:00+08:00"' in data


def test_the_refreshed_region_holds_no_form(net, client_for):
    record(net)
    page = client_for("duty_officer").get("/urgent/").content.decode()
    region = page.split('id="board-data"', 1)[1]
    assert 'hx-trigger="every 30s"' in page.split('id="board-data"', 1)[0][-300:] + region[:200]
    assert "<form" not in region and "<textarea" not in region
    assert 'id="phone-form"' in page.split('id="board-data"', 1)[0]


def test_the_board_is_bounded_and_hides_closed_and_classified(net, client_for):
    client = client_for("duty_officer")
    record(net)
    with CaptureQueriesContext(connection) as few:
        client.get("/urgent/board/data/")
    for n in range(8):
        record(net, title=f"事件{n}", units=[net.county, net.town])
    secret = record(net, actor=net.editor, classification=Classification.SECRET, title="秘密事件")
    with CaptureQueriesContext(connection) as many:
        data = client.get("/urgent/board/data/").content.decode()
    assert len(many) == len(few)
    assert "事件7" in data and "秘密事件" not in data
    assert "秘密事件" in client_for("editor").get("/urgent/board/data/").content.decode()
    Incident.objects.filter(pk=secret.pk).update(state="closed")
    assert "秘密事件" not in client_for("editor").get("/urgent/board/data/").content.decode()


def test_another_desks_incidents_are_not_on_the_board(net):
    incident = record(net, title="本市事件")
    client = Client()
    client.force_login(make_user("other_duty", net.other_city, Role.DUTY_OFFICER))
    assert "本市事件" not in client.get("/urgent/").content.decode()
    assert client.get(f"/urgent/incidents/{incident.pk}/").status_code == 404


# --- phone reports ---


def test_a_phone_report_opens_a_new_incident(net, client_for):
    response = client_for("duty_officer").post("/urgent/phone/", _phone(net))
    assert response.status_code == 302
    incident = Incident.objects.get(title="东城镇厂房火灾")
    assert response["Location"] == f"/urgent/#incident-{incident.pk}"
    phone = PhoneReport.objects.get()
    assert phone.incident == incident and phone.caller == "刘主任"
    assert incident.deadlines.get(unit=net.county, desk=net.city.desk, channel="phone").met_by_phone == phone


def test_a_phone_report_joins_an_open_incident_and_a_second_click_adds_nothing(net, client_for):
    incident = record(net)
    client = client_for("duty_officer")
    data = _phone(net, **{"phone-incident": str(incident.pk), "new-title": ""})
    assert client.post("/urgent/phone/", data).status_code == 302
    assert client.post("/urgent/phone/", data).status_code == 302
    assert PhoneReport.objects.filter(incident=incident).count() == 1
    assert Incident.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"phone-received_at": "2026-12-01T12:00"}, "接报时间不能晚于现在"),
        ({"new-occurred_at": "2026-12-01T11:00"}, "事件发生时间不能晚于现在"),
        ({"new-subtype": "petition"}, "事件类型与事件类别不符"),
        ({"phone-caller": ""}, "请填写来电人"),
        ({"new-title": ""}, "登记新事件，请填写下方"),
        ({"phone-incident": "999999"}, "所选事件不在本科室的处置中事件内"),
    ],
)
def test_a_bad_phone_report_is_refused_and_kept(net, client_for, overrides, message):
    response = client_for("duty_officer").post("/urgent/phone/", _phone(net, **overrides))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "东城镇工业园一厂房起火" in page  # what was typed stays
    assert 'id="phone-panel" open' in page
    assert not PhoneReport.objects.exists()


@pytest.mark.parametrize("persona", ["leader", "reporter", "outsider", "admin"])
def test_who_cannot_take_phone_reports(net, client_for, persona):
    assert client_for(persona).post("/urgent/phone/", _phone(net)).status_code == 404
    assert not PhoneReport.objects.exists()


def test_the_leader_sees_the_board_without_the_form(net, client_for):
    page = client_for("leader").get("/urgent/").content.decode()
    assert 'id="phone-form"' not in page


def test_a_closed_incident_cannot_be_joined_from_a_stale_form(net, client_for):
    incident = record(net)
    Incident.objects.filter(pk=incident.pk).update(state="closed", closed_at=at(2026, 12, 1, 9, 59))
    data = _phone(net, **{"phone-incident": str(incident.pk)})
    response = client_for("duty_officer").post("/urgent/phone/", data)
    assert response.status_code == 400
    assert not PhoneReport.objects.exists()
