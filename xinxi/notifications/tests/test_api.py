"""The notification centre's REST API (/api/v1/notifications/): one's own notifications only."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from xinxi.accounts.models import User
from xinxi.items import desk_services
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.network.testing import PERSONAS, Net
from xinxi.notifications.models import Notification
from xinxi.notifications.testing import told


def api(net: Net, persona: str | None) -> APIClient:
    client = APIClient()
    if persona is not None:
        client.force_authenticate(User.objects.get(pk=net.users[persona].pk))
    return client


@pytest.fixture
def everyone_told(net: Net) -> Net:
    """Two notifications for every persona, naming them; the older one already read."""
    for persona, user in net.users.items():
        told(user, f"{persona}：旧消息")
        Notification.objects.filter(user=user).update(read_at="2026-01-05T08:00:00Z")
        told(user, f"{persona}：新消息", "/desk/")
    return net


def texts(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["text"] for row in response.json()["results"]]


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_user_sees_only_their_own_notifications(everyone_told: Net, persona: str) -> None:
    client = api(everyone_told, persona)
    assert texts(client.get("/api/v1/notifications/")) == [f"{persona}：新消息", f"{persona}：旧消息"]
    unread = client.get("/api/v1/notifications/", {"unread": "true"})
    assert texts(unread) == [f"{persona}：新消息"] and unread.json()["count"] == 1
    assert texts(client.get("/api/v1/notifications/", {"unread": "false"})) == [f"{persona}：旧消息"]
    row = unread.json()["results"][0]
    assert (row["read"], row["read_at"], row["url"]) == (False, None, "/desk/")


@pytest.mark.parametrize("persona", PERSONAS)
def test_mark_all_read(everyone_told: Net, persona: str) -> None:
    response = api(everyone_told, persona).post("/api/v1/notifications/mark-read/", {}, format="json")
    assert response.status_code == 200
    assert response.json() == {"marked": 1, "unread": 0}
    # Nobody else's notifications were touched.
    assert Notification.objects.filter(read_at__isnull=True).count() == len(PERSONAS) - 1


def test_mark_some_read_ignores_other_peoples_ids(everyone_told: Net) -> None:
    net = everyone_told
    told(net.reporter, "第三条")
    mine = Notification.objects.get(user=net.reporter, detail__text="reporter：新消息")
    theirs = Notification.objects.get(user=net.editor, detail__text="editor：新消息")
    response = api(net, "reporter").post("/api/v1/notifications/mark-read/", {"ids": [mine.pk, theirs.pk]},
                                         format="json")
    assert response.json() == {"marked": 1, "unread": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    bad = api(net, "reporter").post("/api/v1/notifications/mark-read/", {"ids": ["一"]}, format="json")
    assert bad.status_code == 400 and "ids" in bad.json()


def test_a_desk_return_reaches_the_reporter(net: Net) -> None:
    item = submitted(net.reporter)
    desk_services.entry_return(actor=net.editor, entry=entry_at(item, net.city.desk), reason="请补充整改时限")
    rows = api(net, "reporter").get("/api/v1/notifications/", {"unread": "true"}).json()["results"]
    assert any("请补充整改时限" in row["text"] for row in rows)


def test_anonymous_callers_get_403(everyone_told: Net) -> None:
    client = api(everyone_told, None)
    assert client.get("/api/v1/notifications/").status_code == 403
    assert client.post("/api/v1/notifications/mark-read/", {}, format="json").status_code == 403
    assert Notification.objects.filter(read_at__isnull=True).count() == len(PERSONAS)


def test_list_costs_a_bounded_number_of_queries(everyone_told: Net, django_assert_max_num_queries: Any) -> None:
    client = api(everyone_told, "editor")
    for n in range(30):
        told(everyone_told.editor, f"第{n}条")
    with django_assert_max_num_queries(5):
        assert client.get("/api/v1/notifications/").json()["count"] == 32


def test_responses_match_the_schema(everyone_told: Net) -> None:
    from xinxi.items.tests.test_api_items import schema_fields

    client = api(everyone_told, "reporter")
    row = client.get("/api/v1/notifications/").json()["results"][0]
    assert set(row) == schema_fields(client, "/api/v1/notifications/")
    result = client.post("/api/v1/notifications/mark-read/", {}, format="json").json()
    assert set(result) == schema_fields(client, "/api/v1/notifications/mark-read/", "post")
