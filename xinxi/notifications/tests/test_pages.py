"""The notification centre: a user's own notifications, unread first to the eye, one click to follow."""

import pytest

from xinxi.items import desk_services
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.network.testing import PERSONAS
from xinxi.notifications.models import Notification, NotificationKind
from xinxi.notifications.testing import text_of as shown_text
from xinxi.notifications.testing import told


def text_of(response):
    return response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_has_a_notification_centre_of_their_own(net, client_for, persona):
    told(net.users[persona], f"给{persona}的通知", "/")
    for name, user in net.users.items():
        if name != persona:
            told(user, "给别人的通知", "/")
    client = client_for(persona)
    page = text_of(client.get("/notifications/"))
    assert f"给{persona}的通知" in page and "给别人的通知" not in page
    others = Notification.objects.exclude(user=net.users[persona]).first()
    assert client.post(f"/notifications/{others.pk}/open/").status_code == 404
    others.refresh_from_db()
    assert others.read_at is None


def test_anonymous_is_sent_to_the_login_page(net, client):
    response = client.get("/notifications/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_newest_first_unread_highlighted_and_counted_in_the_top_bar(net, client_for):
    told(net.reporter, "较早的通知", "/items/")
    told(net.reporter, "较新的通知", "/items/")
    Notification.objects.filter(detail__text="较早的通知").update(read_at="2026-01-01T00:00:00Z")
    page = text_of(client_for("reporter").get("/notifications/"))
    assert page.index("较新的通知") < page.index("较早的通知")
    assert page.count('class="notif unread"') == 1
    assert 'aria-label="1 条未读"' in page and "全部标为已读" in page


def test_clicking_a_notification_marks_it_read_and_follows_it(net, client_for):
    told(net.reporter, "签发人退回", "/items/")
    notification = Notification.objects.get()
    response = client_for("reporter").post(f"/notifications/{notification.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/items/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_notification_never_leads_off_site(net, client_for):
    for url in ("https://example.com/x", "//example.com/x", "javascript:alert(1)"):
        told(net.reporter, "外部链接", url)
    client = client_for("reporter")
    for notification in Notification.objects.all():
        response = client.post(f"/notifications/{notification.pk}/open/")
        assert response["Location"] == "/notifications/"


def test_a_desk_link_takes_the_sending_unit_to_its_feedback_page(net, client_for):
    item = submitted(net.reporter)
    entry = entry_at(item, net.city.desk)
    desk_services.entry_open(actor=net.editor, entry=entry)
    desk_services.entry_not_adopt(actor=net.editor, entry=entry, reason="与近期信息雷同")
    sent = Notification.objects.get(user=net.reporter, kind=NotificationKind.ENTRY_NOT_ADOPTED)
    assert shown_text(sent) == f"临江市委办公室信息科未采用：{entry.title}"
    client = client_for("reporter")
    assert client.post(f"/notifications/{sent.pk}/open/")["Location"] == f"/items/{item.pk}/"
    # A link to the desk's page of the entry (which a unit cannot open) leads to the feedback page.
    told(net.reporter, "已转报", f"/desk/entries/{entry.pk}/")
    desk_link = Notification.objects.get(user=net.reporter, detail__text="已转报")
    assert client.post(f"/notifications/{desk_link.pk}/open/")["Location"] == f"/items/{item.pk}/"
    # Desk staff keep the desk link.
    told(net.editor, "分配给您", f"/desk/entries/{entry.pk}/")
    mine = Notification.objects.get(user=net.editor, detail__text="分配给您")
    assert client_for("editor").post(f"/notifications/{mine.pk}/open/")["Location"] == f"/desk/entries/{entry.pk}/"


def test_mark_all_read(net, client_for):
    told(net.editor, "一", "/")
    told(net.editor, "二", "/")
    told(net.reporter, "别人的", "/")
    page = text_of(client_for("editor").post("/notifications/read-all/", follow=True))
    assert "已将 2 条通知标为已读" in page and 'class="notif unread"' not in page
    assert shown_text(Notification.objects.filter(read_at__isnull=True).get()) == "别人的"


def test_list_is_paginated_with_bounded_queries(net, client_for, django_assert_max_num_queries):
    for n in range(45):
        told(net.editor, f"第{n}条通知", "/")
    client = client_for("editor")
    client.get("/notifications/")
    with django_assert_max_num_queries(11):
        first = text_of(client.get("/notifications/"))
    assert "第 1 / 2 页，共 45 条" in first and "第44条通知" in first and "第0条通知" not in first
    with django_assert_max_num_queries(11):
        unread = text_of(client.get("/notifications/?unread=1&page=2"))
    assert "第0条通知" in unread


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_top_bar_drop_down_lists_ones_own_newest_unread(net, client_for, persona):
    for n in range(7):
        told(net.users[persona], f"未读通知{n}号", "/")
    told(net.users[persona], "已读的通知", "/")
    Notification.objects.filter(detail__text="已读的通知").update(read_at="2026-01-01T00:00:00Z")
    told(net.outsider if persona != "outsider" else net.reporter, "别人的通知", "/")
    client = client_for(persona)
    home = text_of(client.get("/"))
    assert 'id="notif-popover"' in home and 'hx-get="/notifications/latest/"' in home
    drop_down = text_of(client.get("/notifications/latest/"))
    assert [f"未读通知{n}号" in drop_down for n in range(7)] == [False, False, True, True, True, True, True]
    assert "已读的通知" not in drop_down and "别人的通知" not in drop_down and "查看全部通知" in drop_down


def test_no_drop_down_without_unread_and_none_for_anonymous(net, client_for, client):
    assert 'id="notif-popover"' not in text_of(client_for("editor").get("/"))
    assert "没有未读通知" in text_of(client_for("editor").get("/notifications/latest/"))
    response = client.get("/notifications/latest/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
