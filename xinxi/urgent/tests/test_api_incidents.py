"""The incidents API with every persona: who sees what, what is refused and how, idempotent reports."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from xinxi.audit.models import AuditEvent
from xinxi.items.models import ItemState
from xinxi.network.models import Desk
from xinxi.network.testing import Net, make_user
from xinxi.urgent import services
from xinxi.urgent.models import Channel, Deadline, IncidentReport, ReportKind
from xinxi.urgent.tests.helpers import at, city_desk, facts, record

URL = "/api/v1/incidents/"


def client(user: Any) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def body(**overrides: Any) -> dict[str, Any]:
    data = {**facts(), "loss": "0", "occurred_at": "2026-12-01T08:00:00+08:00", **overrides}
    data.setdefault("units", [])
    return data


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def other_city_incident(net: Net) -> Any:
    officer = make_user("qs_duty", net.other_city, "duty_officer")
    return services.incident_record(
        actor=officer, desk=Desk.objects.get(unit=net.other_city), units=[net.other_county],
        **facts(title="西山县山体滑坡", incident_class="natural", subtype="geological"),
    )


# --- who sees what ---


def test_a_unit_sees_its_own_incidents_and_desks_what_reached_them(net: Net) -> None:
    ours = record(net)
    theirs = other_city_incident(net)
    for persona in ("reporter", "approver", "duty_officer", "editor", "desk_chief", "leader"):
        assert ids(client(net.users[persona]).get(URL)) == {ours.pk}, persona
        assert client(net.users[persona]).get(f"{URL}{ours.pk}/").status_code == 200, persona
    assert ids(client(net.outsider).get(URL)) == {theirs.pk}
    assert ids(client(net.admin).get(URL)) == set()  # need to know: no desk, no unit on it


@pytest.mark.parametrize("persona", ["outsider", "admin", "no_clearance"])
def test_another_units_incident_is_missing_not_forbidden(net: Net, persona: str) -> None:
    incident = record(net)
    c = client(net.users[persona])
    seen = c.get(f"{URL}{incident.pk}/")
    missing = c.get(f"{URL}999999/")
    assert seen.status_code == missing.status_code == 404
    assert seen.json() == missing.json()
    for action, data in [("correct", {"reason": "x", "version": 1, "severity": 2}),
                         ("reports", {"kind": "first", "title": "首报", "body": "情况"})]:
        assert c.post(f"{URL}{incident.pk}/{action}/", data, format="json").status_code == 404


def test_another_citys_incident_is_missing_for_our_desk(net: Net) -> None:
    theirs = other_city_incident(net)
    for persona in ("duty_officer", "desk_chief", "reporter"):
        assert client(net.users[persona]).get(f"{URL}{theirs.pk}/").status_code == 404


def test_the_province_desk_sees_an_incident_once_a_report_reached_it(net: Net) -> None:
    from xinxi.items import desk_services

    province_officer = client(make_user("sheng_zb", net.province, "duty_officer"))
    incident = record(net)
    assert province_officer.get(f"{URL}{incident.pk}/").status_code == 404
    assert ids(province_officer.get(URL)) == set()
    first = services.report_file(actor=net.reporter, incident=incident, kind=ReportKind.FIRST, title="首报",
                                 body="情况。")
    entry = first.item.entries.get(desk=city_desk(net))
    desk_services.entry_open(actor=net.editor, entry=entry)
    entry.refresh_from_db()
    desk_services.entry_forward(actor=net.editor, entry=entry)
    assert ids(province_officer.get(URL)) == {incident.pk}
    data = province_officer.get(f"{URL}{incident.pk}/").json()
    assert [d["name"] for d in data["desks"]] == [city_desk(net).name, Desk.objects.get(unit=net.province).name]


def test_classified_incidents_follow_clearance_in_list_detail_and_count(net: Net) -> None:
    plain = record(net)
    secret = record(net, actor=net.desk_chief, title="涉密事件", classification=2)
    assert ids(client(net.editor).get(URL)) == {plain.pk, secret.pk}  # 秘密 clearance
    assert client(net.editor).get(URL).json()["count"] == 2
    for persona in ("duty_officer", "reporter", "approver"):  # 内部 clearance
        response = client(net.users[persona]).get(URL)
        assert ids(response) == {plain.pk} and response.json()["count"] == 1, persona
        assert client(net.users[persona]).get(f"{URL}{secret.pk}/").status_code == 404
    assert client(net.editor).get(f"{URL}{secret.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="incident_read", actor=net.editor).count() == 1
    assert AuditEvent.objects.filter(action="incident_read_refused", actor=net.duty_officer).exists()
    # The board hides it too.
    board = client(net.duty_officer).get("/api/v1/urgent-board/").json()
    assert [row["id"] for row in board["incidents"]] == [plain.pk]


def test_list_filters_and_a_bounded_number_of_queries(net: Net, django_assert_max_num_queries: Any) -> None:
    for n in range(5):
        record(net, title=f"事件{n}", severity=3 if n % 2 else 4)
    c = client(net.duty_officer)
    with django_assert_max_num_queries(8):
        assert len(ids(c.get(URL))) == 5
    assert len(ids(c.get(URL, {"severity": 3}))) == 2
    assert len(ids(c.get(URL, {"state": "closed"}))) == 0
    assert len(ids(c.get(URL, {"incident_class": "accident", "occurred_from": "2026-12-01",
                               "occurred_to": "2026-12-01"}))) == 5
    assert len(ids(c.get(URL, {"occurred_to": "2026-11-30"}))) == 0
    bad = c.get(URL, {"severity": 9, "subtype": "x", "occurred_from": "昨天"})
    assert bad.status_code == 400 and set(bad.json()) == {"severity", "subtype", "occurred_from"}
    empty = c.get(URL, {"state": ""})
    assert empty.status_code == 400 and set(empty.json()) == {"state"}


def test_detail_shows_facts_units_clocks_reports_phone_calls_and_history(net: Net) -> None:
    desk = city_desk(net)
    incident = record(net, occurred_at=at(2026, 12, 1, 9, 30))
    services.phone_report_record(actor=net.duty_officer, desk=desk, unit=net.county, caller="刘某",
                                 received_at=at(2026, 12, 1, 9, 40), content="透水。", incident=incident)
    services.report_file(actor=net.reporter, incident=incident, kind=ReportKind.FIRST, title="首报", body="情况。")
    data = client(net.duty_officer).get(f"{URL}{incident.pk}/").json()
    assert data["units"] == [{"id": net.county.pk, "name": net.county.name}]
    assert data["deaths"] == 3 and data["loss"] == "0.00" and data["source"] == "phone"
    clocks = {(d["unit"], d["desk"], d["channel"]): d for d in data["deadlines"]}
    phone = clocks[(net.county.pk, desk.pk, "phone")]
    assert phone["met"] and not phone["late"] and phone["met_by"] == "电话报告" and phone["colour"] == "green"
    assert phone["remaining_seconds"] is None
    upward = clocks[(net.city.pk, Desk.objects.get(unit=net.province).pk, "written")]
    assert not upward["met"] and upward["remaining_seconds"] > 0
    [report] = data["reports"]
    assert report["label"] == "首报" and report["submitted"] and report["item"] == incident.reports.get().item_id
    assert [p["caller"] for p in data["phone_reports"]] == ["刘某"]
    assert [h["action"] for h in data["history"]][:3] == ["record", "phone", "report_filed"]
    assert set(data["allowed_actions"]) == {"correct", "add_unit", "phone_report"}
    # The unit sees its own clocks only, and may report.
    unit_view = client(net.reporter).get(f"{URL}{incident.pk}/").json()
    assert {d["unit"] for d in unit_view["deadlines"]} == {net.county.pk}
    assert unit_view["allowed_actions"] == ["report"]


# --- writes ---


def test_the_duty_officer_records_and_a_reporter_cannot(net: Net) -> None:
    created = client(net.duty_officer).post(URL, body(units=[net.county.pk]), format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["severity"] == 3 and data["state"] == "open" and data["version"] == 1
    written = [d for d in data["deadlines"] if d["channel"] == "written" and d["unit"] == net.county.pk]
    assert written and written[0]["due_at"].startswith("2026-12-01T")
    for persona in ("reporter", "approver", "leader"):
        refused = client(net.users[persona]).post(URL, body(units=[net.county.pk]), format="json")
        assert refused.status_code == 403, persona
    assert client(net.outsider).post(URL, body(units=[net.county.pk]), format="json").status_code == 403


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"occurred_at": "2026-12-02T08:00:00+08:00"}, "不能晚于现在"),
        ({"incident_class": "natural", "subtype": "mine"}, "事件类型与事件类别不符"),
        ({"summary": "很" * 5001}, "基本情况不能超过 5000 字"),
        ({"title": "长" * 201}, "事件名称不能超过 200 字"),
        ({"classification": 3}, "密级不能高于您的涉密等级"),
    ],
)
def test_bad_facts_are_refused_with_a_chinese_reason_and_nothing_is_recorded(
    net: Net, overrides: dict[str, Any], message: str
) -> None:
    response = client(net.duty_officer).post(URL, body(units=[net.county.pk], **overrides), format="json")
    assert response.status_code == 409 and message in response.json()["detail"]
    assert not client(net.duty_officer).get(URL).json()["results"]


def test_schema_mismatches_are_400(net: Net) -> None:
    c = client(net.duty_officer)
    wrong = c.post(URL, body(units=[net.county.pk], severity=7, occurred_at="yesterday", place=""), format="json")
    assert wrong.status_code == 400 and set(wrong.json()) == {"severity", "occurred_at", "place"}
    typed = c.post(URL, body(units=[net.county.pk], deaths="3", loss=1), format="json")
    assert typed.status_code == 400 and set(typed.json()) == {"deaths", "loss"}
    assert c.post(URL, body(units=[net.other_county.pk]), format="json").status_code == 409  # invisible unit


def test_html_in_a_title_is_stored_and_returned_as_text(net: Net) -> None:
    title = "<script>alert(1)</script>东城镇<b>火灾</b>"
    created = client(net.duty_officer).post(URL, body(units=[net.county.pk], title=title), format="json")
    assert created.status_code == 201
    assert client(net.reporter).get(f"{URL}{created.json()['id']}/").json()["title"] == title


def test_correct_recomputes_and_a_stale_version_is_409(net: Net) -> None:
    incident = record(net, occurred_at=at(2026, 12, 1, 9, 0), severity=4)
    c = client(net.duty_officer)
    done = c.post(f"{URL}{incident.pk}/correct/", {"severity": 2, "reason": "死亡人数上升", "version": 1},
                  format="json")
    assert done.status_code == 200 and done.json()["severity"] == 2 and done.json()["version"] == 2
    assert done.json()["history"][-1]["action"] == "correct"
    stale = c.post(f"{URL}{incident.pk}/correct/", {"severity": 1, "reason": "再改", "version": 1}, format="json")
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]
    incident.refresh_from_db()
    assert incident.severity == 2
    assert client(net.leader).post(f"{URL}{incident.pk}/correct/", {"severity": 1, "reason": "x", "version": 2},
                                   format="json").status_code == 403
    assert client(net.reporter).post(f"{URL}{incident.pk}/correct/", {"severity": 1, "reason": "x", "version": 2},
                                     format="json").status_code == 403


def test_add_unit_and_phone_reports(net: Net) -> None:
    incident = record(net)
    c = client(net.duty_officer)
    added = c.post(f"{URL}{incident.pk}/add-unit/", {"unit": net.town.pk}, format="json")
    assert added.status_code == 200 and {u["id"] for u in added.json()["units"]} == {net.county.pk, net.town.pk}
    again = c.post(f"{URL}{incident.pk}/add-unit/", {"unit": net.town.pk}, format="json")
    assert again.status_code == 409 and "已是责任单位" in again.json()["detail"]
    call = {"unit": net.county.pk, "caller": "县委值班室 刘某", "received_at": "2026-12-01T09:50:00+08:00",
            "content": "已组织救援。"}
    phone = c.post(f"{URL}{incident.pk}/phone-reports/", call, format="json")
    assert phone.status_code == 201 and phone.json()["incident"] == incident.pk
    assert Deadline.objects.get(incident=incident, unit=net.county, desk=city_desk(net),
                                channel=Channel.PHONE).met_at == at(2026, 12, 1, 9, 50)
    future = c.post(f"{URL}{incident.pk}/phone-reports/", {**call, "received_at": "2026-12-01T12:00:00+08:00"},
                    format="json")
    assert future.status_code == 409 and "接报时间不能晚于现在" in future.json()["detail"]
    assert client(net.reporter).post(f"{URL}{incident.pk}/phone-reports/", call, format="json").status_code == 403


def test_a_phone_call_can_open_a_new_incident(net: Net) -> None:
    call = {"unit": net.county.pk, "caller": "刘某", "received_at": "2026-12-01T09:30:00+08:00",
            "content": "镇上仓库起火。",
            "incident": {**body(title="东城镇仓库火灾", subtype="fire"), "occurred_at": "2026-12-01T09:10:00+08:00"}}
    call["incident"].pop("units")
    response = client(net.duty_officer).post("/api/v1/phone-reports/", call, format="json")
    assert response.status_code == 201, response.content
    incident = client(net.duty_officer).get(f"{URL}{response.json()['incident']}/").json()
    assert incident["title"] == "东城镇仓库火灾" and incident["source"] == "phone"
    assert client(net.reporter).post("/api/v1/phone-reports/", call, format="json").status_code == 403
    wrong = client(net.duty_officer).post("/api/v1/phone-reports/", {**call, "incident": "火灾"}, format="json")
    assert wrong.status_code == 400


# --- written reports ---


def report(c: APIClient, incident: Any, kind: str, key: str | None = None, **extra: Any) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    data = {"kind": kind, "title": f"红星煤矿透水事故{kind}", "body": "情况。", **extra}
    return c.post(f"{URL}{incident.pk}/reports/", data, format="json", **headers)


def test_reports_in_order_and_a_follow_up_without_a_first_is_refused(net: Net) -> None:
    incident = record(net)
    c = client(net.reporter)
    early = report(c, incident, "followup")
    assert early.status_code == 409 and "请先报送首报" in early.json()["detail"]
    first = report(c, incident, "first")
    assert first.status_code == 201 and first.json()["label"] == "首报" and first.json()["submitted"]
    assert report(c, incident, "followup").json()["label"] == "续报一"
    assert report(c, incident, "followup").json()["label"] == "续报二"
    assert report(c, incident, "first").status_code == 409
    labels = [r["label"] for r in client(net.duty_officer).get(f"{URL}{incident.pk}/").json()["reports"]]
    assert labels == ["首报", "续报一", "续报二"]
    for persona in ("duty_officer", "outsider"):
        assert report(client(net.users[persona]), incident, "pre").status_code in (403, 404)


def test_a_final_report_by_a_reporter_waits_for_sign_off(net: Net) -> None:
    incident = record(net)
    c = client(net.reporter)
    report(c, incident, "first")
    final = report(c, incident, "final")
    assert final.status_code == 201
    assert final.json()["submitted"] is False and final.json()["item_state"] == ItemState.PENDING_SIGNOFF
    data = client(net.duty_officer).get(f"{URL}{incident.pk}/").json()
    assert data["state"] == "open" and [r["label"] for r in data["reports"]] == ["首报"]  # the draft stays home
    assert [r["label"] for r in c.get(f"{URL}{incident.pk}/").json()["reports"]] == ["首报", "终报"]


def test_a_final_report_by_the_approver_goes_out_signed_and_closes(net: Net) -> None:
    incident = record(net)
    report(client(net.reporter), incident, "first")
    final = report(client(net.approver), incident, "final")
    assert final.status_code == 201 and final.json()["submitted"] and final.json()["signed_off_by_name"] == "李签发"
    assert client(net.duty_officer).get(f"{URL}{incident.pk}/").json()["state"] == "closed"


def test_a_repeated_idempotency_key_returns_the_same_report(net: Net) -> None:
    incident = record(net)
    c = client(net.reporter)
    first = report(c, incident, "first", key="k-1")
    again = report(c, incident, "first", key="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    follow = report(c, incident, "followup", key="k-2")
    assert report(c, incident, "followup", key="k-2").json()["id"] == follow.json()["id"]
    assert IncidentReport.objects.filter(incident=incident).count() == 2
    # The pending final too: a retry does not file a second one.
    final = report(c, incident, "final", key="k-3")
    assert report(c, incident, "final", key="k-3").json()["id"] == final.json()["id"]
    other = record(net, title="另一事件")
    reused = report(c, other, "first", key="k-1")
    assert reused.status_code == 409 and "Idempotency-Key" in reused.json()
    assert report(c, other, "first", key="k" * 81).status_code == 400


def test_huge_report_text_is_refused_in_chinese(net: Net) -> None:
    incident = record(net)
    response = report(client(net.reporter), incident, "first", body="字" * 20001)
    assert response.status_code == 409 and "正文不能超过 20000 个字" in response.json()["detail"]
    assert not IncidentReport.objects.filter(incident=incident).exists()


# --- the board ---


def test_the_board_shows_running_clocks_and_who_has_reported(net: Net) -> None:
    incident = record(net, occurred_at=at(2026, 12, 1, 9, 30))
    c = client(net.duty_officer)
    with time_machine.travel(at(2026, 12, 1, 9, 50), tick=False):
        board = c.get("/api/v1/urgent-board/").json()
    [row] = board["incidents"]
    phone = next(d for d in row["deadlines"] if d["channel"] == "phone" and d["unit"] == net.county.pk)
    assert phone["remaining_seconds"] == 600 and phone["colour"] == "amber"  # due 10:00
    assert row["units"] == [{"unit": net.county.pk, "unit_name": net.county.name, "phone_met_at": None,
                             "written_met_at": None, "reported": False, "last_report": ""}]
    assert row["next_followup"] is None
    with time_machine.travel(at(2026, 12, 1, 10, 20), tick=False):
        later = c.get("/api/v1/urgent-board/").json()["incidents"][0]
        services.report_file(actor=net.reporter, incident=incident, kind=ReportKind.FIRST, title="首报",
                             body="情况。")
        after = c.get("/api/v1/urgent-board/").json()["incidents"][0]
    phone = next(d for d in later["deadlines"] if d["channel"] == "phone" and d["unit"] == net.county.pk)
    assert phone["colour"] == "red" and phone["remaining_seconds"] == -1200 and phone["late_minutes"] == 20
    assert after["units"][0]["reported"] and after["units"][0]["last_report"] == "首报"
    assert after["next_followup"]["due_at"].startswith("2026-12-01T17:00")


def test_the_board_and_the_detail_take_a_bounded_number_of_queries(
    net: Net, django_assert_max_num_queries: Any
) -> None:
    made = [record(net, title=f"事件{n}", units=[net.county, net.town]) for n in range(6)]
    for incident in made:
        services.report_file(actor=net.reporter, incident=incident, kind=ReportKind.FIRST, title="首报",
                             body="情况。")
    c = client(net.duty_officer)
    with django_assert_max_num_queries(12):
        board = c.get("/api/v1/urgent-board/").json()
    assert len(board["incidents"]) == 6 and not board["truncated"]
    with django_assert_max_num_queries(20):
        assert c.get(f"{URL}{made[0].pk}/").status_code == 200


@pytest.mark.parametrize("persona", ["reporter", "approver", "admin", "outsider", "no_clearance"])
def test_the_board_is_for_desk_staff(net: Net, persona: str) -> None:
    assert client(net.users[persona]).get("/api/v1/urgent-board/").status_code == 403


# --- settings ---

SETTINGS = {
    "limits": [{"severity": 2, "channel": "phone", "minutes": 30},
               {"severity": 2, "channel": "written", "minutes": 60}],
    "warn_before": "30,10", "escalate_after": 30, "followup_times": "08:00,17:00",
    "followup_max_severity": 3, "receive_max_severity": 4, "both_offices_max_severity": 3,
}


def test_settings_read_by_the_desk_and_changed_by_its_chief(net: Net) -> None:
    url = "/api/v1/urgent-settings/"
    for persona in ("duty_officer", "editor", "leader", "desk_chief"):
        data = client(net.users[persona]).get(url).json()
        assert data["desk"] == city_desk(net).pk and data["can_edit"] == (persona == "desk_chief")
    saved = client(net.desk_chief).put(url, {**SETTINGS, "warn_before": "10，45"}, format="json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["warn_before"] == "45,10" and len(saved.json()["limits"]) == 2
    effective = {(r["severity"], r["channel"]): r["minutes"] for r in saved.json()["effective"]}
    assert effective[(2, "written")] == 60
    for persona in ("duty_officer", "editor"):
        assert client(net.users[persona]).put(url, SETTINGS, format="json").status_code == 403
    for persona in ("reporter", "outsider"):
        assert client(net.users[persona]).get(url).status_code == 403
    bad = client(net.desk_chief).put(url, {**SETTINGS, "followup_times": "8点"}, format="json")
    assert bad.status_code == 409 and "续报时点" in bad.json()["detail"]
    shorter = {**SETTINGS, "limits": [{"severity": 2, "channel": "phone", "minutes": 90},
                                      {"severity": 2, "channel": "written", "minutes": 60}]}
    assert client(net.desk_chief).put(url, shorter, format="json").status_code == 409
    other = Desk.objects.get(unit=net.other_city).pk
    assert client(net.desk_chief).get(url, {"desk": other}).status_code == 404
    assert client(net.admin).get(url, {"desk": other}).status_code == 200
    assert client(net.admin).put(f"{url}?desk={other}", SETTINGS, format="json").status_code == 200
    assert client(net.admin).get(url).status_code == 400
