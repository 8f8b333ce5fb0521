"""Audit scenarios for the intake services (see ``audit/testing.py``)."""

from __future__ import annotations

from typing import Any

from xinxi.audit.testing import Call, scenario
from xinxi.intake import services
from xinxi.intake.tests.mails import mail
from xinxi.network.models import Desk

S = "xinxi.intake.services"


def _queued(net: Any, **kwargs: Any) -> Any:
    net.reporter.email = "reporter@county.example"
    net.reporter.save(update_fields=["email"])
    return services.intake_ingest(desk=Desk.objects.get(unit=net.city), raw=mail(**kwargs))


@scenario(f"{S}.intake_ingest", "intake_receive")
def _ingest(net: Any) -> Call:
    return lambda: services.intake_ingest(desk=Desk.objects.get(unit=net.city), raw=mail())


@scenario(f"{S}.intake_accept", "intake_accept")
def _accept(net: Any) -> Call:
    message = _queued(net)
    return lambda: services.intake_accept(actor=net.editor, message=message, unit=net.county)


@scenario(f"{S}.intake_reject", "intake_reject")
def _reject(net: Any) -> Call:
    message = _queued(net)
    return lambda: services.intake_reject(actor=net.editor, message=message, reason="重复来稿")


@scenario(f"{S}.intake_discard", "intake_discard")
def _discard(net: Any) -> Call:
    message = _queued(net, sender="stranger@example.org")
    return lambda: services.intake_discard(actor=net.editor, message=message)


@scenario(f"{S}.mailbox_save", "intake_mailbox_save")
def _mailbox(net: Any) -> Call:
    values = {"host": "imap.example.org", "port": 993, "security": "ssl", "username": "desk", "password": "pw"}
    return lambda: services.mailbox_save(actor=net.desk_chief, desk=Desk.objects.get(unit=net.city), values=values)
