"""考评 API: proposals, the confirmation, validated parameters, the exports."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook
from rest_framework.test import APIClient

from xinxi.audit.models import AuditEvent
from xinxi.network.models import DirectPoint
from xinxi.scoring.models import Appraisal
from xinxi.scoring.tests.factories_appraisal import city_points, score
from xinxi.scoring.tests.test_appraisal import _items


@pytest.fixture
def points(net):
    made = city_points(net, 3)
    score(net, made[0].unit, 30)
    score(net, made[1].unit, 30)
    score(net, made[2].unit, "11.99")
    return made


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _url(net, tail=""):
    return f"/api/v1/appraisal/{net.city.desk.pk}/{tail}"


def test_proposals_with_their_figures(net, points):
    body = _api(net.editor).get(_url(net), {"year": 2026, "top": 1, "threshold": 12}).json()
    assert (body["year"], body["top"], body["threshold"], body["size"]) == (2026, 1, "12.00", 10)
    rows = [(r["unit_name"], r["points"], r["rank"], r["proposal"]) for r in body["points"]]
    assert rows == [("南湖街道", "30.00", 1, "commend"), ("北湖街道", "30.00", 1, "commend"),
                    ("西湖街道", "11.99", 3, "revoke")]  # a tie at the first place: both commended
    assert body["commend"] == [points[0].pk, points[1].pk] and body["revoke"] == [points[2].pk]
    assert body["confirmed"] is None
    assert (body["period_start"], body["period_end"]) == ("2025-01-01", "2026-12-31")


def test_items_titles_are_hidden_above_clearance(net, points):
    _items(net)
    titles = [r["title"] for r in _api(net.duty_officer).get(_url(net), {"year": 2026}).json()["excellent_items"]]
    assert "（涉密信息）" in titles and "东城县秘密事项" not in titles
    titles = [r["title"] for r in _api(net.editor).get(_url(net), {"year": 2026}).json()["excellent_items"]]
    assert "东城县秘密事项" in titles


@pytest.mark.parametrize(("query", "field"), [
    ({"year": "x"}, "year"), ({"year": 1999}, "year"), ({"year": 2030}, "year"), ({"top": 0}, "top"),
    ({"threshold": "-1"}, "threshold"), ({"size": 101}, "size"), ({"year": ""}, "year"),
])
def test_bad_parameters_are_a_400_naming_them(net, points, query, field):
    response = _api(net.editor).get(_url(net), query)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_confirm_revokes_through_the_network_once(net, points):
    client = _api(net.desk_chief)
    data = {"year": 2026, "top": 1, "threshold": "12", "commend": [points[0].pk, points[1].pk],
            "revoke": [points[2].pk], "reason": "经科务会研究"}
    response = client.post(_url(net, "confirm/"), data, format="json")
    assert response.status_code == 201
    assert response.json()["commended"] == [points[0].pk, points[1].pk]
    assert response.json()["revoked"] == [points[2].pk]
    assert DirectPoint.objects.get(pk=points[2].pk).revoked_on is not None
    again = client.post(_url(net, "confirm/"), data, format="json")
    assert again.status_code == 200 and again.json()["id"] == response.json()["id"]
    assert AuditEvent.objects.filter(action="point_revoke").count() == 1
    other = client.post(_url(net, "confirm/"), {**data, "revoke": []}, format="json")
    assert other.status_code == 409 and "不能再次确认不同的名单" in other.json()["detail"]
    confirmed = client.get(_url(net), {"year": 2026}).json()["confirmed"]
    assert confirmed["revoked"] == [points[2].pk] and confirmed["confirmed_by_name"] == "赵科长"


def test_confirm_refusals(net, points):
    data = {"year": 2026, "top": 1, "threshold": "12", "commend": [], "revoke": [points[0].pk]}
    editor = _api(net.editor).post(_url(net, "confirm/"), data, format="json")
    assert editor.status_code == 403 and editor.json()["detail"] == "只有本科室科长或系统管理员可以确认考评。"
    other_desk = f"/api/v1/appraisal/{net.province.desk.pk}/confirm/"
    assert _api(net.desk_chief).post(other_desk, data, format="json").status_code == 404
    above = _api(net.desk_chief).post(_url(net, "confirm/"), data, format="json")
    assert above.status_code == 409 and "不低于撤销门槛" in above.json()["revoke"][0]
    typed = _api(net.desk_chief).post(_url(net, "confirm/"), {**data, "revoke": ["1"]}, format="json")
    assert typed.status_code == 400 and "revoke" in typed.json()
    assert not Appraisal.objects.exists() and not DirectPoint.objects.filter(revoked_on__isnull=False).exists()


def test_exports_declare_their_types_and_read_back(net, points):
    client = _api(net.leader)
    xlsx = client.get(_url(net, "export/xlsx/"), {"year": 2026, "top": 1})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(xlsx.content))
    names = [r[1] for r in book["直报点考评"].iter_rows(min_row=3, values_only=True)]
    assert names == ["南湖街道", "北湖街道", "西湖街道"]
    docx = client.get(_url(net, "export/docx/"), {"year": 2026}, HTTP_ACCEPT="application/json")
    assert docx.status_code == 200
    assert docx["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "attachment" in docx["Content-Disposition"]
    doc = Document(io.BytesIO(docx.content))
    assert doc.tables[0].rows[3].cells[1].text == "西湖街道"
    assert _api(net.leader).get(_url(net, "export/docx/"), {"top": "x"}).status_code == 400
