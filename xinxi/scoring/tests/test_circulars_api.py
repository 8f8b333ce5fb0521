"""The circulars API: generate, edit with a version, the workflow, reading, downloads, filters, the schema."""

from __future__ import annotations

import io

from docx import Document
from openpyxl import load_workbook
from rest_framework.test import APIClient

from xinxi.scoring.models import CircularState
from xinxi.scoring.tests.circular_factories import draft, issued, scored


def api(net, persona: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(net.users[persona])
    return client


def test_a_monthly_circular_through_the_api(net):
    scored(net)
    editor, chief = api(net, "editor"), api(net, "desk_chief")
    made = editor.post("/api/v1/circulars/", {"desk": net.city.desk.pk, "period_kind": "month",
                                              "start": "2026-12-01"}, format="json")
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["state"] == "draft" and body["doc_number"] == "" and body["actions"] == ["submit"]
    assert body["figures"]["zero"] and body["paragraphs"][0].startswith("现将2026年12月")
    url = f"/api/v1/circulars/{body['id']}/"
    edited = editor.patch(url, {"version": body["version"], "title": "十二月通报", "body": "一。\n二。"}, format="json")
    assert edited.status_code == 200 and edited.json()["paragraphs"] == ["一。", "二。"]
    stale = editor.patch(url, {"version": body["version"], "title": "旧", "body": "旧"}, format="json")
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]
    assert editor.post(url + "submit/", {}, format="json").json()["state"] == "pending"
    assert editor.post(url + "sign/").status_code == 403
    signed = chief.post(url + "sign/").json()
    assert signed["doc_number"] == "信通〔2026〕1号" and signed["actions"] == ["issue"]
    assert chief.post(url + "issue/").json()["state"] == CircularState.ISSUED
    again = chief.post(url + "issue/")
    assert again.status_code == 409 and again.json()["detail"] == "该通报已经印发。"


def test_the_network_reads_and_downloads(net):
    scored(net)
    circular = issued(net)
    reporter = api(net, "reporter")
    listed = reporter.get("/api/v1/circulars/").json()["results"]
    assert [row["id"] for row in listed] == [circular.pk] and listed[0]["read_by_me"] is False
    detail = reporter.get(f"/api/v1/circulars/{circular.pk}/").json()
    assert detail["history"] == [] and detail["read_count"] is None and detail["actions"] == []
    assert reporter.post(f"/api/v1/circulars/{circular.pk}/read/").status_code == 204
    assert reporter.get("/api/v1/circulars/").json()["results"][0]["read_by_me"] is True
    reads = api(net, "leader").get(f"/api/v1/circulars/{circular.pk}/reads/").json()
    assert [(r["user_name"], r["times"]) for r in reads] == [(net.reporter.full_name, 1)]
    assert reporter.get(f"/api/v1/circulars/{circular.pk}/reads/").status_code == 403
    docx = reporter.get(f"/api/v1/circulars/{circular.pk}/export/docx/")
    assert docx.status_code == 200
    assert docx["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert Document(io.BytesIO(docx.content)).paragraphs[1].text == "信通〔2026〕1号"
    xlsx = reporter.get(f"/api/v1/circulars/{circular.pk}/export/xlsx/", HTTP_ACCEPT="application/json")
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "通报"
    assert api(net, "outsider").get(f"/api/v1/circulars/{circular.pk}/").status_code == 404


def test_bad_input_names_the_field(net):
    editor = api(net, "editor")
    wrong = editor.post("/api/v1/circulars/", {"desk": net.other_city.desk.pk, "period_kind": "week",
                                               "start": "2026-12-02"}, format="json").json()
    assert set(wrong) == {"desk", "period_kind"} and wrong["desk"] == ["信息科室不存在。"]
    refused = editor.post("/api/v1/circulars/", {"desk": net.city.desk.pk, "period_kind": "month",
                                                 "start": "2026-12-02"}, format="json")
    assert refused.status_code == 409 and refused.json()["detail"] == "周期应从某月1日开始。"
    bad_state = editor.get("/api/v1/circulars/?state=done")
    assert bad_state.status_code == 400 and set(bad_state.json()) == {"state"}
    assert editor.get("/api/v1/circulars/?state=").status_code == 400


def test_filters_narrow_the_list(net):
    draft(net)
    editor = api(net, "editor")
    assert len(editor.get("/api/v1/circulars/?state=draft").json()["results"]) == 1
    assert editor.get("/api/v1/circulars/?state=issued").json()["results"] == []
    assert editor.get("/api/v1/circulars/?period_kind=year").json()["results"] == []
