"""The loopback IMAP server (session scope) and builders of raw messages for the intake tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from xinxi.intake.tests import imap_server


@pytest.fixture(scope="session")
def imap() -> Iterator[imap_server.ImapServer]:
    """Debian's dovecot on 127.0.0.1. Missing dovecot fails loudly: never a skip."""
    if not os.path.exists(imap_server.DOVECOT):
        pytest.fail("邮件收稿测试需要 Debian 的 dovecot-imapd（apt-get install dovecot-imapd），未找到。")
    server = imap_server.start({"citydesk": "desk-secret", "otherdesk": "other-secret"})
    yield server
    server.stop()


@pytest.fixture
def mailbox(imap: imap_server.ImapServer, net: Any) -> Any:
    """The city desk's mailbox on the loopback server, emptied for the test."""
    from xinxi.intake.models import Mailbox, Security
    from xinxi.network.models import Desk

    imap.clear("citydesk")
    return Mailbox.objects.create(
        desk=Desk.objects.get(unit=net.city), host=imap.host, port=imap.port, security=Security.PLAIN,
        username="citydesk", password="desk-secret", folder="INBOX",
    )
