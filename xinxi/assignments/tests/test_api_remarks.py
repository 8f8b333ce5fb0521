"""The remarks and shares API: the same rules as the pages, exact answers for each persona."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from xinxi.assignments.models import Remark, Share, ShareRead
from xinxi.assignments.tests.helpers_remarks import city_entry, dept_user, remark, secret_entry, share


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_create_update_delete_a_remark(net):
    entry = city_entry(net)
    api = _api(net.editor)
    made = api.post("/api/v1/remarks/", {"entry": entry.pk, "text": "数据翔实。", "rating": "excellent",
                                         "tags": ["data", "timely"]}, format="json")
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["rating_label"], body["tags"], body["reporter_name"], body["unit_name"]) == (
        "优", ["timely", "data"], "张信息", "东城县委办公室")
    again = api.post("/api/v1/remarks/", {"entry": entry.pk, "text": "再来"}, format="json")
    assert again.status_code == 409 and "已有点评" in again.json()["detail"]
    url = f"/api/v1/remarks/{body['id']}/"
    assert api.patch(url, {"version": 9, "text": "x"}, format="json").status_code == 409
    changed = api.patch(url, {"version": 1, "rating": "fair"}, format="json")
    assert changed.status_code == 200 and changed.json()["text"] == "数据翔实。" and changed.json()["rating"] == "fair"
    assert _api(net.duty_officer).delete(url).status_code == 403
    assert _api(net.reporter).delete(url).status_code == 403  # the sender sees it, may not withdraw it
    assert _api(net.outsider).delete(url).status_code == 404
    assert api.delete(url).status_code == 204
    assert not Remark.objects.exists()


def test_bad_remark_bodies(net):
    entry = city_entry(net)
    api = _api(net.editor)
    assert api.post("/api/v1/remarks/", {"entry": entry.pk, "text": "x", "rating": "great"},
                    format="json").status_code == 400
    assert api.post("/api/v1/remarks/", {"entry": entry.pk, "text": 5}, format="json").status_code == 400
    assert api.post("/api/v1/remarks/", {"entry": 999999, "text": "x"}, format="json").status_code == 409
    assert _api(net.leader).post("/api/v1/remarks/", {"entry": entry.pk, "text": "x"}, format="json").status_code == 403


@pytest.mark.parametrize(("persona", "sees"), [("reporter", True), ("approver", True), ("editor", True),
                                               ("duty_officer", True), ("outsider", False), ("admin", False),
                                               ("no_clearance", True)])
def test_who_sees_a_remark(net, persona, sees):
    r = remark(net)
    api = _api(net.users[persona])
    assert api.get(f"/api/v1/remarks/{r.pk}/").status_code == (200 if sees else 404)
    assert api.get("/api/v1/remarks/").json()["count"] == (1 if sees else 0)


def test_counts_endpoint(net):
    remark(net, rating="excellent")
    remark(net, rating="good")
    data = _api(net.desk_chief).get("/api/v1/remarks/counts/?period=2026-12").json()
    assert data["period"]["kind"] == "month"
    assert data["rows"] == [{"reporter_id": net.reporter.pk, "reporter": "张信息", "unit": "东城县委办公室",
                             "total": 2, "excellent": 1, "good": 1, "fair": 0, "poor": 0, "unrated": 0}]
    assert _api(net.desk_chief).get("/api/v1/remarks/counts/?period=").status_code == 400
    assert _api(net.desk_chief).get("/api/v1/remarks/counts/?period=2026-13").status_code == 400
    assert _api(net.reporter).get("/api/v1/remarks/counts/").status_code == 403


def test_share_api_create_read_and_reads(net):
    dept = dept_user(net)
    entry = city_entry(net)
    api = _api(net.editor)
    made = api.post("/api/v1/shares/", {"entry": entry.pk, "units": [net.city_dept.pk], "note": "参考"},
                    format="json")
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    assert made.json()["origin_unit_name"] == "东城县委办公室"
    mine = _api(dept)
    listed = mine.get("/api/v1/shares/?box=received").json()
    assert listed["count"] == 1 and listed["results"][0]["read"] is False
    detail = mine.get(f"/api/v1/shares/{pk}/").json()
    assert detail["recipients"] == [] and detail["reads"] == [] and detail["body"] == entry.body
    assert mine.post(f"/api/v1/shares/{pk}/read/").json()["read"] is True
    mine.post(f"/api/v1/shares/{pk}/read/")
    assert ShareRead.objects.count() == 1
    sharer = api.get(f"/api/v1/shares/{pk}/").json()
    assert [r["user_name"] for r in sharer["reads"]] == ["dept_reporter用户"]
    assert sharer["recipients"] == [{"unit": net.city_dept.pk, "unit_name": "临江市应急管理局"}]
    assert api.get("/api/v1/shares/?box=sent").json()["count"] == 1
    assert api.get("/api/v1/shares/?box=received").json()["count"] == 0
    for persona in ("outsider", "reporter", "admin"):
        assert _api(net.users[persona]).get(f"/api/v1/shares/{pk}/").status_code == 404
        assert _api(net.users[persona]).post(f"/api/v1/shares/{pk}/read/").status_code == 404


def test_share_api_refusals(net):
    dept_user(net)
    entry = city_entry(net)
    api = _api(net.editor)
    outside = api.post("/api/v1/shares/", {"entry": entry.pk, "units": [net.other_county.pk]}, format="json")
    assert outside.status_code == 409 and "可共享范围" in str(outside.json())
    assert api.post("/api/v1/shares/", {"entry": entry.pk, "units": []}, format="json").status_code == 400
    secret = api.post("/api/v1/shares/", {"entry": secret_entry(net).pk, "units": [net.city_dept.pk]}, format="json")
    assert secret.status_code == 409 and "没有可阅读该密级的人员" in secret.json()["detail"]
    assert _api(net.duty_officer).post("/api/v1/shares/", {"entry": entry.pk, "units": [net.city_dept.pk]},
                                       format="json").status_code == 403
    assert not Share.objects.exists()
    assert share(net).pk


def test_a_remark_on_a_secret_item_is_hidden_below_clearance(net):
    r = remark(net, entry=secret_entry(net))
    assert _api(net.duty_officer).get(f"/api/v1/remarks/{r.pk}/").status_code == 404  # 内部
    assert _api(net.editor).get(f"/api/v1/remarks/{r.pk}/").status_code == 200  # 秘密
    assert _api(net.reporter).get("/api/v1/remarks/").json()["count"] == 0  # same unit, 内部
