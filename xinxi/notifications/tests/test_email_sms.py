"""E-mail through a real SMTP server on loopback, SMS through the logging gateway's outbox."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import time_machine
from aiosmtpd.controller import Controller

from xinxi.items import desk_services
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.lib.choices import Classification
from xinxi.network.testing import Net
from xinxi.notifications.email import subject
from xinxi.notifications.models import Notification, NotificationKind
from xinxi.notifications.sms import LoggingSmsGateway, SmsGateway
from xinxi.urgent import services, warnings
from xinxi.urgent.tests.helpers import at, city_desk, record

EMAIL = "xinxi.notifications.email.EmailChannel"
SMS = "xinxi.notifications.sms.SmsChannel"
TITLE = "东城镇煤矿透水事故"
WARNING = f"紧急信息提醒：距“{TITLE}”书面报告截止（12月1日 11:50，报临江市委办公室信息科）还有 30 分钟"


class Inbox:
    """An aiosmtpd handler keeping every message it accepts; it refuses one address."""

    refused = "nobody@dongcheng.example"

    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address == self.refused:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        self.mails.append(mail)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.mails if m["To"] == address]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(settings: Any, tmp_path: Path) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
    }}
    settings.DEFAULT_FROM_EMAIL = "xinxi@linjiang.example"
    settings.XINXI_SITE_URL = "https://xinxi.linjiang.example"
    settings.XINXI_NOTIFICATION_CHANNELS = [EMAIL, SMS]
    settings.XINXI_SMS_OUTBOX = tmp_path / "sms-outbox.log"
    settings.XINXI_CHANNEL_MAX_CLASSIFICATION = Classification.INTERNAL
    try:
        yield inbox
    finally:
        controller.stop()


def addresses(net: Net) -> None:
    for name in ("reporter", "approver", "duty_officer", "desk_chief"):
        user = net.users[name]
        user.email = f"{name}@dongcheng.example"
        user.phone = "13800000000"[: -len(str(user.pk))] + str(user.pk)
        user.save(update_fields=["email", "phone"])


def sweep_at_t30(net: Net, capture: Any, **overrides: Any) -> None:
    made = record(net, occurred_at=at(2026, 12, 1, 9, 50), actor=net.desk_chief, **overrides)
    services.phone_report_record(
        actor=net.desk_chief, desk=city_desk(net), unit=net.county, caller="刘某",
        received_at=at(2026, 12, 1, 9, 55), content="透水。", incident=made,
    )
    with time_machine.travel(at(2026, 12, 1, 11, 20), tick=False), capture(execute=True):
        warnings.sweep()


def sms_lines(settings: Any) -> list[dict[str, str]]:
    path = Path(settings.XINXI_SMS_OUTBOX)
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()] if path.exists() else []


def test_a_warning_arrives_by_email_with_its_text_and_link(
    net: Net, smtp: Inbox, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    addresses(net)
    sweep_at_t30(net, django_capture_on_commit_callbacks)
    [mail] = smtp.to("reporter@dongcheng.example")
    assert mail["Subject"] == "【信息】" + WARNING
    assert mail["From"] == "xinxi@linjiang.example"
    text = mail.get_content()
    assert WARNING in text
    incident_id = Notification.objects.get(user=net.reporter, kind=NotificationKind.URGENT_WARNING).object_id
    assert f"查看：https://xinxi.linjiang.example/urgent/incidents/{incident_id}/" in text
    assert len(smtp.to("approver@dongcheng.example")) == 1
    # the same warning by SMS, to the phone on the account
    assert {"phone": net.reporter.phone, "text": "【信息】" + WARNING} in [
        {k: line[k] for k in ("phone", "text")} for line in sms_lines(settings)
    ]


def test_a_recipient_above_whose_clearance_the_incident_is_gets_nothing(
    net: Net, smtp: Inbox, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    addresses(net)
    net.approver.clearance = Classification.SECRET
    net.approver.save(update_fields=["clearance"])
    sweep_at_t30(net, django_capture_on_commit_callbacks, classification=Classification.SECRET)
    assert smtp.to("reporter@dongcheng.example") == []  # 内部 clearance, 秘密 incident
    assert not [line for line in sms_lines(settings) if line["phone"] == net.reporter.phone]
    # the cleared approver is told by e-mail that there is something to read, never the title:
    # a 秘密 text does not leave the system (XINXI_CHANNEL_MAX_CLASSIFICATION is 内部)
    [mail] = smtp.to("approver@dongcheng.example")
    assert TITLE not in mail["Subject"] and TITLE not in mail.get_content()
    assert "您有一条“紧急信息到时提醒”通知（涉密），请登录信息报送系统查看。" in mail.get_content()
    assert "/urgent/incidents/" not in mail.get_content()
    assert all(TITLE not in line["text"] for line in sms_lines(settings))


def test_an_operator_may_let_secret_text_out(
    net: Net, smtp: Inbox, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.XINXI_CHANNEL_MAX_CLASSIFICATION = Classification.SECRET
    addresses(net)
    net.approver.clearance = Classification.SECRET
    net.approver.save(update_fields=["clearance"])
    sweep_at_t30(net, django_capture_on_commit_callbacks, classification=Classification.SECRET)
    [mail] = smtp.to("approver@dongcheng.example")
    assert WARNING in mail.get_content()


def test_a_long_text_makes_a_short_subject() -> None:
    assert subject("甲" * 100) == "【信息】" + "甲" * 59 + "…"
    assert subject("第一行\n第二行") == "【信息】第一行"


def test_a_refused_address_is_logged_and_the_others_still_get_theirs(
    net: Net, smtp: Inbox, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    addresses(net)
    net.reporter.email = Inbox.refused
    net.reporter.save(update_fields=["email"])
    with caplog.at_level(logging.WARNING, logger="xinxi.notifications.email"):
        sweep_at_t30(net, django_capture_on_commit_callbacks)
    assert Inbox.refused in caplog.text
    assert len(smtp.to("approver@dongcheng.example")) == 1


def test_a_server_that_is_down_loses_no_notification(
    net: Net, smtp: Inbox, settings: Any, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    addresses(net)
    settings.MAILERS = {"default": {  # nothing listens there
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 5},
    }}
    with caplog.at_level(logging.ERROR, logger="xinxi.notifications.channels"):
        sweep_at_t30(net, django_capture_on_commit_callbacks)
    assert "电子邮件" in caplog.text
    assert Notification.objects.filter(user=net.reporter, kind=NotificationKind.URGENT_WARNING).exists()
    assert [line for line in sms_lines(settings) if line["phone"] == net.reporter.phone]  # SMS went all the same


def test_only_urgent_kinds_go_by_sms_and_users_without_address_are_skipped(
    net: Net, smtp: Inbox, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    addresses(net)
    entry = entry_at(submitted(net.reporter), net.city.desk)
    with django_capture_on_commit_callbacks(execute=True):
        desk_services.entry_return(actor=net.editor, entry=entry, reason="请补充")
    assert len(smtp.to("reporter@dongcheng.example")) == 1  # e-mail carries every kind
    assert sms_lines(settings) == []  # SMS only the urgent ones
    net.reporter.email = net.reporter.phone = ""
    net.reporter.save(update_fields=["email", "phone"])
    smtp.mails.clear()
    sweep_at_t30(net, django_capture_on_commit_callbacks)
    assert smtp.to("reporter@dongcheng.example") == [] and len(smtp.to("approver@dongcheng.example")) == 1
    phones = [line["phone"] for line in sms_lines(settings)]
    assert phones.count(net.approver.phone) == 1 and "" not in phones


class Recording(SmsGateway):
    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        Recording.sent.append((phone, text))


def test_the_gateway_is_a_setting(
    net: Net, smtp: Inbox, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.XINXI_SMS_GATEWAY = "xinxi.notifications.tests.test_email_sms.Recording"
    Recording.sent.clear()
    addresses(net)
    sweep_at_t30(net, django_capture_on_commit_callbacks)
    assert (net.reporter.phone, "【信息】" + WARNING) in Recording.sent
    assert sms_lines(settings) == []
    assert issubclass(LoggingSmsGateway, SmsGateway)
