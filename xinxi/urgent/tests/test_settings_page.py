"""The desk's urgent-information settings page: the limit table and warnings."""

from __future__ import annotations

import pytest

from xinxi.audit.models import AuditEvent
from xinxi.urgent import limits
from xinxi.urgent.models import ClockLimit, UrgentSettings
from xinxi.urgent.tests.helpers import city_desk, record


def _data(desk, **overrides):
    data = {
        "warn_before": "45，15",
        "escalate_after": "20",
        "followup_times": "17:00, 08:00",
        "followup_max_severity": "3",
        "receive_max_severity": "4",
        "both_offices_max_severity": "3",
        "fingerprint": limits.fingerprint(desk),
        "limit_3_phone": "30",
        "limit_3_written": "90",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("persona", "status"),
    [("desk_chief", 200), ("admin", 200), ("editor", 404), ("duty_officer", 404), ("leader", 404),
     ("reporter", 404), ("outsider", 404), ("no_clearance", 404)],
)
def test_who_edits_the_settings(net, client_for, persona, status):
    assert client_for(persona).get("/urgent/settings/").status_code == status


def test_the_desk_chief_saves_limits_that_new_incidents_use(net, client_for):
    desk = city_desk(net)
    response = client_for("desk_chief").post("/urgent/settings/", _data(desk))
    assert response.status_code == 302
    settings = UrgentSettings.objects.get(desk=desk)
    assert (settings.warn_before, settings.followup_times, settings.escalate_after) == ("45,15", "08:00,17:00", 20)
    assert ClockLimit.objects.get(desk=desk, severity=3, channel="written").minutes == 90
    assert AuditEvent.objects.filter(action="urgent_settings_update").count() == 1
    incident = record(net)  # 08:00, 较大
    assert incident.deadlines.get(unit=net.county, desk=desk, channel="written").limit_minutes == 90
    # An emptied cell falls back to the desk default.
    data = _data(desk, limit_3_written="", limit_3_phone="")
    assert client_for("desk_chief").post("/urgent/settings/", data).status_code == 302
    assert not ClockLimit.objects.filter(desk=desk).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"warn_before": "30,abc"}, "提醒时间“abc”无效"),
        ({"warn_before": ""}, "请填写到时前提醒的分钟数"),
        ({"followup_times": "25:00"}, "续报时点“25:00”无效"),
        ({"limit_3_phone": "120", "limit_3_written": "60"}, "电话报告时限不能长于书面报告时限"),
        ({"limit_2_phone": "0"}, "时限至少 1 分钟"),
        ({"fingerprint": "stale"}, "已被他人修改"),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(net, client_for, overrides, message):
    desk = city_desk(net)
    response = client_for("desk_chief").post("/urgent/settings/", _data(desk, **overrides))
    assert response.status_code in (400, 409)
    assert message in response.content.decode()
    assert not ClockLimit.objects.exists() and not UrgentSettings.objects.exists()


def test_the_admin_chooses_a_desk(net, client_for):
    desk = city_desk(net)
    client = client_for("admin")
    assert desk.name in client.get("/urgent/settings/").content.decode()
    assert client.post(f"/urgent/settings/?desk={desk.pk}", _data(desk)).status_code == 302
    assert UrgentSettings.objects.filter(desk=desk).exists()
    assert client.get("/urgent/settings/?desk=999999").status_code == 404
