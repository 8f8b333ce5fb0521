"""The commissions API: issuing, reading, answering with an item, declining; refusals by persona."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from xinxi.assignments.models import TargetStatus
from xinxi.assignments.tests.helpers_commissions import answer, commission, dept_reporter, target
from xinxi.items.tests.factories import draft, submitted

URL = "/api/v1/commissions/"


@pytest.fixture
def api(net):
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def test_the_desk_issues_and_reads_the_counts(net, api):
    response = api(net.editor).post(URL, {"topic": "冬季安全生产", "due_at": "2026-12-03T17:00:00+08:00",
                                          "units": [net.county.pk, net.city_dept.pk]}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["counts"] == {"total": 2, "pending": 2, "answered": 0, "late": 0, "missed": 0, "declined": 0}
    assert [t["unit"] for t in body["targets"]] == [net.county.pk, net.city_dept.pk]
    assert body["remind_hours"] == 24 and body["scored"] is True
    listed = api(net.leader).get(URL).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]] and listed[0]["counts"]["total"] == 2


def test_issuing_refuses_a_unit_outside_the_network_and_other_roles(net, api):
    data = {"topic": "x", "due_at": "2026-12-03T17:00:00+08:00", "units": [net.other_county.pk]}
    response = api(net.editor).post(URL, data, format="json")
    assert response.status_code == 409 and "不在本科室的信息网络中" in response.json()["detail"]
    data["units"] = [net.county.pk]
    assert api(net.duty_officer).post(URL, data, format="json").status_code == 403
    assert api(net.reporter).post(URL, data, format="json").status_code == 403


def test_a_target_unit_sees_only_its_row_and_answers_with_a_draft(net, api):
    c = commission(net, units=[net.county, net.city_dept])
    client = api(net.reporter)
    listed = client.get(URL).json()["results"]
    assert listed[0]["own_status"] == "pending" and listed[0]["counts"] is None
    detail = client.get(f"{URL}{c.pk}/").json()
    assert [t["unit"] for t in detail["targets"]] == [net.county.pk]
    item = draft(net.reporter)
    response = client.post(f"{URL}{c.pk}/answer/", {"item": item.pk}, format="json")
    assert response.status_code == 200 and response.json()["targets"][0]["item"] == item.pk
    assert target(c, net.county).status == TargetStatus.PENDING  # counts when submitted


def test_answering_with_a_sent_item_counts_at_once(net, api):
    c = commission(net)
    item = submitted(net.reporter)
    response = api(net.approver).post(f"{URL}{c.pk}/answer/", {"item": item.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["own_status"] == "answered"
    assert target(c, net.county).status == TargetStatus.ANSWERED


def test_answering_refusals(net, api):
    c = commission(net)
    dept = dept_reporter(net)
    # a unit the commission does not target does not see it
    assert api(dept).post(f"{URL}{c.pk}/answer/", {"item": draft(dept).pk}, format="json").status_code == 404
    assert api(net.outsider).get(f"{URL}{c.pk}/").status_code == 404
    # the desk's staff see it but do not answer
    assert api(net.editor).post(f"{URL}{c.pk}/answer/", {"item": 1}, format="json").status_code == 403
    # one item answers once
    other = commission(net)
    item = answer(net, other)
    response = api(net.reporter).post(f"{URL}{c.pk}/answer/", {"item": item.pk}, format="json")
    assert response.status_code == 409 and "一条信息只能答复一次" in response.json()["detail"]
    # another unit's item is missing
    response = api(net.reporter).post(f"{URL}{c.pk}/answer/", {"item": draft(net.outsider).pk}, format="json")
    assert response.status_code in (400, 409) and "信息不存在" in str(response.json())


def test_declining_and_what_the_desk_sees(net, api):
    c = commission(net, units=[net.county, net.city_dept])
    response = api(net.reporter).post(f"{URL}{c.pk}/decline/", {"reason": "本县无相关工作"}, format="json")
    assert response.status_code == 200 and response.json()["own_status"] == "declined"
    again = api(net.reporter).post(f"{URL}{c.pk}/decline/", {"reason": "再说一次"}, format="json")
    assert again.status_code == 409 and "已说明不能报送" in again.json()["detail"]
    rows = api(net.desk_chief).get(f"{URL}{c.pk}/targets/").json()
    county = next(r for r in rows if r["unit"] == net.county.pk)
    assert county["status"] == "declined" and county["declined_reason"] == "本县无相关工作"
