"""Reading the audit log: who may, and the rows a set of filters selects."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from xinxi.audit.models import AuditEvent


def may_read_audit(user: Any) -> bool:
    """System administrators keep the audit log (they act as the security officer)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_admin)


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of a local (Asia/Shanghai) day, as an aware time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filter_events(*, who: str = "", action: str = "", date_from: dt.date | None = None,
                  date_to: dt.date | None = None) -> QuerySet[AuditEvent]:
    """Newest first; ``who`` matches part of the account name, the period is whole local days."""
    events = AuditEvent.objects.all()
    if who:
        events = events.filter(actor_name__icontains=who)
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(at__gte=_day_start(date_from))
    if date_to:
        events = events.filter(at__lt=_day_start(date_to + dt.timedelta(days=1)))
    return events.order_by("-at", "-id")
