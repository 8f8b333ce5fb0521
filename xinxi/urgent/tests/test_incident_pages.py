"""Incident pages: the list, one incident, recording, corrections, reports — every persona."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinxi.items.models import ItemState
from xinxi.lib.choices import Classification
from xinxi.urgent import services
from xinxi.urgent.models import Deadline, Incident, IncidentReport, IncidentUnit, ReportKind
from xinxi.urgent.tests.helpers import record

FORM = {
    "title": "东城镇化工厂火灾",
    "incident_class": "accident",
    "subtype": "fire",
    "occurred_at": "2026-12-01T09:30",
    "place": "东城镇工业园",
    "deaths": "0",
    "injured": "1",
    "missing": "0",
    "loss": "20",
    "severity": "4",
    "summary": "厂房起火，已扑灭。",
    "source": "phone",
    "classification": "1",
}


def _form(net, **overrides):
    data = dict(FORM, units=[str(net.county.pk)])
    data.update(overrides)
    return data


# --- access ---

DETAIL_STATUS = {
    "reporter": 200, "approver": 200, "editor": 200, "desk_chief": 200, "duty_officer": 200, "leader": 200,
    "admin": 404, "outsider": 404, "no_clearance": 404,  # 内部 is above no_clearance's 公开
}


@pytest.mark.parametrize(("persona", "status"), DETAIL_STATUS.items())
def test_who_opens_the_incident_page(net, client_for, persona, status):
    incident = record(net)
    assert client_for(persona).get(f"/urgent/incidents/{incident.pk}/").status_code == status


@pytest.mark.parametrize("persona", ["reporter", "approver", "editor", "duty_officer", "outsider", "admin"])
def test_the_list_shows_only_what_reached_the_user(net, client_for, persona):
    incident = record(net, title="东城镇煤矿透水事故")
    other = record(net, units=[net.city_dept], title="市应急局所属单位爆炸")
    page = client_for(persona).get("/urgent/incidents/").content.decode()
    sees = persona in {"reporter", "approver", "editor", "duty_officer"}
    assert (incident.title in page) is sees
    # The county's users see the county's incident, not the department's.
    assert (other.title in page) is (persona in {"editor", "duty_officer"})


def test_a_classified_incident_is_hidden_from_no_clearance(net, client_for):
    incident = record(net, actor=net.editor, classification=Classification.SECRET, title="秘密事件")
    public = record(net, classification=Classification.PUBLIC, title="公开事件")
    client = client_for("no_clearance")
    assert client.get(f"/urgent/incidents/{incident.pk}/").status_code == 404
    page = client.get("/urgent/incidents/").content.decode()
    assert "秘密事件" not in page and "公开事件" in page
    assert client.get(f"/urgent/incidents/{public.pk}/").status_code == 200
    # The editor (秘密 clearance) sees it; the duty officer (内部) does not.
    assert client_for("editor").get(f"/urgent/incidents/{incident.pk}/").status_code == 200
    assert client_for("duty_officer").get(f"/urgent/incidents/{incident.pk}/").status_code == 404


def test_another_units_incident_is_missing_not_forbidden(net, client_for):
    incident = record(net, units=[net.city_dept])
    response = client_for("reporter").get(f"/urgent/incidents/{incident.pk}/")
    assert response.status_code == 404
    assert client_for("reporter").post(
        f"/urgent/incidents/{incident.pk}/reports/", {"kind": "first", "title": "x", "body": "y", "seen": "0"}
    ).status_code == 404


def test_the_list_filters_and_stays_bounded(net, client_for):
    for n in range(6):
        record(net, title=f"事件{n}", severity=3 if n % 2 else 4, subtype="fire")
    record(net, title="洪水", incident_class="natural", subtype="flood")
    client = client_for("duty_officer")
    with CaptureQueriesContext(connection) as few:
        client.get("/urgent/incidents/")
    for n in range(6, 20):
        record(net, title=f"事件{n}")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/urgent/incidents/")
    assert len(many) == len(few)
    assert "事件19" in page.content.decode()
    flood = client.get("/urgent/incidents/?class=natural").content.decode()
    assert "洪水" in flood and "事件1<" not in flood
    severe = client.get("/urgent/incidents/?severity=3").content.decode()
    assert "事件1<" in severe and "事件2<" not in severe
    closed = client.get("/urgent/incidents/?state=closed").content.decode()
    assert "没有符合条件的突发事件" in closed


# --- recording ---


def test_the_duty_officer_records_an_incident(net, client_for):
    response = client_for("duty_officer").post("/urgent/incidents/new/", _form(net))
    incident = Incident.objects.get(title="东城镇化工厂火灾")
    assert response.status_code == 302 and response["Location"] == f"/urgent/incidents/{incident.pk}/"
    assert Deadline.objects.filter(incident=incident, unit=net.county).count() == 2
    page = client_for("duty_officer").get(response["Location"]).content.decode()
    assert "东城县委办公室 → 临江市委办公室" in page
    assert "data-due=" in page


def test_a_double_click_records_the_incident_once(net, client_for):
    client = client_for("duty_officer")
    first = client.post("/urgent/incidents/new/", _form(net))
    second = client.post("/urgent/incidents/new/", _form(net))
    assert Incident.objects.filter(title="东城镇化工厂火灾").count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]


@pytest.mark.parametrize("persona", ["reporter", "approver", "leader", "outsider", "admin", "no_clearance"])
def test_who_cannot_record(net, client_for, persona):
    client = client_for(persona)
    assert client.get("/urgent/incidents/new/").status_code == 404
    assert client.post("/urgent/incidents/new/", _form(net)).status_code == 404
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"occurred_at": "2026-12-02T09:00"}, "事件发生时间不能晚于现在"),
        ({"subtype": "flood"}, "事件类型与事件类别不符"),
        ({"severity": ""}, "请选择事件分级"),
        ({"occurred_at": "昨天"}, "发生时间格式不对"),
        ({"deaths": "12", "severity": "4"}, "按伤亡和损失建议为Ⅱ级（重大）"),
    ],
)
def test_bad_input_is_refused_and_kept(net, client_for, overrides, message):
    response = client_for("duty_officer").post("/urgent/incidents/new/", _form(net, **overrides))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "东城镇工业园" in page  # the input is kept
    assert not Incident.objects.exists()


def test_a_confirmed_severity_differs_from_the_suggestion(net, client_for):
    response = client_for("duty_officer").post(
        "/urgent/incidents/new/", _form(net, deaths="12", severity="3", confirm_severity="on")
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert (incident.severity, incident.severity_suggested) == (3, 2)


def test_html_in_the_title_is_escaped(net, client_for):
    incident = record(net, title="<script>alert(1)</script>火灾")
    page = client_for("duty_officer").get(f"/urgent/incidents/{incident.pk}/").content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;火灾" in page


def test_the_severity_hint_follows_the_casualties(net, client_for):
    client = client_for("duty_officer")
    url = "/urgent/incidents/severity-hint/"
    page = client.get(f"{url}?incident_class=accident&new-deaths=4&loss=").content.decode()
    assert "Ⅲ级（较大）" in page and "死亡（含失踪）4 人" in page
    assert client.get(f"{url}?incident_class=natural&deaths=40").content.decode().strip() == ""
    assert client_for("reporter").get("/urgent/incidents/severity-hint/").status_code == 404


# --- corrections and units ---


def test_correcting_the_severity_recomputes_and_a_stale_form_is_refused(net, client_for):
    incident = record(net)
    client = client_for("duty_officer")
    due_before = Deadline.objects.get(incident=incident, unit=net.county, channel="written").due_at
    ok = client.post(
        f"/urgent/incidents/{incident.pk}/correct/", {"version": "1", "severity": "1", "reason": "死亡人数上升"}
    )
    assert ok.status_code == 302
    incident.refresh_from_db()
    assert incident.severity == 1 and incident.version == 2
    stale = client.post(
        f"/urgent/incidents/{incident.pk}/correct/", {"version": "1", "severity": "2", "reason": "再改"}
    )
    assert stale.status_code == 409
    assert "该事件已被他人修改，请刷新后重试" in stale.content.decode()
    incident.refresh_from_db()
    assert incident.severity == 1
    page = client.get(f"/urgent/incidents/{incident.pk}/").content.decode()
    assert "死亡人数上升" in page  # the history
    assert Deadline.objects.get(incident=incident, unit=net.county, channel="written").due_at == due_before


def test_a_correction_into_the_future_is_refused(net, client_for):
    incident = record(net)
    response = client_for("duty_officer").post(
        f"/urgent/incidents/{incident.pk}/correct/",
        {"version": "1", "occurred_at": "2026-12-03T08:00", "reason": "核实"},
    )
    assert response.status_code == 400
    assert "事件发生时间不能晚于现在" in response.content.decode()


@pytest.mark.parametrize("persona", ["reporter", "approver", "leader", "outsider"])
def test_who_cannot_correct_or_add_units(net, client_for, persona):
    incident = record(net)
    client = client_for(persona)
    assert client.post(
        f"/urgent/incidents/{incident.pk}/correct/", {"version": "1", "severity": "1", "reason": "x"}
    ).status_code == 404
    assert client.post(f"/urgent/incidents/{incident.pk}/units/", {"unit": net.town.pk}).status_code == 404
    incident.refresh_from_db()
    assert incident.severity == 3 and incident.unit_rows.count() == 1


def test_the_desk_adds_a_responsible_unit(net, client_for):
    incident = record(net)
    client = client_for("desk_chief")
    assert client.post(f"/urgent/incidents/{incident.pk}/units/", {"unit": net.town.pk}).status_code == 302
    assert IncidentUnit.objects.filter(incident=incident, unit=net.town).exists()
    # A unit outside the desk's network is not offered and is refused.
    refused = client.post(f"/urgent/incidents/{incident.pk}/units/", {"unit": net.other_county.pk})
    assert refused.status_code == 400
    assert "所选单位不能作为责任单位" in refused.content.decode()


# --- reports ---


def test_the_unit_files_first_and_followup_reports_in_order(net, client_for):
    incident = record(net)
    client = client_for("approver")
    page = client.get(f"/urgent/incidents/{incident.pk}/").content.decode()
    assert 'value="pre"' in page and 'value="first"' in page and 'value="followup"' not in page
    refused = client.post(
        f"/urgent/incidents/{incident.pk}/reports/", {"kind": "followup", "title": "续报", "body": "x", "seen": "0"}
    )
    assert refused.status_code == 400 and "请按 预报/首报 → 续报 → 终报 的顺序" in refused.content.decode()
    first = client.post(
        f"/urgent/incidents/{incident.pk}/reports/", {"kind": "first", "title": "首报标题", "body": "情况", "seen": "0"}
    )
    assert first.status_code == 302
    # The same form posted again (a second click) files nothing.
    again = client.post(
        f"/urgent/incidents/{incident.pk}/reports/", {"kind": "first", "title": "首报标题", "body": "情况", "seen": "0"}
    )
    assert again.status_code in (400, 409)
    assert IncidentReport.objects.filter(incident=incident).count() == 1
    followup = client.post(
        f"/urgent/incidents/{incident.pk}/reports/", {"kind": "followup", "title": "续报", "body": "进展", "seen": "1"}
    )
    assert followup.status_code == 302
    page = client.get(f"/urgent/incidents/{incident.pk}/").content.decode()
    assert "首报" in page and "续报一" in page
    report = IncidentReport.objects.get(kind=ReportKind.FIRST)
    assert f'href="/items/{report.item_id}/"' in page
    # The city desk's page links the entry at its desk.
    desk_page = client_for("editor").get(f"/urgent/incidents/{incident.pk}/").content.decode()
    assert "/desk/entries/" in desk_page


def test_a_reporters_final_report_waits_for_the_leader(net, client_for):
    incident = record(net)
    services.report_file(actor=net.reporter, incident=incident, kind=ReportKind.FIRST, title="首报", body="x")
    client = client_for("reporter")
    page = client.get(f"/urgent/incidents/{incident.pk}/").content.decode()
    assert "终报须经本单位领导签发" in page
    response = client.post(
        f"/urgent/incidents/{incident.pk}/reports/", {"kind": "final", "title": "终报", "body": "结束", "seen": "1"}
    )
    assert response.status_code == 302
    final = IncidentReport.objects.get(kind=ReportKind.FINAL)
    assert final.submitted_at is None and final.item.state == ItemState.PENDING_SIGNOFF
    page = client.get(f"/urgent/incidents/{incident.pk}/", follow=True).content.decode()
    assert "本单位的终报已提交领导签发" in page
    assert 'id="report-form"' not in page and 'id="go-signoff"' not in page
    # The approver is pointed to the queue.
    assert 'id="go-signoff"' in client_for("approver").get(f"/urgent/incidents/{incident.pk}/").content.decode()


@pytest.mark.parametrize("persona", ["editor", "duty_officer", "outsider", "no_clearance"])
def test_who_cannot_file_reports(net, client_for, persona):
    incident = record(net, classification=Classification.INTERNAL)
    response = client_for(persona).post(
        f"/urgent/incidents/{incident.pk}/reports/", {"kind": "first", "title": "首报", "body": "x", "seen": "0"}
    )
    assert response.status_code == 404
    assert not IncidentReport.objects.exists()
