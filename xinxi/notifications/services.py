"""Sending and reading notifications. Call ``notify`` inside the service's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from xinxi.audit.services import audit_record
from xinxi.notifications.models import Notification


def notify(*, users: Iterable[Any], text: str, url: str = "") -> int:
    """One notification per distinct active user; returns how many were written."""
    seen: dict[int, Any] = {}
    for user in users:
        if user is not None and user.is_active:
            seen.setdefault(user.pk, user)
    Notification.objects.bulk_create([Notification(user_id=pk, text=text[:300], url=url[:200]) for pk in seen])
    if seen:  # who was told, and about what page; the text may be classified, so it stays out of the log
        audit_record(actor=None, action="notify", detail={"recipients": sorted(seen), "url": url[:200]})
    return len(seen)


def notifications_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when ``ids`` is None)."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    marked = rows.update(read_at=timezone.now())
    if marked:
        audit_record(actor=user, action="notifications_mark_read", detail={"count": marked})
    return marked


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
