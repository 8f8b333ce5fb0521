"""The intake API: the queue, accepting and rejecting, the mailbox without its password."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from xinxi.intake import services
from xinxi.intake.models import IntakeMessage, IntakeState
from xinxi.intake.tests.mails import mail
from xinxi.items.models import DeskEntry
from xinxi.network.models import Desk

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_for(net: Any) -> Any:
    def make(persona: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(net.users[persona])
        return client

    return make


@pytest.fixture
def queued(net: Any) -> IntakeMessage:
    net.reporter.email = "reporter@county.example"
    net.reporter.save(update_fields=["email"])
    message = services.intake_ingest(desk=Desk.objects.get(unit=net.city), raw=mail())
    assert message is not None
    return message


def test_the_editor_lists_and_accepts(api_for: Any, queued: IntakeMessage, net: Any) -> None:
    client = api_for("editor")
    rows = client.get("/api/v1/intake/messages/", {"state": "queued"}).json()["results"]
    assert [r["id"] for r in rows] == [queued.pk] and rows[0]["unit_name"] == net.county.name
    detail = client.get(f"/api/v1/intake/messages/{queued.pk}/").json()
    assert detail["actions"] == ["accept", "reject"] and "隐患23处" in detail["body"]
    refused = client.post(f"/api/v1/intake/messages/{queued.pk}/accept/",
                          {"unit": net.other_county.pk, "version": 1}, format="json")
    assert refused.status_code == 409
    stale = client.post(f"/api/v1/intake/messages/{queued.pk}/accept/", {"unit": net.county.pk, "version": 9},
                        format="json")
    assert stale.status_code == 409
    ok = client.post(f"/api/v1/intake/messages/{queued.pk}/accept/", {"unit": net.county.pk, "version": 1},
                     format="json")
    assert ok.status_code == 200 and ok.json()["state"] == IntakeState.ACCEPTED
    assert DeskEntry.objects.filter(item_id=ok.json()["item"]).exists()


def test_reject_and_bad_input(api_for: Any, queued: IntakeMessage) -> None:
    client = api_for("desk_chief")
    url = f"/api/v1/intake/messages/{queued.pk}/reject/"
    assert client.post(url, {"version": 1}, format="json").status_code == 400
    assert client.post(url, {"reason": "x", "version": "1"}, format="json").status_code == 400
    response = client.post(url, {"reason": "请补充数据来源", "version": 1}, format="json")
    assert response.status_code == 200 and response.json()["decision_reason"] == "请补充数据来源"
    discard = client.post(f"/api/v1/intake/messages/{queued.pk}/discard/", {"version": 2}, format="json")
    assert discard.status_code == 409


@pytest.mark.parametrize("persona", ["reporter", "approver", "duty_officer", "leader", "admin", "outsider"])
def test_others_see_nothing(api_for: Any, queued: IntakeMessage, persona: str) -> None:
    client = api_for(persona)
    assert client.get("/api/v1/intake/messages/").json()["results"] == []
    assert client.get(f"/api/v1/intake/messages/{queued.pk}/").status_code == 404
    assert client.post(f"/api/v1/intake/messages/{queued.pk}/reject/", {"reason": "x", "version": 1},
                       format="json").status_code == 404


def test_the_mailbox_is_written_but_its_password_never_read(api_for: Any, net: Any) -> None:
    client = api_for("desk_chief")
    assert client.get("/api/v1/intake/mailbox/").status_code == 404  # not set yet
    body = {"host": "imap.example.org", "port": 993, "security": "ssl", "username": "desk"}
    assert client.put("/api/v1/intake/mailbox/", body, format="json").status_code == 409  # no password yet
    response = client.put("/api/v1/intake/mailbox/", {**body, "password": "pw-123"}, format="json")
    assert response.status_code == 200
    data = client.get("/api/v1/intake/mailbox/").json()
    assert data["has_password"] is True and "password" not in data and "pw-123" not in str(data)
    assert client.put("/api/v1/intake/mailbox/", {**body, "port": "993"}, format="json").status_code == 400
    assert api_for("editor").get("/api/v1/intake/mailbox/").status_code == 404
    assert api_for("reporter").get("/api/v1/intake/mailbox/").status_code == 404
    admin = api_for("admin")
    assert admin.get("/api/v1/intake/mailbox/").status_code == 400
    desk = Desk.objects.get(unit=net.city)
    assert admin.get("/api/v1/intake/mailbox/", {"desk": desk.pk}).json()["host"] == "imap.example.org"
