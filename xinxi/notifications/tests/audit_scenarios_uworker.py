"""Audit scenarios for the batch sending of notifications (see ``audit/testing.py``)."""

from __future__ import annotations

from typing import Any

from xinxi.audit.testing import Call, scenario
from xinxi.items.tests.factories import entry_at, submitted
from xinxi.notifications.models import NotificationKind
from xinxi.notifications.services import Send, notify_many


@scenario("xinxi.notifications.services.notify_many", "notify")
def _notify_many(net: Any) -> Call:
    entry = entry_at(submitted(net.reporter), net.city.desk)
    return lambda: notify_many(sends=[Send([net.editor], NotificationKind.ENTRY_ASSIGNED, entry, f"/desk/{entry.pk}/")])
