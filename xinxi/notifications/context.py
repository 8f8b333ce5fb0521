"""Template context: the unread count shown in the top bar on every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from xinxi.notifications.services import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    return {"unread_notifications": unread_count(request.user)}
