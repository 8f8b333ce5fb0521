"""The intake pages: who sees the queue, accepting and rejecting through the forms, the mailbox settings."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinxi.intake import services
from xinxi.intake.models import IntakeMessage, IntakeState, Mailbox
from xinxi.intake.tests.mails import mail
from xinxi.items.models import DeskEntry
from xinxi.network.models import Desk
from xinxi.network.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(net: Any) -> IntakeMessage:
    net.reporter.email = "reporter@county.example"
    net.reporter.save(update_fields=["email"])
    message = services.intake_ingest(desk=Desk.objects.get(unit=net.city), raw=mail())
    assert message is not None and message.state == IntakeState.QUEUED
    return message


@pytest.mark.parametrize("persona", ["reporter", "approver", "duty_officer", "leader", "admin", "outsider"])
def test_others_get_404(client_for: Any, queued: IntakeMessage, persona: str) -> None:
    client = client_for(persona)
    for url in ("/intake/", f"/intake/{queued.pk}/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/intake/{queued.pk}/accept/", {}).status_code == 404
    assert client.post(f"/intake/{queued.pk}/reject/", {"reason": "x"}).status_code == 404


def test_another_desks_editor_gets_404(client_for: Any, queued: IntakeMessage, net: Any) -> None:
    make_user("other_editor", net.other_city, "editor")
    from django.test import Client

    from xinxi.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="other_editor"))
    assert client.get("/intake/").status_code == 200  # their own (empty) queue
    assert "东城县开展冬季安全生产大检查" not in client.get("/intake/").content.decode()
    assert client.get(f"/intake/{queued.pk}/").status_code == 404
    assert client.post(f"/intake/{queued.pk}/accept/", {}).status_code == 404


def test_the_queue_lists_the_mail_with_bounded_queries(client_for: Any, queued: IntakeMessage, net: Any) -> None:
    desk = Desk.objects.get(unit=net.city)
    for n in range(5):
        services.intake_ingest(desk=desk, raw=mail(sender=f"nobody{n}@example.org", subject=f"来稿{n}"))
    client = client_for("editor")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/intake/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "东城县开展冬季安全生产大检查" in page and "来稿4" in page and "不是本系统用户登记的邮箱" in page
    assert len(queries) <= 14
    assert "邮件来稿" in client.get("/desk/").content.decode()


def test_accept_through_the_form_reaches_the_inbox(client_for: Any, queued: IntakeMessage, net: Any) -> None:
    client = client_for("editor")
    page = client.get(f"/intake/{queued.pk}/").content.decode()
    assert "东城县委办公室" in page and "东城镇" in page and "西山县委办公室" not in page
    bad = client.post(f"/intake/{queued.pk}/accept/", {"unit": net.other_county.pk, "title": "t", "body": "b",
                                                      "version": queued.version})
    assert bad.status_code == 400 and "请选择本科室的下级单位或直报点" in bad.content.decode()
    response = client.post(f"/intake/{queued.pk}/accept/", {
        "unit": net.town.pk, "title": "东城镇冬季安全检查", "body": queued.body, "version": queued.version,
    })
    assert response.status_code == 302
    entry = DeskEntry.objects.get()
    assert entry.origin_unit == net.town and entry.title == "东城镇冬季安全检查"
    again = client.post(f"/intake/{queued.pk}/accept/", {
        "unit": net.town.pk, "title": "x", "body": "y", "version": queued.version,
    })
    assert again.status_code == 400 and "已采用" in again.content.decode()
    assert DeskEntry.objects.count() == 1


def test_reject_needs_a_reason(client_for: Any, queued: IntakeMessage) -> None:
    client = client_for("desk_chief")
    response = client.post(f"/intake/{queued.pk}/reject/", {"reason": "", "version": queued.version})
    assert response.status_code == 400 and "退回须填写理由" in response.content.decode()
    response = client.post(f"/intake/{queued.pk}/reject/", {"reason": "重复来稿", "version": queued.version})
    assert response.status_code == 302
    queued.refresh_from_db()
    assert queued.state == IntakeState.REJECTED and queued.decision_reason == "重复来稿"


def test_mailbox_settings_never_show_the_password(client_for: Any, net: Any) -> None:
    client = client_for("desk_chief")
    data = {"host": "imap.example.org", "port": 993, "security": "ssl", "username": "desk", "password": "s3cret-pw",
            "folder": "INBOX", "active": "on"}
    assert client.post("/intake/mailbox/", data).status_code == 302
    mailbox = Mailbox.objects.get()
    assert mailbox.password == "s3cret-pw"
    page = client.get("/intake/mailbox/").content.decode()
    assert "s3cret-pw" not in page and "imap.example.org" in page
    data["password"] = ""  # keeps the stored one
    assert client.post("/intake/mailbox/", {**data, "port": 70000}).status_code == 400
    assert client.post("/intake/mailbox/", data).status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.password == "s3cret-pw"


@pytest.mark.parametrize("persona", ["editor", "reporter", "duty_officer", "leader", "outsider"])
def test_mailbox_settings_are_for_the_desk_chief_and_admin(client_for: Any, persona: str, net: Any) -> None:
    assert client_for(persona).get("/intake/mailbox/").status_code == 404
    assert client_for("admin").get("/intake/mailbox/").status_code == 200
    desk = Desk.objects.get(unit=net.city)
    assert client_for("admin").get(f"/intake/mailbox/?desk={desk.pk}").status_code == 200
