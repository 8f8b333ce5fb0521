"""Circular pages: the list, generating, editing with a stale form, the actions by role, reading, downloads."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from openpyxl import load_workbook

from xinxi.scoring import services_circulars as services
from xinxi.scoring.models import Circular, CircularRead, CircularState
from xinxi.scoring.tests.circular_factories import draft, issued, pending, scored, signed


def test_the_editor_generates_a_monthly_draft(net, client_for):
    scored(net)
    editor = client_for("editor")
    form = editor.get("/scoring/circulars/new/")
    assert form.status_code == 200 and "生成通报" in form.content.decode()
    response = editor.post("/scoring/circulars/new/", {"kind": "month", "year": "2026", "index": "12"})
    circular = Circular.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/scoring/circulars/{circular.pk}/"
    page = editor.get(response["Location"]).content.decode()
    assert "关于2026年12月信息报送采用情况的通报" in page and "（草稿，签发后编号）" in page
    assert net.town.name in page and 'id="submit"' in page and 'id="sign"' not in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 2  # the document's two charts


def test_a_bad_period_is_a_clear_error(net, client_for):
    editor = client_for("editor")
    response = editor.post("/scoring/circulars/new/", {"kind": "quarter", "year": "2026", "index": "7"})
    assert response.status_code == 400 and "季度应为 1–4。" in response.content.decode()
    response = editor.post("/scoring/circulars/new/", {"kind": "month", "year": "2027", "index": "3"})
    assert response.status_code == 400 and "该周期尚未开始" in response.content.decode()
    assert not Circular.objects.exists()


def test_editing_saves_and_a_stale_form_is_refused(net, client_for):
    circular = draft(net)
    editor = client_for("editor")
    assert editor.get(f"/scoring/circulars/{circular.pk}/edit/").status_code == 200
    saved = editor.post(f"/scoring/circulars/{circular.pk}/edit/",
                        {"title": "十二月通报", "body": "第一段。\n第二段。", "version": circular.version})
    assert saved.status_code == 302
    stale = client_for("desk_chief").post(f"/scoring/circulars/{circular.pk}/edit/",
                                          {"title": "旧表单", "body": "旧", "version": circular.version})
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()
    circular.refresh_from_db()
    assert circular.title == "十二月通报" and circular.paragraphs() == ["第一段。", "第二段。"]


def test_the_chief_signs_and_issues_from_the_page(net, client_for):
    circular = pending(net)
    chief = client_for("desk_chief")
    page = chief.get(f"/scoring/circulars/{circular.pk}/").content.decode()
    assert 'id="sign"' in page and 'id="return"' in page
    assert client_for("editor").post(f"/scoring/circulars/{circular.pk}/sign/").status_code == 403
    assert chief.post(f"/scoring/circulars/{circular.pk}/sign/").status_code == 302
    page = chief.get(f"/scoring/circulars/{circular.pk}/").content.decode()
    assert "信通〔2026〕1号" in page and 'id="issue"' in page
    assert chief.post(f"/scoring/circulars/{circular.pk}/issue/").status_code == 302
    circular.refresh_from_db()
    assert circular.state == CircularState.ISSUED
    again = chief.post(f"/scoring/circulars/{circular.pk}/issue/")
    assert again.status_code == 400 and "该通报已经印发。" in again.content.decode()


def test_returning_needs_a_reason(net, client_for):
    circular = pending(net)
    chief = client_for("desk_chief")
    response = chief.post(f"/scoring/circulars/{circular.pk}/return/", {"reason": ""})
    assert response.status_code == 400 and "退回须填写理由。" in response.content.decode()
    assert chief.post(f"/scoring/circulars/{circular.pk}/return/", {"reason": "数字再核"}).status_code == 302
    circular.refresh_from_db()
    assert circular.state == CircularState.DRAFT


def test_the_network_reads_the_issued_circular_and_the_desk_sees_who_read(net, client_for):
    scored(net)
    circular = issued(net)
    reporter = client_for("reporter")
    listing = reporter.get("/scoring/circulars/").content.decode()
    assert circular.title in listing and "未读" in listing
    page = reporter.get(f"/scoring/circulars/{circular.pk}/").content.decode()
    assert "信通〔2026〕1号" in page and 'id="reads"' not in page and 'id="history"' not in page
    assert CircularRead.objects.get(user=net.reporter).times == 1
    assert "已读" in reporter.get("/scoring/circulars/").content.decode()
    desk = client_for("leader").get(f"/scoring/circulars/{circular.pk}/").content.decode()
    assert 'id="reads"' in desk and net.reporter.full_name in desk
    assert "<td>生成草稿</td>" in desk and "<td>印发</td>" in desk
    assert client_for("outsider").get(f"/scoring/circulars/{circular.pk}/").status_code == 404


def test_a_draft_is_not_listed_for_the_network(net, client_for):
    circular = signed(net)
    assert circular.title not in client_for("reporter").get("/scoring/circulars/").content.decode()
    assert client_for("reporter").get(f"/scoring/circulars/{circular.pk}/").status_code == 404


def test_downloads_open_in_word_and_excel(net, client_for):
    scored(net)
    circular = issued(net)
    reporter = client_for("reporter")
    docx = reporter.get(f"/scoring/circulars/{circular.pk}/export.docx")
    assert docx["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "filename*=UTF-8''" in docx["Content-Disposition"] and "circular-2026-1.docx" in docx["Content-Disposition"]
    assert Document(io.BytesIO(docx.content)).paragraphs[1].text == "信通〔2026〕1号"
    xlsx = reporter.get(f"/scoring/circulars/{circular.pk}/export.xlsx")
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "各单位" in load_workbook(io.BytesIO(xlsx.content)).sheetnames


def test_the_list_keeps_a_bounded_number_of_queries(net, client_for, django_assert_max_num_queries):
    issued(net)
    for kind, start in (("quarter", dt.date(2026, 10, 1)), ("year", dt.date(2026, 1, 1))):
        made = services.circular_generate(actor=net.editor, desk=net.city.desk, kind=kind, start=start)
        made = services.circular_sign(actor=net.desk_chief,
                                      circular=services.circular_submit(actor=net.editor, circular=made))
        services.circular_issue(actor=net.desk_chief, circular=made)
    reporter = client_for("reporter")
    with django_assert_max_num_queries(10):
        response = reporter.get("/scoring/circulars/")
    assert response.content.decode().count("信通〔2026〕") == 3


def test_my_scores_lists_the_issued_circulars_sent_to_the_unit(net, client_for):
    scored(net)
    waiting = signed(net)
    assert "还没有发给本单位的通报" in client_for("reporter").get("/scoring/mine/").content.decode()
    circular = services.circular_issue(actor=net.desk_chief, circular=waiting)
    page = client_for("reporter").get("/scoring/mine/").content.decode()
    assert f'href="/scoring/circulars/{circular.pk}/"' in page and "信通〔2026〕1号" in page
    other = client_for("outsider").get("/scoring/mine/").content.decode()  # a unit it was not sent to
    assert f'href="/scoring/circulars/{circular.pk}/"' not in other
