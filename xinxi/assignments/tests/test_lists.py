"""舆论监督与群众意见建议 lists: lifecycle, files, who has not sent, overdue rows, access."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from xinxi.assignments import lists_files, permissions_lists, selectors_lists
from xinxi.assignments import services_lists as services
from xinxi.assignments.models import ListState, RowState, SupervisionList, SupervisionRow
from xinxi.assignments.tests.helpers_lists import routed_row, row_fields, sent_list
from xinxi.audit.models import AuditEvent
from xinxi.lib.errors import ServiceError
from xinxi.network.testing import Net
from xinxi.notifications.models import Notification, NotificationKind

K = NotificationKind


def xlsx_from_template(rows: list[list[Any]]) -> bytes:
    """The downloaded template, its example row replaced by ``rows`` (read back with openpyxl)."""
    wb = load_workbook(io.BytesIO(lists_files.template()))
    ws = wb[lists_files.SHEET]
    ws.delete_rows(2)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "清单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


GOOD = ["舆论监督", "临江日报", dt.date(2026, 11, 28), "报道东城县老旧小区改造进度慢", "东城县住房和城乡建设局",
        "加快进度"]


def test_lifecycle_send_route_reply_result_back(net: Net, client_for: Any,
                                                django_capture_on_commit_callbacks: Any) -> None:
    dept_user = _dept_reporter(net)
    lst = sent_list(net.reporter)
    assert lst.state == ListState.SENT and lst.desk == net.city.desk
    assert Notification.objects.filter(user=net.editor, kind=K.SUPERVISION_LIST_SENT, object_id=lst.pk).exists()
    row = routed_row(lst, net.editor, net.city_dept)
    assert row.state == RowState.ROUTED and row.due_on == dt.date(2026, 12, 16)  # 15 days
    assert Notification.objects.filter(user=dept_user, kind=K.SUPERVISION_ROW_ROUTED, object_id=row.pk).exists()
    # the concerned unit sees its task, not the sender's whole list
    assert list(permissions_lists.task_rows(dept_user)) == [row]
    assert not permissions_lists.visible_lists(dept_user).exists()
    services.row_reply(actor=dept_user, row=row, result="已责成施工单位调整作业时间，居民满意。")
    row.refresh_from_db()
    assert row.state == RowState.REPLIED
    for told in (net.reporter, net.approver, net.editor):
        assert Notification.objects.filter(user=told, kind=K.SUPERVISION_ROW_REPLIED, object_id=row.pk).exists()
    page = client_for("reporter").get(f"/assignments/lists/{lst.pk}/").content.decode()
    assert "已责成施工单位调整作业时间" in page and "临江市应急管理局" in page
    with pytest.raises(ServiceError, match="已反馈过"):
        services.row_reply(actor=dept_user, row=row, result="再报一次")
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "supervision_list_create", "supervision_row_add", "supervision_list_send", "supervision_row_route",
        "supervision_row_reply"}


def _dept_reporter(net: Net) -> Any:
    from xinxi.network.testing import make_user
    return make_user("yj_reporter", net.city_dept, "reporter")


def test_pages_add_send_route_reply(net: Net, client_for: Any) -> None:
    reporter = client_for("reporter")
    answer = reporter.post("/assignments/lists/new/", {"month": "2026-12"})
    lst = SupervisionList.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/assignments/lists/{lst.pk}/"
    bad = reporter.post(f"/assignments/lists/{lst.pk}/rows/", {"kind": "media", "source": "", "date": "2026-12-30",
                                                               "summary": "x", "concerned": "y"})
    assert bad.status_code == 400
    ok = reporter.post(f"/assignments/lists/{lst.pk}/rows/", {
        "kind": "suggestion", "source": "12345热线", "date": "2026-11-30", "summary": "<b>小区</b>路灯不亮",
        "concerned": "东城县城市管理局", "suggestion": ""})
    assert ok.status_code == 302
    page = reporter.get(f"/assignments/lists/{lst.pk}/").content.decode()
    assert "&lt;b&gt;小区&lt;/b&gt;路灯不亮" in page
    extra = reporter.post(f"/assignments/lists/{lst.pk}/rows/", {
        "kind": "media", "source": "报", "date": "2026-11-30", "summary": "误填的一行", "concerned": "某局"})
    assert extra.status_code == 302
    wrong = SupervisionRow.objects.get(summary="误填的一行")
    assert client_for("editor").post(f"/assignments/lists/rows/{wrong.pk}/delete/").status_code == 404  # a draft
    assert reporter.post(f"/assignments/lists/rows/{wrong.pk}/delete/").status_code == 302
    assert reporter.post(f"/assignments/lists/{lst.pk}/send/").status_code == 302
    row = SupervisionRow.objects.get()
    editor = client_for("editor")
    assert editor.post(f"/assignments/lists/rows/{row.pk}/route/", {"unit": "x"}).status_code == 400
    assert editor.post(f"/assignments/lists/rows/{row.pk}/route/", {"unit": "9" * 30}).status_code == 400
    assert editor.post(f"/assignments/lists/rows/{row.pk}/route/", {"unit": net.county.pk}).status_code == 302
    assert client_for("duty_officer").post(f"/assignments/lists/rows/{row.pk}/route/",
                                           {"unit": net.county.pk}).status_code == 403
    tasks = reporter.get("/assignments/lists/tasks/").content.decode()
    assert "小区" in tasks
    assert reporter.post(f"/assignments/lists/rows/{row.pk}/reply/", {"result": ""}).status_code == 400
    assert reporter.post(f"/assignments/lists/rows/{row.pk}/reply/", {"result": "已修复路灯12盏"}).status_code == 302
    assert "已修复路灯12盏" in editor.get(f"/assignments/lists/{lst.pk}/").content.decode()


def test_template_reads_back_and_good_file_imports(net: Net) -> None:
    wb = load_workbook(io.BytesIO(lists_files.template()))
    assert [c.value for c in wb[lists_files.SHEET][1]] == list(lists_files.COLUMNS)
    lst = services.list_create(actor=net.reporter, month=dt.date(2026, 12, 1))
    # the template as downloaded holds only the example row: nothing to import
    with pytest.raises(services.ListFileError, match="没有可导入的行"):
        services.list_upload(actor=net.reporter, lst=lst, upload=upload(lists_files.template()))
    made = services.list_upload(actor=net.reporter, lst=lst, upload=upload(xlsx_from_template([GOOD, GOOD])))
    assert len(made) == 2 and [r.position for r in lst.rows.all()] == [1, 2]


def test_a_file_with_bad_rows_saves_nothing_and_names_row_and_column(net: Net, client_for: Any) -> None:
    lst = services.list_create(actor=net.reporter, month=dt.date(2026, 12, 1))
    bad = xlsx_from_template([
        GOOD,
        ["投诉", "临江日报", dt.date(2026, 11, 1), "摘要", "某局", ""],  # row 3: 类型
        ["舆论监督", "", "2026-13-01", "摘要", "", ""],  # row 4: 来源, 日期, 涉及单位
        ["群众意见建议", "来信", dt.date(2027, 1, 1), "x" * 2001, "某局", "<script>alert(1)</script>"],  # row 5
    ])
    with pytest.raises(services.ListFileError) as caught:
        services.list_upload(actor=net.reporter, lst=lst, upload=upload(bad))
    found = {(e.row, e.column) for e in caught.value.errors}
    assert found == {(3, "类型"), (4, "来源（媒体名称/渠道）"), (4, "日期"), (4, "涉及单位"), (5, "日期"),
                     (5, "内容摘要")}
    assert "第 4 行“日期”" in " ".join(str(e) for e in caught.value.errors)
    assert not SupervisionRow.objects.exists()
    answer = client_for("reporter").post(f"/assignments/lists/{lst.pk}/upload/", {"file": upload(bad)})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "整个文件未导入" in html and "第 3 行" in html and "请填“舆论监督”或“群众意见建议”" in html
    assert not SupervisionRow.objects.exists()


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"%PDF-1.4 not a list", "清单.pdf", "不是有效的清单文件"),
    (b"PK\x03\x04broken", "清单.xlsx", "不是有效的清单文件"),
    (b"", "清单.xlsx", "文件是空的"),
    (b"a,b\n1,2\n", "清单.csv", "表头缺少"),
    (b"x" * (lists_files.MAX_BYTES + 1), "清单.csv", "文件过大"),
])
def test_files_refused_as_a_whole(net: Net, data: bytes, name: str, message: str) -> None:
    lst = services.list_create(actor=net.reporter, month=dt.date(2026, 12, 1))
    with pytest.raises(services.ListFileError, match=message):
        services.list_upload(actor=net.reporter, lst=lst, upload=upload(data, name))


def test_gbk_csv_is_read(net: Net) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(lists_files.COLUMNS)
    writer.writerow(["群众意见建议", "市长信箱", "2026年11月30日", "反映东城镇集贸市场占道经营", "东城镇", "加强管理"])
    lst = services.list_create(actor=net.reporter, month=dt.date(2026, 12, 1))
    [row] = services.list_upload(actor=net.reporter, lst=lst, upload=upload(out.getvalue().encode("gbk"), "清单.csv"))
    assert row.concerned == "东城镇" and row.date == dt.date(2026, 11, 30)


def test_too_many_rows(net: Net) -> None:
    lst = services.list_create(actor=net.reporter, month=dt.date(2026, 12, 1))
    lines = [",".join(lists_files.COLUMNS)] + ["舆论监督,报,2026-11-01,摘要,某局,"] * (lists_files.MAX_ROWS + 1)
    with pytest.raises(services.ListFileError, match="超过 500 行"):
        services.list_upload(actor=net.reporter, lst=lst, upload=upload("\n".join(lines).encode(), "a.csv"))


def test_who_has_not_sent_this_month(net: Net) -> None:
    with time_machine.travel(dt.datetime(2027, 1, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        desk = net.city.desk
        before = selectors_lists.overview(desk, dt.date(2027, 1, 1))
        assert {u.name for u in before.missing} == {"东城县委办公室", "东城镇", "临江市应急管理局"}
        sent_list(net.reporter, rows=0)
        after = selectors_lists.overview(desk, dt.date(2027, 1, 1))
        assert {u.name for u in after.missing} == {"东城镇", "临江市应急管理局"}
        # December's list does not count for January
        assert selectors_lists.overview(desk, dt.date(2026, 12, 1)).missing == before.missing


def test_overdue_rows(net: Net, client_for: Any, django_assert_max_num_queries: Any) -> None:
    row = routed_row(sent_list(net.reporter), net.editor, net.county)
    assert not selectors_lists.is_overdue(row)
    with time_machine.travel(dt.datetime(2026, 12, 17, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))):
        data = selectors_lists.overview(net.city.desk, dt.date(2026, 12, 1))
        assert data.overdue == {row.pk} and data.unrouted == 1
        client = client_for("editor")
        with django_assert_max_num_queries(15):
            page = client.get("/assignments/lists/desk/")
        assert page.status_code == 200 and "已逾期" in page.content.decode()
    assert client_for("editor").get("/assignments/lists/desk/?month=2026-13x").status_code == 400


def test_overdue_reminder_goes_out_once_and_again_after_routing_anew(
        net: Net, django_capture_on_commit_callbacks: Any) -> None:
    lst = sent_list(net.reporter)
    row = routed_row(lst, net.editor, net.county)
    assert services.remind_overdue(today=dt.date(2026, 12, 16)) == 0  # due that day: not yet overdue
    with time_machine.travel(dt.datetime(2026, 12, 17, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))):
        from xinxi.assignments.tasks_lists import lists_overdue_reminders
        from xinxi.worker.sweeps import SWEEPS

        assert "xinxi.assignments.tasks_lists.lists_overdue_reminders" in {s.task for s in SWEEPS}
        assert lists_overdue_reminders.call("2026-12-17") == "发送逾期提醒 1 条"
    overdue = Notification.objects.filter(kind=K.SUPERVISION_ROW_OVERDUE, object_id=row.pk)
    assert set(overdue.values_list("user__username", flat=True)) == {"reporter", "approver", "no_clearance",
                                                                     "editor"}
    assert services.remind_overdue(today=dt.date(2026, 12, 18)) == 0  # once
    services.row_route(actor=net.editor, row=row, unit=net.county, due_on=dt.date(2026, 12, 20))
    assert services.remind_overdue(today=dt.date(2026, 12, 21)) == 1
    services.row_reply(actor=net.reporter, row=row, result="已办")
    assert services.remind_overdue(today=dt.date(2027, 1, 21)) == 0


def test_access_unit_sees_own_lists_and_tasks_desk_sees_what_reached_it(net: Net, client_for: Any) -> None:
    draft = services.list_create(actor=net.reporter, month=dt.date(2026, 11, 1))
    sent = sent_list(net.reporter)
    other = sent_list(net.outsider)
    assert set(permissions_lists.visible_lists(net.reporter)) == {draft, sent}
    assert set(permissions_lists.visible_lists(net.editor)) == {sent}  # never a draft
    assert set(permissions_lists.visible_lists(net.outsider)) == {other}
    assert client_for("editor").get(f"/assignments/lists/{draft.pk}/").status_code == 404
    assert client_for("editor").get(f"/assignments/lists/{other.pk}/").status_code == 404
    assert client_for("outsider").get(f"/assignments/lists/{sent.pk}/").status_code == 404
    # the other city's desk cannot route our rows, and we cannot route to a unit we do not see
    row = sent.rows.first()
    assert row is not None
    with pytest.raises(ServiceError, match="承办单位不存在"):
        services.row_route(actor=net.editor, row=row, unit=net.other_county)
    with pytest.raises(ServiceError):
        services.list_add_row(actor=net.outsider, lst=draft, fields=row_fields())
    with pytest.raises(ServiceError, match="已报送"):
        services.list_add_row(actor=net.reporter, lst=sent, fields=row_fields())
    with pytest.raises(ServiceError, match="已经建立"):
        services.list_create(actor=net.reporter, month=dt.date(2026, 12, 5))
    with pytest.raises(ServiceError, match="以后月份"):
        services.list_create(actor=net.reporter, month=dt.date(2027, 1, 1))


def test_list_pages_bounded_queries(net: Net, client_for: Any, django_assert_max_num_queries: Any) -> None:
    lst = sent_list(net.reporter, rows=5)
    for row in lst.rows.all():
        services.row_route(actor=net.editor, row=row, unit=net.county)
    for persona, url in (("editor", f"/assignments/lists/{lst.pk}/"), ("reporter", "/assignments/lists/tasks/"),
                         ("editor", "/assignments/lists/"), ("reporter", "/assignments/lists/")):
        client = client_for(persona)
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200
