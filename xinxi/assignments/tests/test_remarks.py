"""Remarks (点评): lifecycle, who sees them, the notification, counts per reporter, the pages."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from xinxi.assignments import services_remarks
from xinxi.assignments.models import Remark
from xinxi.assignments.tests.helpers_remarks import city_entry, remark
from xinxi.audit.models import AuditEvent
from xinxi.lib.errors import ServiceError
from xinxi.notifications.models import Notification, NotificationKind
from xinxi.notifications.render import render, shown_to


def test_lifecycle_write_update_delete(net):
    entry = city_entry(net)
    r = services_remarks.remark_write(actor=net.editor, entry=entry, text="角度新，时效好。", rating="excellent",
                                      tags=["timely", "angle"])
    assert (r.unit, r.reporter, r.desk_id, r.author) == (net.county, net.reporter, entry.desk_id, net.editor)
    assert r.tag_labels == ["时效", "角度"]
    with pytest.raises(ServiceError, match="已有点评"):
        services_remarks.remark_write(actor=net.desk_chief, entry=entry, text="再写一条")
    services_remarks.remark_update(actor=net.desk_chief, remark=r, text="改：数据需核实。", rating="fair", tags=[],
                                   version=1)
    r.refresh_from_db()
    assert (r.text, r.rating, r.version) == ("改：数据需核实。", "fair", 2)
    services_remarks.remark_delete(actor=net.editor, remark=r)
    assert not Remark.objects.exists()
    rows = AuditEvent.objects.filter(action__startswith="remark_").order_by("pk")
    actions = list(rows.values_list("action", flat=True))
    assert actions == ["remark_write", "remark_update", "remark_delete"]


def test_bad_input_is_refused_in_chinese(net):
    entry = city_entry(net)
    for kwargs, message in [({"text": "  "}, "请填写点评意见"), ({"text": "x", "rating": "great"}, "优、良、一般或差"),
                            ({"text": "x", "tags": ["style"]}, "方面应为"), ({"text": "长" * 1001}, "最多 1000 字")]:
        with pytest.raises(ServiceError, match=message):
            services_remarks.remark_write(actor=net.editor, entry=entry, **kwargs)
    assert not Remark.objects.exists()


@pytest.mark.parametrize("persona", ["duty_officer", "leader", "reporter", "outsider"])
def test_only_the_desks_editors_write(net, persona):
    with pytest.raises(ServiceError) as exc:
        services_remarks.remark_write(actor=net.users[persona], entry=city_entry(net), text="好")
    assert exc.value.code == "forbidden"


def test_the_sender_sees_it_and_is_notified_another_unit_does_not(net, client_for):
    r = remark(net)
    note = Notification.objects.get(kind=NotificationKind.REMARK_WRITTEN)
    assert note.user == net.reporter
    [shown] = render(net.reporter, list(shown_to(net.reporter)))
    assert "临江市委办公室" in shown.text or "点评了您报送的信息" in shown.text
    assert r.item.title in shown.text and "良" in shown.text
    page = client_for("reporter").get(f"/items/{r.item_id}/").content.decode()
    assert "标题具体，数字翔实" in page and 'id="remark-panel"' in page
    mine = client_for("reporter").get("/items/").content.decode()
    assert "已点评（良）" in mine
    for persona in ("outsider", "admin"):
        assert "标题具体，数字翔实" not in client_for(persona).get("/items/").content.decode()
    assert "已点评" not in client_for("outsider").get("/items/").content.decode()


def test_my_items_marks_cost_one_query_per_page(net, client_for, django_assert_max_num_queries):
    for _ in range(3):
        remark(net)
    client = client_for("reporter")
    client.get("/items/")
    with django_assert_max_num_queries(14) as few:
        client.get("/items/")
    for _ in range(4):
        remark(net)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/items/").content.decode().count("已点评（良）") == 7


def test_remark_page_write_then_entry_page_shows_it(net, client_for):
    entry = city_entry(net)
    client = client_for("editor")
    url = f"/assignments/remarks/entry/{entry.pk}/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"text": "", "rating": "good"})
    assert bad.status_code == 400 and "请填写点评意见" in bad.content.decode()
    ok = client.post(url, {"text": "一事一报，很好。", "rating": "excellent", "tags": ["writing"]})
    assert ok.status_code == 302
    page = client.get(f"/desk/entries/{entry.pk}/").content.decode()
    assert "一事一报，很好。" in page and "修改点评" in page
    assert client_for("duty_officer").post(url, {"text": "x"}).status_code == 403
    assert client.post(url, {"action": "delete"}).status_code == 302
    assert not Remark.objects.exists()


def test_counts_per_reporter_and_period_with_xlsx(net, client_for):
    remark(net, rating="excellent")
    remark(net, rating="poor")
    remark(net, rating="")
    client = client_for("desk_chief")
    page = client.get("/assignments/remarks/counts/?period=2026-12").content.decode()
    assert "张信息" in page and "东城县委办公室" in page
    assert "<td>张信息</td><td>东城县委办公室</td><td>3</td><td>1</td><td>0</td><td>0</td><td>1</td><td>1</td>" in page
    empty = client.get("/assignments/remarks/counts/?period=2026-10").content.decode()
    assert "统计期内没有点评" in empty
    bad = client.get("/assignments/remarks/counts/?period=2026-13")
    assert bad.status_code == 400 and "统计周期格式不正确" in bad.content.decode()
    book = load_workbook(io.BytesIO(client.get("/assignments/remarks/counts.xlsx?period=2026-Q4").content))
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert rows[1][:3] == ["报送人", "单位", "点评数"]
    assert rows[2] == ["张信息", "东城县委办公室", 3, 1, 0, 0, 1, 1]
    assert client_for("reporter").get("/assignments/remarks/counts/").status_code == 404


def test_counts_leave_out_entries_above_clearance(net, client_for):
    from xinxi.assignments.tests.helpers_remarks import secret_entry

    remark(net, entry=secret_entry(net))
    remark(net)
    duty = client_for("duty_officer").get("/assignments/remarks/counts/").content.decode()  # cleared for 内部
    assert "张信息" in duty and "secret_reporter" not in duty
    assert "secret_reporter" in client_for("editor").get("/assignments/remarks/counts/").content.decode()  # 秘密
