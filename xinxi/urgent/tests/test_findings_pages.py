"""Findings pages and API: access with every persona, the chief's decision, recording, the circular, stats."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import load_workbook
from rest_framework.test import APIClient

from xinxi.accounts.models import Role
from xinxi.network.testing import make_user
from xinxi.scoring.models import ScoreEntry
from xinxi.scoring.tests.factories import points
from xinxi.urgent import services_findings
from xinxi.urgent.models import Finding, FindingEvidence, FindingKind, FindingState
from xinxi.urgent.tests.helpers import city_desk, record
from xinxi.urgent.tests.helpers_findings import city_rules, proposed_late

PERSONAS = ["reporter", "approver", "editor", "desk_chief", "duty_officer", "leader", "admin", "outsider",
            "no_clearance"]
# Who reads a proposed finding of the city desk: the desk's staff only.
SEES_PROPOSED = {"editor", "desk_chief", "duty_officer", "leader"}
# Once decided, the county's own reporters and approvers see it too (no_clearance: 内部 is above 公开).
SEES_DECIDED = SEES_PROPOSED | {"reporter", "approver"}


def _api(net, persona):
    client = APIClient()
    client.force_authenticate(net.users[persona])
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_a_proposed_finding(net, client_for, persona):
    finding = proposed_late(net)
    expected = 200 if persona in SEES_PROPOSED else 404
    assert client_for(persona).get(f"/urgent/findings/{finding.pk}/").status_code == expected
    assert _api(net, persona).get(f"/api/v1/urgent/findings/{finding.pk}/").status_code == expected
    listed = client_for(persona).get("/urgent/findings/")
    assert listed.status_code == 200
    assert (f"/urgent/findings/{finding.pk}/" in listed.content.decode()) == (persona in SEES_PROPOSED)


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_a_decided_finding_and_its_circular(net, client_for, persona):
    city_rules(net)
    finding = proposed_late(net)
    services_findings.finding_confirm(actor=net.desk_chief, finding=finding, version=1, reason="属实")
    expected = 200 if persona in SEES_DECIDED else 404
    client = client_for(persona)
    assert client.get(f"/urgent/findings/{finding.pk}/").status_code == expected
    assert client.get(f"/urgent/findings/{finding.pk}/circular.docx").status_code == expected
    assert _api(net, persona).get(f"/api/v1/urgent/findings/{finding.pk}/circular/").status_code == expected
    record_page = client.get(f"/urgent/findings/units/{net.county.pk}/")
    if persona in SEES_DECIDED:
        assert record_page.status_code == 200 and "东城镇煤矿透水事故" in record_page.content.decode()
    else:
        assert record_page.status_code == 404 or "东城镇煤矿透水事故" not in record_page.content.decode()


def test_the_chief_confirms_on_the_page_and_others_see_it_read_only(net, client_for):
    city_rules(net)
    finding = proposed_late(net)
    url = f"/urgent/findings/{finding.pk}/"
    assert 'id="confirm"' not in client_for("editor").get(url).content.decode()
    refused = client_for("editor").post(f"{url}confirm/", {"confirm-version": 1, "confirm-reason": "属实"})
    assert refused.status_code == 403
    chief = client_for("desk_chief")
    page = chief.get(url).content.decode()
    assert 'id="confirm"' in page and 'id="dismiss"' in page and "超时 40 分钟" in page
    empty = chief.post(f"{url}confirm/", {"confirm-version": 1, "confirm-reason": ""})
    assert empty.status_code == 400 and "请填写认定意见" in empty.content.decode()
    done = chief.post(f"{url}confirm/", {"confirm-version": 1, "confirm-reason": "书面报告超时，情况属实。"})
    assert done.status_code == 302
    page = chief.get(url).content.decode()
    assert "已认定" in page and 'id="download-circular"' in page and "-2.00 分" in page
    assert points(city_desk(net), net.county) == -2
    stale = chief.post(f"{url}dismiss/", {"dismiss-version": 1, "dismiss-reason": "再议"})
    assert stale.status_code == 409
    docx = chief.get(f"{url}circular.docx")
    assert docx.status_code == 200 and "attachment" in docx["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "关于东城县委办公室迟报东城镇煤矿透水事故的通报" in text


def test_another_desks_chief_gets_404(net):
    city_rules(net)
    finding = proposed_late(net)
    other = make_user("qs_chief", net.other_city, Role.DESK_CHIEF, Role.EDITOR, clearance=3)
    from django.test import Client

    client = Client()
    client.force_login(other)
    assert client.post(f"/urgent/findings/{finding.pk}/confirm/",
                       {"confirm-version": 1, "confirm-reason": "属实"}).status_code == 404
    api = APIClient()
    api.force_authenticate(other)
    assert api.post(f"/api/v1/urgent/findings/{finding.pk}/confirm/", {"version": 1, "reason": "属实"},
                    format="json").status_code == 404
    assert Finding.objects.get(pk=finding.pk).state == FindingState.PROPOSED and not ScoreEntry.objects.exists()


def test_the_api_decides_with_the_right_codes(net):
    finding = proposed_late(net)
    url = f"/api/v1/urgent/findings/{finding.pk}/"
    refused = _api(net, "editor").post(f"{url}confirm/", {"version": 1, "reason": "属实"}, format="json")
    assert refused.status_code == 403
    chief = _api(net, "desk_chief")
    assert chief.post(f"{url}dismiss/", {"version": 1}, format="json").status_code == 400
    # No rule set at the desk: scoring's message, 409, nothing changed.
    refused = chief.post(f"{url}confirm/", {"version": 1, "reason": "属实"}, format="json")
    assert refused.status_code == 409 and "扣分条目" in refused.json()["detail"]
    assert chief.get(f"{url}circular/").status_code == 409
    city_rules(net)
    done = chief.post(f"{url}confirm/", {"version": 1, "reason": "属实"}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "confirmed" and done.json()["points"] == "-2.00"
    assert chief.get(url).json()["actions"] == []
    assert chief.get("/api/v1/urgent/findings/", {"state": "nope"}).status_code == 400


def test_the_desk_records_a_missed_report_on_the_page_with_a_file(net, client_for):
    incident = record(net)
    url = f"/urgent/findings/record/{incident.pk}/"
    assert client_for("outsider").get(url).status_code == 404  # another city's: missing
    assert client_for("reporter").get(url).status_code == 403  # sees the incident, records nothing
    assert client_for("leader").get(url).status_code == 403
    officer = client_for("duty_officer")
    assert officer.get(url).status_code == 200
    bad = officer.post(url, {"unit": net.county.pk, "kind": "missed", "evidence": ""})
    assert bad.status_code == 400 and not Finding.objects.exists()
    png = SimpleUploadedFile("截图.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32, content_type="image/png")
    done = officer.post(url, {"unit": net.county.pk, "kind": "missed", "person": "县值班员",
                              "evidence": "9:05 临江日报客户端先行报道。", "evidence_files": [png]})
    finding = Finding.objects.get()
    assert done.status_code == 302 and finding.kind == FindingKind.MISSED
    file = FindingEvidence.objects.get()
    got = officer.get(f"/urgent/findings/{finding.pk}/files/{file.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"\x89PNG")
    api = _api(net, "editor").post("/api/v1/urgent/findings/", {"incident": incident.pk, "unit": net.county.pk,
                                                                "kind": "false", "evidence": "伤亡数字不实"},
                                   format="json")
    assert api.status_code == 201 and api.json()["kind"] == "false"


def test_the_list_puts_proposed_first_and_keeps_a_bounded_number_of_queries(net, client_for,
                                                                              django_assert_max_num_queries):
    city_rules(net)
    first = proposed_late(net)
    services_findings.finding_dismiss(actor=net.desk_chief, finding=first, version=1, reason="误报")
    for n in range(3):
        services_findings.finding_record(actor=net.editor, incident=record(net, title=f"事件{n}"), unit=net.county,
                                         kind=FindingKind.MISSED, evidence="先从媒体获知")
    chief = client_for("desk_chief")
    chief.get("/urgent/findings/")
    with django_assert_max_num_queries(14):
        page = chief.get("/urgent/findings/").content.decode()
    assert page.index("待认定") < page.index("不予认定")


def test_stats_page_chart_and_xlsx(net, client_for, django_assert_max_num_queries):
    city_rules(net)
    finding = proposed_late(net)
    services_findings.finding_confirm(actor=net.desk_chief, finding=finding, version=1, reason="属实")
    chief = client_for("desk_chief")
    with django_assert_max_num_queries(12):
        page = chief.get("/urgent/stats/", {"period": "2026-12"})
    html = page.content.decode()
    assert page.status_code == 200 and "东城县委办公室" in html and 'class="chart"' in html
    assert chief.get("/urgent/stats/", {"period": "2026-13"}).status_code == 400
    xlsx = chief.get("/urgent/stats/export.xlsx", {"period": "2026-12"})
    sheet = load_workbook(io.BytesIO(xlsx.content))["各单位"]
    rows = list(sheet.iter_rows(values_only=True))
    county = next(r for r in rows if r[0] == "东城县委办公室")
    # incidents, on time, late, late minutes (phone 130 + written 40), avg, missed, first-report avg, 迟报 confirmed
    assert county[1:9] == (1, 0, 2, 170, 85, 0, 160, 1)
    # Another city's chief sees nothing of it; the county's reporter sees their own row.
    other = client_for("outsider").get("/urgent/stats/", {"period": "2026-12"}).content.decode()
    assert "东城县委办公室" not in other
    mine = client_for("reporter").get("/urgent/stats/", {"period": "2026-12"}).content.decode()
    assert "东城县委办公室" in mine
    api = _api(net, "desk_chief").get("/api/v1/urgent/stats/", {"period": "2026-12"}).json()
    assert api["rows"][0]["late_minutes"] == 170 and api["total"]["findings_late"] == 1


def test_the_confirmed_penalty_shows_in_the_rankings(net, client_for):
    city_rules(net)
    finding = proposed_late(net)
    services_findings.finding_confirm(actor=net.desk_chief, finding=finding, version=1, reason="属实")
    ranking = _api(net, "desk_chief").get("/api/v1/rankings/", {"period": "2026-12"}).json()
    county = next(r for r in ranking["rows"] if r["unit"]["id"] == net.county.pk)
    assert county["points"] == "-2.00" and county["penalties"] == 1 and county["late"] >= 1
