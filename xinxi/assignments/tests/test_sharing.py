"""Sharing (共享): who receives, read records, the credit, clearance, the pages."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from xinxi.assignments import services_sharing
from xinxi.assignments.models import Share, ShareRead
from xinxi.assignments.permissions_remarks import received_shares, visible_shares
from xinxi.assignments.tests.helpers_remarks import city_entry, dept_user, secret_entry, share
from xinxi.lib.choices import Classification
from xinxi.lib.errors import ServiceError
from xinxi.notifications.models import Notification, NotificationKind
from xinxi.notifications.render import render, shown_to


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_share_reaches_the_chosen_units_and_credits_the_sender(net):
    dept = dept_user(net)
    entry = city_entry(net)
    services_sharing.share_create(actor=net.editor, entry=entry, units=[net.city_dept, net.town], note="可借鉴")
    s = Share.objects.get()
    assert (s.title, s.origin_unit, s.desk_id, s.note) == (entry.title, net.county, entry.desk_id, "可借鉴")
    assert set(s.recipients.values_list("unit_id", flat=True)) == {net.city_dept.pk, net.town.pk}
    assert list(received_shares(dept)) == [s]
    assert not received_shares(net.outsider).exists()
    assert not received_shares(net.reporter).exists()  # the county was not chosen
    [note] = render(dept, list(shown_to(dept)))
    assert entry.title in note.text and "可借鉴" in note.text
    page = _client(dept).get(f"/assignments/shares/{s.pk}/").content.decode()
    assert "原报单位：<strong>东城县委办公室</strong>" in page and entry.body[:10] in page


def test_share_shows_the_edited_version_at_the_desk(net):
    from xinxi.items import desk_services

    entry = city_entry(net)
    desk_services.entry_edit(actor=net.editor, entry=entry, title="临江市东城县排查隐患43处", body=entry.body,
                             version=entry.version)
    entry.refresh_from_db()
    assert share(net, entry=entry).title == "临江市东城县排查隐患43处"


def test_read_records_once_per_user_and_the_sharer_sees_them(net, client_for):
    dept = dept_user(net)
    s = share(net)
    client = _client(dept)
    assert client.get(f"/assignments/shares/{s.pk}/").status_code == 200
    client.get(f"/assignments/shares/{s.pk}/")
    assert ShareRead.objects.filter(share=s, user=dept).count() == 1
    client_for("editor").get(f"/assignments/shares/{s.pk}/")  # the sharer reads without a read record
    assert ShareRead.objects.count() == 1
    page = client_for("desk_chief").get(f"/assignments/shares/{s.pk}/").content.decode()
    assert "dept_reporter用户" in page and "临江市应急管理局" in page
    assert "阅读记录" not in client.get(f"/assignments/shares/{s.pk}/").content.decode()
    sent = client_for("editor").get("/assignments/shares/?box=sent").content.decode()
    assert "已读 1 人" in sent


def test_outsiders_get_404(net, client_for):
    s = share(net)
    for persona in ("outsider", "reporter", "no_clearance", "admin"):
        assert client_for(persona).get(f"/assignments/shares/{s.pk}/").status_code == 404
    assert client_for("outsider").get("/assignments/shares/").content.decode().count(s.title) == 0


def test_a_shared_item_above_the_recipients_clearance_is_not_shared(net):
    """秘密 to a unit whose users are cleared only for 内部: refused, nothing written or told."""
    dept = dept_user(net)
    entry = secret_entry(net)
    with pytest.raises(ServiceError, match="临江市应急管理局没有可阅读该密级的人员"):
        services_sharing.share_create(actor=net.editor, entry=entry, units=[net.city_dept])
    assert not Share.objects.exists()
    assert not Notification.objects.filter(kind=NotificationKind.SHARE_RECEIVED).exists()
    assert not visible_shares(dept).exists()


def test_recipients_below_the_level_never_see_it(net):
    """Shared to a unit with one cleared user: the uncleared one sees it nowhere (list, count, API, notification)."""
    low = dept_user(net, "dept_low")
    high = dept_user(net, "dept_high", clearance=Classification.SECRET)
    entry = secret_entry(net)
    s = share(net, entry=entry)
    assert list(received_shares(high)) == [s]
    assert received_shares(low).count() == 0
    assert list(Notification.objects.filter(kind=NotificationKind.SHARE_RECEIVED).values_list("user", flat=True)) == [
        high.pk]
    page = _client(low).get("/assignments/shares/").content.decode()
    assert entry.title not in page and "还没有共享给您单位的信息" in page
    assert _client(low).get(f"/assignments/shares/{s.pk}/").status_code == 404
    api = APIClient()
    api.force_authenticate(low)
    assert api.get("/api/v1/shares/").json()["count"] == 0
    assert api.get(f"/api/v1/shares/{s.pk}/").status_code == 404
    assert not [n for n in render(low, list(shown_to(low))) if entry.title in n.text]


def test_share_targets_are_down_or_sideways_only(net):
    dept_user(net)
    entry = city_entry(net)
    for unit in (net.province, net.other_county, net.city):
        with pytest.raises(ServiceError, match="只能共享给本科室下级或同级的单位"):
            services_sharing.share_create(actor=net.editor, entry=entry, units=[unit])
    with pytest.raises(ServiceError, match="请选择至少一个接收单位"):
        services_sharing.share_create(actor=net.editor, entry=entry, units=[])
    with pytest.raises(ServiceError) as exc:
        services_sharing.share_create(actor=net.duty_officer, entry=entry, units=[net.city_dept])
    assert exc.value.code == "forbidden"


def test_share_page_form(net, client_for):
    dept_user(net)
    entry = city_entry(net)
    url = f"/assignments/shares/new/{entry.pk}/"
    client = client_for("editor")
    form = client.get(url).content.decode()
    assert "临江市应急管理局" in form and "东海省委办公厅" not in form
    bad = client.post(url, {"note": "x"})
    assert bad.status_code == 400 and "请选择至少一个接收单位" in bad.content.decode()
    ok = client.post(url, {"units": [net.city_dept.pk], "note": "参考"})
    assert ok.status_code == 302 and Share.objects.count() == 1
    assert client_for("duty_officer").get(url).status_code == 403
    assert client_for("outsider").get(url).status_code == 404


def test_share_list_is_bounded(net, django_assert_max_num_queries):
    dept = dept_user(net)
    for _ in range(3):
        share(net)
    client = _client(dept)
    client.get("/assignments/shares/")
    with django_assert_max_num_queries(12) as few:
        client.get("/assignments/shares/")
    for _ in range(5):
        share(net)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/assignments/shares/").content.decode().count("new-mark\">未读") == 8
