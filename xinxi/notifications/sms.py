"""The SMS channel: the urgent kinds, to the recipient's ``User.phone``, through a gateway.

Name it in ``XINXI_NOTIFICATION_CHANNELS`` (``xinxi.notifications.sms.SmsChannel``). The
gateway is a ``SmsGateway`` subclass named in ``XINXI_SMS_GATEWAY`` (a dotted path); an
operator's real gateway implements ``send(phone, text)``. The default,
``LoggingSmsGateway``, sends nothing: it logs each message and appends it to the outbox
file ``XINXI_SMS_OUTBOX`` (one JSON object a line), so an operator can see what would have
been sent. Only the urgent-information kinds go by SMS (clocks cannot wait for someone to
open the notification centre).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from xinxi.notifications.channels import Channel, Message
from xinxi.notifications.models import NotificationKind as K

logger = logging.getLogger(__name__)

SMS_MAX = 300
PHONE = re.compile(r"^\+?[0-9][0-9\- ]{4,28}$")


class SmsGateway:
    """Subclass and name it in ``XINXI_SMS_GATEWAY``. ``send`` raises when the gateway is down."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class LoggingSmsGateway(SmsGateway):
    """Sends nothing: logs the message and appends it to ``XINXI_SMS_OUTBOX``."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)
        outbox = Path(settings.XINXI_SMS_OUTBOX)
        outbox.parent.mkdir(parents=True, exist_ok=True)
        line = {"at": timezone.localtime().isoformat(timespec="seconds"), "phone": phone, "text": text}
        with outbox.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


def gateway() -> SmsGateway:
    path = getattr(settings, "XINXI_SMS_GATEWAY", "xinxi.notifications.sms.LoggingSmsGateway")
    found = import_string(path)
    if not (isinstance(found, type) and issubclass(found, SmsGateway)):
        raise TypeError(f"{path} is not an SmsGateway")
    return found()


def sms_text(text: str) -> str:
    text = "【信息】" + text
    return text if len(text) <= SMS_MAX else text[: SMS_MAX - 1] + "…"


class SmsChannel(Channel):
    name = "短信"
    kinds: ClassVar[frozenset[str] | None] = frozenset(
        {K.URGENT_INCIDENT, K.URGENT_WARNING, K.URGENT_OVERDUE, K.URGENT_ESCALATION}
    )
    leaves_the_system: ClassVar[bool] = True

    def deliver(self, messages: Sequence[Message]) -> None:
        sender = gateway()
        for message in messages:
            phone = (getattr(message.recipient, "phone", "") or "").strip()
            if not phone:
                continue
            if not PHONE.match(phone):
                logger.warning("SMS skipped: %r is not a phone number (user %s)", phone, message.recipient.pk)
                continue
            sender.send(phone, sms_text(self.wording(message)))
