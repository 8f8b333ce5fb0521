"""Reading notifications: which ones a user is shown, and their text for that user.

Two checks, consistent with each other:

- in the query (``shown_to``): the classification at send time is within the user's
  clearance now, so the unread count and every list stay one cheap indexed query;
- at render time (``render``): the object is looked up through the kind's visibility
  function. If the user may no longer see it (moved out of their desk's chain,
  reclassified, deleted), the notification stays in the list and the count but says only
  what kind of thing happened, with no title and no link.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from xinxi.notifications.kinds import renderer
from xinxi.notifications.models import Notification, NotificationKind

WITHHELD = "有一条“{label}”通知，相关内容已不在您的查看范围内。"


@dataclass(frozen=True)
class Shown:
    """A notification as one user reads it."""

    notification: Notification
    text: str
    url: str
    available: bool

    @property
    def pk(self) -> int:
        return self.notification.pk

    @property
    def read_at(self) -> Any:
        return self.notification.read_at

    @property
    def created_at(self) -> Any:
        return self.notification.created_at


def shown_to(user: Any) -> QuerySet[Notification]:
    """The user's notifications they may be shown: sent at a classification within their clearance."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Notification.objects.none()
    return Notification.objects.filter(user=user, classification__lte=user.clearance)


def render(user: Any, notifications: Iterable[Notification]) -> list[Shown]:
    """Word each notification for ``user``: one query per kind present, never one per row."""
    rows = list(notifications)
    wanted: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        if row.kind != NotificationKind.LEGACY and row.object_id is not None:
            wanted[row.kind].add(row.object_id)
    found = {kind: renderer(kind).fetch(user, ids) for kind, ids in wanted.items()}
    return [_one(user, row, found.get(row.kind, {})) for row in rows]


def render_one(user: Any, notification: Notification) -> Shown:
    return render(user, [notification])[0]


def _one(user: Any, row: Notification, objects: dict[int, Any]) -> Shown:
    if row.kind == NotificationKind.LEGACY:  # a text snapshot: shown within its classification only
        if row.classification <= user.clearance:
            return Shown(row, str(row.detail.get("text", ""))[:300], row.url, True)
        return _withheld(row)
    obj = objects.get(row.object_id) if row.object_id is not None else None
    if obj is None:
        return _withheld(row)
    return Shown(row, renderer(row.kind).text(obj, row.detail)[:300], row.url, True)


def _withheld(row: Notification) -> Shown:
    return Shown(row, WITHHELD.format(label=row.get_kind_display()), "", False)


def texts_for(user: Any, rows: Sequence[Notification] | None = None) -> list[str]:
    """The texts the user reads in their centre, newest first (for checks and commands)."""
    if rows is None:
        rows = list(shown_to(user).order_by("-created_at", "-id"))
    return [shown.text for shown in render(user, rows)]
