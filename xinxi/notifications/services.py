"""Sending and reading notifications. Call ``notify`` inside the service's transaction.

``notify`` writes one row per recipient who may see the object now (others get
nothing), in the caller's transaction; after commit it hands the same notifications,
worded per recipient, to the configured channels (``channels.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinxi.audit.services import audit_record, audit_system_records
from xinxi.notifications import channels
from xinxi.notifications.kinds import renderer
from xinxi.notifications.models import Notification
from xinxi.notifications.render import render, shown_to


@dataclass(frozen=True)
class Send:
    """One ``notify`` call, for ``notify_many``."""

    users: Sequence[Any]
    kind: str
    obj: Any
    url: str = ""
    detail: dict[str, Any] | None = None


def notify(*, users: Iterable[Any], kind: str, obj: Any, url: str = "", detail: dict[str, Any] | None = None) -> int:
    """Tell each distinct active user who may see ``obj`` that ``kind`` happened to it.

    Returns how many notifications were written. ``detail`` holds the few parameters the
    wording needs beyond the object (a reason, a date); it is shown only with the object.
    """
    return notify_many(sends=[Send(list(users), kind, obj, url, detail)])[0]


def notify_many(*, sends: Sequence[Send]) -> list[int]:
    """Several ``notify`` calls at once (a sweep's warnings): the same rows, checks and audit rows.

    Visibility is asked once per kind and recipient for all the objects they are told about
    (not once per object), or once per kind for every recipient when the kind's app offers
    ``visible_many``; the rows are written in one insert and handed to the channels
    in one batch after commit. Returns how many were written per send, in order.
    """
    plans: list[tuple[Send, list[Any]]] = []
    wanted: dict[tuple[str, int], set[int]] = defaultdict(set)
    people: dict[int, Any] = {}
    objects: dict[str, dict[int, Any]] = defaultdict(dict)
    for send in sends:
        renderer(send.kind)  # an unknown kind fails before anything is written
        seen: dict[int, Any] = {}
        for user in send.users:
            if user is not None and user.is_active and user.pk not in seen:
                seen[user.pk] = user
        plans.append((send, list(seen.values())))
        objects[send.kind][send.obj.pk] = send.obj
        for pk, user in seen.items():
            wanted[(send.kind, pk)].add(send.obj.pk)
            people[pk] = user
    by_kind: dict[str, dict[int, tuple[Any, set[int]]]] = defaultdict(dict)
    for (kind, pk), ids in wanted.items():
        by_kind[kind][pk] = (people[pk], ids)
    allowed = {
        (kind, pk): ids
        for kind, asked in by_kind.items()
        for pk, ids in renderer(kind).visible_ids_many(asked, objects[kind]).items()
    }
    rows: list[Notification] = []
    counts: list[int] = []
    told: list[dict[str, Any]] = []
    for send, users in plans:
        recipients = [user for user in users if send.obj.pk in allowed[(send.kind, user.pk)]]
        classification = renderer(send.kind).classification(send.obj)
        rows += [
            Notification(
                user=user, kind=send.kind, object_id=send.obj.pk, classification=classification,
                detail=send.detail or {}, url=send.url[:200],
            )
            for user in recipients
        ]
        counts.append(len(recipients))
        if recipients:  # who was told about what; the wording may be classified, so it stays out of the log
            told.append({"kind": send.kind, "object_id": send.obj.pk,
                         "recipients": sorted(u.pk for u in recipients), "url": send.url[:200]})
    if told:
        audit_system_records(action="notify", details=told)
    made = Notification.objects.bulk_create(rows) if rows else []
    wanted_channels = channels.configured()
    if wanted_channels and made:
        transaction.on_commit(partial(_deliver, wanted_channels, [row.pk for row in made]))
    return counts


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
