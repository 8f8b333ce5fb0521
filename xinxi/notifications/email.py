"""The e-mail channel: each notification to its recipient's address, through Django's mail.

Name it in ``XINXI_NOTIFICATION_CHANNELS`` (``xinxi.notifications.email.EmailChannel``).
The server is Django's default mailer (``MAILERS``), set from the ``EMAIL_*`` environment
variables (``settings.py``): SMTP when ``EMAIL_HOST`` is set, otherwise a file per message
under ``var/mail/``. A
recipient without an address is skipped; an address the server refuses is logged and the
others still go; a server that cannot be reached raises (``fan_out`` logs it).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from typing import ClassVar

from django.conf import settings
from django.core.mail import EmailMessage, mailers

from xinxi.notifications.channels import Channel, Message

logger = logging.getLogger(__name__)

SUBJECT_MAX = 60


def subject(text: str) -> str:
    """"【信息】" and the text's first line, shortened."""
    line = text.splitlines()[0] if text else ""
    return "【信息】" + (line if len(line) <= SUBJECT_MAX else line[: SUBJECT_MAX - 1] + "…")


def body(text: str, url: str) -> str:
    link = f"\n\n查看：{settings.XINXI_SITE_URL}{url}" if url else ""
    return f"{text}{link}\n\n（本邮件由信息报送系统自动发送，请勿回复。）\n"


class EmailChannel(Channel):
    name = "电子邮件"
    leaves_the_system: ClassVar[bool] = True

    def deliver(self, messages: Sequence[Message]) -> None:
        mails = []
        for message in messages:
            address = (getattr(message.recipient, "email", "") or "").strip()
            if not address:
                continue
            text = self.wording(message)
            url = message.url if text == message.text else ""
            mails.append(EmailMessage(subject(text), body(text, url), settings.DEFAULT_FROM_EMAIL, [address]))
        if not mails:
            return
        with mailers.default as connection:
            for mail in mails:
                try:
                    connection.send_messages([mail])
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                    logger.warning("e-mail to %s refused: %s", mail.to, exc)
