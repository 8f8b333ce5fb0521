"""Sending and reading notifications. Call ``notify`` inside the service's transaction.

``notify`` writes one row per recipient who may see the object now (others get
nothing), in the caller's transaction; after commit it hands the same notifications,
worded per recipient, to the configured channels (``channels.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinxi.audit.services import audit_record
from xinxi.notifications import channels
from xinxi.notifications.kinds import renderer
from xinxi.notifications.models import Notification
from xinxi.notifications.render import render, shown_to


def notify(*, users: Iterable[Any], kind: str, obj: Any, url: str = "", detail: dict[str, Any] | None = None) -> int:
    """Tell each distinct active user who may see ``obj`` that ``kind`` happened to it.

    Returns how many notifications were written. ``detail`` holds the few parameters the
    wording needs beyond the object (a reason, a date); it is shown only with the object.
    """
    about = renderer(kind)
    seen: dict[int, Any] = {}
    for user in users:
        if user is not None and user.is_active and user.pk not in seen:
            seen[user.pk] = user
    recipients = [user for user in seen.values() if about.can_see(user, obj)]
    classification = about.classification(obj)
    rows = Notification.objects.bulk_create(
        [
            Notification(
                user=user, kind=kind, object_id=obj.pk, classification=classification,
                detail=detail or {}, url=url[:200],
            )
            for user in recipients
        ]
    )
    wanted = channels.configured()
    if wanted and rows:
        transaction.on_commit(partial(_deliver, wanted, [row.pk for row in rows]))
    if rows:  # who was told about what; the wording may be classified, so it stays out of the log
        audit_record(
            actor=None, action="notify",
            detail={"kind": kind, "object_id": obj.pk, "recipients": sorted(r.user_id for r in rows), "url": url[:200]},
        )
    return len(rows)


def _deliver(wanted: list[channels.Channel], ids: list[int]) -> None:
    """After commit: word each notification for its recipient and hand them to the channels."""
    messages: list[channels.Message] = []
    rows = Notification.objects.filter(pk__in=ids).select_related("user").order_by("id")
    by_user: dict[int, list[Notification]] = {}
    for row in rows:
        by_user.setdefault(row.user_id, []).append(row)
    for user_rows in by_user.values():
        user = user_rows[0].user
        shown = render(user, [row for row in user_rows if row.classification <= user.clearance])
        messages += [
            channels.Message(s.pk, user, s.notification.kind, s.text, s.url, s.notification.classification)
            for s in shown
            if s.available
        ]
    if messages:
        channels.fan_out(wanted, messages)


def notifications_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones they are shown when ``ids`` is None)."""
    rows = shown_to(user).filter(read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    marked = rows.update(read_at=timezone.now())
    if marked:
        audit_record(actor=user, action="notifications_mark_read", detail={"count": marked})
    return marked


def unread_count(user: Any) -> int:
    """The number on the top bar's badge: one indexed count, the same rows the centre lists."""
    return shown_to(user).filter(read_at__isnull=True).count()
