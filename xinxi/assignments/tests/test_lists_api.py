"""The API of supervision lists and sentiment reports: the same rules as the pages."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from xinxi.assignments.models import RowState, SentimentReport, SupervisionRow
from xinxi.assignments.tests.helpers_lists import sent_list
from xinxi.assignments.tests.test_lists import GOOD, xlsx_from_template
from xinxi.assignments.tests.test_sentiment import sentiment_entries
from xinxi.network.testing import Net


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_schema_lists_the_operations(net: Net) -> None:
    client = APIClient()
    client.force_login(net.editor)
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    for path in ("/api/v1/supervision-lists/", "/api/v1/supervision-lists/{id}/upload/",
                 "/api/v1/supervision-rows/{id}/route/", "/api/v1/sentiment-reports/"):
        assert path in schema["paths"]


def test_lifecycle_over_the_api(net: Net) -> None:
    reporter = api(net.reporter)
    made = reporter.post("/api/v1/supervision-lists/", {"month": "2026-12"}, format="json")
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    assert reporter.post("/api/v1/supervision-lists/", {"month": "2026-12"}, format="json").status_code == 409
    assert reporter.post("/api/v1/supervision-lists/", {"month": "2026-13"}, format="json").status_code == 400
    row = reporter.post(f"/api/v1/supervision-lists/{pk}/rows/", {
        "kind": "media", "source": "临江日报", "date": "2026-11-30", "summary": "报道路灯不亮",
        "concerned": "东城县城市管理局"}, format="json")
    assert row.status_code == 201, row.json()
    future = reporter.post(f"/api/v1/supervision-lists/{pk}/rows/", {
        "kind": "media", "source": "临江日报", "date": "2027-11-30", "summary": "x", "concerned": "y"}, format="json")
    assert future.status_code == 409 and "日期不能晚于今天" in future.json()["detail"]
    upload = reporter.post(f"/api/v1/supervision-lists/{pk}/upload/",
                           {"file": SimpleUploadedFile("a.xlsx", xlsx_from_template([GOOD]))}, format="multipart")
    assert upload.status_code == 201 and upload.json()["imported"] == 1
    bad = xlsx_from_template([GOOD, ["投诉", "", "", "", "", ""]])
    refused = reporter.post(f"/api/v1/supervision-lists/{pk}/upload/",
                            {"file": SimpleUploadedFile("a.xlsx", bad)}, format="multipart")
    assert refused.status_code == 400 and "第 3 行“类型”" in " ".join(refused.json()["file"])
    junk = reporter.post(f"/api/v1/supervision-lists/{pk}/upload/",
                         {"file": io.BytesIO(b"\xff\xfe junk")}, format="multipart")
    assert junk.status_code == 400 and "不是有效的清单文件" in junk.json()["file"][0]
    assert SupervisionRow.objects.count() == 2
    editor = api(net.editor)
    assert editor.get(f"/api/v1/supervision-lists/{pk}/").status_code == 404  # a draft
    assert editor.post(f"/api/v1/supervision-lists/{pk}/send/").status_code == 404
    sent = reporter.post(f"/api/v1/supervision-lists/{pk}/send/")
    assert sent.status_code == 200 and sent.json()["state"] == "sent"
    assert editor.post(f"/api/v1/supervision-lists/{pk}/rows/", {}, format="json").status_code == 400
    row_id = row.json()["id"]
    assert api(net.duty_officer).post(f"/api/v1/supervision-rows/{row_id}/route/", {"unit": net.county.pk},
                                      format="json").status_code == 403
    assert editor.post(f"/api/v1/supervision-rows/{row_id}/route/", {"unit": net.other_county.pk},
                       format="json").status_code == 409
    routed = editor.post(f"/api/v1/supervision-rows/{row_id}/route/", {"unit": net.county.pk, "note": "请处理"},
                         format="json")
    assert routed.status_code == 200 and routed.json()["due_on"] == "2026-12-16"
    assert api(net.outsider).post(f"/api/v1/supervision-rows/{row_id}/reply/", {"result": "x"},
                                  format="json").status_code == 404
    replied = reporter.post(f"/api/v1/supervision-rows/{row_id}/reply/", {"result": "已修复"}, format="json")
    assert replied.status_code == 200 and replied.json()["state"] == RowState.REPLIED
    assert reporter.get(f"/api/v1/supervision-lists/{pk}/").json()["rows"][0]["result"] == "已修复"


def test_overview_over_the_api(net: Net) -> None:
    sent_list(net.reporter)
    answer = api(net.editor).get("/api/v1/supervision-lists/overview/", {"month": "2026-12"})
    assert answer.status_code == 200
    body = answer.json()
    assert {m["name"] for m in body["missing"]} == {"东城镇", "临江市应急管理局"} and body["unrouted"] == 2
    assert api(net.reporter).get("/api/v1/supervision-lists/overview/").status_code == 403
    assert api(net.editor).get("/api/v1/supervision-lists/overview/", {"month": ""}).status_code == 400


def test_sentiment_over_the_api(net: Net) -> None:
    entries = sentiment_entries(net)
    editor = api(net.editor)
    answer = editor.post("/api/v1/sentiment-reports/", {
        "year": 2026, "quarter": 4, "entries": [e.pk for e in entries], "title": "第四季度社情民意综合",
        "body": "综合正文"}, format="json")
    assert answer.status_code == 201, answer.json()
    assert {s["unit"] for s in answer.json()["sources"]} == {"东城县委办公室", "临江市应急管理局"}
    assert SentimentReport.objects.get().quarter == 4
    assert editor.get("/api/v1/sentiment-reports/").json()["count"] == 1
    assert api(net.reporter).get("/api/v1/sentiment-reports/").json()["count"] == 0
    again = editor.post("/api/v1/sentiment-reports/", {
        "year": 2026, "quarter": 3, "entries": [e.pk for e in entries], "title": "x", "body": "y"}, format="json")
    assert again.status_code == 409
