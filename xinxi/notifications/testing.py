"""Test helpers for notifications (not used by the product)."""

from __future__ import annotations

from typing import Any

from xinxi.lib.choices import Classification
from xinxi.notifications.models import Notification, NotificationKind
from xinxi.notifications.render import texts_for


def told(user: Any, text: str, url: str = "", classification: int = Classification.PUBLIC) -> Notification:
    """A plain text notification (a ``legacy`` row), for tests of the centre itself."""
    return Notification.objects.create(
        user=user, kind=NotificationKind.LEGACY, classification=classification, detail={"text": text}, url=url
    )


def texts(user: Any) -> list[str]:
    """What the user reads in their notification centre, newest first."""
    return texts_for(user)


def text_of(notification: Notification) -> str:
    return texts_for(notification.user, [notification])[0]
