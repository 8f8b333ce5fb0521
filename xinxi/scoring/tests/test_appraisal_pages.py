"""考评 pages: the proposals, the confirmation (chief only), bad input, the exports re-read."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook

from xinxi.audit.models import AuditEvent
from xinxi.network.models import DirectPoint
from xinxi.scoring.models import Appraisal
from xinxi.scoring.tests.factories_appraisal import city_points, score
from xinxi.scoring.tests.test_appraisal import _items

URL = "/scoring/appraisal/"
TERMS = {"year": "2026", "top": "1", "threshold": "12"}


@pytest.fixture
def points(net):
    made = city_points(net, 3)
    score(net, made[0].unit, 30)
    score(net, made[1].unit, 12)
    score(net, made[2].unit, 4)
    return made


def _confirm_data(net, points, **extra):
    return {"desk": net.city.desk.pk, **TERMS, "size": "10", "commend": [points[0].pk], "revoke": [points[2].pk],
            "reason": "经科务会研究", **extra}


def test_the_editor_reads_the_proposals_but_gets_no_confirm_form(net, points, client_for):
    response = client_for("editor").get(URL, TERMS)
    html = response.content.decode()
    assert response.status_code == 200
    assert "南湖街道" in html and "建议表扬" in html and "建议撤销" in html
    assert 'id="confirm-form"' not in html
    assert "年度积分低于 12 分的建议撤销直报点资格" in html


def test_the_desk_chief_confirms_and_the_point_leaves_the_network(net, points, client_for):
    client = client_for("desk_chief")
    page = client.get(URL, TERMS).content.decode()
    assert 'id="confirm-form"' in page
    response = client.post(f"{URL}confirm/", _confirm_data(net, points))
    assert response.status_code == 302
    revoked = DirectPoint.objects.get(pk=points[2].pk)
    assert revoked.revoked_on is not None and "经科务会研究" in revoked.revoked_reason
    assert DirectPoint.objects.get(pk=points[1].pk).revoked_on is None  # exactly 12 stays
    after = client.get(response["Location"]).content.decode()
    assert "已确认2026年度直报点考评：表扬 1 个，撤销直报点资格 1 个。" in after
    assert "表扬：南湖街道" in after and "撤销直报点资格：西湖街道" in after and 'id="confirm-form"' not in after
    # A second post (a double click) changes nothing.
    assert client.post(f"{URL}confirm/", _confirm_data(net, points)).status_code == 302
    assert Appraisal.objects.count() == 1
    assert AuditEvent.objects.filter(action="point_revoke").count() == 1


def test_an_editor_cannot_confirm(net, points, client_for):
    response = client_for("editor").post(f"{URL}confirm/", _confirm_data(net, points))
    assert response.status_code == 403
    assert "只有本科室科长或系统管理员可以确认考评。" in response.content.decode()
    assert not Appraisal.objects.exists() and DirectPoint.objects.get(pk=points[2].pk).revoked_on is None


def test_another_desk_is_missing(net, points, client_for):
    other = net.province.desk.pk
    chief = client_for("desk_chief")
    assert chief.get(URL, {**TERMS, "desk": other}).status_code == 404
    assert chief.post(f"{URL}confirm/", _confirm_data(net, points, desk=other)).status_code == 404
    assert chief.get(f"{URL}export.xlsx", {"desk": other}).status_code == 404
    assert client_for("reporter").get(URL).status_code == 404


@pytest.mark.parametrize(("query", "message"), [
    ({"year": "abc"}, "“考评年度”应为整数。"),
    ({"year": "2999"}, "考评年度应在 2000 年到今年之间。"),
    ({"top": "0"}, "“表扬名额（前 N 名）”应在 1 到 200 之间。"),
    ({"threshold": "-1"}, "“撤销门槛”应在 0 到 10000 分之间。"),
])
def test_bad_terms_are_a_400_in_chinese(net, points, client_for, query, message):
    response = client_for("editor").get(URL, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_revocation_above_the_threshold_is_refused_on_the_page(net, points, client_for):
    response = client_for("desk_chief").post(f"{URL}confirm/", _confirm_data(net, points, revoke=[points[1].pk]))
    assert response.status_code == 400
    assert "不低于撤销门槛 12 分，不能撤销" in response.content.decode()
    assert DirectPoint.objects.filter(revoked_on__isnull=False).count() == 0


def test_the_page_keeps_a_bounded_number_of_queries(net, points, client_for, django_assert_max_num_queries):
    _items(net)
    client = client_for("desk_chief")
    with django_assert_max_num_queries(40):
        assert client.get(URL, TERMS).status_code == 200


def test_xlsx_export_reads_back_with_every_list(net, points, client_for):
    _items(net)
    response = client_for("duty_officer").get(f"{URL}export.xlsx", TERMS)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["直报点考评", "优秀信息单位", "优秀信息工作者", "优秀信息", "说明"]
    rows = list(book["直报点考评"].iter_rows(min_row=3, values_only=True))
    assert [(r[1], r[3], r[8] or "") for r in rows] == [("南湖街道", 30, "建议表扬"), ("北湖街道", 12, ""),
                                                  ("西湖街道", 4, "建议撤销直报点资格")]
    titles = [r[1] for r in book["优秀信息"].iter_rows(min_row=3, values_only=True)]
    assert "（涉密信息）" in titles and "东城县秘密事项" not in titles  # the duty officer is cleared for 内部
    staff = [(r[1], r[5]) for r in book["优秀信息工作者"].iter_rows(min_row=3, values_only=True)]
    assert staff == [("张三", 60), ("李四", 30)]
    assert AuditEvent.objects.filter(action="appraisal_export", detail__format="xlsx").exists()


def test_docx_export_reads_back(net, points, client_for):
    _items(net)
    response = client_for("editor").get(f"{URL}export.docx", TERMS)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "临江市委办公室信息科2026年度信息工作考评" in text
    assert "建议名单（尚未确认）" in text
    assert len(doc.tables) == 4
    cells = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert cells[1][:4] == ["1", "南湖街道", "2026-01-05", "30"]
    assert any("东城县秘密事项" in c.text for row in doc.tables[3].rows for c in row.cells)  # the editor is cleared
    section = doc.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28  # the issues' layout
    assert Decimal(cells[1][3]) == 30
